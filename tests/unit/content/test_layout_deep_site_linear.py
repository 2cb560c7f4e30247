"""h444 (red team 54 F1): reading where a file sits in its site looked at every folder above it for
a site config, through a cache of 64 folders: in a folder 300 deep, each file's lookups missed it
and each stat walked the whole path, so 20 files took 17 s to import or sync under a profiler, 100
files 10 s without one (files times the depth squared). Within one import or sync (`layout.sites_read_once`) each folder is looked at once. The
files are read as import reads them, in a child limited in CPU time, which the old walk overruns."""

from __future__ import annotations

from tests.bounded_child import measured

BOUND = 3.0  # CPU seconds: 0.2 s on a loaded 2-core machine; the old walk took 10 s

_SETUP = """
import tempfile
from datetime import UTC
from pathlib import Path
from blogster_cli.services.imports import Candidate, _prepare_chunk, collect_sources, site_warnings
depth, files = case
site = Path(tempfile.mkdtemp()) / "site"
bottom = site.joinpath(*["a"] * depth)
bottom.mkdir(parents=True)
for number in range(files):
    (bottom / f"post-{number}.md").write_text(f"---\\ntitle: Post {number}\\n---\\nBody {number}.\\n")
sources, reported = collect_sources([site])
assert len(sources) == files and not reported, reported
"""
_TIMED = """
assert site_warnings(sources) == []
prepared = [item for items in _prepare_chunk(sources, "auto", UTC) for item in items]
assert len(prepared) == files and all(isinstance(item, Candidate) for item in prepared), prepared[:1]
"""


def test_a_deep_folder_is_read_in_time_linear_in_its_depth():
    figures = measured(_SETUP, _TIMED, [300, 100], cpu=int(BOUND * 6))
    assert figures["seconds"] < BOUND, figures


def test_within_one_run_each_file_finds_the_nearest_config_up_to_its_own_imported_folder(tmp_path):
    from pathlib import Path, PurePosixPath

    from blogster_cli.content.layout import site_generator, sites_read_once

    (tmp_path / "hugo.toml").write_text('baseURL = "https://example.org/"\n')
    jekyll = tmp_path / "a" / "b"
    (jekyll / "c").mkdir(parents=True)
    (jekyll / "_config.yml").write_text("title: x\n")
    top = Path(tmp_path).parts
    with sites_read_once():
        for _ in range(2):  # a second time from what the run found
            assert site_generator(top, PurePosixPath("a/b/c/x.md")) == "jekyll"
            assert site_generator(top, PurePosixPath("a/y.md")) == "hugo"
            assert site_generator((*top, "a"), PurePosixPath("b/c/x.md")) == "jekyll"
            assert site_generator((*top, "a"), PurePosixPath("z.md")) is None  # the site's root is above
            assert site_generator((*top, "a", "b", "c"), PurePosixPath("x.md")) is None
