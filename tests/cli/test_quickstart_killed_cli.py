"""A `blogster quickstart` killed (SIGKILL) after it made the account was never finished: the re-run
found the profile logged in (or the account there) and stopped at "already logged in", so the
database kept no help pages and no chatbot intents, or half the example posts, for good. The re-run
now does the steps the killed run left, and none of them twice.

The kill is real and lands at a chosen step: the child runs the CLI off a terminal (a local account
with a generated password) with one function wrapped to SIGKILL the process.
"""

from __future__ import annotations

import getpass
import json
import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

KILLING = """
import os, signal, sys
from functools import partial
from blogster_cli.cli.entry import main
from blogster_cli.services import chatbot, documentation, imports, sessions

def killing(real, *, after=False):
    def wrapped(*args, **kwargs):
        if not after:
            os.kill(os.getpid(), signal.SIGKILL)
        result = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)
    return wrapped

point = sys.argv[1]
if point == "before-login":  # the account made, the profile not logged in yet
    sessions.login = killing(sessions.login)
elif point == "amid-examples":  # 5 of the 12 example posts committed
    imports.import_paths = partial(imports.import_paths, batch_size=5)
    imports._commit = killing(imports._commit, after=True)
elif point == "before-docs":
    documentation.import_tree = killing(documentation.import_tree)
elif point == "before-intents":  # the help pages published
    chatbot.import_intents = killing(chatbot.import_intents)
sys.argv = ["blogster", "quickstart", "--examples"]
main()
"""


def counts(superuser) -> tuple[int, int, int, int]:
    """Posts, distinct source paths among them, help pages, chatbot intents."""
    return superuser.execute(
        "select (select count(*) from public.blogs), (select count(distinct content -> 'source' ->> 'path') from public.blogs),"
        " (select count(*) from public.documentation_pages), (select count(*) from public.chatbot_intents)"
    ).fetchone()


@pytest.mark.parametrize("point", ["before-login", "amid-examples", "before-docs", "before-intents"])
def test_a_quickstart_killed_after_making_the_account_is_finished_by_the_next(cli, db, superuser, point):
    environment = {**os.environ, "BLOGSTER_DATABASE_URL": db.conninfo}
    killed = subprocess.run(
        [sys.executable, "-c", KILLING, point], cwd=REPO_ROOT, env=environment, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    posts_left = counts(superuser)[0]
    assert posts_left == {"before-login": 0, "amid-examples": 5}.get(point, 12)

    again = cli("quickstart", "--examples", "--json")
    assert again.exit_code == 0, again.stderr
    report = again.json()
    assert report["email"] == f"{getpass.getuser()}@localhost" and report["account_created"] is False
    posts, paths, pages, intents = counts(superuser)
    assert posts == paths == 12  # the killed run's posts found again, none doubled
    assert pages > 20 and intents > 0
    assert any("stopped before it was done" in step for step in report["steps"]), report["steps"]
    assert report["examples_imported"] == 12 - posts_left
    assert report["docs_imported"] == pages and report["intents_imported"] == intents

    finished = cli("quickstart", "--examples", "--json")  # finished: as fast and as quiet as ever
    assert finished.json()["steps"][-1].startswith("already logged in as ")
    assert (finished.json()["docs_imported"], finished.json()["intents_imported"]) == (0, 0)
    assert counts(superuser) == (posts, paths, pages, intents)


def test_a_quickstart_that_made_no_account_leaves_nothing_to_finish(cli, isolated_environment):
    """The mark goes with the signup that failed: an account of that email made later (by an
    administrator, say) is not taken for one this profile's quickstart left half set up."""
    refused = cli("quickstart", "--email", "not an email", "--password-stdin", input="s3cret-enough-password\n")
    assert refused.exit_code == 2, refused.stderr
    stored = json.loads((isolated_environment / "credentials.json").read_text())
    assert not any(key.endswith(":quickstart-unfinished") for key in stored)
