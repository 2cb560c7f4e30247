"""The same mistake gets the same words whichever command it is made in (h310 L11): a file named
as a folder ("F is a file, not a folder", exit 2: `site build --out afile` said click's "Invalid
value for '--out': Directory 'afile' is a file."), and a --format that is none of the choices
("--format must be one of ..., not 'x'", exit 2: export, sync, import and analytics ingest
named no value)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "args",
    [
        ["site", "build", "--out", "{file}"],
        ["site", "build", "--out", "{file}/sub"],
        ["site", "serve", "--out", "{file}"],
        ["site", "deploy", "--out", "{file}", "--folder", "{tmp}/to"],
        ["site", "deploy", "--out", "{tmp}", "--folder", "{file}"],
        ["calendar", "feed", "--out", "{file}"],
        ["export", "{file}", "--format", "hugo"],
        ["export", "{file}/sub", "--format", "hugo"],
        ["sync", "{file}"],
    ],
    ids=" ".join,
)
def test_a_file_named_as_a_folder_is_refused_in_the_same_words(cli, signed_up, tmp_path, args):
    afile = tmp_path / "afile"
    afile.write_text("not a folder\n")
    result = cli(*(arg.format(file=afile, tmp=tmp_path) for arg in args))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"error: {afile} is a file, not a folder"), result.stderr
    assert result.stderr.count("\n") == 1 and "Invalid value" not in result.stderr


@pytest.mark.parametrize(
    ("args", "choices"),
    [
        (["export", "{tmp}/out", "--format", "pelican"], "hugo, jekyll, zola, astro, markdown"),
        (["sync", "{tmp}", "--format", "pelican"], "auto, hugo, jekyll, zola, astro, markdown"),
        (["import", "{tmp}", "--format", "pelican"], "auto, hugo, jekyll, zola, astro, markdown, wordpress"),
        (["analytics", "ingest", "{tmp}/access.log", "--format", "pelican"], None),
        (["posts", "list", "--format", "pelican"], "table, json, csv, yaml, ids, count"),
        (["chatbot", "intents", "export", "-", "--format", "pelican"], "yaml, json, csv"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_a_format_that_is_none_of_the_choices_is_refused_in_the_same_words(cli, signed_up, tmp_path, args, choices):
    (tmp_path / "access.log").write_text("")
    result = cli(*(arg.format(tmp=tmp_path) for arg in args))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("error: --format must be one of "), result.stderr
    assert result.stderr.endswith(", not 'pelican'\n") and result.stderr.count("\n") == 1, result.stderr
    if choices is not None:
        assert result.stderr == f"error: --format must be one of {choices}, not 'pelican'\n"
