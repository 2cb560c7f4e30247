"""Recognise image files by their bytes and name them by content.

File extensions and declared MIME types lie; the first bytes do not. Content-hash names
(`<sha256 hex>.<ext>`) make storing the same image twice a no-op and keep names stable
across exports.
"""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from blogster_cli.content.errors import ContentError


@dataclass(frozen=True)
class ImageType:
    extension: str
    mime_type: str


PNG = ImageType("png", "image/png")
JPEG = ImageType("jpg", "image/jpeg")
GIF = ImageType("gif", "image/gif")
WEBP = ImageType("webp", "image/webp")
SVG = ImageType("svg", "image/svg+xml")
AVIF = ImageType("avif", "image/avif")

_SVG_SNIFF_BYTES = 4096
_AVIF_BRANDS = (b"avif", b"avis")
# An XML prolog, comments and a doctype may come before the root `<svg` element.
_SVG_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
    rb"(?:<!DOCTYPE\s+svg[^>]*>\s*)?(?:<!--.*?-->\s*)*<svg[\s>/]",
    re.DOTALL | re.IGNORECASE,
)


def detect_image_type(data: bytes) -> ImageType | None:
    """The image type of `data` (PNG, JPEG, GIF, WebP, SVG, AVIF), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp" and _is_avif(data):
        return AVIF
    if _SVG_START.match(data[:_SVG_SNIFF_BYTES]):
        return SVG
    return None


def _is_avif(data: bytes) -> bool:
    """An ISO media `ftyp` box whose major or compatible brands include AVIF."""
    box_size = int.from_bytes(data[:4], "big")
    if box_size < 16 or box_size > len(data):
        return False
    brands = [data[8:12]] + [data[offset : offset + 4] for offset in range(16, box_size - 3, 4)]
    return any(brand in _AVIF_BRANDS for brand in brands)


def content_hash_name(data: bytes) -> str:
    """`<sha256 hex>.<ext>` for an image; raises ContentError when `data` is no image we know."""
    image_type = detect_image_type(data)
    if image_type is None:
        raise ContentError("not a PNG, JPEG, GIF, WebP, SVG or AVIF image")
    return f"{hashlib.sha256(data).hexdigest()}.{image_type.extension}"


# Where `images add` links a stored image: `media/<content hash name>` (its `url`).
MEDIA_FOLDER = "media"


def rewrite_media_links(text: str, links: Mapping[str, str]) -> str:
    """`text` with every `media/<name>` (or `./media/<name>`) of a name in `links` replaced
    by `links[name]`, in front matter and body alike; other URLs that merely contain
    `/media/` (`https://example.com/media/x.png`) are left alone."""
    if not links:
        return text
    names = "|".join(re.escape(name) for name in sorted(links, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w/.-])(?:\./)?{MEDIA_FOLDER}/({names})(?![\w.-])")
    return pattern.sub(lambda match: links[match.group(1)], text)
