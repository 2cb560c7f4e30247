"""`seo import-keywords` and `seo keywords`: keyword research from CSV exports, kept per account."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from blogster_cli.actors import ActingUser
from blogster_cli.analytics.keywords import KeywordRow, Rejected, parse_keywords
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import InvalidInput
from blogster_cli.repositories import seo as seo_rows


@dataclass
class KeywordImport:
    """What an import did: a keyword already present (ignoring case) is updated, not duplicated."""

    inserted: int
    updated: int
    rejected: list[Rejected] = field(default_factory=list)


def import_keywords(acting: ActingUser, *, text: str, source: str) -> KeywordImport:
    """All rows of the file in one transaction; unreadable lines are reported, not fatal."""
    try:
        rows, rejected = parse_keywords(text)
    except ValueError as exc:
        raise InvalidInput(f"{source}: {exc}") from None
    unique: dict[str, KeywordRow] = {row.keyword.lower(): row for row in rows}  # the file's last row wins
    with unit_of_work(acting) as conn:
        updated, inserted = seo_rows.upsert_keywords(conn, rows=[asdict(row) for row in unique.values()])
    return KeywordImport(inserted, updated, rejected)


def keywords(acting: ActingUser, *, limit: int = 0) -> list[KeywordRow]:
    with unit_of_work(acting) as conn:
        return [KeywordRow(*row) for row in seo_rows.own_keywords(conn, limit=limit)]
