"""What was wrong with a structured AI reply, in a writer's words: "missing 'title'", "'title' was
empty", "the twitter post was 312 characters, over twitter's 280", never pydantic's or JSON
Schema's terms. The parsers of ai/ideas.py and ai/metadata.py raise OffShape with it."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

_QUOTED_MAX = 40

# What a value of each kind is, as a wrong type's error names it (pydantic's error type's prefix).
_KINDS = {
    "string": "text",
    "list": "a list",
    "int": "a whole number",
    "float": "a number",
    "decimal": "a number",
    "bool": "true or false",
    "dict": "an object",
    "model": "an object",
    "literal": "one of the choices",
}


class OffShape(ValueError):
    """A structured reply that is not the shape asked for; str() says what was wrong."""


def validated(model: type[M], text: str) -> M:
    """`text` as `model`, or OffShape saying what was wrong with it."""
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise OffShape(described(exc)) from None


def described(exc: ValidationError) -> str:
    """The first thing wrong with a reply, in plain words (and how many more there were)."""
    errors = exc.errors(include_url=False)
    first = _one(errors[0]) if errors else "it was not what was asked for"
    more = len(errors) - 1
    return first + (f", and {more} more problem{'s' if more > 1 else ''}" if more > 0 else "")


def _one(error: Any) -> str:
    kind: str = error.get("type", "")
    ctx: dict[str, Any] = error.get("ctx") or {}
    where = _where(error.get("loc") or ())
    if kind in ("json_invalid", "json_type"):
        return "it was not JSON (the structured answer asked for)"
    if kind == "missing":
        return f"missing {where}" if where else "it was empty"
    if kind == "extra_forbidden":
        return f"it had {where}, which was not asked for"
    named = where or "the answer"
    shown = _quoted(error.get("input"))
    if kind == "string_too_short":
        least = ctx.get("min_length")
        return f"{named} was empty" if least == 1 else f"{named} was shorter than {least} characters"
    if kind == "string_too_long":
        return f"{named} was over {ctx.get('max_length')} characters"
    if kind == "too_short":
        least = ctx.get("min_length")
        return f"{named} was empty" if least == 1 else f"{named} had fewer than {least} entries"
    if kind == "too_long":
        return f"{named} had more than {ctx.get('max_length')} entries"
    if kind == "int_from_float":
        return f"{named} was {shown}, not a whole number"
    if kind == "literal_error":
        return f"{named} was {shown}, not {ctx.get('expected')}"
    bounds = {"greater_than_equal": ("under", "ge"), "greater_than": ("not over", "gt"),
              "less_than_equal": ("over", "le"), "less_than": ("not under", "lt")}  # fmt: skip
    if kind in bounds:
        side, key = bounds[kind]
        bound = ctx.get(key)
        return f"{named} was {shown}, {side} {int(bound) if isinstance(bound, float) and bound.is_integer() else bound}"
    if kind.endswith(("_type", "_parsing")):
        wanted = _KINDS.get(kind.split("_")[0])
        if wanted:
            return f"{named} was {shown}, not {wanted}"
    return f"{named}: {str(error.get('msg', 'not what was asked for')).lower()}"


def _where(loc: tuple[Any, ...]) -> str:
    """'title' of item 2 for ("ideas", 1, "title"): the last field's name, and which item it was in."""
    names = [part for part in loc if isinstance(part, str)]
    items = [part for part in loc if isinstance(part, int)]
    field = f"'{names[-1]}'" if names else ""
    if items and names and isinstance(loc[-1], str):
        return f"{field} of item {items[-1] + 1}"
    if items and names:
        return f"item {items[-1] + 1} of {field}"
    return field


def _quoted(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= _QUOTED_MAX else text[: _QUOTED_MAX - 1] + "…"
