"""Wording of the new-user walk (h329 L11): an https:// URL at a plain HTTP server, a command a
non-administrator cannot run, a docs search of common words only, a CLINC150-layout intents file,
and the quiet hours in `prefs show --json` (tests/cli/test_config_sources_and_secrets_cli.py)."""

from __future__ import annotations

import json

from tests.cli.conftest import TOKEN, connect
from tests.cli.test_crosspost_cli import POST, publish_post
from tests.cli.test_docs_cli import SMALL_TREE, signup, write


def test_an_https_url_at_a_plain_http_server_says_so(cli, signed_up, http, tmp_path):
    published = publish_post(cli, tmp_path, POST)
    connect(cli, "devto", TOKEN)
    url = http.url_for("/").rstrip("/").replace("http://", "https://")
    result = cli("crosspost", published, "--to", "devto", env={"BLOGSTER_DEVTO_URL": url})
    assert result.exit_code == 1
    where = f"{http.host}:{http.port}"
    said = f"could not reach dev.to at {where}: the server there does not speak https (try http:// for a local server)"
    assert result.stderr.count("\n") == 1 and said in result.stderr, result.stderr
    assert "wrong_version_number" not in result.stderr.lower()


def test_a_command_for_administrators_says_who_can_make_you_one(cli, signed_up):
    assert cli("auth", "logout").exit_code == 0
    signup(cli, "lin@example.com")
    refused = cli("admin", "users", "list")
    assert refused.exit_code == 4
    assert refused.stderr == (
        "error: this needs an administrator; an administrator can make you one:"
        " blogster admin users grant-admin EMAIL\n"
    )


def test_a_docs_search_of_common_words_only_says_they_are_too_common(cli, signed_up, tmp_path):
    empty = cli("docs", "search", "the a")
    assert (empty.exit_code, empty.stderr) == (0, "No pages found.\n")  # no pages at all: nothing to say more
    assert cli("docs", "import", str(write(tmp_path / "docs", SMALL_TREE)), "--publish").exit_code == 0
    common = cli("docs", "search", "the a")
    assert common.exit_code == 0 and "too common to search for" in common.stderr, common.stderr
    assert "No pages found." not in common.stderr
    as_json = cli("docs", "search", "the", "--json")
    assert as_json.json()["results"] == [] and "too common" in as_json.stderr
    missing = cli("docs", "search", "zebra")
    assert "too common" not in missing.stderr and "No pages found." in missing.stderr
    found = cli("docs", "search", "the queues")
    assert found.exit_code == 0 and "too common" not in found.stderr and "guide/events" in found.stdout


def test_an_intents_file_in_clinc150s_layout_names_the_forms_accepted(cli, signed_up, tmp_path):
    clinc = tmp_path / "data_full.json"
    clinc.write_text(json.dumps({"train": [["what is my balance", "balance"]], "val": [], "test": [],
                                 "oos_train": [["how tall is a giraffe", "oos"]]}))  # fmt: skip
    refused = cli("chatbot", "intents", "import", str(clinc))
    assert refused.exit_code == 2
    assert "or a .csv file of text,label rows after a header row" in refused.stderr, refused.stderr
    assert "this one maps train, val, test, oos_train to [text, label] pairs: write those as CSV rows" in refused.stderr
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"name": "greeting"}))
    plain = cli("chatbot", "intents", "import", str(other))
    assert plain.exit_code == 2 and "expected a list of intents" in plain.stderr and "[text, label]" not in plain.stderr
