"""`sync --watch` says a skipped file (a link, a section page) and a warning about the folder once.

Walk 13: every run that listed the folder again (a rescan, a new folder) repeated the same
"skipped:" lines, which a watch left running for hours filled the terminal with.
"""

from blogster_cli.services.sync import SyncedFile, SyncSummary, _said_once


def summary(*files: SyncedFile, warnings: tuple[str, ...] = ()) -> SyncSummary:
    return SyncSummary(folder="/site", dialect="hugo", files=list(files), warnings=list(warnings))


def test_a_watch_reports_each_skipped_file_and_warning_once() -> None:
    said: list[SyncSummary] = []
    report = _said_once(said.append)
    link = SyncedFile("link.md", "skipped", note="a symbolic link: not followed")
    section = SyncedFile("_index.md", "skipped", note="section index page, not a post")
    report(summary(link, SyncedFile("a.md", "imported"), warnings=("astro config",)))
    report(summary(link, section, SyncedFile("a.md", "updated"), warnings=("astro config",)))
    report(summary(link, section))
    assert [[(file.path, file.action) for file in run.files] for run in said] == [
        [("link.md", "skipped"), ("a.md", "imported")],
        [("_index.md", "skipped"), ("a.md", "updated")],
        [],
    ]
    assert [run.warnings for run in said] == [["astro config"], [], []]
    report(summary(SyncedFile("link.md", "skipped", note="another reason")))  # skipped anew, for another reason
    assert [(file.path, file.note) for file in said[-1].files] == [("link.md", "another reason")]
