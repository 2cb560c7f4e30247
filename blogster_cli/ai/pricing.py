"""Estimated cost of generations: US dollars per million tokens (input and output blended).

An estimate for `blogster credits`, not a bill: providers price input and output
tokens differently and change prices; a model not listed (a local one) costs 0.
The `ai_prices` setting adds models or overrides these rates.
"""

from __future__ import annotations

from collections.abc import Mapping

USD_PER_MILLION_TOKENS: dict[str, float] = {
    "gpt-4o": 6.25,
    "gpt-4o-mini": 0.38,
    "gpt-4.1": 5.0,
    "gpt-4.1-mini": 1.0,
    "gpt-4.1-nano": 0.25,
    "o4-mini": 2.75,
}


def parse_prices(text: str) -> dict[str, float]:
    """The `ai_prices` setting ("model=USD per million tokens, ..."); ValueError saying what is wrong."""
    table: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        model, equals, price = (piece.strip() for piece in item.partition("="))
        if not equals or not model:
            raise ValueError(f"{item!r} is not MODEL=PRICE")
        try:
            rate = float(price)
        except ValueError:
            raise ValueError(f"{price!r} is not a price in US dollars per million tokens") from None
        if not 0 <= rate < 1_000_000:
            raise ValueError(f"{price!r} is not a price in US dollars per million tokens")
        if model in table:
            raise ValueError(f"{model!r} is priced twice")
        table[model] = rate
    return table


def estimated_cost_usd(model: str | None, tokens: int, prices: Mapping[str, float] | None = None) -> float:
    """The price of `tokens` at `model`'s rate (a dated suffix like -2024-07-18 is ignored);
    `prices` (from the ai_prices setting) adds to and overrides the built-in table."""
    if not model:
        return 0.0
    table = {**USD_PER_MILLION_TOKENS, **(prices or {})}
    rate = table.get(model)
    if rate is None:
        base = model.rsplit("-", 3)[0] if model.count("-") >= 3 else model
        rate = table.get(base, 0.0)
    return round(tokens * rate / 1_000_000, 6)
