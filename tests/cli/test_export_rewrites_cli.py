"""`blogster export` writing into a site: dates another generator reads, TOML edits as one
line, and a file named where the folder goes."""

import difflib
import shutil

from blogster_cli.content.frontmatter import split_front_matter
from blogster_cli.content.liquid import resolved
from tests.conftest import shared_data

# 18F posts whose dates Jekyll reads and Hugo does not: (file, as written, as exported for Hugo)
LOOSE = {
    "2021-06-16-building_capacities_within_a_government_agency_to_build_and_support_a_new_case"
    "_management_system_part_1.md": ("date: June 16, 2021", "date: 2021-06-16"),
    "2016-07-19-strategies-for-starting-your-own-writing-lab.md": ("date: 2016-07-19 (optional)", "date: 2016-07-19"),
    "2017-11-08-four-lessons-we-learned-while-building-our-own-design-research-recruiting-tool.md": (
        "date: 2017-11-8",
        "date: 2017-11-08",
    ),
    "2016-03-22-what-was-your-path-to-18f.md": ("date: '2016-03-22 14:00 EDT'", "date: 2016-03-22 14:00:00-04:00"),
}


def test_a_jekyll_site_exported_for_hugo_has_dates_hugo_reads(cli, signed_up, tmp_path):
    corpus = shared_data("blog_md", "18f-jekyll")
    site = tmp_path / "jek"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: 18F\n", encoding="utf-8")
    for name in LOOSE:
        shutil.copyfile(corpus / name, site / "_posts" / name)
    assert cli("import", str(site)).exit_code == 0
    out = tmp_path / "hugo"
    summary = cli("export", str(out), "--format", "hugo", "--json").json()
    assert summary["written"] == len(LOOSE)
    by_slug = {file["slug"]: out / file["path"] for file in summary["files"]}
    for name, (written, exported) in LOOSE.items():
        split = split_front_matter((corpus / name).read_text(encoding="utf-8"))
        assert split.raw is not None
        [path] = [path for path in by_slug.values() if f"\n{exported}\n" in path.read_text(encoding="utf-8")]
        # the date line, and the body's `{{ site.baseurl }}` as the site's root (Hugo shows Liquid as text)
        wanted = split.raw.replace(f"\n{written}\n", f"\n{exported}\n", 1) + resolved(split.body, base="").markdown
        assert path.read_text(encoding="utf-8") == wanted
    # back to Jekyll, the files are the originals
    jekyll = tmp_path / "jekyll"
    assert cli("export", str(jekyll), "--format", "jekyll").exit_code == 0
    for name in LOOSE:
        assert (jekyll / "_posts" / name).read_bytes() == (corpus / name).read_bytes()


def test_a_title_edited_in_blogster_is_one_changed_line_of_toml(cli, signed_up, tmp_path):
    site = tmp_path / "site"
    (site / "content" / "posts").mkdir(parents=True)
    text = (
        '+++\ntitle = "Two"\ndate = 2024-01-02T10:00:00+01:00\ntags = ["a","b"]\n'
        'aliases = ["/old/two/"]  # moved in 2024\n\n[params]\nmood = "calm"\n+++\nSecond.\n'
    )
    (site / "content" / "posts" / "two.md").write_text(text, encoding="utf-8")
    assert cli("import", str(site)).exit_code == 0
    edited = cli("blogs", "edit", "two", "--title", "Two, again")
    assert edited.exit_code == 0, edited.stderr
    out = tmp_path / "out"
    assert cli("export", str(out), "--format", "hugo").exit_code == 0
    after = (out / "content" / "posts" / "two.md").read_text(encoding="utf-8")
    diff = [
        line
        for line in difflib.unified_diff(text.splitlines(), after.splitlines(), lineterm="", n=0)
        if not line.startswith(("+++ ", "--- ", "@@"))
    ]
    assert diff == ['-title = "Two"', '+title = "Two, again"']


def test_exporting_into_a_file_is_a_usage_error(cli, signed_up, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("notes\n", encoding="utf-8")
    for target in ("afile", "afile/sub"):
        result = cli("export", target, "--format", "hugo")
        assert result.exit_code == 2, result.stderr
        assert result.stderr.splitlines() == ["error: afile is a file, not a folder"]
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "notes\n"
