"""The rules a post obeys, checked before any write: pure, and the one place for them.

Creating, editing, importing and exporting posts all use these, and the schema enforces
the same limits (db/migrations); a service that needs a rule imports it from here, not
from another service.
"""

from __future__ import annotations

import json
import re
from typing import Any

from blogster_cli.content.slugs import (
    ID_SHAPED,
    composed,
    holding,
    invisible_character,
    kept_slug,
    kind_of_refused,
    quoted,
    slugify,
    unusable_because,
    without_invisible,
)
from blogster_cli.errors import InvalidInput
from blogster_cli.text_encoding import is_utf8

MAX_TITLE_CHARS = 500
"""A post's title as stored, its whitespace folded (`check_title`); the TUI's title field holds no more."""
MAX_CONTENT_BYTES = 4 * 1024 * 1024
"""What `blogs_content_size` (0003) allows: octet_length(content::text), the stored JSON document."""
POST_TOO_LARGE = "a post (its stored body and front matter) holds at most 4 MiB"
MAX_EXPORT_BYTES = 256 * 1024 * 1024
"""The largest WordPress export (WXR) read: it is parsed whole (ten or so times its size in memory),
and WordPress splits an export by date range or category."""
EXPORT_TOO_LARGE = (
    "a WordPress export is read up to 256 MiB; export a smaller part (WordPress's export page: by date or category)"
)
BLANK = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Every character str.strip() removes (str.isspace): what `publish_problems` takes as nothing,
for SQL that must agree (btrim(text, BLANK) = '', as 0113's review_publish spells it)."""
# Whitespace in titles, but for the no-break spaces (U+00A0, U+2007, U+202F).
TITLE_WHITESPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")


def stored_size(value: Any) -> int:
    """The bytes `value` takes as jsonb text, which `blogs_content_size` measures: a newline or a
    quote is 2 bytes there, and PostgreSQL writes ", " and ": " between items."""
    encoded = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return len(encoded.encode("utf-8", "surrogatepass"))


def _most_stored(text: str) -> int:
    """The most bytes `stored_size(text)` can be: its quotes, and at most 6 bytes a character (`\\u001f`;
    a character outside the BMP is one here and 4 bytes in UTF-8). Below the limit, no text need be
    encoded to be measured: every text of a post is checked so, its body too."""
    return 6 * len(text) + 2


def post_text(data: bytes, source: str) -> str:
    """A post's bytes from `source` (a file, standard input), read to at most one byte past the
    largest post, as text: InvalidInput naming `source` when larger, or when not UTF-8."""
    if len(data) > MAX_CONTENT_BYTES:
        raise InvalidInput(f"{source}: {POST_TOO_LARGE}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{source}: not UTF-8 text (byte {exc.start})") from None


FRONT_MATTER_KEYS = ("title", "slug", "status", "tags", "description", "featured_image", "draft", "published", "date")
"""Keys that make a block of text a post's front matter (`posts edit` hands out the first six; the
others are common in posts' files): see `check_front_matter_on_top`."""


def check_front_matter_on_top(text: str, *, source: str | None = None) -> None:
    """The rule for a writer's text with front matter (`posts new/edit --from`, `$EDITOR`, the TUI's
    editor): InvalidInput naming the line (after `source: ` when given) when `text` has no front
    matter at its top but a block of front matter keys a little below it, which text typed before
    or after the opening `---` (`Oops---`, `---Oops`, `Oops --- x`, lines above it) pushed down:
    saved, it would be body text (`content.frontmatter.displaced_front_matter` says which blocks count).

    `import` and `sync` do not apply it to a site's files: a generator reads such a file as all body.
    """
    from blogster_cli.content.errors import ContentError
    from blogster_cli.content.frontmatter import displaced_front_matter, split_front_matter

    try:
        if split_front_matter(text).format is not None:
            return
    except ContentError:
        return  # an unclosed block at the top: reading the text says so
    displaced = displaced_front_matter(text, FRONT_MATTER_KEYS)
    if displaced is not None:
        raise InvalidInput(f"{source}: {displaced.problem}" if source else displaced.problem)


def check_content_size(document: dict[str, Any]) -> None:
    """Refuses a content document the database would refuse for its size, in the words it would."""
    if stored_size(document) > MAX_CONTENT_BYTES:
        raise InvalidInput(POST_TOO_LARGE)


def check_text(text: str, what: str) -> str:
    """Rejects what PostgreSQL cannot store (NUL) and texts no post can hold (as stored, escaped)."""
    if "\x00" in text:
        raise InvalidInput(f"{what} contains a NUL character")
    if len(text) > MAX_CONTENT_BYTES or (
        _most_stored(text) > MAX_CONTENT_BYTES and stored_size(text) > MAX_CONTENT_BYTES
    ):
        raise InvalidInput(POST_TOO_LARGE)
    if not is_utf8(text):
        raise InvalidInput(f"{what} is not valid UTF-8")
    return text


def check_title(title: str) -> str:
    """A title as stored: each run of whitespace (newlines, tabs) is one space, none at the ends.

    No-break spaces are kept: writers put them on purpose ("—\u00a0updates"), and they
    break no line or column.
    """
    title = TITLE_WHITESPACE.sub(" ", check_text(title, "the title")).strip()
    if not title:
        raise InvalidInput("a post needs a title")
    if len(title) > MAX_TITLE_CHARS:
        raise InvalidInput(f"a title has at most {MAX_TITLE_CHARS} characters")
    return title


SCAFFOLD_ONLY = "it has no content (only its template's headings and guidance comments)"
"""Why a post `posts new --template` made, never written since, does not go live (`template_scaffold`)."""


def publish_problems(*, title: str, slug: str, markdown: str, from_template: bool = False) -> list[str]:
    """What keeps a post from going live, in the same words on every path that publishes one
    (`publish`, a status change, review's `approve --publish`); `from_template`: the post was made
    from a template, whose scaffold alone is no content (`template_scaffold`)."""
    problems = []
    if not title.strip():
        problems.append("it has no title")
    if not slug.strip():
        problems.append("it has no slug")
    if not markdown.strip():
        problems.append("it has no content")
    elif from_template and template_scaffold(markdown):
        problems.append(SCAFFOLD_ONLY)
    return problems


_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")


def only_headings(markdown: str) -> bool:
    """Whether the body is headings and HTML comments alone, no text of its own. A publish warning,
    not a problem: a post may be nothing but headings on purpose (a template's scaffold with its
    guidance comments is a problem, `template_scaffold`)."""
    lines = [line for line in _COMMENT.sub("", markdown).splitlines() if line.strip(BLANK)]
    return bool(lines) and all(_HEADING.match(line) for line in lines)


def template_scaffold(markdown: str) -> bool:
    """Whether the body is what `posts new --template` scaffolds, unwritten: headings and their
    guidance comments alone (a comment at least; headings alone may be meant, `only_headings`)."""
    return only_headings(markdown) and _COMMENT.search(markdown) is not None


def check_publishable(*, title: str, slug: str, markdown: str, from_template: bool = False) -> None:
    """Refuses (InvalidInput) a post that `publish_problems` finds anything wrong with."""
    problems = publish_problems(title=title, slug=slug, markdown=markdown, from_template=from_template)
    if problems:
        raise InvalidInput(f"'{slug}' cannot be published: {', '.join(problems)}")


def check_explicit_slug(slug: str) -> str:
    """A slug the user typed (`--slug`, a rename), composed (NFC), or InvalidInput (exit 2) saying why not."""
    wanted = composed(slug)
    because = unusable_because(wanted)
    if because is not None:
        raise InvalidInput(f"slug {quoted(slug)} {because}")
    return wanted


CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")
"""The C0 and C1 controls and DEL: no name a command prints may hold one (a tag, an alias, a
template's name), ESC starting the sequences a terminal acts on."""


def normalise_tags(tags: list[str]) -> list[str]:
    """Trimmed, non-empty, first spelling kept, no case-insensitive duplicates.

    Names are stored in their compatibility form (NFKC): a decomposed é (as macOS file names
    write it), the Kelvin sign (K), fullwidth letters (ｒｕｓｔ), ligatures (ﬁ) and superscripts
    (x²) become the plain letters they stand for. They look like (or lower() into) another
    name, spoofing material in a table of tags every account shares (0117); made plain rather
    than refused, so a post imported from a blog that wrote them still comes in.

    A tag holding a character a slug may not hold for showing as nothing or reordering what
    follows (`slugs.invisible_character`: `C` U+200B beside `C`, two tags with a public page each
    that look alike) is refused, InvalidInput; an import drops those characters (`imported_tags`).
    So is one holding a control character (ESC starts the sequences a terminal acts on; the
    whitespace ones are folded) in a typed tag and an imported one alike, rather than leaving it
    to the schema's check, whose message names no tag.
    """
    seen: dict[str, str] = {}
    for tag in tags:
        name = _tag_spelling(tag)
        if not name:
            continue
        if (control := CONTROL_CHARACTER.search(name)) is not None:
            raise InvalidInput(f"tag {quoted(name)} holds the control character U+{ord(control.group()):04X}")
        if (invisible := invisible_character(name)) is not None:
            raise InvalidInput(f"tag {quoted(name)} {holding(invisible)}")
        if len(name) > 64:
            raise InvalidInput(f"tag {name[:20]!r}... is longer than 64 characters")
        seen.setdefault(name.lower(), name)
    return list(seen.values())


def imported_tags(tags: list[str]) -> tuple[list[str], list[str]]:
    """An imported post's tags as stored (`normalise_tags`), and a warning for each tag changed:
    the characters a typed tag may not hold are dropped (a file's `C` U+200B is the `C` it showed),
    as an import makes a new slug where a file's cannot be kept (`import_slug`)."""
    visible: list[str] = []
    warnings: list[str] = []
    for tag in tags:
        name = _tag_spelling(tag)
        if (invisible := invisible_character(name)) is not None:
            shown = _tag_spelling(without_invisible(name))
            made = f"made {shown!r}" if shown else "left out"
            warnings.append(f"tag {quoted(name)} held {kind_of_refused(invisible)} characters; {made}")
            name = shown
        visible.append(name)
    return normalise_tags(visible), warnings


def _tag_spelling(tag: object) -> str:
    """A tag in its compatibility form (NFKC), its whitespace folded: see `normalise_tags`."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", str(tag)).split())


def check_template_name(name: str) -> str:
    """A template's name as saved and looked up, composed (NFC: `Café` typed either way is one
    template), its whitespace folded to single spaces and trimmed (as a tag's: `pay` U+200A `pal`
    is `pay pal`), or InvalidInput (exit 2): a name holding a control character (ESC starts the
    sequences a terminal acts on), a character a slug may not hold (`Listicle` U+200B beside
    `Listicle`), or shaped like an id (`templates show` reads that as the id of another template).
    The schema's blog_templates_name_format check holds the same (0199, 0201)."""
    wanted = " ".join(composed(name).split())
    if not wanted:
        raise InvalidInput("a template needs a name")
    if (control := CONTROL_CHARACTER.search(wanted)) is not None:
        raise InvalidInput(f"template name {wanted!r} holds the control character U+{ord(control.group()):04X}")
    if (invisible := invisible_character(wanted)) is not None:
        raise InvalidInput(f"template name {quoted(wanted)} {holding(invisible)}")
    if ID_SHAPED.match(wanted):
        raise InvalidInput(f"template name {wanted!r} is shaped like an id (commands would read it as that id)")
    return wanted


def keywords_list(keywords: str | list[Any] | None) -> list[str] | None:
    if keywords is None:
        return None
    items = keywords if isinstance(keywords, list) else str(keywords).split(",")
    cleaned = [str(k).strip() for k in items if str(k).strip()]
    return cleaned or None


def import_slug(slug: str | None, title: str) -> tuple[str, bool]:
    """The slug a post is imported under, before de-duplication, and whether it was generated.

    A slug the source states (front matter, Zola path, file name) is kept as written (composed,
    NFC) when `is_usable` (one URL path segment, nothing invisible, not shaped like a post id);
    otherwise, or when there is none, one is made with slugify.
    """
    kept = kept_slug(slug) if slug is not None else None
    if kept is not None:
        return kept, False
    return slugify(slug if slug else title), True
