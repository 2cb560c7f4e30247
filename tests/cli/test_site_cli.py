"""blogster site build / settings from the terminal."""

import os
import shutil
from collections.abc import Iterator

import pytest

from tests.cli.conftest import PASSWORD
from tests.dns_resolver import Resolver, running_resolver


@pytest.fixture
def resolver() -> Iterator[Resolver]:
    with running_resolver() as running:
        yield running


def test_build_and_settings(cli, signed_up, tmp_path):
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Hello <b>world</b>\n---\nHi.\n")
    assert cli("blogs", "new", "--from", str(post), "--status", "published").exit_code == 0
    assert cli("site", "settings", "set", "title", "Ada writes").exit_code == 0
    shown = cli("site", "settings", "show", "--json").json()
    assert shown["title"] == "Ada writes" and shown["base_url"].endswith(".blogster.page/")
    assert cli("site", "settings", "set", "url", "ftp://x").exit_code == 2
    assert cli("site", "settings", "set", "nope", "x").exit_code == 2
    out = tmp_path / "public"
    result = cli("site", "build", "--out", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["posts"] == 1 and (out / "index.html").is_file()
    again = cli("site", "build", "--out", str(out))
    assert again.exit_code == 0 and "Built 1 post for" in again.stderr and "0 files written" in again.stderr
    assert cli("site", "settings", "set", "custom-domain", "Blog.Example.com").exit_code == 0
    assert cli("site", "settings", "show", "--json").json()["base_url"] == "https://blog.example.com/"


def test_build_writes_nothing_through_links_in_the_output_folder(cli, signed_up, tmp_path):
    """`public/posts -> elsewhere` would carry the pages out of the output folder, and a
    `index.html.partial` link left in it would have the first write land on its target."""
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Hello\n---\nHi.\n")
    assert cli("blogs", "new", "--from", str(post), "--status", "published").exit_code == 0
    out, elsewhere = tmp_path / "public", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    victim = elsewhere / "victim.txt"
    victim.write_text("keep me")
    (out / "index.html.partial").symlink_to(victim)
    (out / "posts").symlink_to(elsewhere, target_is_directory=True)
    result = cli("site", "build", "--out", str(out), "--force")  # no build of ours wrote them: --force
    assert result.exit_code == 8 and "leads outside the output folder" in result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["victim.txt"] and victim.read_text() == "keep me"
    (out / "posts").unlink()
    assert cli("site", "build", "--out", str(out), "--force").exit_code == 0
    assert victim.read_text() == "keep me" and (out / "posts").is_dir() and not (out / "posts").is_symlink()


def test_another_accounts_build_into_my_output_folder_is_refused_and_removes_nothing(cli, signed_up, tmp_path):
    """The manifest names the account whose build wrote the folder: another account's build
    there took every page it does not have for its own to remove."""
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Hello\n---\nHi.\n")
    assert cli("blogs", "new", "--from", str(post), "--status", "published").exit_code == 0
    out = tmp_path / "public"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    pages = sorted(p.relative_to(out) for p in out.rglob("*"))
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    refused = cli("site", "build", "--out", str(out), "--force")
    assert refused.exit_code == 5 and "another account's site" in refused.stderr
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == pages
    assert cli("site", "build", "--out", str(tmp_path / "bobs")).exit_code == 0


def test_build_is_refused_when_logged_out(cli, signed_up, tmp_path):
    assert cli("auth", "logout").exit_code == 0
    result = cli("site", "build", "--out", str(tmp_path / "x"))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert cli("auth", "login", "--email", signed_up, "--password-stdin", input=PASSWORD + "\n").exit_code == 0


def test_verify_domain_says_what_record_to_add_then_verifies(cli, signed_up, resolver):
    assert cli("config", "set", "dns_resolver_url", "not a url").exit_code == 2
    assert cli("config", "set", "dns_resolver_url", resolver.url).exit_code == 0
    missing = cli("site", "verify-domain")
    assert missing.exit_code == 2 and "custom-domain" in missing.stderr
    assert cli("site", "settings", "set", "custom-domain", "blog.example.com").exit_code == 0
    pending = cli("site", "verify-domain", "--json")
    assert pending.exit_code == 1 and pending.json()["verified"] is False
    record = pending.json()
    assert record["record_name"] in cli("site", "verify-domain").stderr
    resolver.records[record["record_name"]] = [record["record_value"]]
    done = cli("site", "verify-domain")
    assert done.exit_code == 0 and "blog.example.com is verified" in done.stderr
    resolver.broken = True
    failed = cli("site", "verify-domain")
    assert failed.exit_code == 1 and failed.stderr.count("\n") == 1 and "cannot check DNS" in failed.stderr
    assert f"(the record to add: TXT {record['record_name']} {record['record_value']})" in failed.stderr


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_deploy_over_rsync_from_the_command_line(cli, signed_up, tmp_path):
    assert cli("blogs", "new", "Hello", "--status", "published", input="Words here.\n").exit_code == 0
    out, www = tmp_path / "public", tmp_path / "www"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    sent = cli("site", "deploy", "--out", str(out), "--rsync", str(www), "--json")
    assert sent.exit_code == 0, sent.stderr
    assert sent.json()["copied"] > 0 and (www / "index.html").is_file()
    assert cli("site", "deploy", "--out", str(out), "--rsync", str(www), "--folder", str(www)).exit_code == 2


@pytest.mark.same_on_every_server  # the signal is Python's to handle: CI's second pass leaves it out
def test_serve_stops_on_ctrl_c_as_sync_watch_does(cli, signed_up, tmp_path, db):
    """Ctrl-C is how a preview ends (its banner says so): "Stopped.", exit 0, not "error: interrupted" (130)."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from urllib.request import urlopen

    out = tmp_path / "public"
    env = {**os.environ, "BLOGSTER_DATABASE_URL": db.conninfo}
    server = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "site", "serve", "--out", str(out), "--port", "0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as in a terminal's foreground
    )  # fmt: skip
    try:
        assert server.stderr is not None
        banner = server.stderr.readline()
        assert banner.startswith(f"Serving {out} on http://127.0.0.1:"), banner
        address = banner.split(" on ", 1)[1].split(" ", 1)[0]
        with urlopen(address) as response:
            assert response.status == 200
        time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr
    assert stderr.rstrip().endswith("Stopped.") and "error" not in stderr and "Traceback" not in stderr


def test_build_deploy_and_feed_share_the_site_out_folder(cli, signed_up, tmp_path, monkeypatch):
    """With `site_out` set, `site build` without --out wrote ./public while cron's run-due and
    `calendar feed` used site_out: two build folders, and a deploy sent the one cron never updated."""
    monkeypatch.chdir(tmp_path)
    post = tmp_path / "p.md"
    post.write_text("---\ntitle: Hello\n---\nHi.\n")
    assert cli("blogs", "new", "--from", str(post), "--status", "published").exit_code == 0
    site_out = tmp_path / "site"
    site_out.mkdir()
    assert cli("config", "set", "site_out", str(site_out)).exit_code == 0
    built = cli("site", "build", "--json")
    assert built.exit_code == 0, built.stderr
    assert (site_out / "index.html").is_file() and not (tmp_path / "public").exists()
    assert cli("calendar", "add", "Launch", "--date", "2026-12-07").exit_code == 0
    assert cli("calendar", "feed").exit_code == 0 and (site_out / "calendar.ics").is_file()
    web = tmp_path / "web"
    deployed = cli("site", "deploy", "--folder", str(web), "--json")
    assert deployed.exit_code == 0, deployed.stderr
    assert (web / "index.html").is_file() and (web / "calendar.ics").is_file()
    elsewhere = tmp_path / "elsewhere"
    assert cli("site", "build", "--out", str(elsewhere)).exit_code == 0  # --out still wins
    assert (elsewhere / "index.html").is_file()


def test_site_out_is_kept_absolute_and_refuses_control_characters(cli, signed_up, tmp_path, monkeypatch):
    """Red team 31: a relative `site_out` followed each run's working folder (cron, run from the
    home folder, rebuilt ~/public while the writer deployed ./public), and a newline was taken."""
    monkeypatch.chdir(tmp_path)
    assert cli("config", "set", "site_out", "public").exit_code == 0
    assert cli("config", "get", "site_out").stdout.strip() == str(tmp_path / "public")
    assert cli("config", "set", "site_out", "~/site").exit_code == 0  # kept as typed: each run expands it
    assert cli("config", "get", "site_out").stdout.strip() == "~/site"
    refused = cli("config", "set", "site_out", "public\nrm -rf")
    assert refused.exit_code == 2 and "line breaks" in refused.stderr


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")
def test_deploy_refusals_are_one_line_and_notes_are_said(cli, signed_up, tmp_path):
    """The build folder as an rsync target: exit 2; a link in a folder deploy's destination: exit 8;
    what a deploy left aside (an older version's damaged manifest there): a note, exit 0."""
    assert cli("blogs", "new", "Hello", "--status", "published", input="Words here.\n").exit_code == 0
    out, www, elsewhere = tmp_path / "public", tmp_path / "www", tmp_path / "elsewhere"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    into_build = cli("site", "deploy", "--out", str(out), "--rsync", str(out))
    assert into_build.exit_code == 2 and into_build.stderr.count("\n") == 1 and "build folder" in into_build.stderr
    assert (out / ".blogster-site.json").is_file()
    elsewhere.mkdir()
    www.mkdir()
    (www / "posts").symlink_to(elsewhere)
    linked = cli("site", "deploy", "--out", str(out), "--folder", str(www))
    assert linked.exit_code == 8 and linked.stderr.count("\n") == 1 and "is a link" in linked.stderr
    assert not os.listdir(elsewhere)
    (www / "posts").unlink()
    (www / ".blogster-site.json").write_text('{"files": {"a": 1}}')
    noted = cli("site", "deploy", "--out", str(out), "--folder", str(www))
    assert noted.exit_code == 0 and "note: " in noted.stderr and "could not be read" not in noted.stderr
    assert "1 odd entry" in noted.stderr


def test_deploy_leaves_a_hand_edit_the_build_changed_with_a_note_and_force_overwrites(cli, signed_up, tmp_path):
    """Red team h227 L1: a file of the destination edited by hand that the new build changed was
    overwritten without a word (exit 0); it is now left, said in a note, and --force overwrites it."""
    assert cli("blogs", "new", "Hello", "--status", "published", input="Words here.\n").exit_code == 0
    out, www = tmp_path / "public", tmp_path / "www"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert cli("site", "deploy", "--out", str(out), "--folder", str(www)).exit_code == 0
    (www / "index.html").write_text("HAND EDIT\n")
    assert cli("blogs", "new", "Two", "--status", "published", input="More words.\n").exit_code == 0
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    kept = cli("site", "deploy", "--out", str(out), "--folder", str(www))
    assert kept.exit_code == 0 and (www / "index.html").read_text() == "HAND EDIT\n"
    assert f"note: left as it is, not overwritten: {www / 'index.html'} (edited by hand" in kept.stderr
    assert "--force overwrites it" in kept.stderr
    refused = cli("site", "deploy", "--out", str(out), "--git", str(tmp_path / "repo.git"), "--force")
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1 and "--force goes with --folder" in refused.stderr
    forced = cli("site", "deploy", "--out", str(out), "--folder", str(www), "--force", "--json")
    assert forced.exit_code == 0 and forced.json()["notes"] == [] and forced.json()["copied"] == 1
    assert (www / "index.html").read_bytes() == (out / "index.html").read_bytes()
