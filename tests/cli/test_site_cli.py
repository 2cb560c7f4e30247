"""blogster site build / settings from the terminal."""

from tests.cli.conftest import PASSWORD


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
    assert again.exit_code == 0 and "0 file(s) written" in again.stderr
    assert cli("site", "settings", "set", "custom-domain", "Blog.Example.com").exit_code == 0
    assert cli("site", "settings", "show", "--json").json()["base_url"] == "https://blog.example.com/"


def test_build_is_refused_when_logged_out(cli, signed_up, tmp_path):
    assert cli("auth", "logout").exit_code == 0
    result = cli("site", "build", "--out", str(tmp_path / "x"))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert cli("auth", "login", "--email", signed_up, "--password-stdin", input=PASSWORD + "\n").exit_code == 0
