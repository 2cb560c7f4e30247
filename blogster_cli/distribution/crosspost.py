"""A post as each platform wants it: the platform names, tags mapped to each one's rules.

The canonical URL always points back to the user's own site, so search engines credit
the original; it is also the identity a re-run uses to find a copy it made before.

A post's embeds reach each platform in the form it shows (`for_platform`): none shows a frame or a
script sent as written (dev.to and Hashnode strip them from markdown, WordPress from an Author's
HTML), so the YouTube or Vimeo player and the gist the site shows would leave nothing there.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from blogster_cli.distribution.unseen import code_and_html_blocks
from blogster_cli.publish.media import MEDIA_NAME, served_links
from blogster_cli.publish.sanitize import Embed, embed_link, embeds_replaced, watch_page
from blogster_cli.vocabulary import RepublishingPlatform

# What users type -> the schema's platform value. Medium is absent: see MEDIUM_NOTE.
PLATFORMS: dict[str, RepublishingPlatform] = {
    "devto": RepublishingPlatform.DEV_TO,
    "hashnode": RepublishingPlatform.HASHNODE,
    "wordpress": RepublishingPlatform.WORDPRESS,
}
MEDIUM_NOTE = "Medium is not offered: it no longer issues API integration tokens to new users."

DEFAULT_URLS = {
    "devto": "https://dev.to",
    "hashnode": "https://gql.hashnode.com",
    "wordpress": "",  # the user's own WordPress site: there is no default
}

# Each platform's documented tag limits.
FOREM_MAX_TAGS = 4
HASHNODE_MAX_TAGS = 5
WORDPRESS_MAX_TAGS = 20


@dataclass(frozen=True)
class Article:
    """What every platform receives for one post."""

    title: str
    markdown: str
    html: str
    description: str | None
    tags: list[str]
    canonical_url: str
    slug: str


def platform_name(text: str) -> str:
    """The platform as typed ('dev.to', 'DevTo', 'dev_to' all mean devto), or ValueError."""
    name = re.sub(r"[\s._-]", "", text.strip().lower())
    if name == "medium":
        raise ValueError(MEDIUM_NOTE)
    if name not in PLATFORMS:
        raise ValueError(f"unknown platform {text!r}; choose one of: {', '.join(PLATFORMS)}")
    return name


def cli_name(platform: str) -> str:
    """The name users type for a schema platform value ('dev_to' -> 'devto')."""
    for name, value in PLATFORMS.items():
        if value == platform:
            return name
    return str(platform)


def _ascii_words(tag: str) -> str:
    """The tag in lowercase ASCII, with the signs that name a language spelled out as both platforms
    do (`C++` cpp, `C#` csharp, `.NET` dotnet): dropped, they made `C++` and `C#` the C tag."""
    words = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"(?<=[a-z0-9])\+\+", "pp", words)
    words = re.sub(r"(?<=[a-z])#", "sharp", words)  # a leading '#' (#100DaysOfCode) is no sign
    return re.sub(r"(?<![a-z0-9])\.(?=net\b)", "dot", words)


def forem_tags(tags: list[str]) -> list[str]:
    """Forem tags: lowercase letters and digits only, at most four, no duplicates."""
    mapped = [re.sub(r"[^a-z0-9]", "", _ascii_words(tag)) for tag in tags]
    return list(dict.fromkeys(t for t in mapped if t))[:FOREM_MAX_TAGS]


def hashnode_tags(tags: list[str]) -> list[dict[str, str]]:
    """Hashnode tags as {slug, name}: slugs lowercase with hyphens, at most five."""
    seen: dict[str, dict[str, str]] = {}
    for tag in tags:
        slug = re.sub(r"[^a-z0-9]+", "-", _ascii_words(tag)).strip("-")
        if slug and slug not in seen:
            seen[slug] = {"slug": slug, "name": tag.strip()}
    return list(seen.values())[:HASHNODE_MAX_TAGS]


def wordpress_tags(tags: list[str]) -> list[str]:
    """WordPress tag names, trimmed and without duplicates (the site creates missing ones)."""
    return list(dict.fromkeys(t.strip() for t in tags if t.strip()))[:WORDPRESS_MAX_TAGS]


def canonical_url(base_url: str, path: str) -> str:
    """The post's address on the user's own site: base URL (ending in '/') plus its path."""
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def with_original_link(html: str, canonical: str) -> str:
    """The body for platforms without a canonical field (WordPress): it ends by linking the original."""
    link = escape(canonical, quote=True)
    return f'{html}\n<p><em>Originally published at <a href="{link}" rel="canonical">{link}</a>.</em></p>'


# -- Pictures from the media store, for readers off the site ------------------------------------

# Outside code: a backslash escape (an escaped backtick opens no code span) or a backtick run.
_ESCAPE_OR_TICKS = re.compile(r"\\[!-/:-@\[-`{-~]|`+")
_TICKS = re.compile(r"`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# Where markdown may hold code: a backtick (a code span, a fence), a `~~~` fence, a line indented as
# code (four spaces or a tab among its leading blanks, quotes' and list items' marks). A text
# without any holds none, and is not parsed for its blocks.
_MAY_HOLD_CODE = re.compile(r"`|~~~|^[ \t>*+\-.)0-9]*?(?: {4}|\t)", re.MULTILINE)
# In markdown: a link or image target (`](media/x.png`, `](<media/x.png>`), a reference
# definition (`[x]: media/x.png`) or an HTML attribute (`src="media/x.png"`), outside code.
_MEDIA_IN_MARKDOWN = re.compile(
    r"(?P<lead>\]\([ \t]*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?|\s(?:src|href)=[\"'])"
    rf"(?:\./)?media/(?P<name>{MEDIA_NAME})(?![\w.-])",
    re.MULTILINE,
)


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where `text`'s code is, in order: its code blocks, fenced and indented, as CommonMark reads
    them (`unseen.code_and_html_blocks`: the lines of a ``` in an HTML block are no fence, those of
    `    </script>` after a blank line are code), and the code spans of the rest but its HTML blocks
    (whose backticks are HTML's text). A code span closes at the next backtick run of its opener's
    length before a blank line (or a block of code or HTML); each opener looks its closer up by
    length, so the reading is O(n log n) where a regex searching on from each opener took
    quadratic time on runs of falling length."""
    if _MAY_HOLD_CODE.search(text) is None:  # most texts without code: no parse
        return []
    runs: dict[int, list[int]] = {}
    for run in _TICKS.finditer(text):
        runs.setdefault(len(run.group()), []).append(run.start())
    blanks = [blank.start() for blank in _BLANK_LINE.finditer(text)]
    found: list[tuple[int, int]] = []
    at = 0
    for start, end, kind in [*code_and_html_blocks(text), (len(text), len(text), "html")]:
        while at < start and (ticks := _ESCAPE_OR_TICKS.search(text, at, start)) is not None:
            at = ticks.end()
            if ticks.group().startswith("\\"):
                continue
            starts, size = runs.get(len(ticks.group()), []), len(ticks.group())
            index = bisect_right(starts, ticks.start())
            closer = starts[index] if index < len(starts) else None
            blank = bisect_left(blanks, ticks.start())
            if closer is not None and closer < min(blanks[blank] if blank < len(blanks) else start, start):
                found.append((ticks.start(), closer + size))
                at = closer + size
        if kind == "code":
            found.append((start, end))
        at = max(at, end)
    return found


def media_url(base_url: str) -> str | None:
    """Where the built site serves the media store (`<base URL>media/`, as publish/media.py lays
    it out), or None when `base_url` is no absolute http(s) address to point a reader at."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(base_url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.hostname.endswith("."):
        return None
    return base_url.strip().rstrip("/") + "/media/"


def absolute_media_markdown(markdown: str, media: str | None) -> str:
    """`markdown` with each picture written as `media/<name>` (what `images add` prints) pointing
    at `media` + name: in an email or on another platform a relative link shows nothing."""
    if not media or _MEDIA_IN_MARKDOWN.search(markdown) is None:
        return markdown

    parts: list[str] = []
    done = 0
    for start, end in [*code_spans(markdown), (len(markdown), len(markdown))]:
        for link in _MEDIA_IN_MARKDOWN.finditer(markdown, done, start):
            parts += [markdown[done : link.start()], f"{link.group('lead')}{media}{link.group('name')}"]
            done = link.end()
        parts.append(markdown[done:end])
        done = end
    return "".join(parts)


def absolute_media_html(html: str, media: str | None) -> str:
    """`html` (a rendered post) with each `src="media/<name>"` and `href="media/<name>"` absolute."""
    return served_links(html, media, attributes=("src", "href")) if media else html


# -- Embeds, as each platform shows them ---------------------------------------------------------

PLAY = "\N{BLACK RIGHT-POINTING TRIANGLE}"  # ▶, before the words of a link to a video
_PLAY_WORDS = {"video": "Watch the video", "audio": "Listen to the audio"}
# The titles embed codes give every player (YouTube's own code says "YouTube video player"): they name no video.
_PLAYER_TITLES = {"youtube video player", "vimeo-player", "vimeo video player"}
_TITLE_CHARS = 200


@dataclass(frozen=True)
class Play:
    """Where a reader off the site plays an embed, and the words of a link to it."""

    url: str
    words: str
    site: str | None = None
    """"YouTube" or "Vimeo" for a video player's watch page; None for a `<video>`'s or `<audio>`'s file."""


def play_link(embed: Embed) -> Play | None:
    """Where a reader off the site plays `embed` and the words of a link to it: a video player's (a
    frame, an old Flash object) watch page (`watch_page`), "▶ Watch the video on YouTube"; a
    `<video>`'s or `<audio>`'s file, "▶ Watch the video", "▶ Listen to the audio"; the element's
    title instead, where it has one of its own. None for an embed that plays nothing, or has no
    http(s) address."""
    link = embed_link(embed)
    if link is None:
        return None
    title = " ".join(embed.attributes.get("title", "").split())[:_TITLE_CHARS]
    title = "" if title.lower() in _PLAYER_TITLES else title
    if embed.name in _PLAY_WORDS:
        return Play(link, f"{PLAY} {title or _PLAY_WORDS[embed.name]}")
    watch = watch_page(link) if embed.name != "script" else None
    if watch is None:
        return None
    page, site = watch
    return Play(page, f"{PLAY} {title or f'Watch the video on {site}'}", site)


def embeds_outside_code(markdown: str, replace: Callable[[Embed], str]) -> str:
    """`markdown` with each embed element it keeps as HTML (`embeds_replaced`, with `<video>` and
    `<audio>`) replaced by what `replace` makes of it, outside code blocks, fenced and indented, and
    code spans (`code_spans`: they show their text as written). An element holding code runs past it
    to its closing tag, as on the page, where a `</script>` in code is `&lt;/script&gt;`: each piece
    of code is held as a mark (`_CODE_HELD`) while the embeds are found, so `a <script> `x` y </script>`
    goes whole (red team 52). An element is `alone` as in the whole text: one right after a code span
    is not at a line's start, one at the text's end is. Its code is read (a parse) only where it
    holds an embed."""
    if "<" not in markdown or not _holds_embeds(markdown):
        return markdown
    code: list[str] = []
    parts: list[str] = []
    done = 0
    for start, end in code_spans(markdown):
        line_end = (
            "\n" if markdown.endswith("\n", start, end) else ""
        )  # a fence's last: an embed after it starts a line
        parts += [markdown[done:start], f"\0c{len(code)}\0{line_end}"]
        code.append(markdown[start : end - len(line_end)])
        done = end
    held = "".join(parts) + markdown[done:]

    def back(text: str) -> str:
        return _CODE_HELD.sub(lambda found: code[int(found.group(1))], text) if code else text

    def replace_held(embed: Embed) -> str:
        attributes = {name: back(value) for name, value in embed.attributes.items()}
        return replace(
            dataclasses.replace(embed, attributes=attributes, inner=back(embed.inner), source=back(embed.source))
        )

    tail = "" if held.endswith("\n") else "\n"  # the text's end ends a line
    shown = embeds_replaced(held + tail, replace_held, media=True)
    return back(shown[: len(shown) - len(tail)])


def _holds_embeds(markdown: str) -> bool:
    """Whether `markdown` holds an embed element (`embeds_replaced`'s, with `<video>` and `<audio>`),
    in code or not: a text without one needs no parse for its code."""
    found: list[Embed] = []

    def noted(embed: Embed) -> str:
        found.append(embed)
        return embed.source

    embeds_replaced(markdown, noted, media=True)
    return bool(found)


# A piece of code held while `embeds_outside_code` finds the embeds around it: a NUL, which no post
# holds (PostgreSQL text cannot), then `c` and its number.
_CODE_HELD = re.compile("\0c([0-9]+)\0")


# A link's address in markdown: what ends it or breaks it (spaces, parentheses, angle brackets) and
# what would start a Forem liquid tag (`{%`) percent-encoded; every other sign as written.
_ADDRESS_SIGNS = "!#$%&'*+,-./:;=?@_~"
# A link's words in markdown: the signs that would make them emphasis, code, a link or a table cell.
_MARKDOWN_SIGNS = re.compile(r"[\\`*_\[\]<>|~]")


def _markdown_address(url: str) -> str:
    return quote(url, safe=_ADDRESS_SIGNS)


def _markdown_words(text: str) -> str:
    words = _MARKDOWN_SIGNS.sub(lambda sign: "\\" + sign.group(), " ".join(text.split()))
    return words.replace("{", "&#123;").replace("}", "&#125;")  # never a liquid tag's `{%`


def _markdown_link(embed: Embed) -> str | None:
    """`embed` as a markdown link to where the site's reader sees it: a player's watch page, a video's
    or audio's file (`play_link`), another frame's page, a Flash file, a gist's page; None when it
    has no http(s) address (any other script, `srcdoc`)."""
    shown = play_link(embed)
    if shown is not None:
        return f"[{_markdown_words(shown.words)}]({_markdown_address(shown.url)})"
    address = embed_link(embed)
    return f"[{_markdown_words(address)}]({_markdown_address(address)})" if address else None


# What Forem's own liquid tags accept (any other value fails the whole article): an 11-character
# YouTube id (a start in seconds after it), a Vimeo video's number (a public one: an unlisted
# video's page adds /HASH, which the tag cannot pass on), a gist's page as USER/ID[/REVISION].
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_SECONDS = re.compile(r"[0-9]{1,9}")
_VIMEO_PAGE = re.compile(r"https://vimeo\.com/([0-9]+)")
_FOREM_GIST = re.compile(
    r"https://gist\.github\.com/[a-zA-Z0-9](?:-?[a-zA-Z0-9]){0,38}/[a-zA-Z0-9]{1,32}(?:/[a-zA-Z0-9]+)?"
)
_GIST_FILE = re.compile(r"[A-Za-z0-9_.-]{1,200}")


def _gist_file(src: str) -> str | None:
    """The one file of a gist a script shows (`gist.github.com/USER/ID.js?file=NAME`), or None."""
    try:
        name = (parse_qs(urlsplit(src.strip()).query).get("file") or [""])[0]
    except ValueError:
        return None
    return name if _GIST_FILE.fullmatch(name) else None


def _forem_tag(embed: Embed) -> str | None:
    """The Forem liquid tag that shows `embed` as the site does, or None when none fits:
    `{% youtube ID %}`, `{% vimeo ID %}`, `{% gist URL %}` (with the script's `file=`). Forem checks
    these without fetching anything; `{% embed URL %}` fetches URL when the article is saved, and
    any failure there (a timeout, a refused request) refuses the whole article."""
    if embed.name == "script":
        page = embed_link(embed)  # a gist's page, None for any other script
        if page is None or not _FOREM_GIST.fullmatch(page):
            return None
        name = _gist_file(embed.attributes.get("src", ""))
        return f"{{% gist {page} file={name} %}}" if name else f"{{% gist {page} %}}"
    shown = play_link(embed)
    if shown is None or shown.site is None:
        return None
    if shown.site == "Vimeo":
        public = _VIMEO_PAGE.fullmatch(shown.url)
        return f"{{% vimeo {public.group(1)} %}}" if public else None
    parts = urlsplit(shown.url)
    query = parse_qs(parts.query)
    video, start = (query.get("v") or [""])[0], (query.get("t") or [""])[0]
    if parts.path != "/watch" or not _YOUTUBE_ID.fullmatch(video):
        return None  # a playlist's page, a player address of another shape
    return f"{{% youtube {video}?t={start} %}}" if _SECONDS.fullmatch(start) else f"{{% youtube {video} %}}"


def forem_markdown(markdown: str) -> str:
    """The markdown dev.to (any Forem) shows the post's embeds from, outside code: a YouTube or
    Vimeo player and a gist as Forem's liquid tag where it stood (`_forem_tag`: Forem renders the
    tags after the markdown, so one works in a paragraph or a table cell too); any other player,
    frame, Flash file or gist, a `<video>` or an `<audio>` as a link to it (`_markdown_link`);
    what has no address (any other script, `srcdoc`) as written."""

    def shown(embed: Embed) -> str:
        return _forem_tag(embed) or _markdown_link(embed) or embed.source

    return embeds_outside_code(markdown, shown)


def _hashnode_embed(embed: Embed) -> str | None:
    """The address Hashnode's `%[URL]` embeds for `embed`: a player's watch page, a gist's page."""
    if embed.name == "script":
        return embed_link(embed)  # a gist's page, None for any other script
    shown = play_link(embed)
    return shown.url if shown is not None and shown.site is not None else None


def hashnode_markdown(markdown: str) -> str:
    """The markdown Hashnode shows the post's embeds from, outside code: a YouTube or Vimeo player
    or a gist on lines of its own as Hashnode's embed `%[URL]` (its watch page, the gist's page), a
    paragraph of its own; in a line of text (a paragraph, a table cell), where `%[URL]` is no
    embed, and for a `<video>`, an `<audio>` or any other frame, a link to it (`_markdown_link`);
    what has no address (any other script, `srcdoc`) as written."""

    def shown(embed: Embed) -> str:
        page = _hashnode_embed(embed)
        if page is not None and embed.alone:
            return f"\n%[{_markdown_address(page)}]\n"  # blank lines around: a block of its own
        return _markdown_link(embed) or embed.source

    return embeds_outside_code(markdown, shown)


def wordpress_html(html: str) -> str:
    """The HTML (the site's, sanitised) WordPress shows the post's players from: each YouTube or
    Vimeo player's frame as its watch page's address on a line of its own, which WordPress embeds
    (oEmbed) for any author, where it keeps a frame only from an Administrator or an Editor."""

    def shown(embed: Embed) -> str:
        player = embed_link(embed) if embed.name == "iframe" else None
        watch = watch_page(player) if player is not None else None
        if watch is None or watch[0] == player:  # no page of its own: WordPress embeds no player address
            return embed.source
        line = escape(watch[0], quote=False)
        return line if embed.alone else f"\n{line}\n"

    return embeds_replaced(html, shown)


def for_platform(platform: str, article: Article) -> Article:
    """`article` with its embeds as `platform` (a name of PLATFORMS) shows them: the markdown dev.to
    and Hashnode receive (`forem_markdown`, `hashnode_markdown`), the HTML WordPress does
    (`wordpress_html`). The same post gives the same body on every run."""
    if platform == "hashnode":
        return dataclasses.replace(article, markdown=hashnode_markdown(article.markdown))
    if platform == "wordpress":
        return dataclasses.replace(article, html=wordpress_html(article.html))
    return dataclasses.replace(article, markdown=forem_markdown(article.markdown))
