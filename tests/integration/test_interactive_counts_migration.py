"""0133 on a database whose polls hold counts set by `interactive stats --from-log` of earlier releases
(participation_count and completion_rate only): their completions are taken back from the rate, so the
first ingest adds to them instead of starting the completions from 0; updated_at is left as it was."""

from __future__ import annotations

from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations

# (participation_count, completion_rate) as earlier releases stored them -> completion_count
EARLIER = {
    "half": ((322, 195 / 322), 195),
    "none-started": ((0, None), 0),
    "never-completed": ((10, 0.0), 0),
    "all": ((7, 1.0), 7),
    "capped": ((3, 1.0), 3),  # min(1, completions / starts): more completions than starts were stored as 1
    "by-hand": ((5, 7.5), 5),  # written by hand, out of range: at most the starts
}


def test_0133_takes_each_polls_completions_back_from_its_stored_rate(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before="0133")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        owner = conn.execute("insert into auth.users (email) values ('ada@example.com') returning id").fetchone()[0]
        for tracking_id, ((started, rate), _) in EARLIER.items():
            conn.execute(
                "insert into public.interactive_content (user_id, content_type, title, tracking_id,"
                " participation_count, completion_rate, updated_at) values (%s, 'poll', %s, %s, %s, %s, '2026-01-02')",
                (owner, tracking_id, tracking_id, started, rate),
            )
    monkeypatch.undo()
    assert migrations.apply(empty_db, until="0133_interactive_counts_and_hourly_views") == [
        "0133_interactive_counts_and_hourly_views"
    ]
    with empty_db.connect() as conn:
        stored = {
            tracking_id: (completions, updated)
            for tracking_id, completions, updated in conn.execute(
                "select tracking_id, completion_count, updated_at::date::text from public.interactive_content"
            )
        }
        assert conn.execute(  # the trigger is back: a change moves updated_at
            "update public.interactive_content set title = 'x' where tracking_id = 'half' returning updated_at::date::text"
        ).fetchone() != ("2026-01-02",)
    assert stored == {tracking_id: (completions, "2026-01-02") for tracking_id, (_, completions) in EARLIER.items()}
