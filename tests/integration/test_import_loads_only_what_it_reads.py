"""A markdown import loads only what reading markdown needs. Matching WordPress items by name
(d66b755) imported the WordPress reader for every batch, and with it markdownify and Beautiful Soup:
~0.12 s a run on 100 files, the import benchmark's 440 posts/s fell to ~300. The run is a fresh
interpreter, so nothing else loaded them before."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.same_on_every_server  # Python-bound: CI's second pass leaves it out

IMPORT_THEN_LIST_LOADED = """
import json, sys
from pathlib import Path
from uuid import UUID
from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db.connection import Database
from blogster_cli.services import imports

actor = Actor(user_id=UUID(sys.argv[2]), email=sys.argv[3], is_admin=False)
summary = imports.import_paths(ActingUser(Database(sys.argv[1]), actor), paths=[Path(sys.argv[4])])
print(json.dumps({"counts": summary.counts, "loaded": sorted(m for m in ("bs4", "markdownify") if m in sys.modules)}))
"""


def run_import(db, actor, folder) -> dict[str, object]:
    process = subprocess.run(
        [sys.executable, "-c", IMPORT_THEN_LIST_LOADED, db.conninfo, str(actor.user_id), actor.email, str(folder)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert process.returncode == 0, process.stderr[-2000:]
    return json.loads(process.stdout)


def test_a_markdown_import_and_its_rerun_never_load_the_wordpress_reader(db, make_user, tmp_path):
    actor = make_user()
    for number in range(3):
        (tmp_path / f"post-{number}.md").write_text(f"---\ntitle: Post {number}\ntags: [a]\n---\nBody {number}.\n")
    first = run_import(db, actor, tmp_path)
    assert first["counts"]["imported"] == 3 and first["loaded"] == []
    again = run_import(db, actor, tmp_path)  # matching against posts already there
    assert again["counts"]["unchanged"] == 3 and again["loaded"] == []
