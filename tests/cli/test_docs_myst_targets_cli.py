"""MyST targets in a real doc set (helper 280's F3, fixed by helper 282): `docs import` warned
"link 'how-frozen' leads to no page" for attrs' `[get](how-frozen)`, which Sphinx resolves to the
page declaring `(how-frozen)=`, and `docs check-links` reported it (exit 1). Such a link leads to
that page now, in both; a label no page of the folder declares still leads nowhere. The target
lines show nothing on the site, and neither in search: not a word of the page, not in a snippet."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.cli.test_docs_cli import write

ATTRS = Path(__file__).parents[1] / "unit" / "real_docs_excerpts" / "attrs_myst"
STILL_BROKEN = "examples.md: link 'api-validators' leads to no page"  # a label of api.rst: no page has it


def test_links_to_myst_labels_lead_to_the_pages_declaring_them(cli, signed_up, tmp_path):
    root = tmp_path / "docs"
    shutil.copytree(ATTRS, root)
    report = cli("docs", "import", str(root), "--publish", "--json")
    assert report.exit_code == 0, report.stderr
    assert report.json()["warnings"] == [STILL_BROKEN]
    checked = cli("docs", "check-links", "--json")
    assert checked.exit_code == 1
    assert checked.json() == [{"page": "examples", "target": "api-validators", "kind": "page"}]
    # A page whose file cannot be read this time is kept as it was: its labels still count.
    (root / "extending.md").write_text("---\ntitle: [unclosed\n---\n(extending-metadata)=\n", encoding="utf-8")
    again = cli("docs", "import", str(root), "--json")
    assert again.json()["warnings"] == [STILL_BROKEN], again.stdout
    assert [path for path, _ in again.json()["failed"]] == ["extending.md"]
    # Without the target, the link leads nowhere again.
    (root / "how-does-it-work.md").write_text("# How Does It Work?\n\n## Immutability\n", encoding="utf-8")
    warned = cli("docs", "import", str(root), "--json").json()["warnings"]
    assert warned == [STILL_BROKEN, "examples.md: link 'how-frozen' leads to no page"], warned


def test_a_target_line_is_no_word_of_the_page_nor_in_its_snippet(cli, signed_up, tmp_path):
    root = write(tmp_path / "docs", {
        "processors.md": "# Processors\n\nA log processor is a regular callable.\n\n(chains)=\n\n## Chains\n\n"
                         "The processor chain is a list of processors.\n\n```md\n(shown-as-code)=\n```\n",
        "other.md": "# Other\n\n(zebrafish)=\n\nNothing else.\n",
    })  # fmt: skip
    assert cli("docs", "import", str(root), "--publish").exit_code == 0
    (hit,) = cli("docs", "search", "processor chain", "--json").json()["results"]
    assert "(chains)=" not in hit["snippet"] and "Chains" in hit["snippet"], hit
    assert cli("docs", "search", "zebrafish", "--json").json()["results"] == []
    assert [h["slug"] for h in cli("docs", "search", "shown-as-code", "--json").json()["results"]] == ["processors"]
