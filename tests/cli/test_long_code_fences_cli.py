"""A code fence of 256 or more backticks or tildes is valid CommonMark. The search text of a
documentation page (0139) and a post's word count (0124) found its closing line with a regex
`{N,}` built from its length, which PostgreSQL refuses over 255 ("invalid regular expression:
invalid repetition count(s)"): `docs import` failed such a page and `posts new` such a post
(helper 227's M2). 0142 compares the run's character and length instead."""

from __future__ import annotations

from pathlib import Path

BACKTICKS, TILDES = "`" * 300, "~" * 256
PAGE = (
    "# Long fences\n\nProse before the fences.\n\n"
    f"{BACKTICKS}python\nprint('wombat')\n{'`' * 299}\nstill code: numbat\n{BACKTICKS}`\n\n"
    "After the fence: platypus.\n\n"
    f"{TILDES}\nkiwi = 1\n{TILDES}\n\nThe end: echidna.\n"
)


def test_a_page_with_fences_of_300_backticks_and_256_tildes_imports_and_is_found(cli, signed_up, tmp_path):
    root = tmp_path / "docs"
    root.mkdir()
    (root / "fences.md").write_text(PAGE, encoding="utf-8")
    result = cli("docs", "import", str(root), "--publish", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["failed"] == [] and result.json()["created"] == ["fences"]
    for word in ("wombat", "numbat", "platypus", "kiwi", "echidna"):  # code (a 299 run closes nothing) and prose
        found = cli("docs", "search", word, "--json")
        assert found.exit_code == 0, found.stderr
        assert [page["slug"] for page in found.json()["results"]] == ["fences"], word
    snippet = cli("docs", "search", "platypus", "--json").json()["results"][0]["snippet"]
    # The fence lines are no text (the run of 299 inside the code is: the snippet may show it).
    assert "`" * 300 not in snippet and "~" * 4 not in snippet


def test_a_post_with_a_fence_of_300_backticks_is_saved_and_its_code_is_no_words(cli, signed_up, tmp_path):
    body = Path(tmp_path / "post.md")
    body.write_text(f"---\ntitle: Fenced\n---\nOne two three.\n\n{BACKTICKS}\nnot counted at all\n{BACKTICKS}\n")
    result = cli("posts", "new", "--from", str(body), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["word_count"] == 3
