"""Estimated cost of generations: US dollars per million tokens (input and output blended).

An estimate for `blogster credits`, not a bill: providers price input and output
tokens differently and change prices; a model not listed (a local one) costs 0.
"""

from __future__ import annotations

USD_PER_MILLION_TOKENS: dict[str, float] = {
    "gpt-4o": 6.25,
    "gpt-4o-mini": 0.38,
    "gpt-4.1": 5.0,
    "gpt-4.1-mini": 1.0,
    "gpt-4.1-nano": 0.25,
    "o4-mini": 2.75,
}


def estimated_cost_usd(model: str | None, tokens: int) -> float:
    """The price of `tokens` at `model`'s rate (a dated suffix like -2024-07-18 is ignored)."""
    if not model:
        return 0.0
    rate = USD_PER_MILLION_TOKENS.get(model)
    if rate is None:
        base = model.rsplit("-", 3)[0] if model.count("-") >= 3 else model
        rate = USD_PER_MILLION_TOKENS.get(base, 0.0)
    return round(tokens * rate / 1_000_000, 6)
