"""`blogster export` to another generator keeps the old addresses working and says what it cannot
carry over (new-user walk 13, M3 and M4), through the service, on real PostgreSQL with RLS.

A Jekyll post's `{{ site.baseurl }}` becomes the site's root, as `site build` resolves it (Hugo
showed `src="%7B%7Bsite.baseurl%7D%7D/assets/…"`), and one warning per kind counts the Liquid and
Zola links left as written. Hugo is installed (Debian package): the export is built with it and an
alias page must stand at each old address.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import exports, imports

# Python-bound (front matter written, and hugo): the services' SQL runs on every server in the other tests.
# CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

FILES = {
    "jekyll/_posts/2015-05-21-TockingTime.md": (
        "---\ntitle: Tocking time\ndate: 2015-05-21\npermalink: /2015/05/21/tockingtime/\n"
        "redirect_from:\n- /2015/05/21/TockingTime/\n---\n"
        "![Tock]({{ site.baseurl }}/assets/tock.png)\n\n{% oembed https://x.example/1 %}\n"
    ),
    "jekyll/_posts/2016-01-02-teams.md": (
        '---\ntitle: Teams\ndate: 2016-01-02\n---\nBy {{ "ada" | team_link }} and {{ "bo" | team_link }}.\n'
    ),
    "zola/content/Rustup-1.20.0.md": (
        '+++\npath = "2019/10/15/Rustup-1.20.0"\ntitle = "Announcing Rustup 1.20.0"\n'
        'aliases = ["2019/10/15/Rustup-1.20.0.html"]\n+++\n\nSee [the plan](@/plan.md).\n'
    ),
}
HUGO_CONFIG = 'baseURL = "http://example.org/"\ntitle = "T"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'


@pytest.fixture
def imported(db, make_user, tmp_path) -> ActingUser:
    acting = ActingUser(db, make_user())
    for relative, text in FILES.items():
        (tmp_path / "sites" / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "sites" / relative).write_text(text, encoding="utf-8")
    assert imports.import_paths(acting, paths=[tmp_path / "sites"]).failed == []
    return acting


def exported(acting: ActingUser, out: Path) -> exports.ExportSummary:
    summary = exports.export_posts(acting, directory=out, dialect="hugo", resolve_liquid=True)
    assert summary.failed == []
    return summary


def test_an_export_for_hugo_resolves_site_variables_and_warns_once_per_kind(imported, tmp_path):
    out = tmp_path / "hugo"
    summary = exported(imported, out)
    assert summary.warnings == [
        "2 posts imported from Jekyll keep 3 Liquid template tags as written, which Hugo shows as text"
        " (first: {% oembed https://x.example/1 %} in 'TockingTime'): edit the posts to say it without Liquid",
        "1 post imported from Zola keeps 1 internal link (`@/…`) as written, which Hugo does not resolve"
        " (first in 'Rustup-1.20.0'): link to the pages' addresses instead",
    ]
    tock = (out / "content/posts/TockingTime.md").read_text(encoding="utf-8")
    assert "![Tock](/assets/tock.png)" in tock
    assert "url: /2015/05/21/tockingtime/\naliases:\n- /2015/05/21/TockingTime/\n" in tock
    rustup = (out / "content/posts/Rustup-1.20.0.md").read_text(encoding="utf-8")
    assert 'aliases = ["/2019/10/15/Rustup-1.20.0.html"]' in rustup
    # a second export warns again (the files are unchanged), as every `site build` does
    assert exported(imported, out).warnings == summary.warnings


@pytest.mark.skipif(shutil.which("hugo") is None, reason="hugo is not installed")
def test_hugo_builds_a_redirect_at_each_old_address(imported, tmp_path):
    site = tmp_path / "site"
    exported(imported, site)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text("<html><body>{{ .Content }}</body></html>\n", encoding="utf-8")
    (layouts / "list.html").write_text("<html><body></body></html>\n", encoding="utf-8")
    built = subprocess.run(["hugo", "--quiet", "-s", str(site)], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    public = site / "public"
    for old, page in (
        ("2019/10/15/Rustup-1.20.0.html", "2019/10/15/Rustup-1.20.0/"),
        ("2015/05/21/TockingTime/index.html", "2015/05/21/tockingtime/"),
    ):
        assert f'<link rel="canonical" href="http://example.org/{page}">' in (public / old).read_text()
        assert (public / page / "index.html").is_file()
    assert '<img src="/assets/tock.png"' in (public / "2015/05/21/tockingtime/index.html").read_text()
    assert not (public / "2019/10/15/2019").exists()  # the alias read from the page's folder


@pytest.mark.skipif(shutil.which("hugo") is None, reason="hugo is not installed")
def test_hugo_serves_a_jekyll_permalink_at_the_file_jekyll_wrote(db, make_user, tmp_path):
    """Jekyll writes `permalink: /about` at `about.html` (and `redirect_from: /old` at `old.html`):
    carried as written, Hugo made the folder `about/index.html`, another URL."""
    acting = ActingUser(db, make_user())
    posts = tmp_path / "jekyll" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2015-05-21-about.md").write_text("---\ntitle: About\npermalink: /about\nredirect_from: /old\n---\nA\n")
    (posts / "2015-05-22-contact.md").write_text("---\ntitle: Contact\npermalink: /contact.html\n---\nC\n")
    assert imports.import_paths(acting, paths=[tmp_path / "jekyll"]).failed == []
    site = tmp_path / "site"
    exported(acting, site)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text("<html><body>{{ .Content }}</body></html>\n", encoding="utf-8")
    (layouts / "list.html").write_text("<html><body></body></html>\n", encoding="utf-8")
    built = subprocess.run(["hugo", "--quiet", "-s", str(site)], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    public = site / "public"
    assert "<p>A</p>" in (public / "about.html").read_text() and "<p>C</p>" in (public / "contact.html").read_text()
    assert '<link rel="canonical" href="http://example.org/about.html">' in (public / "old.html").read_text()
    assert not (public / "about").exists() and not (public / "old").exists()
