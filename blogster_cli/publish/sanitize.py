"""Post HTML made safe to serve: no scripts, no event handlers, no javascript: URLs.

Embeds a post keeps as HTML (an import from WordPress keeps them as written) are never run
and never silently dropped (`embeds_shown`):

- an `<iframe>` of a video player (YouTube's or Vimeo's embed address: `PLAYERS`) stays a
  frame, loaded over https, sandboxed (scripts for the player itself, nothing on the page's
  behalf: the frame is another site's, so it cannot reach the page); any other frame becomes a
  link to its address, since a page that frames any site shows whatever that site serves,
  inside the post, and an allow-list of players is what keeps it to a video;
- a GitHub gist's `<script src>` becomes a link to the gist, and any other script is left out
  (the site runs no scripts: a platform's widget script, such as a tweet's, goes, and the
  quoted tweet beside it stays);
- a Flash `<object>` or `<embed>` (no browser plays Flash) becomes a link to its file, or the
  player when that is an old YouTube video address (`youtube.com/v/ID`);
- an embed with no http(s) address to link (`srcdoc`, `javascript:`) is left out.

`embeds_changed` counts what a page does not show as written, for the import's warnings.

Readers off the site (a newsletter) see the same embeds by other means: `embeds_replaced` walks
a text's embed elements (with `<video>` and `<audio>`), `embed_link` is the address a page shows
each by, and `watch_page` the page where a reader watches what a player address plays.
"""

from __future__ import annotations

import html as html_text
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import nh3

# nh3's defaults (ammonia's allow-list) plus what rendered markdown and highlighted code use.
_TAGS = nh3.ALLOWED_TAGS | {"input", "figure", "figcaption", "picture", "source", "video", "audio"}
_ATTRIBUTES = {
    **{tag: set(attributes) for tag, attributes in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "hreflang", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "input": {"type", "checked", "disabled"},
    "source": {"src", "srcset", "type", "media"},
    "video": {"src", "controls", "poster", "width", "height"},
    "audio": {"src", "controls"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start", "type"},
}
_URL_SCHEMES = {"http", "https", "mailto"}

# A player address's path, whole (its query is the player's own): YouTube's /embed/ID (a
# playlist's /embed/videoseries), Vimeo's /video/NUMBER. Nothing else of those sites is framed:
# no dot segment (`/embed/../../signin`, `%2e%2e`), encoded slash or backslash, which a browser
# would resolve to another of their pages.
_YOUTUBE_VIDEO = re.compile(r"/embed/([A-Za-z0-9_-]+)")
_VIMEO_VIDEO = re.compile(r"/video/([0-9]+)")
# The video players a page frames: host -> the shape of their embed addresses' paths.
PLAYERS = {
    "www.youtube.com": _YOUTUBE_VIDEO,
    "youtube.com": _YOUTUBE_VIDEO,
    "www.youtube-nocookie.com": _YOUTUBE_VIDEO,
    "youtube-nocookie.com": _YOUTUBE_VIDEO,
    "player.vimeo.com": _VIMEO_VIDEO,
}
_OLD_YOUTUBE = re.compile(r"/v/([\w-]+)(?:&.*)?")  # a Flash player's address: youtube.com/v/ID&hl=en
_VIMEO_HASH = re.compile(r"[0-9A-Za-z]+")
# A framed player may run its own scripts in its own origin, go full screen and open its page
# in a new tab; never navigate the page, submit forms or open dialogs on its behalf.
SANDBOX = "allow-scripts allow-same-origin allow-presentation allow-popups allow-popups-to-escape-sandbox"
_ALLOW = "fullscreen; picture-in-picture; encrypted-media"
# YouTube refuses to play in a frame that sends no Referer: the browser's default, stated.
_REFERRER_POLICY = "strict-origin-when-cross-origin"
_FRAME_TAGS = _TAGS | {"iframe"}
_FRAME_ATTRIBUTES = {**_ATTRIBUTES, "iframe": {"src", "width", "height", "title", "allowfullscreen"}}
_FRAME_VALUES = {"iframe": {"allow": {_ALLOW}, "referrerpolicy": {_REFERRER_POLICY}, "loading": {"lazy"}}}

# The start of an embed's tag, and of a Flash `<param>` (which names the file in its `value`).
_EMBED_START = re.compile(r"<(/?)(iframe|script|object|embed)\b", re.IGNORECASE)
_MEDIA_START = re.compile(r"<(/?)(iframe|script|object|embed|video|audio)\b", re.IGNORECASE)  # and a video's
_PARAM_START = re.compile(r"<()(param)\b", re.IGNORECASE)
_SOURCE_START = re.compile(r"<()(source)\b", re.IGNORECASE)  # a `<video>`'s or `<audio>`'s file
# The rest of a tag, as a browser reads it: to the first `>` outside a quoted value. Looked for at
# most _LONGEST_TAG characters on (a player's tag is under 1 KB), else to the first `>`: each tag
# then costs a bounded scan, where one unclosed quote per tag scanned on to the end each time.
_TAG_REST = re.compile(r"""(?:[^>"']|"[^"]*"|'[^']*')*>""")
_TAG_REST_TO_FIRST = re.compile(r"[^>]*>")
_LONGEST_TAG = 8192
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_DIMENSION = re.compile(r"\d{1,5}%?")


def clean_html(html: str) -> str:
    """`html` with everything outside the allow-list removed (relative URLs are kept), and its
    embeds shown as the module docstring says."""
    if _EMBED_START.search(html) is None:
        return _cleaned(html, link_rel="noopener noreferrer")
    return nh3.clean(
        embeds_shown(html),
        tags=_FRAME_TAGS,
        attributes=_FRAME_ATTRIBUTES,
        attribute_filter=_player_only,
        tag_attribute_values=_FRAME_VALUES,
        set_tag_attribute_values={"iframe": {"sandbox": SANDBOX}},  # one attribute: its place is fixed
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _cleaned(html: str, *, link_rel: str | None) -> str:
    """`html` (without embeds) with everything outside the allow-list removed."""
    return _cleaner(link_rel).clean(html)


@lru_cache(maxsize=2)
def _cleaner(link_rel: str | None) -> nh3.Cleaner:
    """The allow-list built once: `nh3.clean` builds it on every call (~100 us of a ~110 us call on a
    short fragment; a page build and a newsletter's text part clean many)."""
    return nh3.Cleaner(
        tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES, link_rel=link_rel, strip_comments=True
    )


def cleaned_with_source_positions(html: str) -> str:
    """`html` (cmark's, rendered with source positions) with what `clean_html` removes of markup
    without embeds removed, each element it keeps with its `data-sourcepos`: so a reader of the
    markdown (a newsletter's plain-text part) can tell which of its blocks the page shows."""
    return _source_cleaner().clean(html)


@lru_cache(maxsize=1)
def _source_cleaner() -> nh3.Cleaner:
    attributes = {**_ATTRIBUTES, "*": _ATTRIBUTES["*"] | {"data-sourcepos"}}
    return nh3.Cleaner(tags=_TAGS, attributes=attributes, url_schemes=_URL_SCHEMES, link_rel=None, strip_comments=True)


_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_CLEANED_START_TAG = re.compile(r'<([a-z][a-z0-9-]*)(?: [^\s"=>/]+="[^"]*")*>')  # as the sanitiser writes one


@lru_cache(maxsize=4096)
def kept_tag(tag: str) -> str:
    """One opening or closing tag (`<div class="note" data-id="7">`, `</div>`) as `clean_html`
    keeps it in markup without embeds: "" where it drops the tag, else the tag with only the
    attributes it keeps, as it writes them (no `rel` added to a link). For text that shows a post's
    tags as written (a newsletter's plain-text part), so that it carries nothing the page drops."""
    found = _TAG_NAME.match(tag)
    if found is None or found.group(2).lower() not in _TAGS:
        return ""
    name = found.group(2).lower()
    if found.group(1):
        return f"</{name}>"
    for context in ("", "<table>"):  # a table's cell, row or caption is one only inside a table
        for start in _CLEANED_START_TAG.finditer(_cleaned(context + tag, link_rel=None)):
            if start.group(1) == name:
                return start.group()
    return ""


_PROBE_MARK = "\ue000{}\ue001"  # private-use characters around a probe's texts: no markup


@lru_cache(maxsize=4096)
def drops_with_content(name: str) -> bool:
    """Whether `clean_html` drops an element named `name` (any case) with the text it holds wherever
    it is, as it does an element SVG or MathML names outside `<svg>` and `<math>` (`<desc>`, `<text>`,
    `<metadata>`, `<mi>`), where it keeps the text of any other element it drops (`<font>`, `<foo>`).
    Asked of the sanitiser itself, once per name, not listed here: its list is its own."""
    name = name.lower()
    if name in _TAGS or _TAG_NAME.fullmatch(f"<{name}") is None:
        return False
    before, inside, after = (_PROBE_MARK.format(number) for number in range(3))
    cleaned = clean_html(f"<p>{before}<{name}>{inside}</{name}>{after}</p>")
    return before in cleaned and after in cleaned and inside not in cleaned


def _player_only(tag: str, attribute: str, value: str) -> str | None:
    """The sanitiser's own check that a frame shows a player (whatever `embeds_shown` let by)."""
    if tag == "iframe" and attribute == "src" and player_url(value) != value:
        return None
    return value


def player_url(src: str) -> str | None:
    """The https address a page frames for `src` (entities decoded), or None when it is no
    player's: `PLAYERS`, over http, https or scheme-relative (`//www.youtube.com/embed/ID`), its
    path of the player's shape exactly (`/embed/ID`, `/video/NUMBER`), any query kept."""
    try:
        parts = urlsplit(html_text.unescape(src).strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https", "") or not parts.netloc or host not in PLAYERS:
        return None
    path = parts.path
    old = _OLD_YOUTUBE.fullmatch(path) if "youtube" in host else None
    if old is not None:
        path = f"/embed/{old.group(1)}"
    if PLAYERS[host].fullmatch(path) is None:
        return None
    return urlunsplit(("https", host, path, "" if old is not None else parts.query, ""))


def watch_page(address: str) -> tuple[str, str] | None:
    """Where a reader watches the video a player address plays (`player_url`), and the site's
    name: ("https://www.youtube.com/watch?v=ID", "YouTube"), with the embed's `list` and its
    `start` as `t` (a playlist's own page for `/embed/videoseries`), or ("https://vimeo.com/ID",
    "Vimeo"), `/HASH` after an unlisted video's ID (its `h`). A playlist's player without its
    list (`/embed/videoseries`) is its own page; None for an address that is no player's."""
    player = player_url(address)
    if player is None:
        return None
    parts = urlsplit(player)
    query = parse_qs(parts.query)
    listed = (query.get("list") or [""])[0]
    if parts.hostname == "player.vimeo.com":
        video = _VIMEO_VIDEO.fullmatch(parts.path)
        if video is None:
            return player, "Vimeo"
        secret = (query.get("h") or [""])[0]
        return f"https://vimeo.com/{video.group(1)}" + (f"/{secret}" if _VIMEO_HASH.fullmatch(secret) else ""), "Vimeo"
    video = _YOUTUBE_VIDEO.fullmatch(parts.path)
    if video is not None and video.group(1) == "videoseries" and listed:
        return f"https://www.youtube.com/playlist?{urlencode({'list': listed})}", "YouTube"
    if video is None or video.group(1) == "videoseries":
        return player, "YouTube"
    watch = {"v": video.group(1)} | ({"list": listed} if listed else {})
    start = (query.get("start") or [""])[0]
    watch |= {"t": start} if start.isascii() and start.isdigit() else {}
    return f"https://www.youtube.com/watch?{urlencode(watch)}", "YouTube"


def embeds_changed(html: str) -> Counter[str]:
    """How many embeds of `html` a page does not show as written, by what becomes of them:
    "frame as a link", "gist as a link", "object as a link", "script left out", and "frame left
    out" or "object left out" when there is no http(s) address to link (`srcdoc`, `javascript:`)."""
    changed: Counter[str] = Counter()
    embeds_shown(html, changed)
    return changed


def embeds_shown(html: str, changed: Counter[str] | None = None) -> str:
    """`html` with each embed as the module docstring says, counting the changes in `changed`."""

    def shown(embed: Embed) -> str:
        page = _SHOWN[embed.name](embed.attributes, embed.inner, changed)
        if page.startswith("<a ") and embed.alone:
            return f"<p>{page}</p>"  # an HTML block of its own: a paragraph, as a link in the text is
        return page

    return embeds_replaced(html, shown)


@dataclass(frozen=True)
class Embed:
    """An embed element of a text, as `embeds_replaced` finds it."""

    name: str
    """iframe, script, object or embed; video or audio (`media`)"""
    attributes: dict[str, str]
    """Its opening tag's, by lowercase name (the first of a name), entities decoded."""
    inner: str
    """The text between its opening and its closing tag ("" without one)."""
    source: str
    """The element as written, to its closing tag (its opening tag alone without one)."""
    alone: bool
    """On lines of its own: an HTML block of markdown, a block of rendered HTML."""


def embeds_replaced(html: str, replace: Callable[[Embed], str], *, media: bool = False) -> str:
    """`html` with each embed element (`<iframe>`, `<script>`, `<object>`, `<embed>`; with `media`
    also `<video>` and `<audio>`) replaced by what `replace` makes of it.

    An element runs to its closing tag, found once per name by bisection (an `<object>`'s
    matching one, as they nest); without one, only its opening tag is replaced."""
    tags = _tags(html, _MEDIA_START if media else _EMBED_START)
    closers: dict[str, list[int]] = {}
    matching: dict[int, int] = {}  # an <object> opening's index -> its closing's
    open_objects: list[int] = []
    for index, tag in enumerate(tags):
        if tag.closing:
            closers.setdefault(tag.name, []).append(index)
            if tag.name == "object" and open_objects:
                matching[open_objects.pop()] = index
        elif tag.name == "object":
            open_objects.append(index)
    parts: list[str] = []
    done = index = 0
    while index < len(tags):
        tag = tags[index]
        if tag.closing or tag.start < done:
            index += 1
            continue
        end_index = index
        if tag.name == "object":
            end_index = matching.get(index, index)
        elif tag.name != "embed":  # any other element's text runs to its first closing tag
            later = closers.get(tag.name, [])
            found = bisect_left(later, index)
            end_index = later[found] if found < len(later) else index
        end = tags[end_index].end
        alone = (tag.start == 0 or html[tag.start - 1] == "\n") and html.startswith("\n", end)
        inner, source = html[tag.end : tags[end_index].start], html[tag.start : end]
        parts += [html[done : tag.start], replace(Embed(tag.name, _attributes(tag.attributes), inner, source, alone))]
        done, index = end, end_index + 1
    return "".join(parts) + html[done:]


def embed_link(embed: Embed) -> str | None:
    """The address a page shows `embed` by: a video player's https address (`player_url`: a
    frame's, or a Flash object's), else the http(s) address it links: a frame's page, a Flash
    file, a gist's page, a `<video>`'s or `<audio>`'s file (its `src`, else its first `<source>`'s).
    None when there is none (any other script, `srcdoc`, `javascript:`)."""
    if embed.name == "script":
        return _gist_page(embed.attributes.get("src", ""))
    if embed.name in ("video", "audio"):
        address = embed.attributes.get("src", "")
        if not address:
            sources = (_attributes(tag.attributes).get("src", "") for tag in _tags(embed.inner, _SOURCE_START))
            address = next((src for src in sources if src), "")
        return _http_address(address)
    if embed.name == "iframe":
        address = embed.attributes.get("src", "")
    else:
        address = _plugin_address(embed.attributes, embed.inner)
    return player_url(address) or _http_address(address)


@dataclass(frozen=True)
class _Tag:
    start: int
    end: int
    closing: bool
    name: str
    attributes: str


def _tags(html: str, opening: re.Pattern[str]) -> list[_Tag]:
    """The tags `opening` starts in `html`, in order, each ending as `_TAG_REST` says."""
    found: list[_Tag] = []
    position, last = 0, html.rfind(">") + 1  # past the last `>` no tag can end
    while (start := opening.search(html, position, last)) is not None:
        rest = _TAG_REST.match(html, start.end(), min(last, start.end() + _LONGEST_TAG))
        rest = rest or _TAG_REST_TO_FIRST.match(html, start.end(), last)
        if rest is None:  # never: the last `>` follows
            break
        found.append(_Tag(start.start(), rest.end(), bool(start.group(1)), start.group(2).lower(), rest.group()[:-1]))
        position = rest.end()
    return found


def _attributes(text: str) -> dict[str, str]:
    found: dict[str, str] = {}
    if len(text) > _LONGEST_TAG:
        return found
    for match in _ATTRIBUTE.finditer(text):
        value = next((group for group in match.groups()[1:] if group is not None), "")
        found.setdefault(match.group(1).lower(), html_text.unescape(value))
    return found


def _http_address(url: str) -> str | None:
    """An embed's http(s) address (a scheme-relative one as https), or None for any other."""
    url = url.strip()
    url = "https:" + url if url.startswith("//") else url
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _link(url: str) -> str:
    """A link to an embed's http(s) address (a scheme-relative one as https), or "" for any other."""
    address = _http_address(url)
    if address is None:
        return ""
    shown = html_text.escape(address)
    return f'<a href="{shown}">{shown}</a>'


def _as_link(url: str, kind: str, changed: Counter[str] | None) -> str:
    """The link to `url`, counted as "KIND as a link", or "KIND left out" when there is none."""
    link = _link(url)
    if changed is not None:
        changed[f"{kind} as a link" if link else f"{kind} left out"] += 1
    return link


def _player(url: str, attributes: dict[str, str]) -> str:
    size = "".join(
        f' {name}="{attributes[name]}"'
        for name in ("width", "height")
        if _DIMENSION.fullmatch(attributes.get(name, ""))
    )
    title = f' title="{html_text.escape(attributes["title"])}"' if attributes.get("title") else ""
    return (
        f'<iframe src="{html_text.escape(url)}"{size}{title} allow="{_ALLOW}" referrerpolicy="{_REFERRER_POLICY}"'
        ' loading="lazy" allowfullscreen></iframe>'
    )


def _frame(attributes: dict[str, str], inner: str, changed: Counter[str] | None) -> str:
    src = attributes.get("src", "")
    player = player_url(src)
    return _player(player, attributes) if player is not None else _as_link(src, "frame", changed)


def _gist_page(src: str) -> str | None:
    """The gist's page for a gist's script address (`gist.github.com/USER/ID.js`), else None."""
    src = src.strip()
    try:
        parts = urlsplit("https:" + src if src.startswith("//") else src)
    except ValueError:
        return None
    if (parts.hostname or "").lower() == "gist.github.com" and parts.path.endswith(".js"):
        return urlunsplit(("https", "gist.github.com", parts.path.removesuffix(".js"), "", ""))
    return None


def _script(attributes: dict[str, str], inner: str, changed: Counter[str] | None) -> str:
    page = _gist_page(attributes.get("src", ""))
    if page is not None:
        return _as_link(page, "gist", changed)
    if changed is not None:
        changed["script left out"] += 1
    return ""


def _plugin(attributes: dict[str, str], inner: str, changed: Counter[str] | None) -> str:
    """An `<object>` or an `<embed>`, by `_plugin_address`."""
    url = _plugin_address(attributes, inner)
    player = player_url(url)
    return _player(player, attributes) if player is not None else _as_link(url, "object", changed)


def _plugin_address(attributes: dict[str, str], inner: str) -> str:
    """An `<object>`'s file (its `data`, else its movie `<param>`, else an `<embed>` in it) or an `<embed>`'s."""
    url = attributes.get("data") or attributes.get("src") or ""
    if not url:
        for param in _tags(inner, _PARAM_START):
            named = _attributes(param.attributes)
            if named.get("name", "").lower() in ("movie", "src") and named.get("value"):
                url = named["value"]
                break
    if not url:
        embed = next((tag for tag in _tags(inner, _EMBED_START) if tag.name == "embed" and not tag.closing), None)
        url = _attributes(embed.attributes).get("src", "") if embed is not None else ""
    return url


_SHOWN: dict[str, Callable[[dict[str, str], str, Counter[str] | None], str]] = {
    "iframe": _frame,
    "script": _script,
    "object": _plugin,
    "embed": _plugin,
}
