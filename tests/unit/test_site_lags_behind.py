"""site_files.lags_behind, what `calendar run-due` rebuilds by each minute (h382 item 1): the site in a
folder lags when its manifest records other posts, other versions or other tags than are live now, whoever
changed them, or another site key (h391: the settings every page shows); never where a build would be refused
(another account's site, files no build wrote)."""

from __future__ import annotations

from pathlib import Path

import orjson

from blogster_cli.services.site_files import JOURNAL, LOCK, MANIFEST, MANIFEST_VERSION, lags_behind

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
