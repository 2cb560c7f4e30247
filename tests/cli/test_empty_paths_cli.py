"""An empty (or blank) path is a usage error, never the current folder (typer turns "" into Path("."))."""

from __future__ import annotations

import pytest

# Python-bound (typer's parsing and the commands' checks before any work): CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

EMPTY_PATHS = [
    ("import", "{}"),
    ("import", "-", "{}"),
    ("export", "{}", "--format", "hugo"),
    ("site", "build", "--out", "{}"),
    ("site", "serve", "--out", "{}"),
    ("site", "deploy", "--folder", "{}"),
    ("site", "deploy", "--out", "{}", "--git", "remote"),
    ("account", "export", "{}"),
    ("docs", "export", "{}"),
    ("docs", "import", "{}"),
    ("calendar", "feed", "--out", "{}"),
    ("calendar", "export", "--ics", "{}"),
    ("calendar", "import", "--ics", "{}"),
    ("images", "add", "some-post", "{}"),
    ("sync", "{}"),
    ("db", "backup", "{}"),
    ("db", "restore", "{}"),
    ("analytics", "ingest", "{}"),
    ("analytics", "report", "--png", "{}"),
    ("newsletter", "subscribers", "import", "{}"),
    ("chatbot", "intents", "export", "{}"),
    ("competitors", "import", "{}"),
    ("revenue", "import", "{}"),
    ("voice", "transcribe", "{}"),
]


@pytest.mark.parametrize("value", ["", "   "])
@pytest.mark.parametrize("args", EMPTY_PATHS, ids=lambda args: " ".join(a for a in args if a != "{}"))
def test_an_empty_path_is_refused_before_any_work(cli, signed_up, tmp_path, monkeypatch, args, value):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    (here / "private.md").write_text("---\ntitle: Private\n---\nNot for the blog.\n")
    result = cli(*(value if arg == "{}" else arg for arg in args))
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is empty: name a file or folder" in lines[0], result.stderr
    assert sorted(p.name for p in here.iterdir()) == ["private.md"]  # nothing written here


def test_import_of_an_empty_path_imports_nothing(cli, signed_up, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "private.md").write_text("---\ntitle: Private\n---\nNot for the blog.\n")
    assert cli("import", "").exit_code == 2
    assert cli("blogs", "list", "--json").json() == []
    stdin = cli("import", "-", input="---\ntitle: From stdin\n---\nBody.\n")  # - is still standard input
    assert stdin.exit_code == 0, stdin.stderr
    assert [post["title"] for post in cli("blogs", "list", "--json").json()] == ["From stdin"]


def test_the_message_names_the_option_or_argument(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("calendar", "export", "--ics", "").stderr.startswith("error: --ics is empty: name a file or folder")
    assert cli("export", "", "--format", "hugo").stderr.startswith("error: DIRECTORY is empty")
