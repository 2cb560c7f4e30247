"""Lows of the new-user walk (h310 L14, L16): a post still only its template's scaffold is warned
about when published; a site without a title says so at `site build`, and its feeds name the
account's profile name as their author; `crosspost` after the address was cleared says it "is
not set"."""

from __future__ import annotations

import pytest

from tests.cli.test_crosspost_cli import POST, connect, publish_post
from tests.platform_servers import TOKEN, FakeForem

SCAFFOLD = "cannot be published: it has no content (only its template's headings and guidance comments)"


def test_a_templates_scaffold_is_no_content_on_every_path_to_a_live_post(cli, signed_up, tmp_path):
    # Before, `publish` put the scaffold live (exit 0) with a warning only.
    made = cli("blogs", "new", "Ten terminal habits", "--template", "how-to", "--json")
    assert made.exit_code == 0, made.stderr
    slug = made.json()["slug"]
    refused = cli("publish", slug)
    assert refused.exit_code == 2 and f"'{slug}' {SCAFFOLD}" in refused.stderr, refused.stderr
    [outcome] = cli("publish", slug, "--json").json()
    assert SCAFFOLD in outcome["error"]
    status = cli("blogs", "status", slug, "published")
    assert status.exit_code == 2 and f"'{slug}' {SCAFFOLD}" in status.stderr, status.stderr
    at_once = cli("blogs", "new", "Five shell tricks", "--template", "how-to", "--status", "published")
    assert at_once.exit_code == 2 and SCAFFOLD in at_once.stderr, at_once.stderr
    assert cli("blogs", "show", slug, "--json").json()["status"] == "draft"

    headings = tmp_path / "headings.md"
    headings.write_text("---\ntitle: Only headings\n---\n# One\n\n<!-- to do -->\n\n## Two\n")
    bare = cli("blogs", "new", "--from", str(headings), "--json").json()["slug"]
    assert "only headings, no text of its own" in cli("publish", bare).stderr

    written = tmp_path / "written.md"
    written.write_text("---\ntitle: Written\n---\n## One\n\n<!-- guidance -->\n\nActual words.\n")
    done = cli("blogs", "new", "--from", str(written), "--json").json()["slug"]
    said = cli("publish", done)
    assert said.exit_code == 0 and "headings" not in said.stderr, said.stderr


def test_a_site_without_a_title_says_so_and_its_feeds_name_the_profile(cli, signed_up, tmp_path):
    publish_post(cli, tmp_path, POST)
    subdomain = cli("site", "settings", "show", "--json").json()["subdomain"]
    out = tmp_path / "public"
    built = cli("site", "build", "--out", str(out))
    assert built.exit_code == 0, built.stderr
    assert (
        f"note: your site has no title, so its pages and feeds are titled '{subdomain}' (its subdomain):"
        ' set one with `blogster site settings set title "My blog"`.'
    ) in built.stderr, built.stderr
    assert f"<name>{subdomain}</name>" in (out / "atom.xml").read_text()  # no profile name yet

    assert cli("profile", "update", "--username", "adalove").exit_code == 0
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert "<name>adalove</name>" in (out / "atom.xml").read_text()
    assert cli("profile", "update", "--full-name", "Ada Lovelace").exit_code == 0
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    atom = (out / "atom.xml").read_text()
    assert "<name>Ada Lovelace</name>" in atom and f"<title>{subdomain}</title>" in atom

    assert cli("site", "settings", "set", "title", "Ada's notes").exit_code == 0
    titled = cli("site", "build", "--out", str(out))
    assert titled.exit_code == 0 and "no title" not in titled.stderr, titled.stderr
    assert cli("site", "build", "--out", str(out), "--json").json()["notes"] == []


@pytest.fixture
def forem(http) -> FakeForem:
    return FakeForem(http).install()


def test_crosspost_after_the_address_was_cleared_says_it_is_not_set(cli, signed_up, tmp_path, forem):
    published = publish_post(cli, tmp_path, POST)
    connect(cli, "devto", TOKEN)
    assert cli("site", "settings", "set", "url", "https://blog.example.com/").exit_code == 0
    assert cli("site", "settings", "set", "url", "").exit_code == 0
    copied = cli("crosspost", published, "--to", "devto", env={"BLOGSTER_DEVTO_URL": forem.url})
    assert copied.exit_code == 0, copied.stderr
    assert "warning: your site's address is not set, so the copies link back to" in copied.stderr
    assert "never" not in copied.stderr
