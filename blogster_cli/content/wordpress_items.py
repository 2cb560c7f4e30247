"""How an item of a WordPress export with neither id nor guid is named: its type, name and date as
a JSON array, unlike any id or guid WordPress writes.

Apart from `content.wordpress` because the import's matching reads these names for every run,
markdown folders included, and reading an export needs markdownify and Beautiful Soup (~0.12 s to
load), which a run without a WordPress export should not pay.
"""

from __future__ import annotations

import json


def item_name(kind: str, name: str, date: str) -> str:
    """The identity of an item with neither id nor guid (`named_item` reads it back)."""
    return json.dumps((kind, name, date), ensure_ascii=False)


def named_item(item_id: str) -> tuple[str, str, str] | None:
    """The type, name and date an item with neither id nor guid is named by (`item_name`), or None
    for another identity."""
    if not item_id.startswith("["):
        return None
    try:
        named = json.loads(item_id)
    except (ValueError, RecursionError):
        return None
    if not isinstance(named, list) or len(named) != 3 or not all(isinstance(part, str) for part in named):
        return None
    return (named[0], named[1], named[2])
