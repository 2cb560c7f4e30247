"""Documentation search reads the text a page includes, where the page includes it (0141).

`docs import` skipped included files as pages, and the including page was indexed with its
include line alone: a word only in a snippet found nothing. Now the import stores what each
include line stands for (content.includes, read from the folder's own files only) beside the
page as written, and search reads the page with those lines replaced; export still gives the
files back byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from psycopg.types.json import Jsonb

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import acting_transaction
from blogster_cli.documentation import sources
from blogster_cli.services import documentation

# In the style of textual's docs (snippets named from the project: `docs/snippets/...`), with
# markdown-include and Jinja's include beside them, and a nested include.
FILES = {
    "styles/border.md": '# Border\n\nDraw a border.\n\n--8<-- "docs/snippets/see_also.md"\n\n{!parts/outro.md!}\n',
    "styles/align.md": "# Align\n\nAlign the children.\n\n{% include 'footer.md' %}\n",
    "snippets/see_also.md": '## See also\n\nThe quokka style sets a border\'s title.\n\n--8<-- "parts/nested.md"\n',
    "parts/nested.md": "Nested: numbats dig.\n",
    "parts/outro.md": "Outro: bilbies.\n",
    "_includes/footer.md": "Footer: platypuses swim.\n",
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def admin(db, make_user):
    return ActingUser(db, make_user(admin=True))


@pytest.fixture
def reader(db, make_user):
    return ActingUser(db, make_user())


def found(reader, query):
    return [(hit.slug, hit.snippet) for hit in documentation.search(reader, query=query).hits]


def test_words_only_in_included_text_find_the_page_that_includes_them(admin, reader, tmp_path):
    root = write(tmp_path / "docs", FILES)
    report = documentation.import_tree(admin, root=root, publish=True)
    assert sorted(report.created) == ["styles/align", "styles/border"] and report.warnings == []
    assert [path for path, _ in report.skipped] == ["_includes/footer.md", "parts/nested.md", "parts/outro.md",
                                                   "snippets/see_also.md"]  # fmt: skip
    for word, slug in [("quokka", "styles/border"), ("numbats", "styles/border"), ("bilbies", "styles/border"),
                       ("platypuses", "styles/align")]:  # fmt: skip
        (hit, snippet), *others = found(reader, word)
        assert (hit, others) == (slug, []), word
        assert "⟦" in snippet and "8<" not in snippet and "{!" not in snippet, snippet
    # A heading of the included text is a heading of the page.
    assert found(reader, "see also")[0][0] == "styles/border"
    # The page is kept as written: shown, exported and imported again as it is.
    assert documentation.get_page(reader, slug="styles/border").markdown == FILES["styles/border.md"]
    documentation.export_tree(admin, root=tmp_path / "out")
    assert files_of(tmp_path / "out") == {k: v.encode() for k, v in FILES.items() if k.startswith("styles/")}
    again = documentation.import_tree(admin, root=root, publish=True)
    assert sorted(again.unchanged) == ["styles/align", "styles/border"] and again.updated == []


def test_a_changed_snippet_updates_the_pages_that_include_it(admin, reader, tmp_path):
    root = write(tmp_path / "docs", FILES)
    documentation.import_tree(admin, root=root, publish=True)
    (root / "parts" / "outro.md").write_text("Outro: wombats.\n", encoding="utf-8")
    report = documentation.import_tree(admin, root=root, publish=True)
    assert report.updated == ["styles/border"] and report.unchanged == ["styles/align"]
    assert found(reader, "wombats")[0][0] == "styles/border" and found(reader, "bilbies") == []


def test_an_export_imported_back_keeps_the_text_its_pages_include(admin, reader, tmp_path):
    """An export holds pages, not the files they include: an include line the import cannot read
    keeps the text the page had for it (as a file it cannot read keeps its page), so the pages are
    unchanged and still found by their included words (the walk: export, import --replace)."""
    root = write(tmp_path / "docs", FILES)
    documentation.import_tree(admin, root=root, publish=True)
    documentation.export_tree(admin, root=tmp_path / "out")
    report = documentation.import_tree(admin, root=tmp_path / "out", on_clash=sources.OnClash.REPLACE)
    assert sorted(report.unchanged) == ["styles/align", "styles/border"] and report.replaced == report.updated == []
    assert "styles/border.md: include 'docs/snippets/see_also.md' is not in the folder" in report.warnings
    assert found(reader, "quokka")[0][0] == "styles/border" and found(reader, "platypuses")[0][0] == "styles/align"


def test_an_edit_keeps_the_text_of_the_include_lines_it_keeps(admin, reader, tmp_path):
    root = write(tmp_path / "docs", FILES)
    documentation.import_tree(admin, root=root, publish=True)
    kept = "# Border\n\nDraw a thick border.\n\n{!parts/outro.md!}\n"  # the snippet line removed
    documentation.update_page(admin, slug="styles/border", text=kept)
    assert found(reader, "bilbies")[0][0] == "styles/border" and found(reader, "thick")[0][0] == "styles/border"
    assert found(reader, "quokka") == []
    documentation.update_page(admin, slug="styles/border", text=kept + '\n--8<-- "parts/new.md"\n')
    assert documentation.get_page(reader, slug="styles/border").markdown.endswith('--8<-- "parts/new.md"\n')


def test_what_is_not_the_folders_own_text_is_not_read_and_is_warned_of(admin, reader, tmp_path):
    """`..` out of the folder, a link out of it, an absolute path, a URL; a cycle, a missing file: each
    left as it is, warned of (as broken links are), and the rest of the page indexed."""
    (tmp_path / "secret.md").write_text("wallaby secret\n", encoding="utf-8")
    root = write(tmp_path / "docs", {
        "index.md": '# Home\n\nHello echidnas.\n\n--8<-- "../secret.md"\n--8<-- "snippets/out.txt"\n'
                    f'--8<-- "{tmp_path / "secret.md"}"\n--8<-- "https://example.com/x.md"\n'
                    '--8<-- "snippets/loop.md"\n--8<-- "snippets/gone.md"\n',
        "snippets/loop.md": 'Loop: dingoes.\n--8<-- "snippets/loop.md"\n',
    })  # fmt: skip
    if hasattr(os, "symlink"):
        (root / "snippets" / "out.txt").symlink_to(tmp_path / "secret.md")
    report = documentation.import_tree(admin, root=root, publish=True)
    assert report.created == ["index"] and report.failed == []
    assert report.warnings == [
        "index.md: include '../secret.md' leads out of the folder: not read",
        "index.md: include 'snippets/out.txt' is not read: symbolic link: not followed",
        f"index.md: include '{tmp_path / 'secret.md'}' is an absolute path: not read",
        "index.md: include 'https://example.com/x.md' is a URL: not fetched",
        "index.md: include 'snippets/loop.md' (in snippets/loop.md) is a cycle: snippets/loop.md > snippets/loop.md",
        "index.md: include 'snippets/gone.md' is not in the folder",
    ]
    assert found(reader, "wallaby") == [] and found(reader, "secret") == []
    assert found(reader, "echidnas")[0][0] == "index" and found(reader, "dingoes")[0][0] == "index"


def test_search_reads_content_includes_whoever_wrote_the_row(db, make_user, reader):
    """The triggers read content.includes (documentation_text): a page written with raw SQL too;
    a line that is no key of it, or a page without it, reads as written."""
    admin = make_user(admin=True)
    markdown = '# Koalas\n\nIntro.\n\n--8<-- "a.md"\n\n--8<-- "b.md"\n'
    content = {"version": 1, "markdown": markdown, "includes": {'--8<-- "a.md"': "## Eucalyptus\n\nLeaves."}}
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        conn.execute(
            "insert into documentation_pages (title, slug, content, status) values ('Koalas', 'koalas', %s,"
            " 'published')",
            (Jsonb(content),),
        )
        (text,) = conn.execute(
            "select documentation_text(content) from documentation_pages where slug = 'koalas'"
        ).fetchone()
    assert text == '# Koalas\n\nIntro.\n\n## Eucalyptus\n\nLeaves.\n\n--8<-- "b.md"\n'
    (slug, snippet), *_ = found(reader, "eucalyptus")
    assert slug == "koalas" and "⟦Eucalyptus⟧" in snippet
    with db.connect() as conn, acting_transaction(conn, admin.role_name):
        assert conn.execute("select documentation_text(%s)", (Jsonb({"markdown": "a\n\nb\n"}),)).fetchone() == (
            "a\n\nb\n",
        )
        assert conn.execute(
            "select documentation_text(%s)", (Jsonb({"markdown": "a\n", "includes": {"a": "x\ny"}}),)
        ).fetchone() == ("x\ny\n",)
