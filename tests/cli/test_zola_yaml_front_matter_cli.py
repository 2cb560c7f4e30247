"""Zola reads YAML front matter (`---`) as well as TOML (`+++`): a Zola site written in YAML
was exported back to Zola with every file's front matter rewritten as TOML (0 of 90 files of a
real set came back byte for byte). It stays YAML; posts from other generators still get TOML."""

from __future__ import annotations

ZOLA_YAML = (
    "---\n"
    'title: "A YAML Zola post"\n'
    "date: 2024-03-09\n"
    "taxonomies:\n"
    '  tags: ["zola", "yaml"]\n'
    "extra:\n"
    "  author: Ada\n"
    "---\n"
    "\n"
    "Body text here.\n"
)


def test_a_zola_post_in_yaml_is_exported_to_zola_as_it_was(cli, signed_up, tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "config.toml").write_text('base_url = "https://example.com/"\n')
    (site / "content" / "yaml-post.md").write_text(ZOLA_YAML)
    assert cli("import", str(site)).exit_code == 0
    out = tmp_path / "out"
    exported = cli("export", str(out), "--format", "zola")
    assert exported.exit_code == 0, exported.stderr
    assert (out / "content" / "yaml-post.md").read_text() == ZOLA_YAML

    assert cli("posts", "edit", "yaml-post", "--title", "Renamed").exit_code == 0
    again = cli("export", str(out), "--format", "zola", "--force")
    assert again.exit_code == 0, again.stderr
    edited = (out / "content" / "yaml-post.md").read_text()
    assert edited.startswith("---\n") and "title: Renamed" in edited.replace('"', ""), edited


def test_a_jekyll_post_exported_to_zola_gets_toml(cli, signed_up, tmp_path):
    site = tmp_path / "jekyll"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: x\n")
    (site / "_posts" / "2024-03-09-a-post.md").write_text("---\ntitle: A post\ntags: [a]\n---\nBody.\n")
    assert cli("import", str(site)).exit_code == 0
    out = tmp_path / "out"
    assert cli("export", str(out), "--format", "zola").exit_code == 0
    [written] = (out / "content").rglob("*.md")
    assert written.read_text().startswith("+++\n")
