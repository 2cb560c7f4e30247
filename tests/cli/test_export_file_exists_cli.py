"""Red team F3 (h336): `chatbot intents export FILE` and `calendar export --ics FILE` wrote over an
existing file without a word, while `db backup` refuses one unless --force. Now both refuse it as
`db backup` does (one line, exit 5) unless --force; `-` (standard output) is unaffected."""

from __future__ import annotations

from pathlib import Path

import pytest

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"
EXPORTS = {
    "intents": ("chatbot", "intents", "export", "{}"),
    "calendar": ("calendar", "export", "--ics", "{}"),
}
NAMES = {"intents": "intents.yaml", "calendar": "plan.ics"}


@pytest.fixture
def something_to_export(cli, signed_up) -> None:
    assert cli("chatbot", "intents", "import", str(STARTER)).exit_code == 0
    assert cli("calendar", "add", "Launch", "--date", "2026-12-07").exit_code == 0


def _export(cli, kind: str, path: Path | str, *more: str):
    return cli(*(str(path) if arg == "{}" else arg for arg in EXPORTS[kind]), *more)


@pytest.mark.parametrize("kind", EXPORTS)
def test_an_existing_file_is_refused_unless_force(cli, something_to_export, tmp_path, kind):
    (folder := tmp_path / "out").mkdir()
    target = folder / NAMES[kind]
    target.write_text("mine, keep it\n")
    refused = _export(cli, kind, target)
    assert refused.exit_code == 5, (refused.stdout, refused.stderr)
    assert refused.stderr == f"error: {target} already exists; use --force to overwrite it\n"
    assert target.read_text() == "mine, keep it\n"
    assert list(folder.iterdir()) == [target]  # no partial left behind

    forced = _export(cli, kind, target, "--force")
    assert forced.exit_code == 0, forced.stderr
    assert target.read_text() != "mine, keep it\n"
    assert _export(cli, kind, target, "--force").exit_code == 0  # again: a re-export


@pytest.mark.parametrize("kind", EXPORTS)
def test_a_link_at_the_name_is_refused_too_and_not_followed(cli, something_to_export, tmp_path, kind):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not to be touched\n")
    dangling = tmp_path / f"dangling-{NAMES[kind]}"
    dangling.symlink_to(tmp_path / "nothing-here")
    linked = tmp_path / f"linked-{NAMES[kind]}"
    linked.symlink_to(elsewhere)
    for link in (dangling, linked):
        assert _export(cli, kind, link).exit_code == 5
        assert link.is_symlink()
    assert not (tmp_path / "nothing-here").exists() and elsewhere.read_text() == "not to be touched\n"


@pytest.mark.parametrize("kind", EXPORTS)
def test_a_new_file_and_standard_output_need_no_force(cli, something_to_export, tmp_path, kind):
    assert _export(cli, kind, tmp_path / NAMES[kind]).exit_code == 0
    assert (tmp_path / NAMES[kind]).stat().st_size > 0
    to_stdout = _export(cli, kind, "-")
    assert to_stdout.exit_code == 0 and to_stdout.stdout


def test_a_folder_is_no_file_to_overwrite(cli, something_to_export, tmp_path):
    (tmp_path / "intents.yaml").mkdir()
    for more in ((), ("--force",)):
        result = cli("chatbot", "intents", "export", str(tmp_path / "intents.yaml"), *more)
        assert (
            result.exit_code == 2
            and result.stderr == f"error: {tmp_path / 'intents.yaml'} is a folder; give a file name\n"
        )
