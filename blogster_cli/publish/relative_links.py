"""Relative links to another markdown file (`[x](other.md)`, `./notes/a.md#part`) as the site's own
addresses, and the Hugo shortcodes and MDX a site build leaves as written.

A folder of markdown links its files to each other by their paths, which its generator (or a
reader of the folder) takes to the page made from the file; written as it is, such a link leads
nowhere on the site. A site build gives each one (inline or a reference definition, outside
fenced code) in an imported post the address of the published post of the same account imported
from that file: the path resolved from the linking post's folder, both as import recorded them
(`content.document`: the source `path`, from the folder imported), anchor kept. A link to any
other file (a draft, a file never imported, one outside the folder) stays as written and the
build says so, as for Zola's `@/` links (`publish.internal_links`, which handles those). A post's
page key covers the addresses its links resolve to (`pages.SitePlan`). What only looks like a link,
in code (fenced or indented blocks, code spans: `crosspost.code_spans`) or an HTML comment, is none,
and is left as written (red team 66).

Hugo's `ref` and `relref` shortcodes (`[x]({{< ref "other.md" >}})`, `{{% relref "/posts/b#part" %}}`,
`{{< ref path="b" >}}`) link a post imported from Hugo to another page by its file, and a build
gives each (outside code, as for links) the address of the published post imported from the file it
names, anchor kept (`{{< ref "#x" >}}`: `#x`), by Hugo's lookup (`HugoPages`): a path with a leading `/`
is from the site's `content/` folder, another from the linking page's folder (a bundle's `index.md`:
the bundle's folder's), then from `content/`, then, a bare name (`other`, `/other`), the one page of
that name; any extension or none (`b`, `b.md`), a bundle by its folder (`b` for `b/index.md`), in any
case. A post's path from `content/` is known from where import recorded it (`content.document`: the
`layout_path`, else the `path`, when it shows `content/`), whichever folder of the site was imported;
when not, a leading `/` path names the post whose file's path ends with it. A ref that names none, or
more than one post (two sites imported), stays as written and the build says so, as for a relative
link. A post's page key covers the addresses its refs lead to (`pages.SitePlan`).

Hugo's other shortcodes (`{{< figure src="a.png" >}}`, `{{% note %}}`) are its templates: a post
imported from Hugo shows them as text, and the build says so (the first, and how many more), as it
does for Jekyll's Liquid; Blogster's own widgets (`{{< quiz id >}}`, `distribution.interactive`) are
not among them, nor the refs above, which the build resolves or names.

An imported MDX post's JSX components (`<Chart data={x} />`) are Astro's code, which its page leaves
out, and its `import`/`export` lines show as text: the build says so too (`mdx_warning`).
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from blogster_cli.content import fences
from blogster_cli.content.layout import layout_start
from blogster_cli.distribution.crosspost import code_spans
from blogster_cli.wording import shortened

# What leads to a link target (an inline link's `](`, a reference definition's `[x]:`, either
# perhaps in `<>`), then a relative path to a markdown file (no scheme, no `/`, `#` or Zola's
# `@/` first) and its anchor or query.
_LINK = re.compile(
    r"(?P<lead>\]\([ \t]*<?|^ {0,3}\[[^\]\n]*\]:[ \t]*<?)"
    r"(?P<path>(?![A-Za-z][A-Za-z0-9+.-]*:|[/#@\\])[^\s()<>#?]+\.(?:md|markdown))"
    r"(?P<anchor>[#?][^\s()<>]*)?(?=[\s)>]|$)",
    re.IGNORECASE | re.MULTILINE,
)
_MARK = re.compile(r"\.(?:md|markdown)", re.IGNORECASE)
# A Hugo shortcode's opener and name (`{{< figure`, `{{% note`; not a closer `{{< /note >}}`, nor
# one escaped as `{{</* figure */>}}`, which Hugo shows as text on purpose).
_SHORTCODE = re.compile(r"\{\{[<%]-?\s*([A-Za-z_][\w./-]*)")
_BLOGSTER_WIDGETS = frozenset({"quiz", "poll", "survey", "calculator"})
# An MDX component (`<Chart data={x} />`, `<ui.Card>`: JSX, its name capitalized or dotted, where an
# HTML tag's is neither), and MDX's ESM line (`import Chart from '...'`, `export const x = 1`).
_MDX_COMPONENT = re.compile(r"<([A-Z][\w]*(?:\.[\w]+)*|[a-z]\w*(?:\.\w+)+)(?=[\s/>])")
_MDX_ESM = re.compile(r"(?:import|export)\b[\s{*]")
# Hugo's `ref` or `relref` shortcode with its one argument, the target: positional or named `path`,
# in double quotes, backticks or none, closed as opened (`{{< ... >}}`, `{{% ... %}}`).
_REF = re.compile(
    r"\{\{(?:(?P<angle><)|%)[ \t]*(?:ref|relref)[ \t]+(?:path[ \t]*=[ \t]*)?"
    r"(?:\"(?P<quoted>[^\"\n]*)\"|`(?P<raw>[^`\n]*)`|(?P<bare>[^\s\"`<>%{}=]+))"
    r"[ \t]*(?(angle)>|%)\}\}"
)


def source_file(document: Mapping[str, Any]) -> str | None:
    """The path of the file an imported post came from (`content.document`: from the folder
    imported), as its links are resolved against it; None for a post not imported from a file."""
    path = document.get("source_path")
    if not isinstance(path, str) or not path.strip():
        return None
    normal = posixpath.normpath(path.replace("\\", "/"))
    return None if normal.startswith("../") or normal in (".", "..") else normal


def _text_lines(markdown: str) -> Iterable[tuple[str, bool]]:
    """(line, read as markdown) for each line of `markdown`."""
    lines = fences.split_lines(markdown)
    return zip(lines, (part is fences.Part.TEXT for part in fences.parts(lines)), strict=True)


def _links(markdown: str, pattern: re.Pattern[str] = _LINK) -> Iterator[re.Match[str]]:
    """Each relative link to a markdown file (or Hugo ref, `pattern` `_REF`) `markdown` shows as
    one: none in code (fenced or indented blocks, code spans, as CommonMark reads them:
    `crosspost.code_spans`) nor in an HTML comment. Code is looked for only once a link is found."""
    code: list[tuple[int, int]] | None = None
    comments: list[tuple[int, int]] = []
    for match in pattern.finditer(markdown):
        if code is None:
            code = code_spans(markdown)
            comments = _comments(markdown, code)
        if not _within(code, match.start()) and not _within(comments, match.start()):
            yield match


def _comments(markdown: str, code: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where `markdown`'s HTML comments outside `code` are, in order: each to its `-->`, else to the end."""
    found: list[tuple[int, int]] = []
    at = 0
    while (start := markdown.find("<!--", at)) != -1:
        if _within(code, start):
            at = start + 4
            continue
        end = markdown.find("-->", start + 4)
        at = len(markdown) if end == -1 else end + 3
        found.append((start, at))
    return found


def _within(ranges: list[tuple[int, int]], at: int) -> bool:
    """Whether `at` lies in one of `ranges` (sorted, apart)."""
    index = bisect_right(ranges, at, key=lambda found: found[0]) - 1
    return index >= 0 and at < ranges[index][1]


def _target(source: str, written: str) -> str:
    """The file a relative link written in the file `source` names, from the folder imported."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), unquote(written)))


def linked_files(markdown: str, source: str) -> list[str]:
    """The files `markdown`'s relative links to markdown files name (from the folder imported),
    each once, in order."""
    if not _MARK.search(markdown):
        return []
    return list(dict.fromkeys(_target(source, match["path"]) for match in _links(markdown)))


def resolved(
    markdown: str, source: str | None, addresses: Mapping[str, str], refs: Mapping[str, str] | None = None
) -> str:
    """`markdown` (of the file `source`) with each relative link to a file of `addresses` (its
    path from the folder imported -> the link to its post's page) leading there, its anchor kept;
    and, for a post imported from Hugo, each ref (`ref_targets`) to a target of `refs` (-> the link
    to its post's page, `HugoPages`) that link, its anchor kept (one to an anchor only: that anchor);
    the others as written."""
    if source is not None and _MARK.search(markdown):

        def replace(match: re.Match[str]) -> str:
            address = addresses.get(_target(source, match["path"]))
            if address is None:
                return match[0]
            anchor = match["anchor"] or ""
            return match["lead"] + address + (anchor if anchor.startswith("#") else "")

        markdown = _replaced(markdown, _LINK, replace)
    if refs is not None and "{{" in markdown:

        def replace_ref(match: re.Match[str]) -> str:
            path, anchor = _ref_target(match)
            address = refs.get(path) if path else ""
            return match[0] if address is None else address + anchor

        markdown = _replaced(markdown, _REF, replace_ref)
    return markdown


def _replaced(markdown: str, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> str:
    """`markdown` with each match of `pattern` outside code and comments (`_links`) replaced."""
    pieces: list[str] = []
    done = 0
    for match in _links(markdown, pattern):
        pieces += [markdown[done : match.start()], replace(match)]
        done = match.end()
    return "".join(pieces) + markdown[done:]


def _ref_target(match: re.Match[str]) -> tuple[str, str]:
    """(the path a Hugo ref names, its anchor with its `#` or ""), as Hugo reads its argument: a
    URL, whose query it drops."""
    written = next(part for part in (match["quoted"], match["raw"], match["bare"]) if part is not None)
    path, _, anchor = written.strip().partition("#")
    return unquote(path.partition("?")[0]), "#" + anchor if anchor else ""


def ref_targets(markdown: str) -> list[str]:
    """The paths `markdown`'s Hugo refs name (`ref`, `relref`; outside code and comments), as
    written, each once, in order; none for a ref to an anchor only (`{{< ref "#x" >}}`)."""
    if "{{" not in markdown:
        return []
    return list(dict.fromkeys(path for match in _links(markdown, _REF) if (path := _ref_target(match)[0])))


def unshown_content_file(document: Mapping[str, Any]) -> str | None:
    """The path of the file an imported post came from in its site's `content/` folder (`content_file`)
    when the path of that file from the folder imported (`source_file`) does not show it: what a
    build keeps ("cp") for Hugo's lookup of the post (`HugoPages`)."""
    within = content_file(document)
    source = source_file(document)
    return within if source is None or within != content_file({"source_path": source}) else None


def content_file(document: Mapping[str, Any]) -> str | None:
    """The path of the file an imported post came from in its site's `content/` folder (Hugo's,
    Zola's), from where import recorded it (`content.document`: its `layout_path`, else its
    `path`), whichever folder of the site was imported; None when that does not show `content/`."""
    for key in ("layout_path", "source_path"):
        place = document.get(key)
        if isinstance(place, str) and place:
            parts = posixpath.normpath(place.replace("\\", "/")).split("/")
            start = layout_start(parts)
            if start is None or parts[start] != "content" or ".." in parts:
                return None
            return "/".join(parts[start + 1 :])
    return None


def _page_key(place: str) -> str:
    """What Hugo looks a page up by (`HugoPages`): its path without its extension, in lower case, never
    above `content/` (`/../a` is `a`), a bundle (`b/index.md`, `b/_index.md`) by its folder."""
    parts = [part for part in posixpath.normpath("/" + place.lower()).split("/") if part]
    if parts:
        stem, dot, _ = parts[-1].rpartition(".")
        if dot and stem:
            parts[-1] = stem
        if parts[-1] in ("index", "_index"):
            parts.pop()
    return "/".join(parts)


def _in_bundle(place: str) -> bool:
    """Whether the file at `place` is a bundle's page (`b/index.md`), whose refs Hugo reads from
    the bundle's folder's folder."""
    return posixpath.splitext(posixpath.basename(place))[0].lower() == "index"


class HugoPages:
    """The published posts a Hugo ref may name, looked up as Hugo does (module docstring); `records`:
    post id -> a build's record ("sp": its file from the folder imported, "cp": its path from
    `content/` when that does not show it)."""

    def __init__(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        self.records = records
        self.exact: dict[str, list[str]] = {}
        self.named: dict[str, list[str]] = {}
        # A post of unknown place in `content/` (key, id), by its name: a ref finds it by an end of its
        # path (`_ending`). Every end of every path, indexed, grew with the square of a path's depth.
        self.unplaced: dict[str, list[tuple[str, str]]] = {}
        for post_id, record in records.items():
            place, known = _place(record)
            if place is None:
                continue
            key = _page_key(place)
            name = key.rpartition("/")[2]
            self.exact.setdefault(key, []).append(post_id)
            self.named.setdefault(name, []).append(post_id)
            if not known:
                self.unplaced.setdefault(name, []).append((key, post_id))

    def find(self, path: str, record: Mapping[str, Any]) -> list[str]:
        """The posts a ref to `path` (`ref_targets`) in the post of `record` names: one, or none, or
        more than one (two sites imported: left as written)."""
        place, _ = _place(record)
        if not path.startswith("/"):
            if place is not None:
                base = posixpath.dirname(place)
                if _in_bundle(place) and not path.startswith(".."):
                    base = posixpath.dirname(base)
                found = self.exact.get(_page_key(posixpath.join(base, path)))
                if found:
                    return found
            if path.startswith("."):  # from the page's folder only
                return []
        key = _page_key(path)
        found = self.exact.get(key) or self._ending(key)
        slashes = path.count("/")
        if not found and (slashes == 0 or slashes == 1 and path.startswith("/")):
            found = self.named.get(key)
        return found or []

    def _ending(self, key: str) -> list[str]:
        """The posts of unknown place whose path ends in `key` at a folder, but is not `key` itself."""
        tail = "/" + key
        return [post_id for whole, post_id in self.unplaced.get(key.rpartition("/")[2], ()) if whole.endswith(tail)]

    def source_of(self, post_id: str) -> str:
        """The file the post `post_id` was imported from."""
        return str(self.records[post_id].get("sp") or "")


def _place(record: Mapping[str, Any]) -> tuple[str | None, bool]:
    """(where a post's file is for Hugo's lookup, whether that is its path from `content/`): its
    "cp", else its file ("sp") from `content/` when that shows it, else its file as it is."""
    if record.get("cp"):
        return record["cp"], True
    source = record.get("sp")
    if not source:
        return None, False
    within = content_file({"source_path": source})
    return (source, False) if within is None else (within, True)


def unresolved_warnings(records: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """A line for each relative link of a post ("ml") that names no published post's file ("sp"), and
    for each Hugo ref ("hr") that names none, or more than one (`HugoPages`)."""
    known = {record["sp"] for record in records.values() if record.get("sp")}
    return [
        f"the post {record['slug']!r} links to the file {path}, which is none of your published posts: left as written"
        for record in records.values()
        for path in record.get("ml") or ()
        if path not in known
    ] + _unresolved_refs(records)


def _unresolved_refs(records: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """A line for each Hugo ref of a post ("hr") that names no published post, or more than one."""
    referring = [record for record in records.values() if record.get("hr")]
    if not referring:
        return []
    pages, lines = HugoPages(records), []
    for record in referring:
        for path in record["hr"]:
            found = sorted(pages.source_of(post_id) for post_id in pages.find(path, record))
            if not found:
                which = "which is none of your published posts"
            elif len(found) > 1:
                which = f"which names {len(found)} of your published posts ({', '.join(found)})"
            else:
                continue
            lines.append(f"the post {record['slug']!r} links to {path!r} by a Hugo ref, {which}: left as written")
    return lines


def shortcode_warning(slug: str, markdown: str) -> str | None:
    """The line a build warns with about a post imported from Hugo whose body (outside code) holds
    Hugo shortcodes, which its page shows as text, but refs (`ref_targets`: the build resolves them
    or names them, `unresolved_warnings`); None when it holds none."""
    if "{{" not in markdown:
        return None
    names = [
        match[0].strip()
        for line, text in _text_lines(markdown)
        if text and "{{" in line
        for match in _SHORTCODE.finditer(_REF.sub("", line))
        if match[1].lower() not in _BLOGSTER_WIDGETS
    ]
    if not names:
        return None
    more = f" (and {len(names) - 1} more)" if len(names) > 1 else ""
    return (
        f"'{slug}': its Hugo shortcode {names[0]!r}{more} is left as written, so readers see it as text:"
        " edit the post to say it without shortcodes"
    )


def mdx_warning(slug: str, markdown: str) -> str | None:
    """The line a build warns with about an imported MDX post whose body (outside code) holds JSX
    components, which its page leaves out (`<Chart data={x} />`: nothing in its place), or
    `import`/`export` lines, which it shows as text; None when it holds neither."""
    if "<" not in markdown and "import" not in markdown and "export" not in markdown:
        return None
    code = code_spans(markdown)
    components: list[str] = []
    esm: list[str] = []
    at = 0
    for line, text in _text_lines(markdown):
        start, at = at, at + len(line)
        if not text:
            continue
        if _MDX_ESM.match(line) and not _within(code, start):
            esm.append(line.strip())
        else:
            components += [
                match[1] for match in _MDX_COMPONENT.finditer(line) if not _within(code, start + match.start())
            ]
    lost = []
    if components:
        more = f" (and {len(components) - 1} more)" if len(components) > 1 else ""
        lost.append(f"its MDX component <{components[0]}>{more} is left out of its page, nothing in its place")
    if esm:
        more = f" (and {len(esm) - 1} more)" if len(esm) > 1 else ""
        lost.append(f"its MDX line {shortened(esm[0], 60)!r}{more} shows as text")
    if not lost:
        return None
    return f"'{slug}': " + "; ".join(lost) + ": edit the post to say it in markdown, without JSX"
