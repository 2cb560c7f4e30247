"""Images are recognised by content, whatever their name says."""

import hashlib

import pytest

from blogster_cli.content.errors import ContentError
from blogster_cli.content.images import content_hash_name, detect_image_type

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17
SAMPLES = {
    "png": PNG_BYTES,
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01",
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "avif": b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf",
    "svg": b'<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg"></svg>',
}


@pytest.mark.parametrize(("extension", "data"), sorted(SAMPLES.items()))
def test_magic_numbers(extension: str, data: bytes) -> None:
    assert detect_image_type(data).extension == extension


def test_avif_by_compatible_brand_and_svg_variants() -> None:
    assert detect_image_type(b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif").extension == "avif"
    assert detect_image_type(b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isomiso2") is None  # an MP4
    assert detect_image_type(b'\xef\xbb\xbf  <svg viewBox="0 0 1 1"/>').extension == "svg"
    assert detect_image_type(b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<svg>').extension == "svg"


@pytest.mark.parametrize(
    "data", [b"", b"hello", b"<!DOCTYPE html><html><svg></svg></html>", b"%PDF-1.7", b"RIFF\x00\x00\x00\x00WAVE"]
)
def test_non_images(data: bytes) -> None:
    assert detect_image_type(data) is None


def test_content_hash_name() -> None:
    assert content_hash_name(PNG_BYTES) == hashlib.sha256(PNG_BYTES).hexdigest() + ".png"
    with pytest.raises(ContentError, match="not a PNG"):
        content_hash_name(b"plain text")
