"""Themes: Jinja2 templates shipped as package files; a theme overrides any of the shared ones."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blogster_cli.errors import ConfigError

THEMES_DIR = Path(__file__).parent / "themes"
SHARED = "_common"


def available() -> list[str]:
    return sorted(p.name for p in THEMES_DIR.iterdir() if p.is_dir() and not p.name.startswith("_"))


@dataclass(frozen=True)
class Theme:
    name: str
    environment: Any
    key: str
    """Digest of every file the theme renders with: a changed template rebuilds the pages."""
    css: str

    def render(self, template: str, **context: Any) -> str:
        rendered: str = self.environment.get_template(template).render(**context)
        return rendered


def theme_key(name: str) -> str:
    """`Theme.key` of the theme `name` (ConfigError: no such theme), read without loading its templates."""
    if name not in available():
        raise ConfigError(f"unknown theme {name!r}; choose from {', '.join(available())}")
    digest = hashlib.sha256()
    for folder in (THEMES_DIR / name, THEMES_DIR / SHARED):
        for path in sorted(folder.iterdir()):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_theme(name: str, *, cache: Path | None = None) -> Theme:
    """The theme `name`; with `cache`, a folder (private to the user) where compiled templates
    are kept between runs, so a rebuild that renders a few pages does not compile them again
    (each is checked against its source's checksum there: an edited template is compiled anew).
    A theme serves one build, so its templates are loaded once (`auto_reload` off): Jinja would
    otherwise stat each template's file at every page it renders."""
    import jinja2

    key = theme_key(name)
    folders = [THEMES_DIR / name, THEMES_DIR / SHARED]
    css_path = THEMES_DIR / name / "style.css"
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=False,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(cache)) if cache is not None else None,
    )
    return Theme(name=name, environment=environment, key=key, css=css_path.read_text(encoding="utf-8"))


# What a mail client keeps of a theme's page and link rules when they are inlined (no layout, no selectors).
EMAIL_PROPERTIES = frozenset(
    {"font", "font-family", "font-size", "line-height", "color", "background", "background-color", "max-width",
     "margin", "padding"}
)  # fmt: skip


def email_styles(name: str) -> tuple[str, str]:
    """(body, link) inline styles for an email in the look of theme `name`: its stylesheet's
    `body` and `a` rules, limited to EMAIL_PROPERTIES (mail clients drop <style> and classes)."""
    import re

    if name not in available():
        raise ConfigError(f"unknown theme {name!r}; choose from {', '.join(available())}")
    css = re.sub(r"/\*.*?\*/", "", (THEMES_DIR / name / "style.css").read_text(encoding="utf-8"), flags=re.DOTALL)

    def rule(selector: str) -> str:
        kept = []
        for block in re.findall(r"(?:^|})\s*" + selector + r"\s*\{([^}]*)\}", css):
            for declaration in block.split(";"):
                prop, _, value = declaration.partition(":")
                if prop.strip().lower() in EMAIL_PROPERTIES and value.strip():
                    kept.append(f"{prop.strip().lower()}: {value.strip().replace(chr(34), chr(39))}")
        return "; ".join(kept)

    return rule("body"), rule("a")
