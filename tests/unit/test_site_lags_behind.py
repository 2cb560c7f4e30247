"""site_files.lags_behind, what `calendar run-due` rebuilds by each minute (h382 item 1): the site in a
folder lags when its manifest records other posts, other versions or other tags than are live now, whoever
changed them, or another site key (h391: the settings every page shows); never where a build would be refused
(another account's site, files no build wrote); something else at the manifest's name is damaged, never
waited on (h393, red team 46)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import orjson
import pytest

from blogster_cli.errors import InvalidInput
from blogster_cli.services import site_files
from blogster_cli.services.site_files import (
    JOURNAL,
    LOCK,
    MANIFEST,
    MANIFEST_VERSION,
    MAX_MANIFEST_BYTES,
    lags_behind,
)

LIVE = {"p1": "10 1", "p2": "11 2"}


def built(
    out: Path, posts: dict[str, str], *, tags: str = "t", owner: str = "me", version: int = MANIFEST_VERSION,
    site: str = "k",
) -> Path:  # fmt: skip
    out.mkdir(exist_ok=True)
    records = {key: {"row": row} for key, row in posts.items()}
    manifest = {"version": version, "site": site, "tags": tags, "files": {}, "posts": records, "owner": owner}
    (out / MANIFEST).write_bytes(orjson.dumps(manifest))
    return out


def lags(out: Path, versions: dict[str, str] = LIVE, tags: str = "t", site: str | None = "k") -> bool:
    return lags_behind(out, versions=versions, tags=tags, site=site, owner="me")


def test_a_site_built_from_what_is_live_does_not_lag(tmp_path):
    assert not lags(built(tmp_path / "site", LIVE))


def test_a_post_gone_live_taken_down_or_changed_or_other_tags_lag(tmp_path):
    out = built(tmp_path / "site", LIVE)
    assert lags(out, {**LIVE, "p3": "12 3"})  # one more went live (the workers published it)
    assert lags(out, {"p1": "10 1", "p3": "12 3"})  # as many, another one
    assert lags(out, {"p1": "10 1"})  # taken down
    assert lags(out, {**LIVE, "p2": "13 4"})  # edited
    assert lags(out, LIVE, tags="other")


def test_a_site_built_under_other_settings_lags(tmp_path):
    """Another site key (publish.model.site_key: a new title, theme, address or time zone since) lags,
    with the same posts; no key to compare (no site settings: a build is refused) does not."""
    out = built(tmp_path / "site", LIVE, site="before")
    assert lags(out, site="after")
    assert not lags(out, site="before")
    assert not lags(out, site=None)
    assert lags(built(tmp_path / "no-key", LIVE, site=""), site="after")


def test_a_folder_no_build_finished_lags_only_when_a_build_may_write_it(tmp_path):
    assert lags(tmp_path / "new")  # not made yet
    assert not lags(tmp_path / "new", {})  # nothing live: no site to make
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / LOCK).write_bytes(b"")  # a build began and failed before writing
    assert lags(empty)
    cut_short = tmp_path / "cut-short"
    cut_short.mkdir()
    (cut_short / JOURNAL).write_bytes(b"")
    assert lags(cut_short, {})
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "index.html").write_text("not a build of ours")
    assert not lags(theirs)
    assert not lags(built(tmp_path / "another-account", {}, owner="them"))


def test_a_damaged_or_older_manifest_lags_so_the_build_says_or_fixes_it(tmp_path):
    assert lags(built(tmp_path / "older", LIVE, version=MANIFEST_VERSION - 1))
    damaged = built(tmp_path / "damaged", LIVE)
    (damaged / MANIFEST).write_bytes(b"{not json")
    assert lags(damaged)


def test_another_account_s_manifest_never_lags_whatever_its_version_or_a_journal_beside_it(tmp_path):
    """Red team 46 F3(b): the version was checked before the owner, so another account's manifest of
    an older version (or with a journal left beside it) lagged, and each run's build was refused."""
    older = built(tmp_path / "older", LIVE, owner="them", version=MANIFEST_VERSION - 1)
    assert not lags(older)
    (older / JOURNAL).write_bytes(b"")
    assert not lags(older)
    assert not lags(older, {})
    journal = built(tmp_path / "journal", {}, owner="them")
    (journal / JOURNAL).write_bytes(b"")
    assert not lags(journal)
    assert lags(built(tmp_path / "ours-older", LIVE, version=MANIFEST_VERSION - 1))


def planted(out: Path, what: str, elsewhere: Path) -> None:
    name = out / (JOURNAL if what.startswith("journal") else MANIFEST)
    if what.endswith("fifo"):
        os.mkfifo(name)
    elif what.endswith("link"):
        name.symlink_to(elsewhere)
    else:
        name.mkdir()


@pytest.mark.parametrize("what", ["fifo", "link", "folder", "journal fifo", "journal link", "journal folder"])
def test_something_else_at_the_manifest_s_name_is_damaged_never_waited_on(tmp_path, what):
    """Red team 46 F2, F3(a): a FIFO there hung `calendar run-due` for good (and each minute's run
    after it); a link was followed (to /dev/zero: read until the process was killed for memory); a
    folder made each run build the whole site, then fail to write the manifest. Each is one line
    now, read by nothing and built over by nothing."""
    elsewhere = built(tmp_path / "elsewhere", LIVE) / MANIFEST  # a manifest that would not lag
    out = built(tmp_path / "site", LIVE)
    if not what.startswith("journal"):
        (out / MANIFEST).unlink()
    planted(out, what, elsewhere)
    found: list[object] = []

    def check() -> None:
        try:
            found.append(lags(out))
        except InvalidInput as exc:
            found.append(str(exc))

    checking = threading.Thread(target=check, daemon=True)  # the FIFO hung the old check for good
    checking.start()
    checking.join(10)
    name = JOURNAL if what.startswith("journal") else MANIFEST
    assert found == [f"{out / name} is damaged (not a regular file: a folder, link, FIFO or device); remove it"]


def test_a_manifest_larger_than_any_build_writes_is_damaged_and_left_unread(tmp_path, monkeypatch):
    """The cap is twice what 100,000 posts write (about 1.2 KB a post); a manifest above it is no
    build's: not read (a sparse file costs nothing to make and would to read), and `--full` mends it."""
    assert MAX_MANIFEST_BYTES >= 2 * 100_000 * 1_200
    out = built(tmp_path / "site", LIVE)
    monkeypatch.setattr(site_files, "MAX_MANIFEST_BYTES", (out / MANIFEST).stat().st_size - 1)
    with pytest.raises(InvalidInput, match=r"is damaged \(larger than any build writes\); build again with --full$"):
        lags(out)
    monkeypatch.undo()
    with (out / MANIFEST).open("r+b") as manifest:
        manifest.truncate(MAX_MANIFEST_BYTES + 1)  # a hole: nothing on disk
    with pytest.raises(InvalidInput, match="larger than any build writes"):
        lags(out)
