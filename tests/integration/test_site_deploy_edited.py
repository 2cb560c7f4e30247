"""site deploy --folder and a file edited by hand in the destination (red team 32): once the site no
longer has the file, the deploy removed it, the edit with it, without a word. It now removes a file only
while it holds the bytes it sent, as `site build` leaves a file edited by hand, and says so in a note."""

from __future__ import annotations

import json
import os

import pytest

from blogster_cli.services import site_deploy
from tests.integration.test_site_deploy import unpublish_post_1

# Python-bound (the files a folder deploy sends, keeps and removes): the build's SQL runs on every
# server in test_site_build. CI's second pass leaves it out.
pytestmark = pytest.mark.same_on_every_server

PAGE = "posts/post-1/index.html"


def test_a_file_edited_by_hand_is_left_with_a_note_and_others_go(built, tmp_path):
    acting, out = built
    www = tmp_path / "www"
    site_deploy.to_folder(out, www)
    (www / PAGE).write_text("<p>MY HAND EDIT</p>\n")
    unpublish_post_1(acting, out)
    report = site_deploy.to_folder(out, www)
    assert (www / PAGE).read_text() == "<p>MY HAND EDIT</p>\n"
    assert report.removed == 0
    assert report.notes == (f"left as it is, not removed: {www / PAGE} (edited by hand since it was sent)",)
    again = site_deploy.to_folder(out, www)  # no longer recorded as sent: said once, never removed later
    assert (again.removed, again.notes) == (0, ()) and (www / PAGE).is_file()


def test_a_file_still_as_it_was_sent_is_removed(built, tmp_path):
    acting, out = built
    www = tmp_path / "www"
    site_deploy.to_folder(out, www)
    os.utime(www / PAGE, (0, 0))  # touched, not edited: its bytes decide
    unpublish_post_1(acting, out)
    report = site_deploy.to_folder(out, www)
    assert (report.removed, report.notes) == (1, ()) and not (www / "posts/post-1").exists()


def test_a_record_from_before_hashes_removes_the_file_as_before(built, tmp_path):
    acting, out = built
    www = tmp_path / "www"
    site_deploy.to_folder(out, www)
    records = json.loads((out / site_deploy.DEPLOYS).read_text())
    [sent] = records.values()
    sent[PAGE] = ""  # nothing to compare with
    (out / site_deploy.DEPLOYS).write_text(json.dumps(records))
    (www / PAGE).write_text("<p>MY HAND EDIT</p>\n")
    unpublish_post_1(acting, out)
    assert site_deploy.to_folder(out, www).removed == 1 and not (www / PAGE).exists()


def test_a_link_or_a_fifo_at_a_sent_files_name_is_left(built, tmp_path):
    """Neither is what was sent: the link is never followed (its target is not read or removed), the FIFO
    never blocks the deploy."""
    acting, out = built
    www = tmp_path / "www"
    (out / "extra.txt").write_text("extra\n")
    site_deploy.to_folder(out, www)
    target = tmp_path / "target.html"
    target.write_text("not the site's\n")
    (www / PAGE).unlink()
    (www / PAGE).symlink_to(target)
    (www / "extra.txt").unlink()
    os.mkfifo(www / "extra.txt")
    (out / "extra.txt").unlink()
    unpublish_post_1(acting, out)
    report = site_deploy.to_folder(out, www)
    assert report.removed == 0 and (www / PAGE).is_symlink() and target.read_text() == "not the site's\n"
    assert report.notes == (
        f"left as they are, not removed: {www / 'extra.txt'} (edited by hand since it was sent);"
        f" {www / PAGE} (a link now)",
    )


# Red team h227 L1: a hand edit to a file the new build changed was overwritten without a word.


def test_a_changed_file_edited_by_hand_is_left_with_a_note_until_force(built, tmp_path):
    acting, out = built
    www = tmp_path / "www"
    site_deploy.to_folder(out, www)
    (www / "index.html").write_text("<p>MY HAND EDIT</p>\n")
    unpublish_post_1(acting, out)  # the home page lists one post fewer: the build changed it
    assert (out / "index.html").read_text() != "<p>MY HAND EDIT</p>\n"
    report = site_deploy.to_folder(out, www)
    assert (www / "index.html").read_text() == "<p>MY HAND EDIT</p>\n"
    assert report.notes == (
        f"left as it is, not overwritten: {www / 'index.html'} (edited by hand since it was sent)"
        " (--force overwrites it)",
    )
    assert report.removed == 1 and not (www / PAGE).exists()  # the rest of the deploy went on
    assert report.copied >= 1 and report.copied + report.unchanged == len(site_deploy._site_files(out)) - 1
    again = site_deploy.to_folder(out, www)  # still recorded as what was sent: said each time
    assert (again.copied, again.notes) == (0, report.notes)
    assert (www / "index.html").read_text() == "<p>MY HAND EDIT</p>\n"
    forced = site_deploy.to_folder(out, www, force=True)
    assert (forced.copied, forced.notes) == (1, ())
    assert (www / "index.html").read_bytes() == (out / "index.html").read_bytes()
    assert site_deploy.to_folder(out, www).copied == 0


def test_a_file_already_holding_the_new_bytes_or_missing_is_no_hand_edit(built, tmp_path):
    acting, out = built
    www = tmp_path / "www"
    site_deploy.to_folder(out, www)
    (www / "posts/post-0/index.html").unlink()
    unpublish_post_1(acting, out)
    (www / "index.html").write_bytes((out / "index.html").read_bytes())  # put there by hand, as built
    report = site_deploy.to_folder(out, www)
    assert report.notes == () and (www / "posts/post-0/index.html").is_file()


def test_force_removes_a_gone_file_edited_by_hand(built, tmp_path):
    acting, out = built
    www = tmp_path / "www"
    site_deploy.to_folder(out, www)
    (www / PAGE).write_text("<p>MY HAND EDIT</p>\n")
    unpublish_post_1(acting, out)
    report = site_deploy.to_folder(out, www, force=True)
    assert (report.removed, report.notes) == (1, ()) and not (www / "posts/post-1").exists()
