"""The manifest `export` keeps in its folder of what it wrote (`.blogster-export.json`).

One entry per post file, by its path relative to the export folder ("/"-separated): the
SHA-256 of the bytes written, and the id of the post the file holds; a file a later export
wrote its post elsewhere than (its slug changed, its name was numbered apart from another's)
says where (`moved_to`). Export reads it to tell a file edited by hand from its own; import
reads it to know which post an exported file is, whatever the file's dialect says now, and
which file is an older copy. Manifests written before the ids were kept map a path to the
hash alone (`{"content/posts/a.md": "<sha256>"}`); they are read as entries without a post.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

MANIFEST = ".blogster-export.json"
# A manifest larger than this is not read by import (an export of 100,000 posts writes ~15 MB).
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Written:
    """What an export wrote at one path."""

    sha256: str  # of the file's bytes; "" when not known (a file edited by hand before any manifest)
    post: str | None = None  # the id of the post the file holds; None in manifests older than the ids
    moved_to: str | None = None  # where a later export wrote that post: this file is an older copy


def parse(data: bytes) -> dict[str, Written]:
    """The entries of a manifest's bytes; {} when they are not a manifest (not JSON, another
    shape). An entry of another shape is left out."""
    try:
        manifest = json.loads(data)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(manifest, dict):
        return {}
    entries: dict[str, Written] = {}
    for path, value in manifest.items():
        if isinstance(value, str):  # written before the ids were kept
            entries[path] = Written(value)
        elif isinstance(value, dict) and isinstance(value.get("sha256"), str):
            post, moved_to = value.get("post"), value.get("moved_to")
            entries[path] = Written(
                value["sha256"],
                post if isinstance(post, str) else None,
                moved_to if isinstance(moved_to, str) else None,
            )
    return entries


def dump(entries: Mapping[str, Written]) -> bytes:
    """A manifest's bytes: a JSON object, one line per path, with its hash and, when known, its
    post's id (and where that post was written since)."""
    lines = []
    for path, entry in entries.items():
        value = {"sha256": entry.sha256}
        if entry.post is not None:
            value["post"] = entry.post
        if entry.moved_to is not None:
            value["moved_to"] = entry.moved_to
        lines.append(f"{json.dumps(path)}: {json.dumps(value)}")
    return ("{\n" + ",\n".join(lines) + "\n}").encode() if lines else b"{}"
