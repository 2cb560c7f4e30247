"""Jekyll's front matter defaults (`defaults:` in `_config.yml`): the value a setting takes for
a file that does not set it, as Jekyll 4 works it out (https://jekyllrb.com/docs/configuration/front-matter-defaults/,
`Jekyll::FrontmatterDefaults#all`). Pure: the config is already read.

- `defaults` is a list of sets, each `{scope: {path, type}, values: {...}}`; a set whose
  `values` is not a table is ignored, one without a scope applies to every file.
- `scope.path` applies to the files whose path from the site's folder starts with it (a
  plain string prefix, as Jekyll compares: `_post` covers `_posts/`); "" or none covers every
  file, and one with `*` is a glob that covers the files under what it names (`**` any
  folders). With `collections_dir` set, both paths are read without it.
- `scope.type` applies to the files of that type: `posts` (`_posts/` and, in Jekyll 4, `_drafts/`),
  `pages`, or a collection's label (`_recipes/` when `collections` names `recipes`); the old
  singular `post`, `page`, `draft` mean the plural. No type covers every type.
- Of the sets that apply, in their order, a set takes precedence over the last one that did
  when its path is longer, or as long and it has a type or that one had none: its values win;
  a set without precedence only fills in what is not set yet.

A file's own front matter beats every default: a post's own `permalink` is its address
(`publish.urls.imported_address`), whatever `defaults` say.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any

POST_FOLDERS = ("_posts", "_drafts")
_TYPE_ALIASES = {"page": "pages", "post": "posts", "draft": "drafts"}
_UNSET = object()


def document_type(parts: Sequence[str], config: Mapping[Any, Any]) -> str:
    """The Jekyll type of the file at `parts` (its path from the site's folder): `posts` for a
    file in a `_posts/` or `_drafts/` folder, a collection's label for a file in `_LABEL/` (below
    `collections_dir`) when `collections` names it, else `pages`."""
    if any(part in POST_FOLDERS for part in parts[:-1]):
        return "posts"
    inside = _without_collections_dir("/".join(parts), config).split("/")
    if len(inside) > 1 and inside[0].startswith("_") and inside[0][1:] in _collection_labels(config):
        return inside[0][1:]
    return "pages"


def _collection_labels(config: Mapping[Any, Any]) -> set[str]:
    collections = config.get("collections")
    if isinstance(collections, Mapping):
        return {str(label) for label in collections}
    if isinstance(collections, list):
        return {str(label) for label in collections if isinstance(label, str | int)}
    return set()


def _collections_dir(config: Mapping[Any, Any]) -> str:
    found = config.get("collections_dir")
    return found.strip().strip("/") if isinstance(found, str) else ""


def _without_collections_dir(path: str, config: Mapping[Any, Any]) -> str:
    """`path` without the leading `collections_dir/` (Jekyll's `strip_collections_dir`)."""
    folder = _collections_dir(config)
    return path.removeprefix(f"{folder}/") if folder else path


def default_value(config: Mapping[Any, Any], parts: Sequence[str], setting: str) -> Any:
    """The value `defaults` gives `setting` for the file at `parts` (its path from the site's
    folder) by the module's rule; None when none does (or one sets it to null)."""
    sets = config.get("defaults")
    if not isinstance(sets, list):
        return None
    kind = document_type(parts, config)
    full = "/".join(parts)
    # A collection's document (a post too) is read by its path inside the collections folder.
    path = full if kind == "pages" else _without_collections_dir(full, config)
    value: Any = _UNSET
    last_scope: Mapping[Any, Any] | None = None
    for entry in sets:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("values"), Mapping):
            continue
        scope = entry.get("scope")
        scope = scope if isinstance(scope, Mapping) else {}
        if not (_applies_type(scope, kind) and _applies_path(scope, full, path, config)):
            continue
        values = entry["values"]
        if last_scope is None or _has_precedence(last_scope, scope):
            if setting in values:
                value = values[setting]
            last_scope = scope
        elif value is _UNSET and setting in values:
            value = values[setting]
    return None if value is _UNSET else value


def _applies_type(scope: Mapping[Any, Any], kind: str) -> bool:
    if "type" not in scope:
        return True
    wanted = scope["type"]
    return isinstance(wanted, str) and _TYPE_ALIASES.get(wanted, wanted) == kind


def _applies_path(scope: Mapping[Any, Any], full: str, path: str, config: Mapping[Any, Any]) -> bool:
    """Whether the scope's path covers the file at `full` from the site's folder (`path`: from
    the collections folder): a glob names files from the site's folder."""
    wanted = scope.get("path")
    if not isinstance(wanted, str) or not wanted:
        return True
    if "*" in wanted:
        return _glob_covers(wanted, full)
    return path.startswith(_without_collections_dir(wanted, config))


def _has_precedence(old: Mapping[Any, Any], new: Mapping[Any, Any]) -> bool:
    new_path, old_path = _sanitized(new.get("path")), _sanitized(old.get("path"))
    if len(new_path) != len(old_path):
        return len(new_path) > len(old_path)
    return "type" in new or "type" not in old


def _sanitized(path: object) -> str:
    return path.removeprefix("/") if isinstance(path, str) else ""


_MAX_ALTERNATIVES = 64  # of a glob's `{a,b}` choices: more are not read


def _glob_covers(pattern: str, path: str) -> bool:
    """Whether `path` is, or is inside, a file or folder the glob `pattern` names (both from the
    site's folder), as Ruby's glob reads it: `*` and `?` within a name and never a hidden one,
    `[...]` one character, `**/` any folders, `{a,b}` either."""
    names = tuple(path.split("/"))
    return any(_covers(tuple(choice.split("/")), names) for choice in _choices(pattern))


def _choices(pattern: str) -> list[str]:
    """`pattern` with its `{a,b}` groups expanded (at most _MAX_ALTERNATIVES; an unclosed `{` is text)."""
    start = pattern.find("{")
    if start < 0:
        return [pattern]
    depth, edges = 0, [start]
    for index in range(start, len(pattern)):
        char = pattern[index]
        depth += (char == "{") - (char == "}")
        if (char == "," and depth == 1) or (char == "}" and depth == 0):
            edges.append(index)
        if depth == 0:
            break
    if depth:
        return [pattern]
    end = edges[-1]
    found: list[str] = []
    for left, right in itertools.pairwise(edges):
        for choice in _choices(pattern[:start] + pattern[left + 1 : right] + pattern[end + 1 :]):
            if len(found) == _MAX_ALTERNATIVES:
                return found
            found.append(choice)
    return found


@lru_cache(maxsize=256)
def _covers(pattern: tuple[str, ...], names: tuple[str, ...]) -> bool:
    """Whether the glob's names `pattern` match the first names of `names` (a `**` before another
    name: any number of folders)."""
    if not pattern:
        return True
    if not names:
        return False
    head, name = pattern[0], names[0]
    visible = not name.startswith(".") or head.startswith(".")
    if head == "**" and len(pattern) > 1:
        return _covers(pattern[1:], names) or (visible and _covers(pattern, names[1:]))
    return visible and fnmatchcase(name, head) and _covers(pattern[1:], names[1:])
