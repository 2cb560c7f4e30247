"""blogster research add / list / rm, and drafts that cite the sources."""

from tests.cli.conftest import PASSWORD

CHAT = "/v1/chat/completions"


def test_sources_with_citations_feed_the_draft_and_stay_private(cli, signed_up, ai_env):
    added = cli(
        "research", "add", "--url", "https://example.org/crumb", "--title", "Crumb study", "--author", "Baker, A.",
        "--date", "2024-03-05", "--type", "study", "--json",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    source = added.json()
    assert source["citation_format"] == {  # a study: APA gives its year, MLA its date
        "apa": "Baker, A. (2024). Crumb study. https://example.org/crumb",
        "mla": "Baker, A. \u201cCrumb study.\u201d 5 Mar. 2024, https://example.org/crumb.",
    }
    assert source["source_type"] == "study" and source["blog_id"] is None
    assert [s["id"] for s in cli("research", "list", "--json").json()] == [source["id"]]
    assert cli("generate", "draft", "--topic", "Bread", "--sources").exit_code == 0
    prompt = ai_env.calls(CHAT)[0].body["messages"][1]["content"]
    assert "[1] Crumb study, Baker, A. (2024-03-05): https://example.org/crumb" in prompt
    assert cli("research", "add", "--url", "ftp://x", "--title", "T").exit_code == 2
    assert cli("research", "add", "no-such-post", "--url", "https://x.org", "--title", "T").exit_code == 3
    cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert cli("research", "list", "--json").json() == []
    assert cli("research", "rm", source["id"]).exit_code == 3
    cli("auth", "login", "--email", signed_up, "--password-stdin", input=PASSWORD + "\n")
    assert cli("research", "rm", source["id"]).exit_code == 0
    assert cli("research", "list", "--json").json() == []


def test_rm_json_prints_the_removed_source(cli, signed_up):
    source = cli("research", "add", "--url", "https://example.org/a", "--title", "A", "--json").json()
    removed = cli("research", "rm", source["id"], "--json")
    assert removed.exit_code == 0 and removed.json() == source
    assert cli("research", "list", "--format", "count").stdout.strip() == "0"
