"""A backup whose manifest was edited is refused in a writer's words: "its tables and columns are
not those of the Blogster version that made it", not "do not match Blogster's schema"; the
database it was to replace is untouched."""

from __future__ import annotations

import io
import json
import tarfile

import pytest

from blogster_cli.errors import InvalidInput
from blogster_cli.services import backup


def edited_manifest(archive, edit) -> None:
    """Rewrites `archive` with its manifest changed by `edit` (the members' checksums still hold)."""
    with tarfile.open(archive, "r:") as source:
        members = [(member, source.extractfile(member).read()) for member in source]
    with tarfile.open(archive, "w:") as target:
        for member, data in members:
            if member.name == "manifest.json":
                manifest = json.loads(data)
                edit(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda m: m["tables"]["public.blogs"].append("colour"),
         "its tables and columns are not those of the Blogster version that made it (was it edited?)"),
        (lambda m: m["sequences"].__setitem__("public.no_such_counter", 7),
         "it sets id counters the Blogster version that made it did not have (was it edited?)"),
    ],
)  # fmt: skip
def test_an_edited_manifest_is_refused_in_plain_words(db, make_user, superuser, tmp_path, edit, reason):
    make_user()
    archive = tmp_path / "all.blogster-backup"
    backup.backup(db, path=archive)
    edited_manifest(archive, edit)
    with pytest.raises(InvalidInput) as refused:
        backup.restore(db, path=archive)
    assert str(refused.value) == f"{archive} is not a usable Blogster backup: {reason}"
    assert "schema" not in str(refused.value) and "sequence" not in str(refused.value)
    assert superuser.execute("select count(*) from auth.users").fetchone() == (1,)
