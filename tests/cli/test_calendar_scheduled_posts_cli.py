"""Scheduled posts on the content calendar: `calendar month`, `week`, `agenda` and their --json show
my scheduled posts among the entries, read-only and marked (`post`: the slug), at their time in my
timezone; a post an entry on the same day is linked to shows as that entry only."""

from __future__ import annotations

BERLIN = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}
PIPED = {**BERLIN, "COLUMNS": "100", "NO_COLOR": "1"}


def _scheduled(cli, title: str, at: str) -> str:
    """A new post scheduled `at` (Berlin time); returns its id."""
    made = cli("blogs", "new", title, "--porcelain", input="Ready to go.")
    assert made.exit_code == 0, made.stderr
    post = made.stdout.strip()
    done = cli("publish", post, "--at", at, env=BERLIN)
    assert done.exit_code == 0, done.stderr
    return post


def test_scheduled_posts_show_on_the_calendar_marked_and_read_only(cli, signed_up):
    _scheduled(cli, "Spring launch", "2099-03-18 09:30")
    linked = _scheduled(cli, "Planned one", "2099-03-19 08:00")
    entry = cli("calendar", "add", "Planned one", "--date", "2099-03-19", "--blog", linked, env=BERLIN)
    assert entry.exit_code == 0, entry.stderr

    week = cli("calendar", "week", "2099-03-18", "--json", env=BERLIN).json()
    events = {e["title"]: e for day in week["days"] for e in day["events"]}
    assert sorted(events) == ["Planned one", "Spring launch"]  # the linked post: its entry only
    post = events["Spring launch"]
    assert (post["post"], post["status"], post["id"], post["at"]) == ("spring-launch", "scheduled", None, "09:30:00")
    assert events["Planned one"]["post"] is None

    shown = cli("calendar", "month", "2099-03", env=PIPED)
    assert shown.exit_code == 0, shown.stderr
    assert "09:30 »" in shown.stdout and "» a scheduled post (publish SLUG --at moves it)" in shown.stdout
    agenda = cli("calendar", "week", "2099-03-18", env=PIPED).stdout
    assert "09:30 »" in agenda and "Spring" in agenda
