"""How front matter (and file paths) map to a post's fields, for every dialect.

Import reads posts with `map_metadata`; export uses the same function to check that what
it writes reads back as the post's current values, and `find_key` to update keys where
they already are. Key names match case-insensitively (Hugo ignores case); the first key
found wins, in the order listed. Values that are null or "" count as absent.

| field            | keys (first found)                                     | also                         |
|------------------|--------------------------------------------------------|------------------------------|
| title            | title                                                  | first `# heading`, file name |
| date             | date (Hugo: publishDate, pubDate, published (a date),  | Jekyll: file-name date;      |
|                  | then date, when Hugo publishes it; Astro: pubDate,     | Zola: `path` date, file name |
|                  | date, publishDate, published (a date))                 |                              |
| slug             | slug (Zola: path's last segment first)                 | file name or bundle folder   |
| status           | draft: true, published: false, or a `status` other     | Jekyll `_drafts/` and plain  |
|                  | than published/publish -> draft (any one is enough);   | markdown -> draft; else      |
|                  | Hugo: an expiryDate (unpublishDate) passed, or at or   | published, or scheduled when |
|                  | before the date -> draft (`hugo_never_builds`)         | dated in the future          |
| tags             | tags, then taxonomies.tags                             | Jekyll: a string splits on blanks |
| categories       | categories, category, then taxonomies.categories      |                              |
| meta_description | description, summary, excerpt                         | also under extra/params      |
| meta_keywords    | keywords (a list is joined with ", ")                  | also under extra/params      |
| featured_image   | image, cover, featured_image, featuredImage, heroImage | a table's image/src/url/path; also under extra/params |
"""

import posixpath
import unicodedata
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo
from pathlib import PurePosixPath
from typing import Any, Literal

from blogster_cli.content.dates import dated_name, day_start, placed, written_date, zola_path_date
from blogster_cli.content.errors import ContentError, DateParseError
from blogster_cli.content.frontmatter import Metadata
from blogster_cli.file_names import NAME_MAX_BYTES, fitted_name, name_bytes

Dialect = Literal["hugo", "jekyll", "zola", "astro", "markdown"]
Status = Literal["draft", "published", "scheduled"]  # scheduled: due at its date (`_status`, WordPress's future)
Origin = Literal["key", "path_key", "file_name"]  # where a slug or date was read from

DIALECTS: tuple[Dialect, ...] = ("hugo", "jekyll", "zola", "astro", "markdown")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")  # MDX: Astro posts, read as markdown
BUNDLE_INDEX_STEMS = ("index", "_index")

TITLE_KEYS = ("title",)
SLUG_KEYS = ("slug",)
DRAFT_KEYS = ("draft",)
PUBLISHED_KEYS = ("published",)
STATUS_KEYS = ("status",)
PUBLISHED_STATUSES = ("published", "publish")
TAG_KEYS = ("tags",)
CATEGORY_KEYS = ("categories", "category")
DESCRIPTION_KEYS = ("description", "summary", "excerpt")
KEYWORD_KEYS = ("keywords",)
IMAGE_KEYS = ("image", "cover", "featured_image", "featuredImage", "heroImage")
IMAGE_TABLE_KEYS = ("image", "src", "url", "path")  # path: jekyll-seo-tag's `image: {path, alt}`
# Hugo's: when it publishes the page (its `publishDate`, whose aliases are `pubDate` and `published`,
# falling back to `date`): the moment a post goes live is the one date a post holds
# (`post_steps.publication`), so a later publishDate (an embargo) schedules it. Its `date` alone is
# what its pages show; `lastmod` is not read. A `published` that holds no date (`false` is a
# status, `stated_status`) is passed over, as Hugo's date chain does (`find_date`).
DATE_KEYS: dict[str, tuple[str, ...]] = {
    "hugo": ("publishDate", "pubDate", "published", "date"),
    "astro": ("pubDate", "date", "publishDate", "published"),  # published: some themes' (Fuwari's) date
}
DEFAULT_DATE_KEYS = ("date",)
ALL_DATE_KEYS = ("date", "pubDate", "publishDate")
EXPIRY_KEYS = ("expiryDate", "unpublishDate")  # Hugo's: past it, Hugo builds no page of the post
# Where Hugo (params) and Zola (extra) keep custom fields, and Zola its taxonomies.
CUSTOM_TABLES = ("extra", "params")
TAXONOMY_TABLE = "taxonomies"
ZOLA_PATH_KEY = "path"


@dataclass
class MappedPost:
    """A post's fields as one source file states them."""

    title: str
    slug: str | None
    slug_origin: Origin | None
    date: datetime | None
    date_origin: Origin | None
    date_text: str | None
    status: Status
    tags: list[str]
    categories: list[str]
    meta_description: str | None
    meta_keywords: str | None
    featured_image: str | None
    # the date as written when it states no offset (a naive wall time; `date` is it in the zone it
    # was read in), which reads as another moment in another zone: None when it states one
    floating: datetime | None = None
    # Hugo's expiryDate: passed, the post is a draft (`_status`); Blogster takes no post down at a date
    expiry: datetime | None = None

    @property
    def all_tags(self) -> list[str]:
        """Tags then categories, without repeats (compared case-insensitively)."""
        return unique_terms(self.tags + self.categories)


@dataclass(frozen=True)
class Found:
    """Where a field was found: `container[key]`, and for image tables the inner key."""

    container: MutableMapping[Any, Any]
    key: str
    inner_key: str | None = None

    @property
    def value(self) -> Any:
        value = self.container[self.key]
        return value[self.inner_key] if self.inner_key is not None else value


def find_date(values: Mapping[Any, Any], dialect: str) -> Found | None:
    """Where the front matter states the post's date in `dialect` (`DATE_KEYS`): the first of its
    keys present; a `published` (Hugo's alias) only when it holds a date, as Hugo reads it."""
    for name in DATE_KEYS.get(dialect, DEFAULT_DATE_KEYS):
        found = find_key([values], (name,))
        if found is not None and (name not in PUBLISHED_KEYS or holds_date(found.value)):
            return found
    return None


def holds_date(value: Any) -> bool:
    """Whether a front matter value is a date (not a flag: `published: false` is a status)."""
    if truthy(value) is not None:
        return False
    try:
        written_date(value)
    except DateParseError:
        return False
    return True


def new_date_key(dialect: str) -> str:
    """The key export writes a date under when the front matter has none: Astro's `pubDate`, else
    `date` (Hugo's too: it reads `date` as the publish date when no publishDate is written)."""
    return "pubDate" if dialect == "astro" else DEFAULT_DATE_KEYS[0]


def present(value: Any) -> bool:
    return value is not None and value != ""


def find_key(
    containers: list[Mapping[Any, Any]], names: tuple[str, ...], accept: type | tuple[type, ...] = object
) -> Found | None:
    """The first present value under one of `names`, searching containers in order.
    (Each name is lower-cased once, not once per key: export calls this dozens of times a post.)"""
    for container in containers:
        for name in names:
            wanted = name.lower()
            for key, value in container.items():
                if isinstance(key, str) and key.lower() == wanted and present(value):
                    if isinstance(value, accept):
                        return Found(container, key)  # type: ignore[arg-type]
    return None


def tables(values: Mapping[Any, Any], names: tuple[str, ...]) -> list[Mapping[Any, Any]]:
    """`values` followed by those of its tables named `names` (exact key) that are mappings."""
    nested = [values[name] for name in names if isinstance(values.get(name), Mapping)]
    return [values, *nested]


def find_image(values: Mapping[Any, Any]) -> Found | None:
    for container in tables(values, CUSTOM_TABLES):
        for name in IMAGE_KEYS:
            found = find_key([container], (name,))
            if found is None:
                continue
            value = found.value
            if isinstance(value, Mapping):
                inner = find_key([value], IMAGE_TABLE_KEYS, str)
                if inner is not None:
                    return Found(found.container, found.key, inner.key)
            elif isinstance(value, str):
                return found
    return None


def map_metadata(
    values: Mapping[Any, Any],
    body: str,
    path: PurePosixPath | None,
    dialect: str,
    default_tz: tzinfo = UTC,
    metadata: Metadata | None = None,
    *,
    strict_expiry: bool = False,
) -> MappedPost:
    """Read a post's fields from its front matter `values`, body and relative path.

    `strict_expiry`: a Hugo expiryDate that is no date fails the read (import's, of a file);
    otherwise it is no expiry, the key left as written (export's, of front matter stored before
    import read expiryDate: it must still export)."""
    date, date_origin, date_text, floating = _date(values, path, dialect, default_tz, metadata)
    expiry = expiry_date(values, dialect, default_tz, strict=strict_expiry)
    slug, slug_origin = _slug(values, path, dialect)
    return MappedPost(
        title=_title(values, body, path, dialect),
        slug=slug,
        slug_origin=slug_origin,
        date=date,
        date_origin=date_origin,
        date_text=date_text,
        status=_status(values, path, dialect, date, expiry),
        tags=_terms(values, TAG_KEYS, split_words=dialect == "jekyll"),
        categories=_terms(values, CATEGORY_KEYS, split_words=dialect == "jekyll"),
        meta_description=_text(find_key(tables(values, CUSTOM_TABLES), DESCRIPTION_KEYS)),
        meta_keywords=_keywords(find_key(tables(values, CUSTOM_TABLES), KEYWORD_KEYS)),
        featured_image=_text(find_image(values)),
        floating=floating,
        expiry=expiry,
    )


def _title(values: Mapping[Any, Any], body: str, path: PurePosixPath | None, dialect: str) -> str:
    found = find_key([values], TITLE_KEYS)
    if found is not None:
        return _scalar(found.key, found.value)
    heading = first_heading(body)
    if heading is not None:
        return heading
    if path is None:
        return "Untitled"
    name = name_slug(path, dialect)
    return name.replace("-", " ").replace("_", " ").strip() or name or "Untitled"


def first_heading(body: str) -> str | None:
    """The text of the first level-1 ATX heading outside fenced code, if any."""
    fence: str | None = None
    for line in body.splitlines():
        stripped = line.lstrip(" \t")
        if stripped.startswith(("```", "~~~")):
            fence = None if fence == stripped[:3] else (fence or stripped[:3])
            continue
        if fence is None and (stripped == "#" or stripped.startswith(("# ", "#\t"))) and line == stripped:
            text = stripped[1:].strip(" \t")
            closing = text.rstrip("#")
            if closing != text and (closing == "" or closing.endswith((" ", "\t"))):
                text = closing.rstrip(" \t")
            if text:
                return text
    return None


def _bare_stem(path: PurePosixPath) -> str:
    return path.stem if path.suffix.lower() in MARKDOWN_SUFFIXES else path.name


def is_bundle(path: PurePosixPath) -> bool:
    """A page bundle: `<slug>/index.md` (or `_index.md`), named by its folder."""
    return _bare_stem(path) in BUNDLE_INDEX_STEMS and bool(path.parent.name)


def normalised_relative(path: str) -> str | None:
    """An unsafe source path made relative: `/etc/x.md` -> `etc/x.md`, `../../x.md` -> `x.md`."""
    cleaned = posixpath.normpath(path.replace("\\", "/").replace("\x00", "")).lstrip("/")
    parts = [part for part in cleaned.split("/") if part not in ("..", ".", "")]
    return "/".join(parts) or None


def numbered_path(path: PurePosixPath, n: int) -> PurePosixPath:
    """`a/x.md` -> `a/x-2.md`; a bundle `a/x/index.md` -> `a/x-2/index.md` (a name that would
    then pass 255 bytes cut to fit, `file_names.fitted_name`)."""
    if is_bundle(path):
        return path.parent.parent / fitted_name(f"{path.parent.name}-{n}") / path.name
    return path.parent / fitted_name(f"{path.stem}-{n}", path.suffix)


def fitted_path(path: PurePosixPath) -> PurePosixPath:
    """`path` with each name longer than 255 bytes cut to fit (`file_names.fitted_name`; a file
    keeps its suffix): the name no longer gives the slug, which export then states."""
    if all(name_bytes(part) <= NAME_MAX_BYTES for part in path.parts):
        return path
    folders = [fitted_name(part) for part in path.parts[:-1]]
    markdown = path.suffix.lower() in MARKDOWN_SUFFIXES
    return PurePosixPath(*folders, fitted_name(path.stem, path.suffix) if markdown else fitted_name(path.name))


def folded_path(path: str) -> str:
    """`path` as a disk that ignores case and Unicode normal form sees it (macOS and Windows by
    default): paths that fold alike are one file there (`Café.md` and `cafe\u0301.md`, `Rust/`
    and `rust/`), so what Blogster writes holds one of them, whichever machine writes it."""
    if path.isascii():
        return path.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", path).casefold())


def file_stem(path: PurePosixPath) -> str:
    """The name a file gives a post: its stem, or its folder's name for a bundle."""
    return path.parent.name if is_bundle(path) else _bare_stem(path)


def name_date_separators(dialect: str) -> str:
    """Separators after a date at the start of a file name: Jekyll `-`, Zola `-` or `_`."""
    return {"jekyll": "-", "zola": "-_"}.get(dialect, "")


def name_slug(path: PurePosixPath, dialect: str) -> str:
    """The slug a file name gives: its stem (or bundle folder), without a Jekyll/Zola date."""
    stem = file_stem(path)
    dated = dated_name(stem, name_date_separators(dialect))
    return dated.rest if dated is not None else stem


def read_slug(values: Mapping[Any, Any], path: PurePosixPath | None, dialect: str) -> str | None:
    """The slug `map_metadata` reads, alone: no other field is parsed (a date another dialect
    reads from another key may not parse)."""
    return _slug(values, path, dialect)[0]


def _slug(values: Mapping[Any, Any], path: PurePosixPath | None, dialect: str) -> tuple[str | None, Origin | None]:
    if dialect == "zola":
        zola_path = find_key([values], (ZOLA_PATH_KEY,), str)
        if zola_path is not None:
            segment = zola_path.value.strip("/").rsplit("/", 1)[-1]
            if segment:
                return segment, "path_key"
    found = find_key([values], SLUG_KEYS)
    if found is not None:
        return str(found.value), "key"
    if path is not None:
        return name_slug(path, dialect), "file_name"
    return None, None


def _date(
    values: Mapping[Any, Any],
    path: PurePosixPath | None,
    dialect: str,
    default_tz: tzinfo,
    metadata: Metadata | None,
) -> tuple[datetime | None, Origin | None, str | None, datetime | None]:
    """The date, where it was read from, its text and, when it states no offset, its wall time."""
    found = find_date(values, dialect)
    if found is not None:
        value = found.value
        try:
            written = written_date(value)
            moment = placed(written, default_tz, value)
        except DateParseError as error:
            raise DateParseError(f"{found.key}: {error}") from None
        text = metadata.text_of(value) if metadata is not None else None
        if text is None:
            text = value if isinstance(value, str) else value.isoformat()
        return moment, "key", text, written if written.tzinfo is None else None
    if dialect == "zola":
        zola_path = find_key([values], (ZOLA_PATH_KEY,), str)
        dated = zola_path_date(zola_path.value) if zola_path is not None else None
        if dated is not None:
            return day_start(dated.day, default_tz), "path_key", dated.text, datetime.combine(dated.day, time())
    if path is not None:
        dated = dated_name(file_stem(path), name_date_separators(dialect))
        if dated is not None:
            return day_start(dated.day, default_tz), "file_name", dated.text, datetime.combine(dated.day, time())
    return None, None, None, None


def truthy(value: Any) -> bool | None:
    """A front matter boolean: YAML/TOML booleans or the strings true/false/yes/no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
        return value.strip().lower() in ("true", "yes")
    return None


def stated_status(values: Mapping[Any, Any]) -> str | None:
    """The status front matter states, or None when it says nothing: `draft: true` or
    `published: false` make a draft; else a `status` text (lower case, `publish` read as
    `published`; other values such as `archived` as written); else `draft: false` or
    `published: true` mean published. Import and `blogs edit`/`new --from` both use it."""
    draft = find_key([values], DRAFT_KEYS)
    published = find_key([values], PUBLISHED_KEYS)
    if (draft is not None and truthy(draft.value) is True) or (
        published is not None and truthy(published.value) is False
    ):
        return "draft"
    status = find_key([values], STATUS_KEYS, str)
    if status is not None:
        text = status.value.strip().lower()
        return "published" if text in PUBLISHED_STATUSES else text
    if (draft is not None and truthy(draft.value) is False) or (
        published is not None and truthy(published.value) is True
    ):
        return "published"
    return None


def expiry_date(values: Mapping[Any, Any], dialect: str, default_tz: tzinfo = UTC, *, strict: bool) -> datetime | None:
    """Hugo's expiryDate (or its alias unpublishDate): the moment Hugo stops building the post's
    page; None in other dialects, which have none. A value that is no date fails the file when
    `strict`, as a bad `date` does (Hugo's build fails on it too); else it is None."""
    if dialect != "hugo":
        return None
    found = find_key([values], EXPIRY_KEYS)
    if found is None:
        return None
    try:
        return placed(written_date(found.value), default_tz, found.value)
    except DateParseError as error:
        if not strict:
            return None
        raise DateParseError(f"{found.key}: {error}") from None


def _status(
    values: Mapping[Any, Any],
    path: PurePosixPath | None,
    dialect: str,
    date: datetime | None,
    expiry: datetime | None,
) -> Status:
    """Import's reading: any stated status other than published is a draft; a file that
    states none is published (as its generator would publish it), except in Jekyll's `_drafts/`
    and a plain markdown file, which no generator publishes, and a Hugo page whose expiryDate
    has passed or comes at or before its date (Hugo builds no page of it, `hugo_never_builds`: as
    Jekyll's `published: false`, a draft). A post that would be published but is dated in the
    future (Hugo: its publishDate) is scheduled for that date: Hugo and Jekyll leave it out of the
    site until then, and export writes a scheduled post so."""
    stated = stated_status(values)
    if stated is None:
        in_drafts = dialect == "jekyll" and path is not None and "_drafts" in path.parts
        live = not in_drafts and dialect != "markdown"
    else:
        live = stated == "published"
    now = datetime.now(UTC)
    if not live or hugo_never_builds(expiry, date, now):
        return "draft"
    return "scheduled" if date is not None and date > now else "published"


def hugo_never_builds(expiry: datetime | None, date: datetime | None, now: datetime) -> bool:
    """Whether Hugo builds no page of a post from `now` on, by its expiryDate (`expiry_date`): it
    has passed, or it comes at or before `date`, the publishDate Hugo waits for first (red team 65).
    Such a post is a draft, for import (`_status`) and `posts new --from` alike."""
    return expiry is not None and (expiry <= now or (date is not None and expiry <= date))


def _terms(values: Mapping[Any, Any], names: tuple[str, ...], split_words: bool) -> list[str]:
    found = find_key(tables(values, (TAXONOMY_TABLE,)), names)
    if found is None:
        return []
    value = found.value
    if isinstance(value, str):
        return value.split() if split_words and found.key.lower() != "category" else [value]
    if isinstance(value, list):
        return unique_terms([_scalar(found.key, item) for item in value if present(item)])
    return [_scalar(found.key, value)]


def unique_terms(terms: list[str]) -> list[str]:
    """Terms in order, dropping later ones equal to an earlier one ignoring case."""
    seen: set[str] = set()
    kept = []
    for term in terms:
        if term.casefold() not in seen:
            seen.add(term.casefold())
            kept.append(term)
    return kept


def _text(found: Found | None) -> str | None:
    if found is None:
        return None
    return _scalar(found.key, found.value)


def _scalar(key: object, value: object) -> str:
    """A front matter value as text: a string, number or true/false as written; a list or table
    where text belongs (`title: [1, 2]`, `tags: [{a: b}]`) refuses the file, as a bad date does,
    rather than storing Python's spelling of it ("{'a': 'b'}")."""
    if isinstance(value, Mapping | list | tuple | set):
        kind = "a table" if isinstance(value, Mapping) else "a list"
        raise ContentError(f"{key}: {kind} where text belongs")
    return str(value)


def _keywords(found: Found | None) -> str | None:
    if found is None:
        return None
    value = found.value
    if isinstance(value, list):
        return ", ".join(_scalar(found.key, item) for item in value if present(item)) or None
    return _scalar(found.key, value)
