"""serve-workers' log lines: the database going away is one line at WARNING, whoever logs it
(the job queue library logs it with the driver's traceback); any other error keeps its traceback."""

from __future__ import annotations

import logging

import psycopg
from procrastinate.exceptions import ConnectorException

from blogster_cli.errors import DatabaseUnavailable
from blogster_cli.services.workers import database_loss
from blogster_cli.workers.runner import _OneLineDatabaseLoss

REFUSED = 'connection is bad: connection to server on socket "/run/x/.s.PGSQL.5432" failed: Connection refused\n\tIs the server running?'


def wrapped(cause: BaseException) -> BaseException:
    try:
        try:
            raise cause
        except Exception as exc:
            raise ConnectorException from exc
    except ConnectorException as outer:
        return outer


def formatted(name: str, level: int, message: str, exc: BaseException) -> str:
    record = logging.LogRecord(name, level, __file__, 1, message, None, (type(exc), exc, exc.__traceback__))
    return _OneLineDatabaseLoss("%(levelname)s %(name)s: %(message)s").format(record)


def test_a_lost_connection_under_the_queue_library_is_one_warning_line():
    line = formatted(
        "procrastinate.worker.worker",
        logging.ERROR,
        "Side task listener failed with exception: \n    Database error.\n    , stopping worker",
        wrapped(psycopg.OperationalError(REFUSED)),
    )
    assert line == (
        "WARNING procrastinate.worker.worker: Side task listener failed with exception: Database error. ,"
        " stopping worker (lost the database connection: connection is bad: connection to server on socket"
        ' "/run/x/.s.PGSQL.5432" failed: Connection refused)'
    )


def test_other_errors_keep_their_level_and_traceback():
    line = formatted("procrastinate.worker", logging.ERROR, "Job failed", wrapped(ValueError("a bug")))
    assert line.startswith("ERROR procrastinate.worker: Job failed\nTraceback") and "ValueError: a bug" in line
    assert database_loss(wrapped(psycopg.errors.UniqueViolation("duplicate key"))) is None


def test_database_loss_reads_through_wrappers_and_blogsters_own_error():
    assert database_loss(DatabaseUnavailable("cannot connect to the database: refused")) == (
        "cannot connect to the database: refused"
    )
    assert database_loss(wrapped(psycopg.errors.AdminShutdown("terminating connection"))) == (
        "lost the database connection: terminating connection"  # the database layer's words (57P01)
    )
    assert database_loss(ValueError("x")) is None
