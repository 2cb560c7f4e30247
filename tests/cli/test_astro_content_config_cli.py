"""`blogster import`, `export` and `sync` of an Astro site whose content config cannot be read without
running it (a computed base): one warning line naming the file, the site read as before, exit 0."""

from pathlib import Path

CONFIG = """import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
const root = process.env.CONTENT_ROOT ?? './src/data';
export const collections = { blog: defineCollection({ loader: glob({ base: `${root}/blog`, pattern: '*.md' }) }) };
"""
POST = "---\ntitle: Hello\npubDate: 2024-01-02\n---\nHello body.\n"


def site(folder: Path) -> Path:
    (folder / "src" / "data" / "blog").mkdir(parents=True)
    (folder / "astro.config.mjs").write_text("export default {};\n")
    (folder / "src" / "content.config.ts").write_text(CONFIG)
    (folder / "src" / "data" / "blog" / "hello.md").write_text(POST)
    return folder


def test_a_config_it_cannot_read_is_one_warning_line_naming_the_file(cli, signed_up, tmp_path):
    root = site(tmp_path / "site")
    config = root / "src" / "content.config.ts"
    warning = (
        f"warning: {config}: cannot be read without running it (collection blog: its base is computed);"
        " its collections are read from src/content/ as before"
    )
    result = cli("import", str(root))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [warning, "1 item: 1 imported, 0 updated, 0 unchanged, 0 skipped, 0 failed."]
    again = cli("import", str(root), "--json")
    assert again.exit_code == 0 and again.stderr == ""
    assert again.json()["warnings"] == [warning.removeprefix("warning: ")]

    exported = cli("export", str(root), "--format", "astro")  # into the site itself: its config read too
    assert exported.exit_code == 0, exported.stderr
    assert exported.stderr.splitlines()[0] == warning
    assert (root / "src" / "content" / "blog" / "src" / "data" / "blog" / "hello.md").read_text() == POST  # as before

    synced = cli("sync", str(tmp_path / "site" / "src" / "data"), "--json")
    assert synced.exit_code == 0, synced.stderr
    assert synced.json()["warnings"] == [warning.removeprefix("warning: ")]
