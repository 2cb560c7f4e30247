"""Work done for every account in turn, each as that account: the workers' scheduled jobs
and the `blogster workers ...` commands cron runs.

One account's failure stops only that account's share. Its rows are its own to shape (a
calendar entry at the largest sequence number, a date far in the future) and its login may
hold a lock on them for as long as it likes; neither may keep the job from the accounts after
it; nor may a bug its data meets (an error Blogster did not foresee, logged with its traceback).
Their failures are returned with the results, for the caller to log or report; the account's
own work is retried on the next run. Only a lost server stops the whole run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from uuid import UUID

from blogster_cli.actors import ActingUser, Actor, Timeouts
from blogster_cli.db.connection import Database
from blogster_cli.errors import BlogsterError, DatabaseUnavailable

log = logging.getLogger("blogster.every_account")
Result = TypeVar("Result")


@dataclass(frozen=True)
class AccountFailure:
    """Why one account's share of the work did not happen (its account id, the error's line)."""

    account: UUID
    error: str


@dataclass
class EveryAccount(Generic[Result]):
    """Each account's result, in order, and the accounts whose share failed."""

    results: list[Result] = field(default_factory=list)
    failures: list[AccountFailure] = field(default_factory=list)


def for_every_account(
    db: Database, accounts: Iterable[UUID], work: Callable[[ActingUser], Result], *, timeouts: Timeouts
) -> EveryAccount[Result]:
    """Runs `work` as each account in turn, within the configured `timeouts` (a lock an account
    holds costs the run at most lock_ms); an account's error is recorded and logged, and the
    next account goes on (a DatabaseUnavailable ends the run: the next would fail too)."""
    outcome: EveryAccount[Result] = EveryAccount()
    for account in accounts:
        try:
            outcome.results.append(work(ActingUser(db, Actor(user_id=account, email=""), timeouts)))
        except DatabaseUnavailable:
            raise
        except BlogsterError as exc:
            log.warning("account %s: %s", account, exc)
            outcome.failures.append(AccountFailure(account, str(exc)))
        except Exception as exc:  # a bug this account's data meets: the accounts after it go on
            log.exception("account %s: unexpected failure", account)
            first_line = (str(exc).strip().splitlines() or [""])[0]
            outcome.failures.append(AccountFailure(account, f"unexpected failure: {type(exc).__name__}: {first_line}"))
    return outcome
