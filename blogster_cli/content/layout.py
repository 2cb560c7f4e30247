"""Where a file sits in its site: the layout folders static site generators build from.

Hugo and Zola keep pages under `content/`, Astro its collections under `src/content/`,
Jekyll posts in `_posts/` and drafts in `_drafts/`. These folders say where a site's root
is and how a file is read (a Jekyll draft, an Astro entry), whichever folder of the site
a file was imported from: `blogster import site`, `site/content` and `site/content/posts`
name the same files by different relative paths.

- `layout_path`: the relative path as the site lays it out, for reading the file (its
  dialect, a draft folder): the path itself when it shows a layout folder, else the path
  below the innermost layout folder among the folders it was imported from. A file that is
  an entry of a collection an Astro site's content config declares (`content.astro_collections`:
  a glob() loader's folder, `src/data/blog/`) is laid out from its site's root
  (`src/data/blog/x.md`), whichever folder was imported; `laid_out_source` adds the collection.
- `site_key`: a stored relative path from its first layout folder on (`site/content/posts/a.md`
  -> `content/posts/a.md`); the same file imported from another folder of the same site
  (or from the same site moved or renamed) has a path that ends with it.
- `site_root`: the site's own folder, where its static files are (`static/`, `public/`).
- `site_generator`: the generator a site's root config names (with `site_permalink`, the
  functions here that read files): Zola's `config.toml` has `base_url`, Hugo's `hugo.*` or
  `config.*` has `baseURL` (or its `config/_default/` holds one), Jekyll has `_config.yml`,
  Astro `astro.config.*`; None when none says so. An entry of an Astro collection is Astro's.
- `site_permalink`: the permalink pattern a Jekyll site's `_config.yml` sets for the file (its
  front matter `defaults` for the file's path and type, else its `permalink`), or a Hugo site's
  `[permalinks]` for the file's section.
- `site_zone`: the time zone a Hugo site's config (`timeZone`) or a Jekyll site's `_config.yml`
  (`timezone`) reads the file's dates without an offset in; Zola reads them in UTC, Astro (JS
  `Date`) a date alone in UTC and a time in the building machine's zone: neither states one.
- `sites_read_once`: within it (one import or sync), each folder's config is looked for (and its
  time zone read) once.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import tzinfo
from pathlib import Path, PurePosixPath
from typing import Any, Literal, NamedTuple

from blogster_cli.content.astro_collections import collection_at
from blogster_cli.content.astro_collections import sites_read_once as astro_sites_read_once
from blogster_cli.content.nearest_folder import nearest_up
from blogster_cli.held_once import held
from blogster_cli.planning.times import UnknownTimezone, zone, zone_name

Generator = Literal["hugo", "jekyll", "zola", "astro"]
_CONFIG_BYTES = 1024 * 1024
_ZOLA_KEYS = frozenset({"base_url", "compile_sass", "build_search_index", "generate_feed", "generate_feeds"})
_ZOLA_KEY = re.compile(r"(?m)^[ \t]*(?:" + "|".join(sorted(_ZOLA_KEYS)) + r")[ \t]*=")
_HUGO_KEY = re.compile(r"(?mi)^[ \t]*[\"']?baseurl[\"']?[ \t]*[=:]")
_ASTRO_CONFIGS = tuple(f"astro.config.{suffix}" for suffix in ("mjs", "js", "ts", "mts", "cjs", "cts"))

LAYOUT_FOLDERS = ("content", "_posts", "_drafts")
# The folder each dialect serves at the site's root, for links such as `/images/a.png`
# (Hugo and Zola `static/`, Astro `public/`, Jekyll the site folder itself).
STATIC_FOLDERS = {"hugo": "static", "zola": "static", "astro": "public", "jekyll": ""}


def _start_at(parts: Sequence[str], index: int) -> int:
    """Where the layout folder at `index` starts: `src/content` is Astro's, one folder earlier."""
    if parts[index] == "content" and index > 0 and parts[index - 1] == "src":
        return index - 1
    return index


def layout_start(parts: Sequence[str]) -> int | None:
    """The index of the first layout folder among the folders of `parts` (the last part is
    the file itself), or None."""
    for index, part in enumerate(parts[:-1]):
        if part in LAYOUT_FOLDERS:
            return _start_at(parts, index)
    return None


def _innermost(folders: Sequence[str]) -> int | None:
    for index in range(len(folders) - 1, -1, -1):
        if folders[index] in LAYOUT_FOLDERS:
            return _start_at(folders, index)
    return None


def layout_path(root: Sequence[str], relative: PurePosixPath) -> PurePosixPath:
    """`relative` (to the folder whose parts are `root`) as its site lays it out."""
    entry = collection_at(root, relative)
    if entry is not None:
        return entry.path
    if layout_start(relative.parts) is not None:
        return relative
    start = _innermost(root)
    return relative if start is None else PurePosixPath(*root[start:], *relative.parts)


def laid_out_source(root: Sequence[str], relative: PurePosixPath) -> dict[str, str]:
    """What import keeps of where the file at `root` + `relative` is in its site (the source keys
    of `content.document`): its `path`, its `layout_path` (`layout_path`) when that differs or the
    file is an entry of an Astro collection, with then the collection's name and folder from the
    site's root (`collection`, `collection_base`)."""
    laid = layout_path(root, relative)
    source = {"path": relative.as_posix()}
    entry = collection_at(root, relative)
    if entry is not None:
        source |= {"collection": entry.collection.name, "collection_base": entry.collection.folder.as_posix()}
    if laid != relative or entry is not None:
        source["layout_path"] = laid.as_posix()
    return source


def site_root(root: Sequence[str], relative: PurePosixPath) -> tuple[str, ...] | None:
    """The parts of the site folder the file at `root` + `relative` belongs to: the folder
    that holds its layout folder (an Astro collection's site); None when no layout folder is on its path."""
    entry = collection_at(root, relative)
    if entry is not None:
        return entry.site
    start = layout_start(relative.parts)
    if start is not None:
        return (*root, *relative.parts[:start])
    start = _innermost(root)
    return None if start is None else tuple(root[:start])


def site_key(path: str) -> tuple[str, ...]:
    """A stored relative path from its first layout folder on, as parts."""
    parts = PurePosixPath(path).parts
    start = layout_start(parts)
    return parts[start:] if start is not None else parts


def _read_config(path: Path) -> str | None:
    try:
        if not path.is_file():
            return None
        with path.open("rb") as handle:
            return handle.read(_CONFIG_BYTES).decode("utf-8", "replace")
    except OSError:
        return None


@functools.lru_cache(maxsize=64)
def _generator_of(folder: Path) -> Generator | None:
    if any((folder / name).is_file() for name in _ASTRO_CONFIGS):
        return "astro"
    if any((folder / name).is_file() for name in ("_config.yml", "_config.yaml")):
        return "jekyll"
    if any((folder / f"hugo.{suffix}").is_file() for suffix in ("toml", "yaml", "yml", "json")):
        return "hugo"
    if any((folder / name).is_file() for name in _HUGO_CONFIGS if name.startswith("config/_default/")):
        return "hugo"  # a config folder only Hugo reads
    toml = _read_config(folder / "config.toml")
    if toml is not None:
        try:
            keys = set(tomllib.loads(toml))
        except (tomllib.TOMLDecodeError, RecursionError):  # nested too deeply for the parser
            keys = None
        if keys is not None:
            if keys & _ZOLA_KEYS:
                return "zola"
            if any(key.lower() == "baseurl" for key in keys):
                return "hugo"
        elif _ZOLA_KEY.search(toml):
            return "zola"
        elif _HUGO_KEY.search(toml):
            return "hugo"
    for name in ("config.yaml", "config.yml", "config.json"):
        text = _read_config(folder / name)
        if text is not None and _HUGO_KEY.search(text.replace("{", "\n")):
            return "hugo"
    return None


# Within `sites_read_once`: folder -> the generator its config names; the imported folder's depth ->
# folder -> the nearest folder from it up to the imported one whose config names one (`nearest_up`).
_Found = tuple[tuple[str, ...], Generator]
_GENERATORS: ContextVar[dict[tuple[str, ...], Generator | None] | None] = ContextVar("_GENERATORS", default=None)
_NEAREST: ContextVar[dict[int, dict[tuple[str, ...], _Found | None]] | None] = ContextVar("_NEAREST", default=None)
# Within `sites_read_once`: a site's folder -> the time zone its config states (`site_zone`).
_ZONES: ContextVar[dict[tuple[str, ...], SiteZone | None] | None] = ContextVar("_ZONES", default=None)


@contextmanager
def sites_read_once() -> Iterator[None]:
    """Within it (one import or sync), each folder's site config is looked for once, whichever files
    ask (with `astro_collections.sites_read_once`): each file looking at every folder above it, through
    a cache smaller than the depth, took time in the files times the depth squared (a site 300 folders
    deep, 20 files: 17 s)."""
    with astro_sites_read_once(), held(_GENERATORS, dict), held(_NEAREST, dict), held(_ZONES, dict):
        yield


def _generator_in(folder: tuple[str, ...], known: dict[tuple[str, ...], Generator | None]) -> Generator | None:
    if folder not in known:
        known[folder] = _generator_of(Path(*folder))
    return known[folder]


def _site_configs(root: Sequence[str], relative: PurePosixPath) -> Iterator[_Found]:
    """The folders where the site config of the file at `root` + `relative` may be whose config
    names a generator, nearest first, with it: the site folder (`site_root`), else, for a file on no
    layout folder's path (a Jekyll page, `site/index.md` imported from the folder above), each of its
    folders up to the imported one; then the imported folder."""
    known = _GENERATORS.get()
    if known is None:
        known = {}
    site = site_root(root, relative)
    if site is not None:
        for folder in (site, tuple(root)):
            generator = _generator_in(folder, known) if folder else None
            if generator is not None:
                yield folder, generator
        return
    nearest = _NEAREST.get()
    if nearest is None:
        nearest = {}
    folder = (*root, *relative.parts[:-1])
    while len(folder) >= max(len(root), 1):
        found = _nearest_config(folder, len(root), known, nearest)
        if found is None:
            return
        yield found
        folder = found[0][:-1]


def _nearest_config(
    folder: tuple[str, ...],
    stop: int,
    known: dict[tuple[str, ...], Generator | None],
    nearest: dict[int, dict[tuple[str, ...], _Found | None]],
) -> _Found | None:
    """The nearest folder from `folder` up to its first `stop` parts whose config names a generator."""

    def named(at: tuple[str, ...]) -> _Found | None:
        generator = _generator_in(at, known)
        return None if generator is None else (at, generator)

    return nearest_up(folder, stop, named, nearest.setdefault(stop, {}))


def site_generator(root: Sequence[str], relative: PurePosixPath) -> Generator | None:
    """The generator of the site the file at `root` + `relative` belongs to, by its root config
    (module docstring), from the nearest folder that names one (`_site_configs`)."""
    if collection_at(root, relative) is not None:
        return "astro"
    return next((generator for _, generator in _site_configs(root, relative)), None)


def site_permalink(root: Sequence[str], relative: PurePosixPath, layout: PurePosixPath | None) -> str | None:
    """The permalink pattern the file's site config sets for it: a Jekyll site's `_config.yml`
    `defaults` for the file, else its `permalink` (a style such as `pretty`, or a pattern:
    `_jekyll_permalink`), or a Hugo site's `[permalinks]` entry for the file's section (`layout`:
    its path as the site lays it out, `content/SECTION/...`); None when the config sets none."""
    for folder, generator in _site_configs(root, relative):
        if generator == "jekyll":
            return _jekyll_permalink(Path(*folder), (*root, *relative.parts)[len(folder) :])
        if generator == "hugo":
            parts = layout.parts if layout is not None else ()
            if len(parts) < 3 or parts[0] != "content":
                return None
            return _hugo_permalinks(Path(*folder)).get(parts[1])
    return None


def _load_config(path: Path) -> object:
    """A config file's data (TOML, YAML or JSON by its suffix); None when absent or unreadable,
    as when nested too deeply for its parser (RecursionError): one bad file must not fail the site's posts."""
    text = _read_config(path)
    if text is None:
        return None
    if path.suffix == ".toml":
        try:
            return tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError):
            return None
    if path.suffix == ".json":
        import json

        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            return None
    import yaml

    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return None


JEKYLL_REDIRECT_PLUGIN = "jekyll-redirect-from"


def jekyll_redirects(folder: Path) -> bool:
    """Whether the Jekyll site in `folder` runs jekyll-redirect-from: its `_config.yml` names it in
    `plugins` (or `gems`, before Jekyll 3.5), so a page's `redirect_from` addresses redirect to it."""
    config = _jekyll_config(folder)
    if config is None:
        return False
    return any(
        isinstance(named, list) and JEKYLL_REDIRECT_PLUGIN in named
        for named in (config.get("plugins"), config.get("gems"))
    )


@functools.lru_cache(maxsize=64)
def _jekyll_config(folder: Path) -> dict[Any, Any] | None:
    """The site's `_config.yml` (else `_config.yaml`) as a table; None when neither reads as one.
    Cached: read only, never changed."""
    for name in ("_config.yml", "_config.yaml"):
        config = _load_config(folder / name)
        if config is None:
            continue
        return config if isinstance(config, dict) else None
    return None


def _jekyll_permalink(folder: Path, parts: tuple[str, ...]) -> str | None:
    """The permalink Jekyll gives the file at `parts` (its path from the site's `folder`) unless its
    own front matter sets one: the `defaults` for its path and type (`jekyll_defaults`), else for a
    post the posts collection's `permalink`, else the site's `permalink`."""
    from blogster_cli.content.jekyll_defaults import default_value, document_type

    config = _jekyll_config(folder)
    if config is None:
        return None
    collections = config.get("collections")
    posts = collections.get("posts") if isinstance(collections, dict) else None
    in_order = [
        default_value(config, parts, "permalink"),
        posts.get("permalink") if isinstance(posts, dict) and document_type(parts, config) == "posts" else None,
        config.get("permalink"),
    ]
    return next((value.strip() for value in in_order if isinstance(value, str) and value.strip()), None)


_HUGO_CONFIGS = tuple(
    f"{folder}{stem}.{suffix}"
    for folder in ("", "config/_default/")
    for stem in ("hugo", "config")
    for suffix in ("toml", "yaml", "yml", "json")
)


@functools.lru_cache(maxsize=64)
def _hugo_permalinks(folder: Path) -> dict[str, str]:
    """Section -> page pattern, from the first Hugo config that has `permalinks` (the flat form
    `posts = "..."` or, since Hugo 0.119, `[permalinks.page]`)."""
    for name in (*_HUGO_CONFIGS, "config/_default/permalinks.toml", "config/_default/permalinks.yaml"):
        config = _load_config(folder / name)
        if not isinstance(config, dict):
            continue
        table = config if name.startswith("config/_default/permalinks") else config.get("permalinks")
        if not isinstance(table, dict):
            continue
        page = table.get("page")
        pages = page if isinstance(page, dict) else table
        return {str(section): pattern for section, pattern in pages.items() if isinstance(pattern, str)}
    return {}


class SiteZone(NamedTuple):
    """The time zone a site's config states for dates without an offset, as written (`name`, which
    may be no zone this system knows), the setting that states it (`hugo.toml timeZone`), and the site's folder."""

    name: object
    setting: str
    site: tuple[str, ...]

    @property
    def zone(self) -> tzinfo | None:
        """The zone named, None when it is no zone this system knows (`unknown`)."""
        try:
            return zone(self.name) if isinstance(self.name, str) else None
        except UnknownTimezone:
            return None

    def unknown(self, read_in: tzinfo) -> str:
        """The warning for a zone this system does not know, whose dates are read in `read_in` instead."""
        # a name shown by repr (on one line), cut; anything else by its kind: str() of a YAML list
        # whose items are aliases of lists writes out every copy (a 525-byte config, minutes and GBs)
        name = self.name
        kind = "list" if isinstance(name, list) else "table" if isinstance(name, dict) else "value"
        shown = repr(name[:60]) if isinstance(name, str) else f"(a {kind}, not a name)"
        return (
            f"{self.setting} {shown} is not a known time zone: dates without an offset read in"
            f" {zone_name(read_in)} (the timezone setting)"
        )


def site_zone(root: Sequence[str], relative: PurePosixPath) -> SiteZone | None:
    """The time zone the config of the Hugo or Jekyll site the file at `root` + `relative` belongs to
    states (module docstring), from the folder whose config `site_generator` goes by; None when it states none."""
    found = next(_site_configs(root, relative), None) if collection_at(root, relative) is None else None
    if found is None:
        return None
    folder, generator = found
    if generator not in ("hugo", "jekyll"):
        return None
    known = _ZONES.get()
    if known is None:
        known = {}
    if folder not in known:
        known[folder] = _stated_zone(folder, generator == "jekyll")
    return known[folder]


def _stated_zone(folder: tuple[str, ...], jekyll: bool) -> SiteZone | None:
    """The zone the first config of the site at `folder` that states one states: Jekyll's `_config.yml`
    (else `_config.yaml`) `timezone`, Hugo's `timeZone` (its keys are not case-sensitive). Read afresh
    in each run: `sync --watch` goes on while the config is edited."""
    names = ("_config.yml", "_config.yaml") if jekyll else _HUGO_CONFIGS
    for name in names:
        config = _load_config(Path(*folder, name))
        if not isinstance(config, dict):
            continue
        keys = ["timezone"] if jekyll else [key for key in config if isinstance(key, str) and key.lower() == "timezone"]
        key = next((key for key in keys if config.get(key) is not None), None)
        if key is not None:
            return SiteZone(config[key], f"{name} {key}", folder)
        if jekyll:  # Jekyll reads only the first
            return None
    return None
