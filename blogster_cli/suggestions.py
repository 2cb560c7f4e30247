"""Which known names a mistyped one was probably meant to be: the "did you mean" that ends an
"unknown setting", "no profile", "No such command" or "no post" message. One rule for all of them
(difflib's ratio, closest first, ties in alphabetical order), in a module every layer imports, so
the CLI, config and services never each keep a copy that ranks or breaks ties its own way. Each
caller chooses how close is close enough and how many to name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def close_matches(typed: str, known: Iterable[str], *, cutoff: float = 0.6, most: int = 3) -> list[str]:
    """At most `most` of `known` whose ratio to `typed` is at least `cutoff`, closest first, then in
    alphabetical order: difflib.get_close_matches (same defaults, same quick ratios first), but for its
    ties, which come in reverse alphabetical order ('shell-tips-4', 'shell-tips-3'...)."""
    import difflib  # only once a name is unknown: config is read on every start, the TUI's too
    import heapq

    matcher = difflib.SequenceMatcher(b=typed)
    scored: list[tuple[float, str]] = []
    for name in known:
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
            ratio = matcher.ratio()
            if ratio >= cutoff:
                scored.append((-ratio, name))
    return [name for _, name in heapq.nsmallest(most, scored)]


def did_you_mean(matches: Sequence[str]) -> str:
    """The end of an "unknown ..." message: " (did you mean 'a', 'b' or 'c'?)", or "" when nothing
    was close."""
    if not matches:
        return ""
    quoted = [repr(name) for name in matches]
    either = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
    return f" (did you mean {either}?)"
