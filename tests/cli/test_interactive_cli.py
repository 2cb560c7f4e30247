"""`blogster interactive`: checked structures, widgets in the built site, participation from the access log."""

from __future__ import annotations

import json


def test_a_poll_from_creation_to_the_site_and_its_participation(cli, signed_up, tmp_path):
    poll = tmp_path / "poll.json"
    poll.write_text(json.dumps({"question": "Which shell?", "options": ["bash", "zsh", "fish"]}))
    made = cli("interactive", "create", "poll", "--title", "Favourite shell", "--structure", str(poll), "--json")
    assert made.exit_code == 0, made.stderr
    assert made.json()["shortcode"] == "{{< poll favourite-shell >}}"
    again = cli("interactive", "create", "poll", "--title", "Favourite shell", "--structure", str(poll))
    assert again.exit_code == 5  # the tracking id names one item
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"question": "Which shell?", "options": ["only one"]}))
    refused = cli("interactive", "create", "poll", "--title", "Bad", "--structure", str(bad))
    assert refused.exit_code == 2 and "options must be a list of 2-20 options" in refused.stderr
    assert cli("interactive", "edit", "favourite-shell", "--structure", str(bad)).exit_code == 2

    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Shells\n---\nTell us.\n\n{{< poll favourite-shell >}}\n\nThanks.\n")
    assert cli("blogs", "new", "--from", str(post), "--status", "published", "--slug", "shells").exit_code == 0
    out = tmp_path / "public"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    page = next(p for p in out.rglob("index.html") if "shells" in str(p.parent)).read_text()
    assert '<form class="blogster-poll" id="favourite-shell"' in page and "{{&lt; poll" not in page
    assert "<legend>Which shell?</legend>" in page and '"/_i/favourite-shell/"' in page

    log = tmp_path / "access.log"
    log.write_text(
        '203.0.113.1 - - [01/Dec/2026:10:00:00 +0000] "GET /_i/favourite-shell/start HTTP/1.1" 404 0 "-" "Firefox"\n'
        '203.0.113.2 - - [01/Dec/2026:10:00:00 +0000] "GET /_i/favourite-shell/start HTTP/1.1" 404 0 "-" "Firefox"\n'
        '203.0.113.1 - - [01/Dec/2026:10:00:05 +0000] "GET /_i/favourite-shell/complete HTTP/1.1" 404 0 "-" "Firefox"\n'
    )
    [counted] = cli("interactive", "stats", "--from-log", str(log), "--json").json()
    assert (counted["participation_count"], counted["completion_rate"]) == (2, 0.5)
    [listed] = cli("interactive", "list", "--json").json()
    assert listed["participation_count"] == 2
    # Tables show the share as the analytics tables do (they printed 0.5, or 0.6055900621118012);
    # CSV and JSON keep the number.
    assert "\t50%\t" in cli("interactive", "list").stdout
    assert "\t50%" in cli("interactive", "stats").stdout
    assert ",0.5," in cli("interactive", "list", "--format", "csv").stdout
    assert cli("interactive", "rm", "favourite-shell").exit_code == 0
    assert cli("interactive", "list", "--json").json() == []
    assert cli("interactive", "rm", "favourite-shell").exit_code == 3


def test_an_item_needs_a_title(cli, signed_up, tmp_path):
    """`--title ""` was saved, under the tracking id of nothing (`post-e3b0c442`)."""
    poll = tmp_path / "poll.json"
    poll.write_text(json.dumps({"question": "Which shell?", "options": ["bash", "zsh"]}))
    for title in ("", "   ", "x" * 501):
        result = cli("interactive", "create", "poll", "--title", title, "--structure", str(poll))
        assert result.exit_code == 2 and "--title has 1 to 500 characters" in result.stderr
    assert cli("interactive", "list", "--format", "count").stdout == "0\n"


def test_a_widget_saved_by_sql_without_the_check_is_left_out_of_the_site_with_a_warning(
    cli, signed_up, tmp_path, db, superuser
):
    """Red team: a calculator whose default is markup, written by the account's own SQL, put that
    markup into the page; a poll at the column's default '{}' failed the whole build ("unexpected
    failure: 'question'", exit 1). Each is left out with a warning; the build goes on."""
    from blogster_cli.db.acting import acting_transaction

    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Calc\n---\nHello\n\n{{< calculator calc1 >}}\n\n{{< poll poll1 >}}\n")
    assert cli("blogs", "new", "--from", str(post), "--status", "published", "--slug", "calc").exit_code == 0
    role, user_id = superuser.execute("select role_name, id from auth.users where email = %s", (signed_up,)).fetchone()
    calculator = {"inputs": [{"name": "x", "label": "L", "default": '1"><img src=x onerror=alert(2)>'}], "formula": "1"}
    with db.connect() as conn, acting_transaction(conn, role):
        conn.execute(
            "insert into interactive_content (user_id, content_type, title, structure, tracking_id)"
            " values (%s, 'calculator', 'C', %s, 'calc1'), (%s, 'poll', 'P', default, 'poll1')",
            (user_id, json.dumps(calculator), user_id),
        )
    out = tmp_path / "public"
    built = cli("site", "build", "--out", str(out))
    assert built.exit_code == 0, built.stderr
    warnings = [line for line in built.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 2
    assert "calculator 'calc1'" in warnings[0] and "inputs[0].default must be a number" in warnings[0]
    assert "poll 'poll1'" in warnings[1] and "question must be text" in warnings[1]
    page = (out / "posts" / "calc" / "index.html").read_text()
    assert "onerror" not in page and "{{&lt; calculator calc1 &gt;}}" in page
