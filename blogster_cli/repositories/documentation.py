"""Documentation categories, pages and revisions; the search function. RLS decides visibility."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from blogster_cli.db.errors import raise_translated
from blogster_cli.db.orm import driver_connection
from blogster_cli.models.system import DocumentationCategory, DocumentationPage, DocumentationRevision


def categories(session: Session) -> list[DocumentationCategory]:
    statement = select(DocumentationCategory).order_by(
        col(DocumentationCategory.order_position), col(DocumentationCategory.name)
    )
    return list(session.exec(statement).all())


def find_category(session: Session, *, ref: str) -> DocumentationCategory | None:
    """By slug, or by name ignoring case."""
    from sqlalchemy import func, or_

    statement = select(DocumentationCategory).where(
        or_(col(DocumentationCategory.slug) == ref, func.lower(DocumentationCategory.name) == ref.lower())
    )
    return session.exec(statement).first()


def save_category(
    session: Session, *, slug: str, name: str, parent_id: UUID | None, order_position: int,
    leave: Collection[UUID] = (),
) -> DocumentationCategory:  # fmt: skip
    """Creates the category of this slug, or moves and renames it (one of `leave` stays as it is)."""
    category = session.exec(select(DocumentationCategory).where(DocumentationCategory.slug == slug)).first()
    category = stage_category(session, category, slug=slug, name=name, parent_id=parent_id,
                              order_position=order_position, leave=leave)  # fmt: skip
    session.flush()
    return category


def categories_by_slug(session: Session, *, slugs: Collection[str]) -> dict[str, DocumentationCategory]:
    """The categories of these slugs (one query: an import looks up every folder's)."""
    if not slugs:
        return {}
    statement = select(DocumentationCategory).where(col(DocumentationCategory.slug).in_(list(slugs)))
    return {category.slug: category for category in session.exec(statement).all()}


def stage_category(
    session: Session, category: DocumentationCategory | None, *, slug: str, name: str, parent_id: UUID | None,
    order_position: int, leave: Collection[UUID] = (),
) -> DocumentationCategory:  # fmt: skip
    """save_category for a category already looked up (None: there is none of this slug), written
    at the next flush: an import stages a level of its folders and flushes them together."""
    if category is not None and category.id in leave:
        return category
    if category is None:
        category = DocumentationCategory(slug=slug, name=name)
    category.name, category.parent_id, category.order_position = name, parent_id, order_position
    session.add(category)
    return category


def pages(session: Session, *, status: str | None = None, category_id: UUID | None = None) -> list[DocumentationPage]:
    statement = select(DocumentationPage).order_by(col(DocumentationPage.slug))
    if status is not None:
        statement = statement.where(DocumentationPage.status == status)
    if category_id is not None:
        statement = statement.where(DocumentationPage.category_id == category_id)
    return list(session.exec(statement).all())


def find_page(session: Session, *, slug: str) -> DocumentationPage | None:
    return session.exec(select(DocumentationPage).where(DocumentationPage.slug == slug)).first()


def page_slugs_between(session: Session, *, slug_lengths: tuple[int, int], name_lengths: tuple[int, int]) -> list[str]:
    """The slugs of the pages I can read that are `slug_lengths` (shortest, longest) characters long,
    or whose name (the part after the last '/') is `name_lengths` long: the candidates for a "did you
    mean" after a mistyped slug, or one given without its folders (content/slugs.comparable_lengths)."""
    from sqlalchemy import and_, func, or_

    slug = col(DocumentationPage.slug)
    length, name_length = func.char_length(slug), func.char_length(func.regexp_replace(slug, "^.*/", ""))
    statement = select(DocumentationPage.slug).where(
        or_(
            and_(length >= slug_lengths[0], length <= slug_lengths[1]),
            and_(name_length >= name_lengths[0], name_length <= name_lengths[1]),
        )
    )
    return list(session.exec(statement).all())


def tag_in_use(session: Session, *, tag: str) -> bool:
    """Whether a page I can read has this tag (as written: the search's filter compares it so)."""
    statement = select(DocumentationPage.id).where(col(DocumentationPage.tags).contains([tag])).limit(1)
    return session.exec(statement).first() is not None


def tags(session: Session) -> list[str]:
    """Every tag of the pages I can read, once each."""
    from sqlalchemy import func

    statement = select(func.unnest(DocumentationPage.tags)).distinct()
    return [str(tag) for tag in session.exec(statement).all()]


def save_page(session: Session, page: DocumentationPage) -> DocumentationPage:
    session.add(page)
    session.flush()
    session.refresh(page)
    return page


def save_pages(session: Session, pages: Iterable[DocumentationPage]) -> None:
    """Writes these pages (new or changed) in one flush: batched INSERTs and UPDATEs, not a
    statement and a read-back per page. Unlike save_page, nothing is read back (the triggers'
    columns, search_vector and updated_at, stay as they were on the objects)."""
    session.add_all(pages)
    session.flush()


class ImportRaced(Exception):
    """Another import committed a slug this one was writing, after this one read the pages (two
    imports of one folder at once): this one's plan is stale, so it is run again against them."""


# The keys another import's pages and categories hold: an import plans around every stored slug,
# so a clash on one of these at write time means a slug committed since it read them.
_SLUG_KEYS = frozenset({"documentation_pages_slug_key", "documentation_categories_slug_key"})


def _raced(exc: DBAPIError) -> bool:
    import psycopg

    orig = exc.orig
    return isinstance(orig, psycopg.errors.UniqueViolation) and orig.diag.constraint_name in _SLUG_KEYS


@contextmanager
def racing_imports() -> Iterator[None]:
    """Around an import's unit of work: a clash on a slug (_SLUG_KEYS) becomes ImportRaced.

    Not a lock: the table locks an import could take need privileges user roles lack (0010), and
    any login may hold any advisory lock, so an author could keep every import waiting."""
    try:
        yield
    except DBAPIError as exc:
        if _raced(exc):
            raise ImportRaced from exc
        raise


# SQLSTATE classes and codes after which the transaction, not one page, is at fault: connection
# lost, transaction state (read only), rolled back (serialization, deadlock), out of resources,
# cancelled or timed out, system errors: every other page would fail the same way, or worse.
_UNIT_ENDING = ("08", "25", "40", "53", "55P03", "57", "58", "XX")


@contextmanager
def page_savepoint(session: Session) -> Iterator[None]:
    """A savepoint for pages being written. A database error of theirs (a constraint, a value, a
    trigger's refusal) is rolled back to it and raised translated, a BlogsterError, so the import
    reports the page and goes on; one that ends the transaction (_UNIT_ENDING) is raised as it is."""
    import psycopg

    try:
        with session.begin_nested():
            yield
    except DBAPIError as exc:
        sqlstate = getattr(exc.orig, "sqlstate", None)
        if _raced(exc):  # not the page's fault: racing_imports runs the import again
            raise
        # psycopg's DataError without a SQLSTATE: a value it refused to send (a NUL in a text)
        if isinstance(exc.orig, psycopg.DataError) or (sqlstate and not sqlstate.startswith(_UNIT_ENDING)):
            raise_translated(exc)
        raise


def delete_page(session: Session, *, page_id: UUID) -> bool:
    """Through public.delete_rows, the one way user roles delete (their DELETE policies apply)."""
    deleted = session.execute(
        text("select public.delete_rows('public.documentation_pages', array[cast(:id as uuid)])"), {"id": str(page_id)}
    ).all()
    return len(deleted) == 1


def revisions(session: Session, *, page_id: UUID) -> list[DocumentationRevision]:
    statement = (
        select(DocumentationRevision)
        .where(DocumentationRevision.page_id == page_id)
        .order_by(col(DocumentationRevision.created_at), col(DocumentationRevision.id))
    )
    return list(session.exec(statement).all())


def search(
    session: Session, *, query: str, category: str | None, tag: str | None, limit: int, include_drafts: bool
) -> list[dict[str, Any]]:
    """public.search_documentation, straight on the driver (the hot path)."""
    cursor = driver_connection(session).execute(
        "select page_id, slug, title, path, category, status::text, score, snippet"
        " from public.search_documentation(%s, %s, %s, %s, %s)",
        (query, category, tag, limit, include_drafts),
    )
    names = [d.name for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def vocabulary_near(session: Session, *, word: str, include_drafts: bool) -> list[tuple[str, int]]:
    rows = driver_connection(session).execute(
        "select lexeme, pages from public.documentation_vocabulary_near(%s, %s)", (word, include_drafts)
    )
    return [(lexeme, pages) for lexeme, pages in rows.fetchall()]


def spellings(session: Session, *, words: list[str], include_drafts: bool) -> list[tuple[str, int, int]]:
    """Of `words` (as written), those whose stem pages I can read hold, in some page language in
    use: (word, how many pages hold its stem, in how many of the first 20 of them it is written)."""
    rows = driver_connection(session).execute(
        "select word, pages, written from public.documentation_spellings(%s, %s)", (words, include_drafts)
    )
    return [(word, pages, written) for word, pages, written in rows.fetchall()]


def word_forms(session: Session, *, word: str) -> list[str]:
    """`word` as each page language in use indexes it (none for a stop word in every language)."""
    rows = driver_connection(session).execute(
        "select distinct lexeme from public.documentation_word_forms(%s) order by lexeme", (word,)
    )
    return [lexeme for (lexeme,) in rows.fetchall()]


def stop_words(session: Session, *, words: list[str]) -> set[str]:
    """Of `words`, those a page language in use skips as a stop word: its configuration indexes
    nothing of the word, which the unstemmed one keeps ("how" in English, "und" in German). The
    configurations in use are those documentation_word_forms stems a word of no stop list in."""
    rows = driver_connection(session).execute(
        "select w from pg_catalog.unnest(%s::text[]) w"
        " where pg_catalog.length(pg_catalog.to_tsvector('simple', w)) > 0 and exists ("
        "  select 1 from (select distinct search_config from public.documentation_word_forms(%s)) c"
        "  where pg_catalog.length(pg_catalog.to_tsvector(c.search_config, w)) = 0)",
        (words, _NEVER_A_STOP_WORD),
    )
    return {word for (word,) in rows.fetchall()}


# A made-up word no language stops: it has a form in every page language in use.
_NEVER_A_STOP_WORD = "blogster"


def text_as_read(session: Session, *, page_id: UUID) -> str:
    """A page's markdown with its include lines replaced by their text: public.documentation_text,
    as search indexes it."""
    row = (
        driver_connection(session)
        .execute("select public.documentation_text(content) from public.documentation_pages where id = %s", (page_id,))
        .fetchone()
    )
    return str(row[0]) if row and row[0] is not None else ""


def surface_form(session: Session, *, lexeme: str) -> str | None:
    """A word as written in a visible page that indexes as `lexeme` (for showing a suggestion), read
    in the page's text as its search index has it (links without their targets, no markup: 0139)."""
    row = (
        driver_connection(session)
        .execute(
            "select (regexp_match(ts_headline(p.search_config,"
            " public.documentation_plain_text(left(public.documentation_text(p.content), 250000)), q,"
            " 'StartSel=⟦, StopSel=⟧, MaxWords=3, MinWords=1'), '⟦([^⟧]+)⟧'))[1]"
            " from public.documentation_pages p, plainto_tsquery('simple', %s) q where p.search_vector @@ q limit 1",
            (lexeme,),
        )
        .fetchone()
    )
    return row[0] if row else None
