"""Tags as dev.to (Forem) and Hashnode spell them: `C++` went to both as `c`, the C language's tag."""

from __future__ import annotations

from blogster_cli.distribution.crosspost import forem_tags, hashnode_tags


def test_language_signs_are_spelled_out_as_the_platforms_do():
    tags = ["C++", "C#", "F#", ".NET", "ASP.NET", "C", "#100DaysOfCode", "Notepad++"]
    assert forem_tags(tags) == ["cpp", "csharp", "fsharp", "dotnet"]  # at most four
    assert [tag["slug"] for tag in hashnode_tags(tags)] == ["cpp", "csharp", "fsharp", "dotnet", "asp-net"]
    assert hashnode_tags(["C++"]) == [{"slug": "cpp", "name": "C++"}]


def test_other_tags_keep_their_spelling():
    assert forem_tags(["Shell Tips", "Rust", "#100DaysOfCode", "Ünïcode", "C"]) == [
        "shelltips", "rust", "100daysofcode", "unicode",
    ]  # fmt: skip
    assert [tag["slug"] for tag in hashnode_tags(["Shell Tips", "node.js", "C"])] == ["shell-tips", "node-js", "c"]
