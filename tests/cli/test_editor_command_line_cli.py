"""An editor no shell could read as a command (`vi "x`: an unclosed quote) is refused where it is
given: `config set editor`, exit 2; the config file, BLOGSTER_EDITOR, $VISUAL or $EDITOR, exit 6
naming it (red team 60, F6: it was accepted, then `posts edit` failed "unexpected failure: No
closing quotation")."""

import pytest

BAD = 'vi "x'


def one_line(result, code: int) -> str:
    assert result.exit_code == code, result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.same_on_every_server  # checking the setting is Python's: CI's second pass leaves it out
def test_config_set_refuses_an_editor_no_shell_reads(cli, isolated_environment):
    error = one_line(cli("config", "set", "editor", BAD), 2)
    assert error == f"error: editor {BAD!r} is no command line: no closing quotation\n"
    assert one_line(cli("config", "set", "editor", "   "), 2) == "error: editor '   ' names no command\n"
    assert not (isolated_environment / "config.toml").exists()
    assert cli("config", "set", "editor", "code --wait 'my dir'").exit_code == 0


def test_a_bad_editor_from_the_file_or_the_environment_is_named_with_exit_6(cli, signed_up, isolated_environment):
    assert cli("posts", "new", "Plain", "--slug", "plain", input="Text.\n").exit_code == 0
    for variable in ("VISUAL", "EDITOR"):
        others = {name: "" for name in ("VISUAL", "EDITOR", "BLOGSTER_EDITOR") if name != variable}
        error = one_line(cli("posts", "edit", "plain", env={variable: BAD, **others}), 6)
        assert error == (
            f"error: {variable} {BAD!r} is no command line: no closing quotation"
            f" (unset {variable}, or give it a valid value)\n"
        )
    error = one_line(cli("posts", "edit", "plain", env={"BLOGSTER_EDITOR": BAD}), 6)
    assert error.startswith("error: BLOGSTER_EDITOR: editor") and "unset BLOGSTER_EDITOR" in error
    (isolated_environment / "config.toml").write_text(f"[profiles.default]\neditor = '{BAD}'\n")  # an older Blogster's
    error = one_line(cli("posts", "edit", "plain"), 6)
    assert "config.toml [profiles.default] editor: editor" in error and "config set editor VALUE" in error
    assert cli("config", "set", "editor", "true").exit_code == 0  # mended where it is
    assert cli("posts", "edit", "plain").exit_code == 0


@pytest.mark.same_on_every_server  # the pager is Python's to choose: CI's second pass leaves it out
@pytest.mark.parametrize("variable", ["PAGER", "MANPAGER"])
def test_a_pager_no_shell_reads_is_named_and_the_list_printed_unpaged(capsys, monkeypatch, variable):
    import sys

    from blogster_cli.cli import tables

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "5")
    monkeypatch.delenv("MANPAGER", raising=False)
    monkeypatch.setenv(variable, 'less "x')
    tables.print_table([{"slug": f"post-{n}"} for n in range(10)], ["slug"])
    shown = capsys.readouterr()
    assert all(f"post-{n}" in shown.out for n in range(10)), shown.out
    assert shown.err == (
        f"warning: {variable} 'less \"x' is no command line: no closing quotation: the list is not paged"
        f" (unset {variable}, or give it a valid value)\n"
    )


@pytest.mark.same_on_every_server  # checking the setting is Python's: CI's second pass leaves it out
def test_config_set_warns_of_an_editor_not_on_path_and_keeps_it(cli, isolated_environment, tmp_path):
    """Red team, F8: `config set editor nonexistent-editor-xyz` (or `'$EDITOR'`, which no shell
    expands there) said nothing; `posts edit` then failed, exit 1. A warning now names the program;
    the setting is kept, as PATH differs between shells (cron, another terminal)."""
    done = cli("config", "set", "editor", "nonexistent-editor-xyz --wait")
    assert done.exit_code == 0 and done.stderr.splitlines()[1:] == [
        "warning: editor: no program 'nonexistent-editor-xyz' on PATH here; `posts edit` cannot run it until there is"
    ]
    assert cli("config", "get", "editor").stdout == "nonexistent-editor-xyz --wait\n"
    done = cli("config", "set", "editor", "$EDITOR")
    assert done.exit_code == 0 and len(done.stderr.splitlines()) == 2
    assert "'$EDITOR' on PATH here (no shell reads the setting: $ is not expanded)" in done.stderr
    script = tmp_path / "my editor"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    for found in ("true", f"'{script}' --wait"):
        done = cli("config", "set", "editor", found)
        assert done.exit_code == 0 and "warning" not in done.stderr, done.stderr
