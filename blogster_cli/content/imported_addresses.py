"""An imported post's kept addresses (the old site's URL, its aliases, the address its generator gave
it: `publish.urls.imported_address`), as `posts addresses` lists them, and its content with some of
them forgotten, as 0205 lets its author forget a former address:

- an alias leaves the front matter: its stored fields, and its stored text edited in place
  (`frontmatter.dump_front_matter`: the other lines keep their bytes), so `site build` and
  `analytics ingest` read it no more, export writes it no more, and a re-import of that export does
  not bring it back;
- the address its generator gave it, which its source path keeps giving, joins the source's
  `forgotten_addresses` (`content.document`), which `publish.urls.generated_address` leaves out.

The old site's URL (Hugo `url`, Jekyll `permalink`, Zola `path`) is where the post's page is: it is
listed, and never forgotten here (that would move a live page). A WordPress post's `link` is an alias
(its path, on whichever host), and a Hugo alias without a leading `/` is from the page's folder
(`urls.alias_from_root`), as `site build` writes them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from blogster_cli.content.document import check_document
from blogster_cli.content.frontmatter import dump_front_matter, parse_raw
from blogster_cli.publish.former_urls import former_address
from blogster_cli.publish.urls import (
    ADDRESS_FIELDS,
    alias_from_root,
    clean_path,
    imported_address,
    page_address,
    written_aliases,
)

SOURCE_PATH = "source path"
"""What keeps the address its generator gave a post: where its file was, not a front-matter key."""


@dataclass(frozen=True)
class KeptAddress:
    address: str
    """From the site's root, as `site build` writes it (`urls.clean_path`): `/posts/a/`."""
    kept_in: str
    """The front-matter key naming it (`url`, `aliases`, `redirect_from`...), or SOURCE_PATH."""
    is_url: bool
    """Whether it is the old site's URL (the key `url`, `permalink` or `path`): the post's page."""


def kept_addresses(document: Mapping[str, Any]) -> list[KeptAddress]:
    """The addresses an imported post keeps from its source, from its address document (as
    `repositories.site.ADDRESS_FIELDS` reads it): its URL first, then its aliases, each once; one no
    file could be at (`clean_path`) is left out, as the build leaves it out."""
    keys = ADDRESS_FIELDS.get(document.get("dialect") or "")
    if keys is None:
        return []
    url_key, aliases_key = keys
    url, aliases = imported_address(dict(document))
    listed = {path for _, path in written_aliases(dict(document))}
    named = [(url, url_key, True)] if url is not None and url_key is not None else []
    named += [(alias, aliases_key if alias in listed else SOURCE_PATH, False) for alias in aliases]
    found: list[KeptAddress] = []
    seen: set[str] = set()
    for address, key, is_url in named:
        path = clean_path(address)
        if path is not None and path not in seen:
            seen.add(path)
            found.append(KeptAddress(path, key, is_url))
    return found


def forgetting(content: Mapping[str, Any], document: Mapping[str, Any], paths: Collection[str]) -> dict[str, Any]:
    """`content` (the post's `blogs.content`, whose address document is `document`) with the aliases at
    `paths` (as `kept_addresses` gives them) forgotten: out of the front matter's aliases (its key
    gone with its last one), and the address its generator gave it among `forgotten_addresses` when
    it is one of them. ContentError (nothing changed) when its stored front matter cannot be read."""
    keys = ADDRESS_FIELDS.get(document.get("dialect") or "")
    if keys is None or not paths:
        return dict(content)
    check_document(content)
    aliases_key = keys[1]
    dialect, page = document.get("dialect"), page_address(dict(document))
    front = dict(content["front_matter"])
    front["fields"] = _without(front["fields"], aliases_key, paths, lambda alias: alias_from_root(alias, dialect, page))
    if front["raw"] is not None:
        fmt, metadata = parse_raw(front["raw"])
        values = _without(metadata.values, aliases_key, paths, lambda alias: alias_from_root(alias, dialect, page))
        if values is not metadata.values:
            front["raw"] = dump_front_matter(fmt, values, metadata)
    source = content.get("source")
    generated = former_address(dict(document))
    if isinstance(source, dict) and generated is not None and clean_path(generated) in paths:
        forgotten = source.get("forgotten_addresses") or []
        source = {**source, "forgotten_addresses": forgotten if generated in forgotten else [*forgotten, generated]}
    changed = {**content, "front_matter": front, "source": source}
    check_document(changed)
    return changed


def _without(values: Mapping[Any, Any], key: str, paths: Collection[str], from_root: Callable[[str], Any]) -> Any:
    """`values` with the aliases under `key` at `paths` (each read `from_root`: `urls.alias_from_root`)
    taken out (the key too, with its last one); `values` itself when it holds none of them."""
    written = values.get(key)
    aliases = written if isinstance(written, list) else [written]
    kept = [alias for alias in aliases if not (isinstance(alias, str) and _at(from_root(alias), paths))]
    if len(kept) == len(aliases):
        return values
    if kept and isinstance(written, list):
        return {**values, key: kept}
    return {name: value for name, value in values.items() if name != key}


def _at(path: Any, paths: Collection[str]) -> bool:
    """Whether `path` (an alias from the site's root, None for one naming no page) is among `paths`."""
    return isinstance(path, str) and clean_path(path) in paths
