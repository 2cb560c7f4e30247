"""`file_names`: names measured in bytes against the 255 most file systems take, and the
temporary names written beside a file (export's `.partial`, sync's `.blogster-sync`, a built
site's `.partial`) that must fit whatever the file's own name."""

from __future__ import annotations

from pathlib import Path

from blogster_cli.file_names import NAME_MAX_BYTES, hashed_hidden_name, name_bytes
from blogster_cli.publish import urls
from blogster_cli.services.exports import partial_path
from blogster_cli.services.sync import _temporary

UNDECODABLE = b"\xe9".decode("utf-8", "surrogateescape")  # one byte on disk


def test_a_name_is_measured_in_the_bytes_it_takes_on_disk() -> None:
    assert name_bytes("abc") == 3 and name_bytes("é") == 2 and name_bytes("\U0001f600") == 4
    assert name_bytes(UNDECODABLE * 10) == 10  # each undecodable byte is that one byte again
    assert name_bytes("a\ud800") == 4  # no name holds it: counted (3 bytes), never an error


def test_a_hashed_hidden_name_is_short_hidden_and_stands_for_one_name() -> None:
    name = hashed_hidden_name("é" * 200, ".partial")
    assert name.startswith(".") and name.endswith(".partial") and name_bytes(name) == 1 + 16 + len(".partial")
    assert name == hashed_hidden_name("é" * 200, ".partial") != hashed_hidden_name("é" * 199, ".partial")
    assert hashed_hidden_name(UNDECODABLE, "") != hashed_hidden_name("\ufffd", "")


def test_temporary_names_beside_a_254_byte_name_fit(tmp_path: Path) -> None:
    for name in ("a" * 251 + ".md", "é" * 125 + "a.md", UNDECODABLE * 251 + ".md"):
        assert name_bytes(name) == 254
        assert name_bytes(partial_path(tmp_path / name).name) <= NAME_MAX_BYTES
        assert name_bytes(_temporary(tmp_path / name).name) <= NAME_MAX_BYTES


def test_a_name_with_room_keeps_a_readable_partial_name(tmp_path: Path) -> None:
    fits = "a" * 245 + UNDECODABLE  # 246 bytes: 255 with "." and ".partial"
    assert partial_path(tmp_path / "post.md") == tmp_path / ".post.md.partial"
    assert partial_path(tmp_path / ".hidden") == tmp_path / ".hidden.partial"
    assert partial_path(tmp_path / fits) == tmp_path / f".{fits}.partial"
    assert partial_path(tmp_path / (fits + "a")).name == hashed_hidden_name(fits + "a", ".partial")


def test_a_page_path_part_leaves_room_for_its_partial_file() -> None:
    assert urls.fits_on_disk("a/" + "é" * 123 + "a")  # 247 bytes
    assert not urls.fits_on_disk("a/" + "é" * 124)  # 248
    assert not urls.fits_on_disk("\ud800" * 83)  # 249 surrogatepass bytes, measured without an error
