"""Compiled theme templates are kept between builds (`load_theme(cache=)`): an edited template
must be compiled anew, never served from the cache, and a theme loads each template once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blogster_cli.publish import themes


@pytest.fixture
def theme_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped themes, copied where a test may edit them."""
    copy = tmp_path / "themes"
    shutil.copytree(themes.THEMES_DIR, copy)
    monkeypatch.setattr(themes, "THEMES_DIR", copy)
    return copy


def render_redirect(cache: Path) -> str:
    return themes.load_theme("default", cache=cache).render(
        "redirect.html", title="T", target="/x/", canonical="https://x.example/x/"
    )


def test_an_edited_template_is_compiled_again_not_read_from_the_cache(theme_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    first = render_redirect(cache)
    assert any(cache.iterdir()), "the compiled template was kept"
    template = theme_copy / themes.SHARED / "redirect.html"
    template.write_text(template.read_text().replace("This page has moved", "Moved"))

    edited = render_redirect(cache)

    assert "Moved to" in edited and "This page has moved" not in edited
    assert edited == first.replace("This page has moved", "Moved")


def test_a_theme_reads_each_template_once(theme_copy: Path, tmp_path: Path) -> None:
    theme = themes.load_theme("default", cache=tmp_path)
    first = theme.render("redirect.html", title="T", target="/x/", canonical="https://x.example/x/")
    (theme_copy / themes.SHARED / "redirect.html").write_text("changed")  # during one build: not looked at again
    assert theme.render("redirect.html", title="T", target="/x/", canonical="https://x.example/x/") == first
