"""Import a WordPress export (WXR) file: posts and pages become ImportedPosts.

WXR is RSS 2.0 with WordPress namespaces. It is parsed with defusedxml, which refuses
entity-expansion and external-entity tricks. Mapping:

- items of `wp:post_type` post and page; the rest are not imported, and `read_wxr` says
  why: a post or page in the trash, an auto-draft or with status inherit is a `SkippedItem`
  with its reason, and so is an item of another type (a custom post type such as
  `portfolio`), except WordPress's own bookkeeping (attachments, menu items, revisions,
  blocks, templates...: `INTERNAL_TYPES`), which are not posts and only counted;
- status: posts with `wp:status` publish are published; a scheduled post (`future`) is
  scheduled at its date when that is still to come, else published then (WordPress publishes
  it at that time); every other post and every page is a draft (pages are not blog posts:
  they wait for a person to decide), and so is an item with a `wp:post_password`, which
  WordPress showed only to readers who had it (`ImportedPost.password_protected`: import says
  so; the password itself is not kept);
- titles, term names and Yoast's texts: WordPress stores them HTML-escaped (`café &amp;
  croissants`), so their entities are decoded once;
- date: `wp:post_date_gmt` in UTC; drafts never published have `0000-00-00 00:00:00` there,
  and then `wp:post_date`, a wall time without an offset, is read in the default time zone and
  kept as written, that zone recorded (`source.timezone`), as a front matter date without an
  offset is: re-importing the export after `config set timezone` keeps the draft's moment; no
  date at all gives None;
- slug: `wp:post_name`, percent-decoded (WordPress stores non-ASCII slugs encoded);
- identity: the site (`wp:base_blog_url`, else `wp:base_site_url`, without its scheme) in
  `source.wordpress_site` and the item's `wp:post_id` in `source.wordpress_item`; without a
  site or an id, the item's `guid` there alone; an item with neither (written by hand or by
  another tool) is named by what it says of itself, its type, `wp:post_name` (else its title)
  and date, with the site (`content.wordpress_items`). A re-import matches the item's post by
  it: an item's place in the file and its slug (untitled drafts, child pages named alike) are no
  one item's;
- tags: `category` elements with domain post_tag; categories: domain category, except
  WordPress's default "uncategorized";
- meta description: Yoast's `_yoast_wpseo_metadesc`, else the excerpt; keywords: Yoast's
  focus keyword; featured image: the URL of the attachment named by `_thumbnail_id`;
- body: `content:encoded` HTML converted to markdown with markdownify, after removing
  block-editor comments, expanding the shortcodes whose content markdown can say (a
  `[caption]` becomes its picture and an italic caption line; SyntaxHighlighter's `[code
  language=x]`, `[sourcecode]` and `[python]`-style blocks become fenced code, kept byte for
  byte instead of being run together as paragraphs; `[embed]`, `[youtube]`, `[video]` and
  `[audio]` become links) and adding the paragraphs WordPress would add (`wpautop`). Other
  shortcodes stay as text, and `shortcodes_left` names them so the import can say so. What
  markdown has no syntax for stays HTML, as CommonMark allows, rather than being dropped or
  flattened: embeds (`<iframe>`, `<video>`, `<audio>`, `<script>`, `<object>`, `<embed>`) as
  written, a block on lines of their own (inline within a paragraph), and `<sup>`/`<sub>`
  around their converted text (`x<sup>2</sup>`). What the site build shows of each embed is
  its sanitiser's choice (`publish.sanitize`); `outside_code` is the text it and the import
  report look at.

The content document has no raw front matter; its `fields` are a front matter mapping
equivalent to the item (title, date, slug, draft, tags, categories, description,
keywords, image, wordpress_id, wordpress_type, link), which export starts from.
"""

import html
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

from bs4.formatter import HTMLFormatter
from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import fromstring
from markdownify import MarkdownConverter, markdownify

from blogster_cli.content.dates import parse_date, placed, written_date
from blogster_cli.content.document import new_document
from blogster_cli.content.errors import WordPressError
from blogster_cli.content.mapping import map_metadata
from blogster_cli.content.post import ImportedPost, post_from_mapping, with_zone
from blogster_cli.content.wordpress_items import item_name

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_WP_NS = re.compile(r"^\{(http://wordpress\.org/export/\d+\.\d+/)\}")
_EXCERPT_NS_SUFFIX = "excerpt/"
IMPORTED_TYPES = ("post", "page")
# Why a post or page with these statuses is not imported.
SKIPPED_STATUSES = {
    "trash": "in the trash",
    "auto-draft": "that is an auto-draft (never saved by its author)",
    "inherit": "with status inherit (a revision's or an attachment's)",
}
# WordPress's own items in an export: media, menus, revisions, editor blocks and templates.
INTERNAL_TYPES = (
    "attachment", "revision", "nav_menu_item", "custom_css", "customize_changeset", "oembed_cache",
    "user_request", "wp_block", "wp_template", "wp_template_part", "wp_global_styles", "wp_navigation",
    "wp_font_family", "wp_font_face",
)  # fmt: skip
_UNREADABLE_ENCODING = "its XML declaration names an encoding that cannot be read (WordPress writes UTF-8)"
_ZERO_DATE = "0000-00-00 00:00:00"
_DEFAULT_CATEGORY = "uncategorized"
_BLOCK_EDITOR_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
# To the end of the last closing tag: the pattern above runs only that far (`_sub_closed`).
_LAST_COMMENT_END = re.compile(r".*-->", re.DOTALL)
# Elements `_autop` leaves whole, as WordPress's wpautop does: code, and what a <p> or <br> would
# break (a script's text, a video's <source>s, a Flash object's <param>s); each with the pattern
# of its last closing tag, past which `_sub_closed` does not look for it.
_WHOLE = [
    (re.compile(rf"<{name}\b.*?</{name}>", re.DOTALL | re.I), re.compile(rf".*</{name}>", re.DOTALL | re.I))
    for name in ("pre", "script", "style", "iframe", "video", "audio", "object")
]
_STASHED = re.compile(r"\x00pre(\d+)\x00")
_BLOCK_NAMES = (
    r"(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|thead|tbody|tr|td|th|figure|figcaption|hr|"
    r"section|article|aside|header|footer|dl|dt|dd|form|address|iframe)\b"
)
_BLOCK_TAG = re.compile(rf"^\s*</?{_BLOCK_NAMES}|^\s*\x00pre", re.IGNORECASE)
# A line's last tag when it is a block's (`_ends_in_block_tag` matches it from the line's last `<`).
_LAST_BLOCK_TAG = re.compile(rf"</?{_BLOCK_NAMES}[^>]*>\s*", re.IGNORECASE)
_LAST_STASHED = re.compile(r"\x00pre\d+\x00\s*")
# A line holding one shortcode tag and nothing else (`[gallery ids="1,2"]`, `[/note]`).
_LONE_SHORTCODE = re.compile(r"\s*\[/?[a-z][a-z0-9_-]*(?:(?:\s|=)[^\]\n]*)?\]\s*", re.IGNORECASE)
_LANGUAGE_CLASS = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#.-]+)")
_BLANK_LINES = re.compile(r"\n\s*\n")
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")
# Shortcodes import expands (html_to_markdown), by their opening tag. SyntaxHighlighter Evolved
# also takes a language as the tag itself; these are its commonest, each needing its closing tag.
_CAPTION = re.compile(r"\[(wp_caption|caption)\b", re.IGNORECASE)
_CODE_LANGUAGES = (
    "bash", "c", "cpp", "csharp", "css", "diff", "go", "html", "java", "javascript", "js", "json",
    "perl", "php", "plain", "powershell", "python", "py", "ruby", "rust", "scala", "shell", "sql",
    "swift", "text", "typescript", "xml", "yaml",
)  # fmt: skip
_CODE = re.compile(r"\[(sourcecode|code|source|" + "|".join(_CODE_LANGUAGES) + r")\b", re.IGNORECASE)
_EMBED = re.compile(r"\[(embed)\b", re.IGNORECASE)
_MEDIA = re.compile(r"\[(youtube|vimeo|video|audio)\b[=\s]", re.IGNORECASE)
_CLOSING_TAG = re.compile(r"\[/(\w+)\]")
_BLANKS = re.compile(r"\s*")
_BLANK = re.compile(r"\s")
# (A name starts after a character no name holds, as each match's does: searched for from every
# character of a long name without `=`, it took time quadratic in the name's length.)
_ATTRIBUTE = re.compile(r"""(?<![\w-])([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_URL = re.compile(r"""https?://[^\s"'\]<>]+""")
_PICTURE = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# What still looks like a shortcode in the markdown: a closing tag, or a tag with an
# attribute (`[gallery ids="1,2"]`, `[contact-form-7 id="5"]`); not a link's text.
# Searched for in each stretch of text up to a `]` (`_left_tag`), not in the whole text,
# where every `[` of a line without `]` would scan on to its end.
_SHORTCODE_LEFT = re.compile(r"\[(/?)([a-z][a-z0-9_\\-]*)((?:\s|=)[^\]\n]*)?\]", re.IGNORECASE)
_BRACKET_STRETCH = re.compile(r"[^\]]*\]?")
_FENCED = re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
# A file WordPress serves from its media library: it goes when the old site goes.
_UPLOAD = re.compile(r"https?://[^\s()<>\"'\]]+/wp-content/uploads/[^\s()<>\"'\]]+")
_WEB_ADDRESS_START = re.compile(r"https?://")
_URL_CHARACTERS = re.compile(r"[^\s()<>\"'\]]+")


def uploads_linked(post: ImportedPost) -> list[str]:
    """The files of the WordPress media library the post shows (featured image first), each once."""
    found = [post.featured_image or "", *_uploads_in(post.content.get("markdown") or "")]
    return list(dict.fromkeys(url for url in found if _UPLOAD.fullmatch(url)))


def _uploads_in(markdown: str) -> list[str]:
    """`_UPLOAD.findall(markdown)`, in time linear in the text's length. A match runs to the end
    of the address characters it starts in, so it is the one that their first `http(s)://` starts,
    or none: the regex alone tried every `http://` of them, each reading to their end (a line of
    `http://` took time quadratic in its length)."""
    found = []
    position = 0
    while (start := _WEB_ADDRESS_START.search(markdown, position)) is not None:
        characters = _URL_CHARACTERS.match(markdown, start.start())  # never None: `http://` is some
        end = characters.end() if characters is not None else start.end()
        if (upload := _UPLOAD.match(markdown, start.start(), end)) is not None:
            found.append(upload.group())
        position = end
    return found


@dataclass(frozen=True)
class SkippedItem:
    """An item of the export that is not imported, and why."""

    title: str
    reason: str


@dataclass
class WordPressExport:
    """What a WXR export holds: its posts and pages and the items skipped with a reason, in
    file order, and how many of WordPress's own items (by type) it also held. `numbers` gives
    each entry's place among all the file's `<item>`s, from 1 (WordPress's own items count too),
    so the report's `export.xml#7` is the file's seventh item."""

    entries: list[ImportedPost | SkippedItem] = field(default_factory=list)
    internal: Counter[str] = field(default_factory=Counter)
    numbers: list[int] = field(default_factory=list)


def parse_wxr(data: bytes | str, default_tz: tzinfo = UTC) -> list[ImportedPost]:
    """The posts and pages of a WXR export, in file order."""
    return [entry for entry in read_wxr(data, default_tz).entries if isinstance(entry, ImportedPost)]


def read_wxr(data: bytes | str, default_tz: tzinfo = UTC) -> WordPressExport:
    """Every item of a WXR export: imported, skipped with its reason, or counted (module docstring)."""
    try:
        root = fromstring(data)
    except DefusedXmlException as error:
        raise WordPressError(f"not a readable WordPress export: {_refused(error)}") from None
    except ParseError as error:
        raise WordPressError(f"not a readable WordPress export: {error}") from None
    except (LookupError, ValueError):  # raised by expat's handler of an encoding it does not know
        raise WordPressError(f"not a readable WordPress export: {_UNREADABLE_ENCODING}") from None
    channel = root.find("channel")
    wp_ns = _wordpress_namespace(root)
    if root.tag != "rss" or channel is None or wp_ns is None:
        raise WordPressError("not a WordPress export: no RSS channel with wp: elements")
    site = _site(channel, wp_ns)
    items = channel.findall("item")
    attachment_urls = {
        _text(item, wp_ns + "post_id"): _text(item, wp_ns + "attachment_url")
        for item in items
        if _text(item, wp_ns + "post_type") == "attachment"
    }
    export = WordPressExport()
    for number, item in enumerate(items, 1):
        post_type, status = _text(item, wp_ns + "post_type"), _text(item, wp_ns + "status")
        title = html.unescape(_text(item, "title"))
        if post_type in INTERNAL_TYPES:
            export.internal[post_type] += 1
            continue
        export.numbers.append(number)
        if post_type not in IMPORTED_TYPES:
            kind = f"post type {post_type!r}" if post_type else "no post type"
            export.entries.append(SkippedItem(title, f"a WordPress item of {kind}: only posts and pages are imported"))
        elif status in SKIPPED_STATUSES:
            export.entries.append(SkippedItem(title, f"a WordPress {post_type} {SKIPPED_STATUSES[status]}"))
        else:
            try:
                export.entries.append(_item_post(item, wp_ns, attachment_urls, default_tz, site))
            except RecursionError:  # markdownify recurses per element: one item must not sink the file
                export.entries.append(
                    SkippedItem(title, f"a WordPress {post_type} whose HTML nests too deeply to convert")
                )
    return export


def _refused(error: DefusedXmlException) -> str:
    """What defusedxml refused, in words (its own text is a Python repr): entities (expansion
    bombs, external files) are what a file can hold that it refuses; anything else it may refuse
    in a later version is said generally."""
    if isinstance(error, EntitiesForbidden):
        return "it declares XML entities, which are refused"
    return "it uses an XML feature that is refused"


def _site(channel: Element, wp_ns: str) -> str | None:
    """The site the export is of, as an item's identity names it (`wp:base_blog_url`, else
    `wp:base_site_url`): host and path, lower-cased host, without the scheme or a closing slash,
    so that the same site's export still names its items after a move to https."""
    base = _text(channel, wp_ns + "base_blog_url") or _text(channel, wp_ns + "base_site_url")
    try:
        parts = urlsplit(base)
    except ValueError:  # not an address (`http://[x`): the site is named as written
        return base or None
    site = parts.netloc.lower() + parts.path.rstrip("/") if parts.netloc else base.rstrip("/")
    return site or None


def _wordpress_namespace(root: Element) -> str | None:
    for element in root.iter():
        match = _WP_NS.match(element.tag)
        if match is not None:
            return "{" + match.group(1) + "}"
    return None


def _text(element: Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _item_post(
    item: Element, wp_ns: str, attachment_urls: dict[str, str], default_tz: tzinfo, site: str | None
) -> ImportedPost:
    post_type = _text(item, wp_ns + "post_type")
    meta = {
        _text(entry, wp_ns + "meta_key"): _text(entry, wp_ns + "meta_value")
        for entry in item.findall(wp_ns + "postmeta")
    }
    date, date_text, floating = _item_date(item, wp_ns, default_tz)
    excerpt_ns = "{" + wp_ns.strip("{}") + _EXCERPT_NS_SUFFIX + "}"
    description = html.unescape(meta.get("_yoast_wpseo_metadesc") or "") or _html_text(
        _text(item, excerpt_ns + "encoded")
    )
    status = _text(item, wp_ns + "status")
    protected = _password_protected(item)  # shown to readers who have it: never stored
    scheduled = post_type == "post" and status == "future" and date is not None and not protected
    published = post_type == "post" and not protected and (status == "publish" or scheduled)
    post_id = _text(item, wp_ns + "post_id")
    fields: dict[str, Any] = {
        "title": html.unescape(_text(item, "title")),
        "date": (floating or date).isoformat() if date is not None else None,
        "slug": unquote(_text(item, wp_ns + "post_name")),
        "draft": None if published else True,
        "tags": _terms(item, "post_tag"),
        "categories": [term for term in _terms(item, "category") if term.casefold() != _DEFAULT_CATEGORY],
        "description": description,
        "keywords": html.unescape(meta.get("_yoast_wpseo_focuskw") or "") or None,
        "image": attachment_urls.get(meta.get("_thumbnail_id", "")),
        "wordpress_id": int(post_id) if post_id.isdigit() else post_id,
        "wordpress_type": post_type,
        "link": _text(item, "link"),
    }
    fields = {key: value for key, value in fields.items() if value not in (None, "", [])}
    body = html_to_markdown(item.findtext("{" + CONTENT_NS + "}encoded") or "")
    mapped = map_metadata(fields, body, None, "wordpress", default_tz)
    named = (post_type, fields.get("slug") or fields.get("title") or "", date_text or "")
    source = {"dialect": "wordpress", "path": None, "date_text": date_text, **_identity(item, post_id, site, named)}
    content = new_document(body, fields=fields, source=source)
    if floating is not None:
        content = with_zone(content, default_tz)
    post = post_from_mapping(mapped, content)
    if scheduled and date is not None and date > datetime.now(UTC):
        post.status = "scheduled"  # WordPress publishes it at its date
    post.password_protected = protected
    return post


def _password_protected(item: Element) -> bool:
    """Whether WordPress showed the item only to readers given its password: any `post_password`
    of any WordPress export namespace holds text (any, as WordPress takes " " for a password). Not
    only the first, in the file's first `wp:` namespace: one written empty before the one holding
    the password, or in another export version's namespace, let the item in published (red team 66)."""
    return any(
        isinstance(element.tag, str)
        and element.tag.endswith("}post_password")
        and _WP_NS.match(element.tag) is not None
        and "".join(element.itertext()) != ""
        for element in item.iter()
    )


def _identity(item: Element, post_id: str, site: str | None, named: tuple[str, str, str]) -> dict[str, str]:
    """The item's identity, which a re-import matches its post by: the site and the item's
    `wp:post_id`, else its `guid`, else (an item with neither) its type, name and date as a JSON
    array, unlike any id or guid WordPress writes (module docstring). Without the last, such an
    item matched whichever post from no file had its slug: of two untitled drafts, one took the
    other's post, and the other made a `-N` copy each run."""
    item_id = post_id if site is not None and post_id else _text(item, "guid")
    if not item_id:
        item_id = item_name(*named)
    return {"wordpress_item": item_id} if site is None else {"wordpress_site": site, "wordpress_item": item_id}


def _item_date(item: Element, wp_ns: str, default_tz: tzinfo) -> tuple[datetime | None, str | None, datetime | None]:
    """The item's date, its text and, when it is `wp:post_date` (no offset), its wall time."""
    gmt = _text(item, wp_ns + "post_date_gmt")
    if gmt and gmt != _ZERO_DATE:
        return parse_date(gmt, UTC), gmt, None
    local = _text(item, wp_ns + "post_date")
    if local and local != _ZERO_DATE:
        written = written_date(local)
        return placed(written, default_tz, local), local, written if written.tzinfo is None else None
    return None, None, None


def _terms(item: Element, domain: str) -> list[str]:
    terms = []
    for element in item.findall("category"):
        name = html.unescape((element.text or "").strip())
        if element.get("domain") == domain and name and name not in terms:
            terms.append(name)
    return terms


def _html_text(html: str) -> str:
    return " ".join(markdownify(html, strip=["a"]).split()) if html else ""


def outside_code(post: ImportedPost) -> str:
    """The post's markdown without its code (fenced blocks and inline code, the only code the
    conversion writes): the text whose shortcodes and HTML a page shows as such."""
    return _INLINE_CODE.sub("", _FENCED.sub("", post.content.get("markdown") or ""))


def shortcodes_left(post: ImportedPost) -> list[str]:
    """The shortcodes the post's markdown still shows as text (`[gallery]`), each once, outside code."""
    markdown = outside_code(post)
    names = []
    for stretch in _BRACKET_STRETCH.finditer(markdown):
        if not stretch.group().endswith("]") or markdown[stretch.end() : stretch.end() + 1] in ("(", "[", ":"):
            continue
        match = _left_tag(markdown, stretch.start(), stretch.end())
        if match is None:
            continue
        closing, name, attributes = match.groups()
        if closing or (attributes and "=" in attributes):
            names.append(f"[{name.replace(chr(92), '')}]")
    return list(dict.fromkeys(names))


def _left_tag(markdown: str, start: int, end: int) -> re.Match[str] | None:
    """The first shortcode of `markdown[start:end]` ending at its `]`: on its last line, or a
    tag name ending the line before (the blank after a name may be a line break)."""
    newline = markdown.rfind("\n", start, end)
    if newline == -1:
        return _SHORTCODE_LEFT.search(markdown, start, end)
    bracket = markdown.rfind("[", start, newline)
    match = _SHORTCODE_LEFT.match(markdown, bracket, end) if markdown.rfind("\n", start, newline) < bracket else None
    return match or _SHORTCODE_LEFT.search(markdown, newline + 1, end)


def html_to_markdown(html: str) -> str:
    """Markdown for a WordPress post body (block-editor or classic-editor HTML)."""
    html = _expand_shortcodes(_sub_closed(_BLOCK_EDITOR_COMMENT, _LAST_COMMENT_END, "", html))
    markdown = _Converter(
        heading_style="ATX",
        bullets="-",
        newline_style="backslash",
        code_language_callback=_code_language,
        sup_symbol="<sup>",
        sub_symbol="<sub>",
    ).convert(_autop(html))
    markdown = _EXTRA_BLANK_LINES.sub("\n\n", markdown.strip())
    return markdown + "\n" if markdown else ""


class _AsWritten(HTMLFormatter):
    """An element's HTML with its attributes in their order (bs4 sorts them by name), an empty
    one as a bare name (`allowfullscreen`), and void elements without a slash."""

    def __init__(self) -> None:
        super().__init__(entity_substitution=HTMLFormatter.REGISTRY["minimal"].entity_substitution)
        self.void_element_close_prefix = ""

    def attributes(self, tag: Any) -> list[tuple[str, str | None]]:
        return [(name, None if value == "" else value) for name, value in (tag.attrs or {}).items()]


_AS_WRITTEN = _AsWritten()
# Where an element kept as HTML stands as a block of its own; anywhere else it is inline.
_BLOCK_PARENTS = frozenset(
    {"[document]", "div", "figure", "blockquote", "li", "section", "article", "aside", "header", "footer", "main",
     "center", "dd", "details", "body", "html"}
)  # fmt: skip


class _Converter(MarkdownConverter):
    """markdownify, keeping as HTML the embeds it would drop (an iframe, a script) or make an
    empty link of (`<video src>`): module docstring."""

    def convert_kept(self, el: Any, text: str, parent_tags: set[str]) -> str:
        written: str = el.decode(formatter=_AS_WRITTEN)
        if "_noformat" in parent_tags:  # in code: its text
            return written
        if "_inline" in parent_tags or el.parent.name not in _BLOCK_PARENTS:
            return written.replace("\n", " ")
        if el.name != "script":  # a script's block runs to its closing tag; any other to a blank line
            written = _BLANK_LINES.sub("\n", written)
        return f"\n\n{written}\n\n"

    convert_iframe = convert_video = convert_audio = convert_script = convert_object = convert_embed = convert_kept


def _expand_shortcodes(html: str) -> str:
    """The body with the shortcodes markdown can say written as the HTML WordPress would show."""
    html = _replace_shortcodes(html, _CODE, _code_block)
    html = _replace_shortcodes(html, _CAPTION, _figure)
    html = _replace_shortcodes(html, _EMBED, _embed)
    return _replace_shortcodes(html, _MEDIA, _media_link)


class _Tags:
    """Where a text's `]`s, blanks and closing tags are, found once: an opening tag finds its
    end and its closing tag by bisection. A regex scanning on for them from every opening tag
    took quadratic time on a body of unclosed tags (`[caption]` 20,000 times: 18 s)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._brackets = [index for index, char in enumerate(text) if char == "]"]
        self._blanks = [match.start() for match in _BLANK.finditer(text)]
        self._closers: dict[str, list[int]] = {}
        for match in _CLOSING_TAG.finditer(text):
            self._closers.setdefault(match.group(1).lower(), []).append(match.start())
        self._blanks_end: dict[int, int] = {}

    def tag_end(self, start: int) -> int | None:
        """Just after the first `]` from `start`."""
        found = bisect_left(self._brackets, start)
        return self._brackets[found] + 1 if found < len(self._brackets) else None

    def closer(self, name: str, start: int) -> int | None:
        """Where the first `[/name]` (any case) from `start` begins."""
        positions = self._closers.get(name.lower(), [])
        found = bisect_left(positions, start)
        return positions[found] if found < len(positions) else None

    def blank(self, start: int) -> int:
        """The first blank from `start` (the text's end if none)."""
        found = bisect_left(self._blanks, start)
        return self._blanks[found] if found < len(self._blanks) else len(self.text)

    def past_blanks(self, start: int) -> int:
        """The first non-blank from `start`; remembered, as tags sharing a `]` share their blanks."""
        if start not in self._blanks_end:
            self._blanks_end[start] = _BLANKS.match(self.text, start).end()  # type: ignore[union-attr]
        return self._blanks_end[start]


_Replacement = str | Callable[[re.Match[str]], str]
# Where the shortcode opened at the match ends and its HTML; None when it is not one.
_Expander = Callable[[_Tags, re.Match[str]], tuple[int, str] | None]


def _replace_shortcodes(html: str, opening: re.Pattern[str], expand: _Expander) -> str:
    """`re.sub` for shortcodes: each opening tag found left to right, after the last one replaced."""
    tags = _Tags(html)
    parts: list[str] = []
    done = position = 0
    while (match := opening.search(html, position)) is not None:
        found = expand(tags, match)
        if found is None:
            position = match.start() + 1
            continue
        end, replacement = found
        parts += [html[done : match.start()], replacement]
        done = position = end
    return "".join(parts) + html[done:]


def _enclosing(tags: _Tags, match: re.Match[str]) -> tuple[int, str, str] | None:
    """`[name attributes]content[/name]`: its end, attributes and content, the first closing tag ending it."""
    tag_end = tags.tag_end(match.end())
    closer = tags.closer(match.group(1), tag_end) if tag_end is not None else None
    if tag_end is None or closer is None:
        return None
    return closer + len(match.group(1)) + 3, tags.text[match.end() : tag_end - 1], tags.text[tag_end:closer]


def _attributes(text: str) -> dict[str, str]:
    return {
        match.group(1).lower(): html.unescape(next(value for value in match.groups()[1:] if value is not None))
        for match in _ATTRIBUTE.finditer(text)
    }


def _code_block(tags: _Tags, match: re.Match[str]) -> tuple[int, str] | None:
    enclosing = _enclosing(tags, match)
    if enclosing is None:
        return None
    end, attribute_text, content = enclosing
    tag, attributes = match.group(1).lower(), _attributes(attribute_text)
    language = attributes.get("language") or attributes.get("lang")
    if tag not in ("sourcecode", "code", "source"):
        language = tag
    # The text editor stores code as typed, the visual editor escaped: both come out as typed.
    code = html.unescape(_BREAK.sub("\n", content)).strip("\n")
    css_class = f' class="language-{html.escape(language)}"' if language and language not in ("plain", "text") else ""
    return end, f"\n\n<pre><code{css_class}>{html.escape(code, quote=False)}</code></pre>\n\n"


def _figure(tags: _Tags, match: re.Match[str]) -> tuple[int, str] | None:
    enclosing = _enclosing(tags, match)
    if enclosing is None:
        return None
    end, attributes, inner = enclosing
    picture = _PICTURE.match(inner)
    if picture is None:
        return end, inner
    caption = _attributes(attributes).get("caption") or picture.group(2).strip()
    shown = f"\n\n<p>{picture.group(1)}</p>\n\n"
    return end, shown + (f"<p><em>{caption}</em></p>\n\n" if caption else "")


def _embed(tags: _Tags, match: re.Match[str]) -> tuple[int, str] | None:
    """`[embed]URL[/embed]`, blanks around the URL allowed: the URL is the first closing tag's
    text when that has no blank, else the word ending where the blanks before a closing tag start."""
    tag_end = tags.tag_end(match.end())
    if tag_end is None:
        return None
    start = tags.past_blanks(tag_end)
    word_end = tags.blank(start)
    closer = tags.closer("embed", start + 1)
    if start == word_end or closer is None:
        return None
    if closer >= word_end:
        if tags.past_blanks(word_end) != closer:
            return None
        return closer + len("[/embed]"), _link_block(tags.text[start:word_end])
    return closer + len("[/embed]"), _link_block(tags.text[start:closer])


def _link_block(url: str) -> str:
    url = html.escape(html.unescape(url))
    return f'\n\n<p><a href="{url}">{url}</a></p>\n\n'


def _media_link(tags: _Tags, match: re.Match[str]) -> tuple[int, str] | None:
    """`[youtube=URL]` and the like, with or without its closing tag; left as it is without a URL."""
    tag_end = tags.tag_end(match.end())
    if tag_end is None:
        return None
    closing = f"[/{match.group(1).lower()}]"
    end = tag_end + len(closing) if tags.text[tag_end : tag_end + len(closing)].lower() == closing else tag_end
    found = _URL.search(tags.text, match.end(), tag_end - 1)
    return end, _link_block(found.group(0)) if found is not None else tags.text[match.start() : end]


def _sub_closed(pattern: re.Pattern[str], last_end: re.Pattern[str], replacement: _Replacement, text: str) -> str:
    """`pattern.sub` for an `opening.*?closing` pattern up to the last closing tag: past it
    every opening tag would scan on to the end in vain, quadratic time on many unclosed ones."""
    found = last_end.match(text)
    end = found.end() if found is not None else 0
    return pattern.sub(replacement, text[:end]) + text[end:]


def _autop(html: str) -> str:
    """Wrap bare text blocks in <p> and turn their single line breaks into <br>.

    The classic editor stores paragraphs as blank-line separated text; WordPress adds
    the tags when it renders. `<pre>` blocks and the other `_WHOLE` elements are left untouched.
    """
    blocks: list[str] = []
    protected = html
    for whole, last_end in _WHOLE:
        protected = _sub_closed(whole, last_end, _stash(blocks), protected)
    paragraphs = []
    for chunk in _BLANK_LINES.split(protected):
        paragraphs += _paragraphs(chunk)
    joined = "\n\n".join(paragraphs)

    def restored(match: re.Match[str]) -> str:  # a stashed element may hold one stashed before it
        return _STASHED.sub(restored, blocks[int(match.group(1))])

    return _STASHED.sub(restored, joined)


def _paragraphs(chunk: str) -> list[str]:
    """The paragraphs of a blank-line separated chunk, as wpautop makes them. A line holding only
    a shortcode is a paragraph of its own (WordPress shows a gallery or a form as a block), not a
    line of its neighbours' ending in a hard break. A chunk starting with a block tag stays as it
    is; any other becomes a <p>, its single line breaks <br>s, except next to a block tag
    (wpautop drops those: they would be a markdown hard break, a trailing backslash)."""
    paragraphs: list[str] = []
    lines: list[str] = []
    for line in [*chunk.split("\n"), None]:
        if line is not None and not _LONE_SHORTCODE.fullmatch(line):
            lines.append(line)
            continue
        text = "\n".join(lines).strip()
        lines = []
        if text:
            paragraphs.append(text if _BLOCK_TAG.match(text) else f"<p>{_line_breaks(text)}</p>")
        if line is not None:
            paragraphs.append(f"<p>{line.strip()}</p>")
    return paragraphs


def _line_breaks(text: str) -> str:
    lines = text.split("\n")
    parts = [lines[0]]
    for before, line in zip(lines, lines[1:], strict=False):
        parts.append("\n" if _ends_in_block_tag(before) or _BLOCK_TAG.match(line) else "<br />\n")
        parts.append(line)
    return "".join(parts)


def _ends_in_block_tag(line: str) -> bool:
    tag = line.rfind("<")
    stashed = line.rfind("\x00pre")
    return bool(
        (tag != -1 and _LAST_BLOCK_TAG.fullmatch(line, tag))
        or (stashed != -1 and _LAST_STASHED.fullmatch(line, stashed))
    )


def _stash(blocks: list[str]) -> Callable[[re.Match[str]], str]:
    def keep(match: re.Match[str]) -> str:
        blocks.append(match.group(0))
        return f"\x00pre{len(blocks) - 1}\x00"

    return keep


def _code_language(element: Any) -> str | None:
    """The language of `<pre><code class="language-x">` (or on the pre itself)."""
    for candidate in (element, element.find("code")):
        if candidate is None:
            continue
        classes = candidate.get("class") or []
        match = _LANGUAGE_CLASS.search(" ".join(classes) if isinstance(classes, list) else classes)
        if match is not None:
            return match.group(1)
    return None
