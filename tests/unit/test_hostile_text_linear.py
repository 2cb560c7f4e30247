"""Hostile text for the scans that read pages, posts, logs and exports (helper 249, after helper
235's sweep): each was a regex whose search started at every character of a long run and read on
to the run's end, so one long line took time quadratic in its length. A docs page's first heading of
80 KB took 18 s (`tree._HEADING`); 100 KB of `<img ` in a post took 24.5 s to import
(`linked_images._ATTRIBUTE`). Each text below, about 1 MB (a date 200 KB, two 4 MB), is read in a child process with
limits on its CPU time and memory (a fork of one process that loaded the modules, not an interpreter
started per text), so code that is quadratic again fails the test instead of taking the machine
down; the properties check that each linear reading gives what the regex it replaces gave."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogster_cli.analytics import csvfile, keywords, paths
from blogster_cli.content import astro_collections, attribute_lists, dates, linked_images, wordpress
from blogster_cli.content.inline_text import inline_text
from blogster_cli.documentation import includes, tree
from tests.bounded_child import measured
from tests.fork_server import ForkServer

SIZE = 1_000_000  # characters; 4 MB for the two shapes whose quadratic cost is a copy of the rest
# CPU seconds one text may take. Each takes at most 0.45 s on a loaded 2-core machine (most under
# 0.1 s): ten times that, generous for a slow runner; a quadratic read takes minutes to hours.
BOUND = 5.0

_POST = "type('Post', (), {'featured_image': None, 'content': {'markdown': text}})()"
_TREE, _IMAGES = "blogster_cli.documentation.tree", "blogster_cli.content.linked_images"
# A page's includes, read from a folder that holds none of them (each name is looked for, and warned of).
_INCLUDES_OF = "m.expand(text, path='p.md', files=m.FolderFiles(m.Path('/nonexistent')))"
_TARGETS = "blogster_cli.documentation.targets"
# name: (module, what reads `text`, the text: an expression of its size `n`)
HOSTILE = {
    "a docs heading of closing #s": (_TREE, "m.read_page('p.md', text)", "'# a' + ' #' * (n // 2) + 'x'"),
    "a docs heading of blanks": (_TREE, "m.read_page('p.md', text)", "'# a' + ' ' * n + 'x'"),
    "a docs heading of blanks before an attribute list": (
        _TREE, "m.read_page('p.md', text)", "'# a' + ' ' * n + 'x {: #b}'"),
    "a docs heading of badges": (_TREE, "m.read_page('p.md', text)", "'# ' + '[![a](' * (n // 6)"),
    "a docs page of MyST target lines": (_TARGETS, "m.labels(text)", "'(a)=\\n' * (n // 5)"),
    "a MyST target line of parentheses": (_TARGETS, "m.labels(text)", "'(' * n + ')='"),
    "a docs page of nested MyST directives": (_TARGETS, "m.labels(text)", "'```{note}\\n' * (n // 10) + '(a)='"),
    "a docs page of fence lines": (_TARGETS, "m.labels(text)", "'````\\n```\\n' * (n // 9) + ')='"),
    "a docs page of links to MyST labels": (
        "blogster_cli.documentation.links", "m.broken_links([('p', 'p.md', text)])", "'(a)=\\n[x](a)\\n' * (n // 12)"),
    "a docs page of MyST target lines, shown": (_TARGETS, "m.without_targets(text)", "'(a)=\\n' * (n // 5)"),
    "a docs page of text and MyST targets, shown": (
        _TARGETS, "m.without_targets(text)", "'> a\\n> (a)=\\n' * (n // 10)"),
    "a docs page of fence lines, shown": (_TARGETS, "m.without_targets(text)", "'```{note}\\n' * (n // 10) + '(a)='"),
    "a quote mark line before MyST targets, shown": (
        _TARGETS, "m.without_targets(text)", "'>' * (n // 2) + '\\n' + '(a)=\\n\\n' * (n // 12)"),
    "a post of <img": (_IMAGES, "m.image_links(text)", "'<img ' * (n // 5)"),
    "a post of <img, rewritten": (_IMAGES, "m.rewrite_image_links(text, {'a.png': 'b.png'})", "'<img ' * (n // 5)"),
    "a post of figure shortcodes": (_IMAGES, "m.image_links(text)", "'{{< figure ' * (n // 11)"),
    "a post of ![": (_IMAGES, "m.image_links(text)", "'![' * (n // 2)"),
    "a post of ![a](<": (_IMAGES, "m.image_links(text)", "'![a](< ' * (n // 7)"),
    "a post of ![a](<, rewritten": (_IMAGES, "m.rewrite_image_links(text, {'<': 'b.png'})", "'![a](< ' * (n // 7)"),
    "a picture behind site.url": (_IMAGES, "m.image_links(text)", "'![a](' + '{{site.url}}' * (n // 3) + '/a.png)'"),
    "a long code fence": (_IMAGES, "m.image_links(text)", "'`' * (2 * n) + '\\n' * (2 * n)"),
    "a date of blanks": ("blogster_cli.content.dates", "m.parse_date(text)", "'2020-01-01' + ' ' * (n // 5) + 'x'"),
    "a CSV figure of blanks": ("blogster_cli.analytics.csvfile", "m.figure(text)", "'1' + ' ' * n + '1x'"),
    "a log path of unsubscribe links": (
        "blogster_cli.analytics.paths", "m.is_tracking(text)", "'/unsubscribe/?&' * (n // 15)"),
    "a WordPress post of http://": ("blogster_cli.content.wordpress", f"m.uploads_linked({_POST})", "'http://' * (n // 7)"),
    "a WordPress shortcode's long attribute name": (
        "blogster_cli.content.wordpress", "m.html_to_markdown(text)", "'[code ' + 'a' * n + ']x[/code]'"),
    # h276 F1-F3: a 288 KB docs folder kept `docs import` busy for minutes, a 256 KiB Astro content
    # config took 40 s to read, a 90 KB Keyword Planner export 28 s to import.
    "a docs include block of 4 KB names that nearly pick lines": (
        "blogster_cli.documentation.includes", _INCLUDES_OF,
        "'--8<--\\n' + ''.join(f'{i:04}' + '1:1,' * 1022 + 'x\\n' for i in range(n // 4096))"),
    "an Astro content config of braces before `from 'astro/loaders'`": (
        "blogster_cli.content.astro_collections", "m.read_config(text)",
        "'{' * (n // 21) + \"}from'astro/loaders'\" * (n // 21)"),
    "a Keyword Planner volume of blanks": ("blogster_cli.analytics.keywords", "m.volume_range(text)", "'1' + ' ' * n + 'x'"),
    # h388: an SVG's CSS read token by token, so a `/*` in a string or url() starts no comment
    "an SVG's CSS of @": ("blogster_cli.publish.svg", "m.active_content(f'<svg><style>{text}</style></svg>'.encode())",
                          "'@' * n"),
}  # fmt: skip

_SETUP = """
import importlib
from blogster_cli.errors import InvalidInput
module, call, text, n = case
m = importlib.import_module(module)
text = eval(text)
"""
_TIMED = """
try:
    eval(call)
except (InvalidInput, ValueError):  # not a date, not a number: refused, which is fine
    pass
"""


@pytest.fixture(scope="module")
def children() -> Iterator[ForkServer]:
    """Each text's child a fork of one process that loaded the modules reading them."""
    server = ForkServer(["blogster_cli.errors", *sorted({module for module, _, _ in HOSTILE.values()})])
    yield server
    server.close()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_text_is_read_in_linear_time_and_bounded_memory(children, name):
    figures = measured(_SETUP, _TIMED, [*HOSTILE[name], SIZE], cpu=int(BOUND * 6), server=children)
    assert figures["seconds"] < BOUND, (name, figures)
    assert figures["rss_mb"] < 1024, (name, figures)


# The regexes the linear readings replace, as they were: the oracles of the properties below.
OLD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
OLD_ENDING_ATTRIBUTE_LIST = re.compile(rf"[ \t]*{attribute_lists.ATTRIBUTE_LIST}$")
OLD_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
OLD_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
OLD_CURRENCY_CODE = re.compile(r"^[A-Z]{3}\s*|\s*[A-Z]{3}$")
OLD_UNSUBSCRIBE = re.compile(r"/unsubscribe/\?(?:[^#]*&)?t=[0-9a-f]{32,64}(?:[&#]|$)")
OLD_WORDPRESS_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")


def _texts(*pieces: str, max_size: int = 24) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


def _read(matches):
    return [(match.span(), match.groupdict(), match.groups()) for match in matches]


def _old_title(body: str, file_name: str) -> str:
    match = OLD_HEADING.search(body)
    if match:
        heading = match.group(1).strip()
        without = OLD_ENDING_ATTRIBUTE_LIST.sub("", heading)
        title = heading if without == heading else OLD_CLOSING_HASHES.sub("", without).strip()
        title = inline_text(title[:2_000]).strip()  # then its words, escapes read
        if title:
            return title[:300]
    return tree.title_from("", file_name)


@settings(max_examples=400, deadline=None)
@given(text=_texts(" ", "\t", "\n", "#", "##", "a", "{", "}", ":", "{: #i}", "{.c}", " ##", "k=v", '"', "\\"))
def test_a_title_is_the_first_heading_as_the_lazy_regex_read_it(text):
    for body in (text, f"# {text}", f"   ### {text}", f"#{text}"):
        assert tree.title_from(body, "page-name.md") == _old_title(body, "page-name.md"), body


@settings(max_examples=400, deadline=None)
@given(
    text=_texts("![", "]", "(", ")", "<", ">", " ", "\t", "\n", "a", "a.png", "{{", "}}", "{%", "%}", "{", '"', "'",
                "<img ", "<IMG ", "{{< figure ", "{{%figure ", "src", "SRC", "=", " src=", 'src="', "src='", "#x",
                "{{ site.url }}", "/a.png", "![a](", "](", "```\n", "[r]: ", "x", "\\")
)  # fmt: skip
def test_the_linear_picture_scans_find_the_regexes_matches(text):
    assert _read(linked_images._inline_matches(text)) == _read(linked_images._INLINE.finditer(text))
    assert _read(linked_images._attribute_matches(text)) == _read(linked_images._ATTRIBUTE.finditer(text))
    links = {link.target: f"media/{number}.png" for number, link in enumerate(linked_images.image_links(text))}
    expected = text
    if links:
        expected = "".join(
            piece if not outside else _substituted_by_regexes(piece, links)
            for piece, outside in linked_images._outside_fences(text)
        )
    assert linked_images.rewrite_image_links(text, links) == expected


def _substituted_by_regexes(piece: str, links: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        target = match.group("target")
        if target not in links:
            return match.group(0)
        start, end = match.span("target")
        return match.group(0)[: start - match.start()] + links[target] + match.group(0)[end - match.start() :]

    for pattern in (linked_images._INLINE, linked_images._REFERENCE, linked_images._ATTRIBUTE):
        piece = pattern.sub(replace, piece)
    return piece


@settings(max_examples=400, deadline=None)
@given(
    note=_texts(" ", "\t", "\n", "(", ")", "a", "1", ":", "00", "\u00a0"),
    currency=_texts(" ", "\t", "\n", "EUR", "US", "D", "1", ",", "a", "\u2003"),
    name=_texts(" ", "\t", "\n", "a", "b-", "_", "=", '"', "'", "x=", "é", "-", "1"),
    address=_texts("http://", "https://", "http", "s://", "/wp-content/uploads/", "a", " ", "(", "]", '"', "/", "\n"),
    path=_texts("/unsubscribe/?", "&", "t=", "0123456789abcdef" * 2, "0123456789abcdef", "#", "x", "\n", "?"),
)
def test_the_other_linear_searches_find_what_the_regexes_found(note, currency, name, address, path):
    assert dates._TRAILING_NOTE.sub("", note) == OLD_TRAILING_NOTE.sub("", note)
    assert csvfile._without_currency_codes(currency) == OLD_CURRENCY_CODE.sub("", currency)
    assert _read(wordpress._ATTRIBUTE.finditer(name)) == _read(OLD_WORDPRESS_ATTRIBUTE.finditer(name))
    assert wordpress._uploads_in(address) == wordpress._UPLOAD.findall(address)
    assert (paths._UNSUBSCRIBE.search(path) is not None) == (OLD_UNSUBSCRIBE.search(path) is not None)


def test_a_heading_of_closing_marks_only_is_read_as_before():
    """`# #` reads `#` (the lazy capture took one character at least); `#  ` (two blanks) reads a
    blank, and then the file name; `# ` alone is no heading, so a later one names the page."""
    assert tree.title_from("# #\n# Later", "f.md") == "#"
    assert tree.title_from("#  \n# Later", "my-page.md") == "My page"
    assert tree.title_from("# \n# Later", "f.md") == "Later"
    assert tree.title_from("## Title ##  \n", "f.md") == "Title"


def _old_target(name: str) -> includes._Target:
    """includes._target as it was: each `:` tried in turn, with a match to the end (quadratic)."""
    colon = name.find(":") if len(name) <= includes.MAX_NAME else -1
    while colon != -1:
        rest = name[colon + 1 :]
        if includes._LINE_RANGES.fullmatch(rest):
            ranges = []
            for span in rest.split(","):
                first, _, second = span.partition(":")
                start = int(first) if first not in ("", "-") else None
                end = int(second) if second not in ("", "-") else None
                ranges.append((start if start is None or start < 0 else max(0, start - 1), end))
            return includes._Target(name[:colon].strip(), tuple(ranges))
        if includes._SECTION_NAME.fullmatch(rest):
            return includes._Target(name[:colon].strip(), section=rest)
        colon = name.find(":", colon + 1)
    return includes._Target(name.strip())


def _old_glob_names(reader: astro_collections._Reader) -> tuple[set[str], set[str]]:
    """astro_collections._glob_names as it was: each `{ ... } from 'astro/loaders'` looked through
    whole, braces inside braces again for each `} from` around them (quadratic)."""
    tokens = reader.tokens
    names, namespaces = {"glob"}, set()
    for index, token in enumerate(tokens):
        if token.kind != "name" or token.text != "from" or index + 1 >= len(tokens):
            continue
        module = tokens[index + 1]
        if module.kind != "string" or module.text != astro_collections.LOADERS_MODULE:
            continue
        if reader.punct(index - 1, "}"):
            position = reader.opening[index - 1] + 1
            while position < index - 1:
                if reader.name(position) == "glob" and reader.name(position + 1) == "as" and reader.name(position + 2):
                    names.add(reader.name(position + 2) or "glob")
                position += 1
        elif reader.name(index - 1) is not None and reader.name(index - 2) == "as":
            namespaces.add(reader.name(index - 1) or "")
    return names, namespaces


OLD_VOLUME_RANGE = re.compile(r"([0-9]+(?:[.,][0-9]+)*)\s*([KMB]?)\s*(?:[-\u2013\u2014]|to)\s*([0-9]+(?:[.,][0-9]+)*)"
                              r"\s*([KMB]?)", re.IGNORECASE)  # fmt: skip


def _old_volume_range(text: str) -> tuple[int, int] | None | str:
    found = OLD_VOLUME_RANGE.fullmatch(text.strip())
    if found is None:
        return None
    low, high = keywords._bound(found[1], found[2]), keywords._bound(found[3], found[4])
    if low is None or high is None or low > high:
        return None
    return "out of range" if low > keywords.MAX_VOLUME else (round(low), round(high))


@settings(max_examples=600, deadline=None)
@given(
    name=_texts(":", ",", "-", "1", "23", "0", "a", "intro", "x.md", "d/", " ", "_", ":-1", ":1:2", ",3:", "é", max_size=16),
    long=st.booleans(),
)  # fmt: skip
def test_a_snippet_name_is_split_where_the_regexes_split_it(name, long):
    if long:
        name = name * (1 + includes.MAX_NAME // max(len(name), 1))  # past MAX_NAME: taken as it is
    assert includes._target(name) == _old_target(name)


@settings(max_examples=400, deadline=None)
@given(
    text=_texts("{", "}", " glob", " as", " g", " l", " from", " 'astro/loaders'", " 'x'", ",", "*", ";", max_size=20)
)
def test_glob_s_local_names_are_the_ones_the_nested_scan_found(text):
    try:
        reader = astro_collections._Reader(astro_collections._tokens(text))
    except astro_collections._Unreadable:
        return  # brackets that do not pair: no names read
    assert astro_collections._glob_names(reader) == _old_glob_names(reader)


@settings(max_examples=600, deadline=None)
@given(text=_texts("1", "0", "25", "000", ",", ".", "K", "k", "m", "B", " ", "\t", "\u00a0", "-", "\u2013", "\u2014",
                   "to", "x", "99999999999", max_size=14))  # fmt: skip
def test_a_volume_range_is_read_as_the_backtracking_regex_read_it(text):
    try:
        found: tuple[int, int] | None | str = keywords.volume_range(text)
    except ValueError:
        found = "out of range"
    assert found == _old_volume_range(text)
