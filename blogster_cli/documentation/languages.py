"""A page's language (front matter `lang` or `language`) as the text search configuration that
stems it: each page is indexed, and its words matched, in its own language."""

from __future__ import annotations

DEFAULT_CONFIG = "english"
UNSTEMMED_CONFIG = "simple"

# The stemming configurations PostgreSQL ships, by ISO 639-1 code.
CONFIG_BY_CODE = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch",
    "en": "english", "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian", "ne": "nepali",
    "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "yi": "yiddish",
}  # fmt: skip
CONFIGS = frozenset(CONFIG_BY_CODE.values())


def search_config(language: object) -> tuple[str, str | None]:
    """(configuration, note): `de`, `de-DE`, `pt_BR` or `German` -> german; none given -> english;
    a language PostgreSQL cannot stem -> simple (words matched as written), with a note saying so."""
    if language is None or not str(language).strip():
        return DEFAULT_CONFIG, None
    text = str(language).strip().lower()
    if text in CONFIGS:
        return text, None
    config = CONFIG_BY_CODE.get(text.replace("_", "-").split("-")[0])
    if config:
        return config, None
    return UNSTEMMED_CONFIG, f"language {str(language)!r} has no stemmer: its words are matched as written"
