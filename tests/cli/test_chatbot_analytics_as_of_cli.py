"""`chatbot analytics` says when its figures were computed (`as of`; `--json`: `as_of`), and counts
yesterday live too: after midnight (UTC) the last hourly roll-up of yesterday could be from 00:10
of that day, so it showed 1 conversation where there had been 3, and nothing said so (h228 L7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

BERLIN = {"BLOGSTER_TIMEZONE": "Europe/Berlin"}


def _conversations(superuser, user_id, day, count, *, hour=10):
    for n in range(count):
        superuser.execute(
            "insert into public.chatbot_conversations (user_id, started_at) values (%s, %s)",
            (user_id, datetime(day.year, day.month, day.day, hour, n, tzinfo=UTC)),
        )


def _rolled_up(superuser, day):
    """What the hourly roll-up (`workers refresh-analytics`) does for `day`: its figures, as of now."""
    superuser.execute("select public.refresh_chatbot_analytics(%s)", (day,))


def _user_id(superuser):
    return superuser.execute("select id from auth.users where email = 'ada@example.com'").fetchone()[0]


def test_yesterday_is_counted_live_and_each_day_says_as_of_when(cli, signed_up, superuser):
    ada = _user_id(superuser)
    today = datetime.now(UTC).date()
    yesterday, earlier = today - timedelta(days=1), today - timedelta(days=3)
    for day in (yesterday, earlier):
        _conversations(superuser, ada, day, 1)
        _rolled_up(superuser, day)  # the roll-up saw the day's first conversation...
        _conversations(superuser, ada, day, 2, hour=20)  # ...and two more came after it
    (rolled_up_at,) = superuser.execute(
        "select refreshed_at from public.chatbot_analytics where date = %s", (earlier,)
    ).fetchone()
    before = datetime.now(UTC)

    rows = {row["date"]: row for row in cli("chatbot", "analytics", "--json").json()}
    assert rows[str(yesterday)]["conversations"] == 3  # computed as it was read, as today is
    assert datetime.fromisoformat(rows[str(yesterday)]["as_of"]) >= before - timedelta(seconds=1)
    assert datetime.fromisoformat(rows[str(today)]["as_of"]) >= before - timedelta(seconds=1)
    # An earlier day comes from its last roll-up, and says when that was.
    assert rows[str(earlier)]["conversations"] == 1
    assert datetime.fromisoformat(rows[str(earlier)]["as_of"]) == rolled_up_at
    assert rows[str(earlier)]["as_of"].endswith(("Z", "+00:00"))  # --json keeps ISO 8601 with its offset

    table = cli("chatbot", "analytics", env=BERLIN).stdout.splitlines()
    assert table[0].split("\t")[:3] == ["date", "conversations", "as_of"]
    shown = {line.split("\t")[0]: line.split("\t")[2] for line in table[1:]}
    local = rolled_up_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert shown[str(earlier)] == f"{local:%Y-%m-%d %H:%M %Z}"  # in your timezone, labelled


def test_an_earlier_day_computed_before_it_was_over_is_computed_again(cli, signed_up, superuser):
    """No worker ran after that day: its figures were last computed by a read at 00:10 that day.
    The next read computes it again (once: then it is over), so it is never shown stale."""
    ada = _user_id(superuser)
    day = datetime.now(UTC).date() - timedelta(days=5)
    _conversations(superuser, ada, day, 3)
    superuser.execute(
        "insert into public.chatbot_analytics (date, total_conversations, refreshed_at) values (%s, 1, %s)",
        (day, datetime(day.year, day.month, day.day, 0, 10, tzinfo=UTC)),
    )
    before = datetime.now(UTC)
    rows = {row["date"]: row for row in cli("chatbot", "analytics", "--json").json()}
    assert rows[str(day)]["conversations"] == 3
    assert datetime.fromisoformat(rows[str(day)]["as_of"]) >= before - timedelta(seconds=1)


def test_every_computation_of_a_day_stamps_it_with_its_time(superuser):
    """The roll-up (0101's function) sets refreshed_at through 0143's trigger: the computing
    transaction's start, so the figures count at least everything committed before it."""
    day = datetime(2026, 1, 5, tzinfo=UTC).date()
    stamps = []
    for _ in range(2):
        with superuser.transaction():
            (started,) = superuser.execute("select now()").fetchone()
            superuser.execute("select public.refresh_chatbot_analytics(%s)", (day,))
            (stamped,) = superuser.execute(
                "select refreshed_at from public.chatbot_analytics where date = %s", (day,)
            ).fetchone()
        assert stamped == started
        stamps.append(stamped)
    assert stamps[1] > stamps[0]  # the second computation (an update of the row) moved it
