"""Text that pages include (documentation/includes.py): what each include line of a page stands
for, read from the imported folder only: never through `..`, an absolute path, a symbolic link, a
hidden path or a URL; cycles and depth cut; sizes bounded; a missing file left as it is, warned of."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blogster_cli.documentation import includes, tree


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def expand(root: Path, body: str, path: str = "index.md") -> includes.Expansion:
    return includes.expand(body, path=path, files=includes.FolderFiles(root))


def search_text(body: str, expansion: includes.Expansion) -> str:
    """The page as 0141's documentation_text reads it: each include line replaced by its text."""
    return "\n".join(expansion.lines.get(line, line) for line in body.split("\n"))


def test_a_snippet_stands_for_its_text_wherever_the_site_would_find_it(tmp_path):
    """textual writes `docs/snippets/x.md` (base path: the project), pymdown's own docs `x.md` (base
    path: `.snippets`); a page below the root names files beside it; the text takes the indent."""
    docs = write(tmp_path / "docs", {
        "snippets/see_also.md": "See also: quokkas.\n",
        ".snippets/links.md": "[wombat]: https://example.com\n",
        "guide/parts/intro.md": "Intro: numbats.\n",
        "guide/page.md": "",
    })  # fmt: skip
    body = ('# Page\n\n--8<-- "docs/snippets/see_also.md"\n\n!!! note\n    --8<-- "links.md"\n\n'
            "--8<--\nparts/intro.md\n--8<--\n")  # fmt: skip
    found = expand(docs, body, "guide/page.md")
    assert found.warnings == ()
    assert found.lines == {
        '--8<-- "docs/snippets/see_also.md"': "See also: quokkas.\n",
        '    --8<-- "links.md"': "    [wombat]: https://example.com\n    ",
        "parts/intro.md": "Intro: numbats.\n",
    }
    assert "quokkas" in search_text(body, found) and "numbats" in search_text(body, found)


def test_markdown_include_and_jinja_includes_stand_for_their_text(tmp_path):
    docs = write(tmp_path, {"_includes/footer.md": "Footer: platypus.\n", "parts/a.md": "one\ntwo\nthree\nfour\n"})
    body = ("Before {!parts/a.md!lines=2 3-4} after\n{% include 'footer.md' %}\n"
            '{%- include-markdown "parts/a.md" start="x" -%}\n{% include footer.md %}\n')  # fmt: skip
    found = expand(docs, body)
    assert found.warnings == ()
    assert found.lines["Before {!parts/a.md!lines=2 3-4} after"] == "Before two\nthree\nfour after"
    assert found.lines["{% include 'footer.md' %}"] == "Footer: platypus.\n"
    assert found.lines['{%- include-markdown "parts/a.md" start="x" -%}'] == "one\ntwo\nthree\nfour\n"
    assert found.lines["{% include footer.md %}"] == "Footer: platypus.\n"
    assert found.files == {"parts/a.md": "{!...!} in index.md", "_includes/footer.md": "{% include %} in index.md"}


def test_line_ranges_sections_and_escapes_read_as_pymdown_reads_them(tmp_path):
    docs = write(tmp_path, {
        "code.py": "# --8<-- [start:func]\ndef wombat():\n    pass\n# --8<-- [end:func]\nrest = 1\n",
        "lines.txt": "1\n2\n3\n4\n5\n6\n",
    })  # fmt: skip
    body = ('--8<-- "code.py:func"\n--8<-- "lines.txt:2:3,-2:"\n--8<-- "code.py"\n;--8<-- "lines.txt"\n'
            '--8<-- "lines.txt" \n;--8<--\nlines.txt\n;--8<--\n--8<-- "; lines.txt"\n')  # fmt: skip
    found = expand(docs, body)
    assert found.lines == {
        '--8<-- "code.py:func"': "def wombat():\n    pass",
        '--8<-- "lines.txt:2:3,-2:"': "2\n3\n6\n",
        '--8<-- "code.py"': "def wombat():\n    pass\nrest = 1\n",  # the section marks are dropped
    }  # escaped, a blank after the name (the old escape), an escaped block, `; name`: no includes
    assert found.warnings == ()
    assert expand(docs, '--8<-- "code.py:nothere"').warnings == ("include 'code.py:nothere' has no section 'nothere'",)


def test_a_missing_file_is_left_as_it_is_and_warned_of_once(tmp_path):
    docs = write(tmp_path, {"snippets/a.md": 'A\n--8<-- "gone-too.md"\n'})
    body = '--8<-- "gone.md"\n\n--8<-- "gone.md"\n--8<-- "snippets/a.md"\n'
    found = expand(docs, body)
    assert found.lines == {'--8<-- "snippets/a.md"': 'A\n--8<-- "gone-too.md"\n'}  # a nested one: left as it is
    assert found.unread == {'--8<-- "gone.md"'}  # (an import keeps the text a page had for it)
    assert found.warnings == (
        "include 'gone.md' is not in the folder",
        "include 'gone-too.md' (in snippets/a.md) is not in the folder",
    )


def test_nothing_outside_the_folder_is_read(tmp_path):
    """`..` out of the folder, an absolute path, a URL, a hidden path: not read, not fetched, warned of."""
    (tmp_path / "secret.md").write_text("wallaby secret\n", encoding="utf-8")
    docs = write(tmp_path / "docs", {"guide/page.md": "", "parts/in.md": "inside\n", "config": "x\n",
                                     ".git/config": "[remote] url = https://token@example.com\n"})  # fmt: skip
    body = ('--8<-- "../secret.md"\n--8<-- "../../secret.md"\n' f'--8<-- "{tmp_path / "secret.md"}"\n'
            '--8<-- "https://example.com/x.md"\n{!/etc/passwd!}\n--8<-- ".git/config"\n--8<-- ".env"\n'
            '--8<-- "../parts/in.md"\n')  # fmt: skip
    found = expand(docs, body, "guide/page.md")
    assert found.lines == {'--8<-- "../parts/in.md"': "inside\n"}  # within the folder
    assert found.warnings == (
        "include '../secret.md' is not in the folder",  # from guide/: the folder's secret.md, which it lacks
        "include '../../secret.md' leads out of the folder: not read",
        f"include '{tmp_path / 'secret.md'}' is an absolute path: not read",
        "include 'https://example.com/x.md' is a URL: not fetched",
        "include '/etc/passwd' is an absolute path: not read",
        "include '.git/config' is hidden: not read",  # nor the folder's own `config`
        "include '.env' is hidden: not read",
    )
    assert "wallaby" not in search_text(body, found) and "token" not in search_text(body, found)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no symbolic links or FIFOs here")
def test_a_symbolic_link_is_never_followed(tmp_path):
    """A link to a file outside, a linked folder on the way, even a link to a file inside; a FIFO."""
    outside = write(tmp_path / "outside", {"secret.md": "wallaby secret\n"})
    docs = write(tmp_path / "docs", {"snippets/real.md": "real\n"})
    (docs / "snippets" / "out.md").symlink_to(outside / "secret.md")
    (docs / "linked").symlink_to(outside, target_is_directory=True)
    (docs / "snippets" / "alias.md").symlink_to(docs / "snippets" / "real.md")
    os.mkfifo(docs / "snippets" / "pipe.txt")  # never waited on
    body = ('--8<-- "snippets/out.md"\n--8<-- "linked/secret.md"\n--8<-- "snippets/alias.md"\n'
            '--8<-- "snippets/pipe.txt"\n')  # fmt: skip
    found = expand(docs, body)
    assert found.lines == {}
    assert found.warnings == (
        "include 'snippets/out.md' is not read: symbolic link: not followed",
        "include 'linked/secret.md' is not read: symbolic link: not followed",
        "include 'snippets/alias.md' is not read: symbolic link: not followed",
        "include 'snippets/pipe.txt' is not read: not a regular file",
    )


def test_cycles_are_cut_and_nesting_is_bounded(tmp_path):
    depth = includes.MAX_INCLUDE_DEPTH
    chain = {f"parts/{n}.md": f'level {n}\n--8<-- "parts/{n + 1}.md"\n' for n in range(depth + 2)}
    docs = write(tmp_path, {**chain, "a.md": 'A\n--8<-- "b.md"\n', "b.md": 'B\n--8<-- "a.md"\n', "index.md": ""})
    found = expand(docs, '--8<-- "a.md"\n--8<-- "index.md"\n--8<-- "parts/0.md"\n')
    assert found.lines['--8<-- "a.md"'] == 'A\nB\n--8<-- "a.md"\n\n'  # a.md > b.md > a.md: left as it is
    assert '--8<-- "index.md"' not in found.lines  # the page itself
    text = found.lines['--8<-- "parts/0.md"']
    assert f"level {depth - 1}" in text and f"level {depth}" not in text
    assert found.warnings == (
        "include 'a.md' (in b.md) is a cycle: a.md > b.md > a.md",
        "include 'index.md' is a cycle: index.md > index.md",
        f"include 'parts/{depth}.md' (in parts/{depth - 1}.md) is nested more than {depth} includes deep: left as it is",
    )


def test_sizes_are_bounded(tmp_path):
    share = includes.MAX_INCLUDED_CHARACTERS // 2 + 10
    docs = write(tmp_path, {"big.md": "x" * (includes.MAX_INCLUDE_BYTES + 1), "half.md": "y" * share + "\n",
                            "bin.md": ""})  # fmt: skip
    (docs / "bin.md").write_bytes(b"\xff\xfe\x00binary")
    found = expand(docs, '--8<-- "big.md"\n--8<-- "half.md"\n{!half.md!}\n--8<-- "bin.md"\n')
    assert list(found.lines) == ['--8<-- "half.md"']  # the second would pass the page's share
    assert found.warnings == (
        "include 'big.md' is not read: larger than 1 MiB",
        "include in '{!half.md!}' left as it is: the page would include more than 250,000 characters",
        "include 'bin.md' is not read: not UTF-8 text",
    )


def test_a_picture_is_no_text_and_a_folder_no_file(tmp_path):
    docs = write(tmp_path, {"images/dom.excalidraw.svg": "<svg><text>ocelot</text></svg>\n", "parts/x.md": "x\n"})
    found = expand(docs, '--8<-- "images/dom.excalidraw.svg"\n--8<-- "parts"\n')
    assert found.lines == {} and found.warnings == ("include 'parts' is not in the folder",)


def test_a_line_that_is_an_include_in_one_place_only_is_left_as_it_is(tmp_path):
    """A block's name line and the same words elsewhere: search replaces lines by their text, so
    neither is replaced."""
    docs = write(tmp_path, {"a.md": "included\n", "b.md": "bee\n"})
    found = expand(docs, "--8<--\na.md\nb.md\n--8<--\n\nThe file:\n\na.md\n")
    assert found.lines == {"b.md": "bee\n"}


def test_read_tree_gives_pages_their_includes_and_skips_the_included_files(tmp_path):
    docs = write(tmp_path, {
        "index.md": '# Home\n\n--8<-- "parts/intro.md"\n\n{!parts/outro.md!}\n\n--8<-- "gone.md"\n',
        "parts/intro.md": 'Intro: quokkas.\n--8<-- "nested.md"\n',
        "parts/nested.md": "Nested: numbats.\n",  # beside the file that includes it
        "parts/outro.md": "Outro: bilbies.\n",
        "guide.md": "# Guide\n",
    })  # fmt: skip
    read = tree.read_tree(docs)
    assert [page.path for page in read.pages] == ["guide.md", "index.md"]
    assert [(p.path, p.reason) for p in read.skipped] == [
        ("parts/intro.md", "an include (--8<-- in index.md), not a page"),
        ("parts/nested.md", "an include (--8<-- in parts/intro.md), not a page"),
        ("parts/outro.md", "an include ({!...!} in index.md), not a page"),
    ]
    index = read.pages[1]
    assert index.body.startswith('# Home\n\n--8<-- "parts/intro.md"')  # the page as written
    assert index.includes == {
        '--8<-- "parts/intro.md"': "Intro: quokkas.\nNested: numbats.\n\n",
        "{!parts/outro.md!}": "Outro: bilbies.\n",
    }
    assert index.include_warnings == ("include 'gone.md' is not in the folder",)
    assert read.pages[0].includes == {} and read.pages[0].include_warnings == ()


def test_a_line_number_longer_than_any_is_past_the_end(tmp_path):
    """markdown-include's `lines=` with a number of 5,000 digits (int() refuses more than 4,300)."""
    docs = write(tmp_path, {"a.md": "one\ntwo\n"})
    found = expand(docs, f"{{!a.md!lines=2-{'9' * 5000}}}\n{{!a.md!lines={'9' * 5000}}}\n")
    assert found.lines == {f"{{!a.md!lines=2-{'9' * 5000}}}": "two\n", f"{{!a.md!lines={'9' * 5000}}}": ""}
    assert found.warnings == ()


_NAMES = ("a.md", "b.md", "d/c.md", "index.md", "gone.md")
_LINE = st.one_of(
    st.sampled_from(["text", "", "--8<-- [start:s]", "--8<-- [end:s]", "--8<--", ';--8<-- "a.md"', "a.md"]),
    st.builds("--8<-- {!r}".format, st.sampled_from(_NAMES)).map(lambda line: line.replace("'", '"')),
    st.builds("  --8<-- '{}:{}'".format, st.sampled_from(_NAMES), st.sampled_from(["1:2", "s", "-1:", "2"])),
    st.builds("x {{!{}!}} {{% include '{}' %}}".format, st.sampled_from(_NAMES), st.sampled_from(_NAMES)),
    st.builds("{{!{}!lines=2 1-3}}".format, st.sampled_from(_NAMES)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.lists(_LINE, max_size=6).map("\n".join), min_size=4, max_size=4), depth=st.integers(1, 4))
def test_a_kept_expansion_gives_what_reading_the_file_again_gives(tmp_path_factory, monkeypatch, texts, depth):
    """A file's expansion kept across an import's pages (by what is picked and the depth) gives each
    page what expanding it again gives: the same text, warnings, files and lines left unread, cycles
    through the page itself and the depth bound included (FolderFiles.keep off: the oracle)."""
    docs = write(tmp_path_factory.mktemp("docs"), dict(zip(_NAMES, texts, strict=False)))
    pages = ["index.md", "a.md", "d/c.md", "b.md", "index.md"]
    with monkeypatch.context() as patched:
        patched.setattr(includes, "MAX_INCLUDE_DEPTH", depth)
        shared = includes.FolderFiles(docs)
        kept = [includes.expand((docs / page).read_text(), path=page, files=shared) for page in pages]
        patched.setattr(includes.FolderFiles, "keep", lambda *_: None)
        again = [
            includes.expand((docs / page).read_text(), path=page, files=includes.FolderFiles(docs)) for page in pages
        ]
    assert kept == again


_PAGES = ["index.md", "a.md", "index.md", "d/c.md", "b.md", "index.md"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(st.lists(_LINE, max_size=8).map("\n".join), min_size=4, max_size=4),
    characters=st.sampled_from([8, 30, 90, 400]),
    most=st.sampled_from([4, 25, 10_000]),
)
def test_an_include_too_large_for_its_page_fails_again_as_reading_it_again_would(
    tmp_path_factory, monkeypatch, texts, characters, most
):
    """h276 F1: an include past a page's included text is kept (with where the page was when it
    failed), and where each name leads is kept: each page gets what looking and reading again
    gives, its warnings, files and lines left unread, and the import's counts of work (the oracle:
    both off). Small bounds, so that includes fail, and fail on the other bounds too."""
    docs = write(tmp_path_factory.mktemp("docs"), dict(zip(_NAMES, texts, strict=False)))
    find = includes.FolderFiles.find

    def run() -> tuple[list[includes.Expansion], tuple[int, int, int]]:
        files = includes.FolderFiles(docs)
        found = [includes.expand((docs / page).read_text(), path=page, files=files) for page in _PAGES]
        return found, (files.included, files.includes, files.lines_read)

    with monkeypatch.context() as patched:
        patched.setattr(includes, "MAX_INCLUDED_CHARACTERS", characters)
        patched.setattr(includes, "MAX_INCLUDES", most)
        kept = run()
        patched.setattr(includes.FolderFiles, "keep_overflow", lambda *_: None)
        patched.setattr(includes.FolderFiles, "find", lambda self, *args: (self._places.clear(), find(self, *args))[1])
        again = run()
    assert kept == again


def test_a_repeated_include_too_large_for_its_page_is_read_once(tmp_path, monkeypatch):
    """h276 F1: a file whose text is more than a page may include was read again for each repeat
    of its include line (161 lines, each reading 62 names of 4 KB: 17 minutes a page); now once an
    import, each repeat left as it is with the same warning, and its work counted each time."""
    docs = write(tmp_path, {"s.md": ("w" * 99 + "\n") * 3_000, "index.md": '--8<-- "s.md"\n' * 100,
                            "other.md": '--8<-- "s.md"\n' * 100 + '--8<-- "gone.md"\n' * 100})  # fmt: skip
    read = []
    lines = includes._Expander.lines
    monkeypatch.setattr(
        includes._Expander, "lines", lambda self, *args, **kw: (read.append(1), lines(self, *args, **kw))[1]
    )
    looked = []
    candidates = includes.candidates
    monkeypatch.setattr(includes, "candidates", lambda *args: (looked.append(args[0]), candidates(*args))[1])
    files = includes.FolderFiles(docs)
    found = [includes.expand((docs / page).read_text(), path=page, files=files) for page in ("index.md", "other.md")]
    assert len(read) == 1 and looked == ["s.md", "gone.md"]
    too_much = "include 's.md' is left as it is: the page would include more than 250,000 characters"
    assert found[0].warnings == (too_much,) and found[0].lines == {} and found[0].unread == {'--8<-- "s.md"'}
    assert found[1].warnings == (too_much, "include 'gone.md' is not in the folder")
    assert (files.includes, files.lines_read) == (300, 200 * 3_001)  # its lines, and the empty one after the last


def test_a_kept_failure_is_read_again_once_a_file_it_includes_is_kept(tmp_path, monkeypatch):
    """k.md failed on p1.md while its n.md was being read (before n.md's missing include); then
    n.md was kept, at the same depth, through m.md. On p2.md, reading k.md again gives n.md whole
    (its warning too) before the page passes its bound: the failure kept from p1.md is not it."""
    monkeypatch.setattr(includes, "MAX_INCLUDED_CHARACTERS", 40)
    docs = write(tmp_path, {"k.md": "x" * 25 + '\n--8<-- "n.md"', "n.md": "a" * 9 + "\n" + "b" * 9 + '\n--8<-- "gone.md"',
                            "m.md": '--8<-- "n.md"', "p1.md": '--8<-- "k.md"\n--8<-- "m.md"', "p2.md": '--8<-- "k.md"'})  # fmt: skip
    files = includes.FolderFiles(docs)
    p1, p2 = (includes.expand((docs / page).read_text(), path=page, files=files) for page in ("p1.md", "p2.md"))
    too_much = "include 'k.md' is left as it is: the page would include more than 40 characters"
    assert p1.warnings == (too_much, "include 'gone.md' (in n.md) is not in the folder")
    assert p2.warnings == ("include 'gone.md' (in n.md) is not in the folder", too_much)
