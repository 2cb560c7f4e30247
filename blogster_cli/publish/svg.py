"""SVG files that are safe to serve from the site's own domain: pictures, not programs.

An SVG opened at its own address (`/media/<name>.svg`) is a document of the site's origin:
a script or event handler in it runs with the site's cookies and storage. Such files are
refused rather than rewritten, since a sanitised copy would be a different picture under
the same content-hash name. The check parses the XML (never loading external entities),
so markup hidden in entities or split across lines is seen as the browser sees it.
"""

from __future__ import annotations

import re
from xml.parsers import expat

# Elements that run code or embed other documents, in any namespace (`html:script` too).
_ACTIVE_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"})
_XHTML = "http://www.w3.org/1999/xhtml"
_ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform", "animatecolor"})
# Link targets a picture may have: a fragment, a web address, or a raster image inline.
_SAFE_URL = re.compile(r"(?:#|https?:|data:image/(?:png|jpeg|gif|webp|avif)[;,])|[^:]*$", re.IGNORECASE)
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20]")
# CSS read as a browser's tokenizer reads it (CSS Syntax 3, section 4), as far as telling comments
# from strings and url() tokens needs: `/*` in `"..."` or `url(...)` starts no comment, and one
# taken for a comment there would hide what follows (`@import`) from `_imports_stylesheet`.
_CSS_ESCAPE = re.compile(r"\\(?:([0-9A-Fa-f]{1,6})[ \t\n\r\f]?|(.))", re.DOTALL)
_CSS_NEWLINE = re.compile(r"\r\n?|\f")
_ESCAPED = r"\\(?:[0-9A-Fa-f]{1,6}[ \t\n]?|[^\n0-9A-Fa-f])"
_NAME_CHAR = rf"(?:[A-Za-z0-9_-]|[^\x00-\x7f]|{_ESCAPED})"
_IDENT = rf"(?:--|-?(?:[A-Za-z_]|[^\x00-\x7f]|{_ESCAPED})){_NAME_CHAR}*"
_CSS_TOKEN = re.compile(
    r"(?P<comment>/\*.*?(?:\*/|\Z))"
    r"|\"(?:[^\"\\\n]|\\.?)*\"?|'(?:[^'\\\n]|\\.?)*'?"  # a string ends at its quote, a newline or the end
    rf"|@{_IDENT}|#{_NAME_CHAR}+"  # an at-keyword or a hash: `@url(` and `#url(` are no url()
    rf"|[+-]?(?:[0-9]*\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?(?:{_IDENT}|%)?"  # a number: `5url(` is none
    rf"|(?P<ident>{_IDENT})(?P<call>\()?"
    r"|[^\"'/@#+.0-9A-Za-z_\\\x80-\U0010ffff-]+"  # a run of what starts none of those (blanks, `{;:}`)
    r"|.",
    re.DOTALL,
)
_URL_REST = re.compile(r"(?:[^)\\]|\\.?)*\)?", re.DOTALL)  # an unquoted url(), bad or not: to its `)`
_QUOTED_ARGUMENT = re.compile(r"[ \t\n]*[\"']")


class ActiveContent(ValueError):
    """An SVG that could run code (the message says what was found)."""


def _check(data: bytes) -> None:
    """Raises ActiveContent if the SVG `data` holds a script, an event handler, a foreign
    object, a javascript: (or other non-picture) link, entity declarations, a stylesheet
    processing instruction or a stylesheet imported in its CSS (`@import`), or is not
    well-formed XML (a browser would not show it anyway)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    styles: list[list[str]] = []  # the text of each `<style>` element open, innermost last

    def start(name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        local = local.lower()
        if local in _ACTIVE_ELEMENTS or namespace == _XHTML:
            raise ActiveContent(f"<{local}> element")
        if local == "style":
            styles.append([])
        for attribute, value in attributes.items():
            attribute_local = attribute.rpartition(" ")[2].lower()
            if attribute_local.startswith("on"):
                raise ActiveContent(f"{attribute_local} event handler")
            if attribute_local == "style" and _imports_stylesheet(value):
                raise ActiveContent("stylesheet imported in a style attribute")
            if attribute_local == "href" and not _SAFE_URL.match(_IGNORED_IN_URLS.sub("", value)):
                raise ActiveContent(f"link to {value.strip()[:40]!r}")
            if local in _ANIMATIONS and attribute_local == "attributename":
                target = value.strip().rpartition(":")[2].lower()
                if target == "href" or target.startswith("on"):
                    raise ActiveContent(f"animation of {value.strip()!r}")

    def text(data: str) -> None:
        if styles:
            styles[-1].append(data)

    def end(name: str) -> None:
        if name.rpartition(" ")[2].lower() == "style" and styles and _imports_stylesheet("".join(styles.pop())):
            raise ActiveContent("stylesheet imported in a <style> element")

    def instruction(target: str, _data: str) -> None:
        raise ActiveContent(f"<?{target}?> processing instruction")

    def doctype(_name: str, _system: str | None, _public: str | None, internal_subset: bool) -> None:
        if internal_subset:
            raise ActiveContent("entity declarations")

    def entity(*_args: object) -> None:
        raise ActiveContent("entity declarations")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.ProcessingInstructionHandler = instruction
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ActiveContent(f"not well-formed XML ({expat.ErrorString(exc.code)})") from None


def _imports_stylesheet(css: str) -> bool:
    """Whether `css` imports a stylesheet (`@import url(...)`), spelled with comments or escapes
    too: one from elsewhere, which this check never sees, as `<?xml-stylesheet?>` is refused."""
    plain = _CSS_ESCAPE.sub(_unescaped, _without_comments(css))
    return "@import" in plain.lower()


def _without_comments(css: str) -> str:
    """`css` without its comments, its strings and url() tokens kept whole (a `/*` in them is text)."""
    css = _CSS_NEWLINE.sub("\n", css)
    kept: list[str] = []
    at = 0
    while at < len(css):
        token = _CSS_TOKEN.match(css, at)
        assert token is not None  # `.` matches any character
        end = token.end()
        ident = token.group("ident")
        if (
            token.group("call")
            and _CSS_ESCAPE.sub(_unescaped, ident).lower() == "url"
            and not _QUOTED_ARGUMENT.match(css, end)
        ):
            rest = _URL_REST.match(css, end)
            assert rest is not None  # it matches the empty text too
            end = rest.end()
        if token.group("comment") is None:
            kept.append(css[at:end])
        at = end
    return "".join(kept)


def _unescaped(found: re.Match[str]) -> str:
    """The character a CSS escape stands for (U+FFFD for a code point that is none)."""
    if found.group(1) is None:
        return found.group(2)
    code = int(found.group(1), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def active_content(data: bytes) -> str | None:
    """What makes the SVG `data` unsafe to serve, or None when it is only a picture."""
    try:
        _check(data)
    except ActiveContent as exc:
        return str(exc)
    return None
