"""documentation/import_warnings.py: an import's warnings grouped by kind, target and cause, and bounded."""

from __future__ import annotations

from blogster_cli.documentation.import_warnings import INCLUDE, PageWarning, WarningGroup, grouped, shown


def include(page: str, name: str) -> PageWarning:
    return PageWarning(page, INCLUDE, name, f"include {name!r} is not in the folder")


def test_the_pages_that_share_a_warning_are_one_group_the_most_pages_first():
    found = [include("a.md", "one.py"), include("a.md", "two.py"), include("b.md", "two.py"),
             include("b.md", "two.py"), include("c.md", "two.py")]  # fmt: skip
    result = grouped(found)
    assert result.groups == [
        WarningGroup(INCLUDE, "two.py", "include 'two.py' is not in the folder", 3, ["a.md", "b.md", "c.md"]),
        WarningGroup(INCLUDE, "one.py", "include 'one.py' is not in the folder", 1, ["a.md"]),
    ]
    assert result.warnings == ["a.md: include 'one.py' is not in the folder", "a.md: include 'two.py' is not in the folder",
                               "b.md: include 'two.py' is not in the folder", "c.md: include 'two.py' is not in the folder"]  # fmt: skip
    assert result.truncated == 0


def test_a_group_larger_than_the_list_keeps_its_count():
    found = [include(f"p{n}.md", "wide.py") for n in range(10)] + [include("q.md", "narrow.py")]
    result = grouped(found, limit=4)
    assert [(g.target, g.count, g.pages) for g in result.groups] == [
        ("wide.py", 10, ["p0.md", "p1.md", "p2.md", "p3.md"])
    ]
    assert result.warnings == [f"p{n}.md: include 'wide.py' is not in the folder" for n in range(4)]
    assert result.truncated == 7
    same = grouped(found, limit=11)
    assert [g.count for g in same.groups] == [10, 1] and same.truncated == 0


def test_the_lists_are_bounded_and_the_rest_counted():
    found = [include("index.md", f"n{n}.py") for n in range(25_000)]
    result = grouped(found, limit=2_000)
    assert len(result.groups) == len(result.warnings) == 2_000 and result.truncated == 23_000
    assert result.warnings[-1] == "index.md: include 'n1999.py' is not in the folder"


def test_a_long_name_is_shortened_in_messages():
    assert shown("a.md") == "'a.md'"
    assert shown("x" * 200) == repr("x" * 200)
    assert shown("x" * 5000) == f"'{'x' * 199}…' (5,000 characters)"


def test_each_include_warning_names_its_include(tmp_path):
    from blogster_cli.documentation import includes

    long_name = "y" * 5000 + ".md"
    body = f'--8<-- "gone.md"\n{{!other.md!}}\n--8<-- "{long_name}"\n--8<-- "gone.md"\n'
    found = includes.expand(body, path="index.md", files=includes.FolderFiles(tmp_path))
    assert found.warnings == ("include 'gone.md' is not in the folder", "include 'other.md' is not in the folder",
                              f"include '{'y' * 199}…' (5,003 characters) is not in the folder")  # fmt: skip
    assert found.names == ("gone.md", "other.md", long_name)
