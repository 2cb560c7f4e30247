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
  they wait for a person to decide);
- titles, term names and Yoast's texts: WordPress stores them HTML-escaped (`café &amp;
  croissants`), so their entities are decoded once;
- date: `wp:post_date_gmt` in UTC; drafts have `0000-00-00 00:00:00` there, and then
  `wp:post_date` is read in the default time zone; no date at all gives None;
- slug: `wp:post_name`, percent-decoded (WordPress stores non-ASCII slugs encoded);
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
  shortcodes stay as text, and `shortcodes_left` names them so the import can say so.

The content document has no raw front matter; its `fields` are a front matter mapping
equivalent to the item (title, date, slug, draft, tags, categories, description,
keywords, image, wordpress_id, wordpress_type, link), which export starts from.
"""

import html
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from markdownify import markdownify

from blogster_cli.content.dates import parse_date
from blogster_cli.content.document import new_document
from blogster_cli.content.errors import WordPressError
from blogster_cli.content.mapping import map_metadata
from blogster_cli.content.post import ImportedPost, post_from_mapping

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
_ZERO_DATE = "0000-00-00 00:00:00"
_DEFAULT_CATEGORY = "uncategorized"
_BLOCK_EDITOR_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
_PRE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
_BLOCK_TAG = re.compile(
    r"^\s*</?(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|thead|tbody|tr|td|th|figure|figcaption|hr|"
    r"section|article|aside|header|footer|dl|dt|dd|form|address|iframe)\b|^\s*\x00pre",
    re.IGNORECASE,
)
_LANGUAGE_CLASS = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#.-]+)")
_BLANK_LINES = re.compile(r"\n\s*\n")
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")
# Shortcodes import expands (html_to_markdown). SyntaxHighlighter Evolved also takes a
# language as the tag itself; these are its commonest, each needing its closing tag.
_CAPTION = re.compile(r"\[(wp_caption|caption)\b([^\]]*)\](.*?)\[/\1\]", re.DOTALL | re.IGNORECASE)
_CODE_LANGUAGES = (
    "bash", "c", "cpp", "csharp", "css", "diff", "go", "html", "java", "javascript", "js", "json",
    "perl", "php", "plain", "powershell", "python", "py", "ruby", "rust", "scala", "shell", "sql",
    "swift", "text", "typescript", "xml", "yaml",
)  # fmt: skip
_CODE = re.compile(
    r"\[(sourcecode|code|source|" + "|".join(_CODE_LANGUAGES) + r")\b([^\]]*)\](.*?)\[/\1\]",
    re.DOTALL | re.IGNORECASE,
)
_EMBED = re.compile(r"\[embed\b[^\]]*\]\s*(\S+?)\s*\[/embed\]", re.IGNORECASE)
_MEDIA = re.compile(r"\[(youtube|vimeo|video|audio)\b[=\s]([^\]]*)\](?:\[/\1\])?", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_URL = re.compile(r"""https?://[^\s"'\]<>]+""")
_PICTURE = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.IGNORECASE)
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# What still looks like a shortcode in the markdown: a closing tag, or a tag with an
# attribute (`[gallery ids="1,2"]`, `[contact-form-7 id="5"]`); not a link's text.
_SHORTCODE_LEFT = re.compile(r"\[(/?)([a-z][a-z0-9_\\-]*)((?:\s|=)[^\]\n]*)?\](?![(\[:])", re.IGNORECASE)
_FENCED = re.compile(r"^(```|~~~).*?^\1", re.DOTALL | re.MULTILINE)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
# A file WordPress serves from its media library: it goes when the old site goes.
_UPLOAD = re.compile(r"https?://[^\s()<>\"'\]]+/wp-content/uploads/[^\s()<>\"'\]]+")


def uploads_linked(post: ImportedPost) -> list[str]:
    """The files of the WordPress media library the post shows (featured image first), each once."""
    found = [post.featured_image or "", *_UPLOAD.findall(post.content.get("markdown") or "")]
    return list(dict.fromkeys(url for url in found if _UPLOAD.fullmatch(url)))


@dataclass(frozen=True)
class SkippedItem:
    """An item of the export that is not imported, and why."""

    title: str
    reason: str


@dataclass
class WordPressExport:
    """What a WXR export holds: its posts and pages and the items skipped with a reason, in
    file order, and how many of WordPress's own items (by type) it also held."""

    entries: list[ImportedPost | SkippedItem] = field(default_factory=list)
    internal: Counter[str] = field(default_factory=Counter)


def parse_wxr(data: bytes | str, default_tz: tzinfo = UTC) -> list[ImportedPost]:
    """The posts and pages of a WXR export, in file order."""
    return [entry for entry in read_wxr(data, default_tz).entries if isinstance(entry, ImportedPost)]


def read_wxr(data: bytes | str, default_tz: tzinfo = UTC) -> WordPressExport:
    """Every item of a WXR export: imported, skipped with its reason, or counted (module docstring)."""
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as error:
        raise WordPressError(f"not a readable WordPress export: {error}") from None
    channel = root.find("channel")
    wp_ns = _wordpress_namespace(root)
    if root.tag != "rss" or channel is None or wp_ns is None:
        raise WordPressError("not a WordPress export: no RSS channel with wp: elements")
    items = channel.findall("item")
    attachment_urls = {
        _text(item, wp_ns + "post_id"): _text(item, wp_ns + "attachment_url")
        for item in items
        if _text(item, wp_ns + "post_type") == "attachment"
    }
    export = WordPressExport()
    for item in items:
        post_type, status = _text(item, wp_ns + "post_type"), _text(item, wp_ns + "status")
        title = html.unescape(_text(item, "title"))
        if post_type in INTERNAL_TYPES:
            export.internal[post_type] += 1
        elif post_type not in IMPORTED_TYPES:
            kind = f"post type {post_type!r}" if post_type else "no post type"
            export.entries.append(SkippedItem(title, f"a WordPress item of {kind}: only posts and pages are imported"))
        elif status in SKIPPED_STATUSES:
            export.entries.append(SkippedItem(title, f"a WordPress {post_type} {SKIPPED_STATUSES[status]}"))
        else:
            export.entries.append(_item_post(item, wp_ns, attachment_urls, default_tz))
    return export


def _wordpress_namespace(root: Element) -> str | None:
    for element in root.iter():
        match = _WP_NS.match(element.tag)
        if match is not None:
            return "{" + match.group(1) + "}"
    return None


def _text(element: Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _item_post(item: Element, wp_ns: str, attachment_urls: dict[str, str], default_tz: tzinfo) -> ImportedPost:
    post_type = _text(item, wp_ns + "post_type")
    meta = {
        _text(entry, wp_ns + "meta_key"): _text(entry, wp_ns + "meta_value")
        for entry in item.findall(wp_ns + "postmeta")
    }
    date, date_text = _item_date(item, wp_ns, default_tz)
    excerpt_ns = "{" + wp_ns.strip("{}") + _EXCERPT_NS_SUFFIX + "}"
    description = html.unescape(meta.get("_yoast_wpseo_metadesc") or "") or _html_text(
        _text(item, excerpt_ns + "encoded")
    )
    status = _text(item, wp_ns + "status")
    scheduled = post_type == "post" and status == "future" and date is not None
    published = post_type == "post" and (status == "publish" or scheduled)
    post_id = _text(item, wp_ns + "post_id")
    fields: dict[str, Any] = {
        "title": html.unescape(_text(item, "title")),
        "date": date.isoformat() if date is not None else None,
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
    content = new_document(body, fields=fields, source={"dialect": "wordpress", "path": None, "date_text": date_text})
    post = post_from_mapping(mapped, content)
    if scheduled and date is not None and date > datetime.now(UTC):
        post.status = "scheduled"  # WordPress publishes it at its date
    return post


def _item_date(item: Element, wp_ns: str, default_tz: tzinfo) -> tuple[datetime | None, str | None]:
    for name, tz in (("post_date_gmt", UTC), ("post_date", default_tz)):
        text = _text(item, wp_ns + name)
        if text and text != _ZERO_DATE:
            return parse_date(text, tz), text
    return None, None


def _terms(item: Element, domain: str) -> list[str]:
    terms = []
    for element in item.findall("category"):
        name = html.unescape((element.text or "").strip())
        if element.get("domain") == domain and name and name not in terms:
            terms.append(name)
    return terms


def _html_text(html: str) -> str:
    return " ".join(markdownify(html, strip=["a"]).split()) if html else ""


def shortcodes_left(post: ImportedPost) -> list[str]:
    """The shortcodes the post's markdown still shows as text (`[gallery]`), each once, outside code."""
    markdown = _INLINE_CODE.sub("", _FENCED.sub("", post.content.get("markdown") or ""))
    names = []
    for match in _SHORTCODE_LEFT.finditer(markdown):
        closing, name, attributes = match.groups()
        if closing or (attributes and "=" in attributes):
            names.append(f"[{name.replace(chr(92), '')}]")
    return list(dict.fromkeys(names))


def html_to_markdown(html: str) -> str:
    """Markdown for a WordPress post body (block-editor or classic-editor HTML)."""
    html = _expand_shortcodes(_BLOCK_EDITOR_COMMENT.sub("", html))
    markdown = markdownify(
        _autop(html),
        heading_style="ATX",
        bullets="-",
        newline_style="backslash",
        code_language_callback=_code_language,
    )
    markdown = _EXTRA_BLANK_LINES.sub("\n\n", markdown.strip())
    return markdown + "\n" if markdown else ""


def _expand_shortcodes(html: str) -> str:
    """The body with the shortcodes markdown can say written as the HTML WordPress would show."""
    html = _CODE.sub(_code_block, html)
    html = _CAPTION.sub(_figure, html)
    html = _EMBED.sub(lambda match: _link_block(match.group(1)), html)
    return _MEDIA.sub(_media_link, html)


def _attributes(text: str) -> dict[str, str]:
    return {
        match.group(1).lower(): html.unescape(next(value for value in match.groups()[1:] if value is not None))
        for match in _ATTRIBUTE.finditer(text)
    }


def _code_block(match: re.Match[str]) -> str:
    tag, attributes = match.group(1).lower(), _attributes(match.group(2))
    language = attributes.get("language") or attributes.get("lang")
    if tag not in ("sourcecode", "code", "source"):
        language = tag
    # The text editor stores code as typed, the visual editor escaped: both come out as typed.
    code = html.unescape(_BREAK.sub("\n", match.group(3))).strip("\n")
    css_class = f' class="language-{html.escape(language)}"' if language and language not in ("plain", "text") else ""
    return f"\n\n<pre><code{css_class}>{html.escape(code, quote=False)}</code></pre>\n\n"


def _figure(match: re.Match[str]) -> str:
    inner = match.group(3)
    picture = _PICTURE.match(inner)
    if picture is None:
        return inner
    caption = _attributes(match.group(2)).get("caption") or picture.group(2).strip()
    shown = f"\n\n<p>{picture.group(1)}</p>\n\n"
    return shown + (f"<p><em>{caption}</em></p>\n\n" if caption else "")


def _link_block(url: str) -> str:
    url = html.escape(html.unescape(url))
    return f'\n\n<p><a href="{url}">{url}</a></p>\n\n'


def _media_link(match: re.Match[str]) -> str:
    found = _URL.search(match.group(2))
    return _link_block(found.group(0)) if found is not None else match.group(0)


def _autop(html: str) -> str:
    """Wrap bare text blocks in <p> and turn their single line breaks into <br>.

    The classic editor stores paragraphs as blank-line separated text; WordPress adds
    the tags when it renders. `<pre>` blocks are left untouched.
    """
    blocks: list[str] = []
    protected = _PRE_BLOCK.sub(_stash(blocks), html)
    paragraphs = []
    for chunk in _BLANK_LINES.split(protected):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _BLOCK_TAG.match(chunk):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + chunk.replace("\n", "<br />\n") + "</p>")
    joined = "\n\n".join(paragraphs)
    return re.sub(r"\x00pre(\d+)\x00", lambda match: blocks[int(match.group(1))], joined)


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
