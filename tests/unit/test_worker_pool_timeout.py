"""The queue's pool (psycopg_pool, under procrastinate) gives up with a PoolTimeout that has no text
when its connection checks kept failing (connections the server ended while idle), wrapped in one
that has. The runner reads a database loss down to the deepest error of the chain: that one is a
loss too (the worker starts again once the database answers), not a crash of the whole worker on
an error without a first line ("unexpected failure: list index out of range", exit 1)."""

from __future__ import annotations

from procrastinate.exceptions import ConnectorException
from psycopg_pool import PoolTimeout

from blogster_cli.db.errors import translate
from blogster_cli.errors import DatabaseUnavailable
from blogster_cli.workers.runner import database_loss


def _gave_up() -> ConnectorException:
    """The chain procrastinate raised: ConnectorException from PoolTimeout(text) from None, whose
    context is psycopg_pool's inner PoolTimeout() (psycopg_pool.AsyncConnectionPool.getconn)."""
    try:
        try:
            try:
                raise PoolTimeout()
            except PoolTimeout:
                raise PoolTimeout("couldn't get a connection after 5.00 sec") from None
        except PoolTimeout as exc:
            raise ConnectorException from exc
    except ConnectorException as outer:
        return outer


def test_a_pool_that_gave_up_on_its_checks_is_a_database_loss_for_the_runner():
    assert database_loss(_gave_up()) == "lost the database connection: PoolTimeout"


def test_a_driver_error_without_text_is_translated_by_its_kind():
    translated = translate(PoolTimeout())
    assert isinstance(translated, DatabaseUnavailable)
    assert str(translated) == "lost the database connection: PoolTimeout"
