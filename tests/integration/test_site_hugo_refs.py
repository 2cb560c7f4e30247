"""site build: Hugo's `ref` and `relref` shortcodes in a post imported from Hugo lead to the page of the
published post imported from the file they name, as Hugo itself resolves them (compared with what Hugo
builds from the same folder when it is installed), whichever folder of the site was imported; one that
names none or more than one post is left as written and warned about, and a post's page follows the
address of the post its refs name.

Found by a writer: `[see]({{< ref "other.md" >}})` showed the shortcode as text, with the warning "its
Hugo shortcode ... is left as written". Real PostgreSQL, RLS.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, imports, publishing, site

BASE = "blogster.page"
HUGO_CONFIG = (  # Hugo writes NOTFOUND for a ref it cannot resolve, where it would fail the build
    'baseURL = "https://old.example/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
    'refLinksErrorLevel = "warning"\nrefLinksNotFoundURL = "NOTFOUND"\n'
)
SITE = {
    "hugo.toml": HUGO_CONFIG,
    "layouts/_default/single.html": "{{ .Content }}\n",
    "layouts/_default/list.html": "\n",
    "layouts/index.html": "{{ range .Site.RegularPages }}{{ .RelPermalink }} {{ .Title }}\n{{ end }}",
    "content/posts/a.md": "---\ntitle: A\n---\n"
    'ref-rel: {{< relref "b.md" >}}\n'
    'ref-noext: {{< relref "b" >}}\n'
    'ref-abs: {{< relref "/posts/b.md#part" >}}\n'
    'ref-absnoext: {{< relref "/notes/c" >}}\n'
    'ref-bundle: {{< relref "bundle" >}}\n'
    'ref-bundleindex: {{< relref "bundle/index.md" >}}\n'
    'ref-named: {{< relref path="b.md" >}}\n'
    'ref-percent: {{% relref "b.md" %}}\n'
    'ref-byname: {{< relref "c" >}}\n'
    'ref-fromcontent: {{< relref "notes/c.md" >}}\n'
    'ref-upper: {{< relref "B.MD" >}}\n'
    'ref-anchor: {{< relref "#here" >}}\n'
    'ref-dotmiss: {{< relref "./c.md" >}}\n'
    'ref-twonamed: {{< relref "d" >}}\n'
    'ref-unknown: {{< relref "nope.md" >}}\n'
    'ref-pathnotname: {{< relref "x/c.md" >}}\n'
    "\n"
    'In a [link]({{< ref "b.md" >}}), but not in `{{< ref "b.md" >}}` code.\n',
    "content/posts/b.md": '---\ntitle: B\n---\nB, {{< figure src="b.png" >}}.\n',
    "content/posts/bundle/index.md": '---\ntitle: Bundle\n---\nref-up: {{< relref "../b.md" >}}\n'
    'ref-beside: {{< relref "b" >}}\n',
    "content/notes/c.md": "---\ntitle: C\n---\nC.\n",
    "content/notes/d.md": "---\ntitle: D1\n---\nD1.\n",
    "content/about/d.md": "---\ntitle: D2\n---\nD2.\n",
}
# What each ref names (the title of its post, its anchor), or None: left as written.
EXPECTED = {
    "A": {
        "ref-rel": ("B", ""), "ref-noext": ("B", ""), "ref-abs": ("B", "#part"), "ref-absnoext": ("C", ""),
        "ref-bundle": ("Bundle", ""), "ref-bundleindex": ("Bundle", ""), "ref-named": ("B", ""),
        "ref-percent": ("B", ""), "ref-byname": ("C", ""), "ref-fromcontent": ("C", ""), "ref-upper": ("B", ""),
        "ref-anchor": ("", "#here"), "ref-dotmiss": None, "ref-twonamed": None, "ref-unknown": None,
        "ref-pathnotname": None,
    },
    "Bundle": {"ref-up": ("B", ""), "ref-beside": ("B", "")},
}  # fmt: skip
_SHOWN = re.compile(r"(?m)^(?:<p>)?(ref-[a-z]+): (.*?)(?:</p>)?$")


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user("ada@example.com"))


def write_folder(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    return root


def import_and_publish(author: ActingUser, folder: Path) -> None:
    assert imports.import_paths(author, paths=[folder]).failed == []
    publishing.publish(author, refs=[row.slug for row in blogs.list_blogs(author)])


def named(shown: str, titles: dict[str, str]) -> tuple[str, str] | None:
    """(the title of the page a link `shown` leads to, its anchor), None for a ref left as written."""
    if not shown.startswith(("/", "#")):
        return None
    path, hash_mark, anchor = shown.partition("#")
    return (titles[path] if path else "", hash_mark + anchor)


def refs_shown(out: Path, titles: dict[str, str]) -> dict[str, dict[str, tuple[str, str] | None]]:
    """Page title -> (ref label -> what it names) in the site built into `out`, pages at `titles` (path -> title)."""
    found = {}
    for path, title in titles.items():
        if title in EXPECTED:
            html = (out / path.strip("/") / "index.html").read_text()
            found[title] = {label: named(shown, titles) for label, shown in _SHOWN.findall(html)}
    return found


def our_titles(author: ActingUser) -> dict[str, str]:
    return {f"/posts/{row.slug}/": row.title for row in blogs.list_blogs(author)}


def test_refs_lead_to_the_posts_they_name_as_in_hugo_and_the_others_are_warned_about(author, tmp_path):
    folder = write_folder(tmp_path / "hugo", SITE)
    import_and_publish(author, folder)
    out = tmp_path / "public"
    report = site.build(author, out=out, base_domain=BASE)
    assert refs_shown(out, our_titles(author)) == EXPECTED
    page = (out / "posts/a/index.html").read_text()
    assert (
        'In a <a href="/posts/b/" rel="noopener noreferrer">link</a>, but not in <code>{{&lt; ref "b.md" &gt;}}</code>'
        in page
    )
    assert [w for w in report.warnings if "Hugo" in w] == [
        "the post 'a' links to './c.md' by a Hugo ref, which is none of your published posts: left as written",
        "the post 'a' links to 'd' by a Hugo ref, which names 2 of your published posts"
        " (content/about/d.md, content/notes/d.md): left as written",
        "the post 'a' links to 'nope.md' by a Hugo ref, which is none of your published posts: left as written",
        "the post 'a' links to 'x/c.md' by a Hugo ref, which is none of your published posts: left as written",
        "'b': its Hugo shortcode '{{< figure' is left as written, so readers see it as text:"
        " edit the post to say it without shortcodes",
    ]
    again = site.build(author, out=out, base_domain=BASE)  # said on every build, the pages kept
    assert again.written == 0 and [w for w in again.warnings if "Hugo" in w] == [
        w for w in report.warnings if "Hugo" in w
    ]


@pytest.mark.skipif(shutil.which("hugo") is None, reason="Hugo is not installed")
def test_hugo_resolves_the_same_refs_to_the_same_files(tmp_path):
    folder = write_folder(tmp_path / "hugo", SITE)
    out = tmp_path / "public"
    subprocess.run(["hugo", "--quiet", "-s", str(folder), "-d", str(out)], check=True, timeout=120, capture_output=True)
    listed = (out / "index.html").read_text().split("\n")
    titles = dict(line.split(" ", 1) for line in listed if line.strip())
    assert refs_shown(out, titles) == EXPECTED


@pytest.mark.parametrize("imported", ["content", "content/posts"])
def test_a_path_from_content_leads_to_its_post_whichever_folder_of_the_site_was_imported(author, tmp_path, imported):
    folder = write_folder(tmp_path / "hugo", SITE)
    import_and_publish(author, folder / imported)
    out = tmp_path / "public"
    report = site.build(author, out=out, base_domain=BASE)
    shown = refs_shown(out, our_titles(author))["A"]
    for label in ("ref-rel", "ref-noext", "ref-abs", "ref-bundle", "ref-bundleindex", "ref-named"):
        assert shown[label] == EXPECTED["A"][label]
    notes = {"ref-absnoext", "ref-byname", "ref-fromcontent"}  # notes/c.md: imported with content/ only
    assert {label: shown[label] for label in notes} == {
        label: EXPECTED["A"][label] if imported == "content" else None for label in notes
    }
    assert ("the post 'a' links to '/notes/c' by a Hugo ref" in "\n".join(report.warnings)) is (imported != "content")


def test_a_post_follows_the_address_of_the_post_its_ref_names(author, tmp_path):
    folder = write_folder(
        tmp_path / "hugo",
        {
            "hugo.toml": HUGO_CONFIG,
            "content/posts/a.md": '---\ntitle: A\n---\nSee [b]({{< ref "b.md#part" >}}).\n',
            "content/posts/b.md": "---\ntitle: B\n---\nB.\n",
            "content/posts/c.md": "---\ntitle: C\n---\nC.\n",
        },
    )
    import_and_publish(author, folder)
    out = tmp_path / "public"
    site.build(author, out=out, base_domain=BASE)
    assert 'href="/posts/b/#part"' in (out / "posts/a/index.html").read_text()
    untouched = (out / "posts/c/index.html").stat().st_mtime_ns

    blogs.update(author, ref="b", changes=blogs.BlogChanges(slug="b-renamed"))
    site.build(author, out=out, base_domain=BASE)
    assert 'href="/posts/b-renamed/#part"' in (out / "posts/a/index.html").read_text()
    assert (out / "posts/c/index.html").stat().st_mtime_ns == untouched  # no ref to b: not written again
    full = tmp_path / "full"
    site.build(author, out=full, base_domain=BASE, full=True)
    assert (out / "posts/a/index.html").read_bytes() == (full / "posts/a/index.html").read_bytes()
