"""Exceptions for content that cannot be read; each message is one line saying why.

They subclass `InvalidInput`, so the CLI reports them with the usage-error exit code.
"""

from blogster_cli.errors import InvalidInput


class ContentError(InvalidInput):
    """A post, file or export that cannot be imported or written as asked."""


class FrontMatterError(ContentError):
    """The front matter is malformed (unclosed delimiter, bad YAML/TOML/JSON, not a mapping)."""


class DateParseError(ContentError):
    """A date value is not a date we can read unambiguously."""


class WordPressError(ContentError):
    """A WordPress export (WXR) file is not well-formed or not a WXR file."""
