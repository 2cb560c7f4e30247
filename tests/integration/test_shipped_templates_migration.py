"""0138: templates administrators saved before it (written with is_system true) become the site's
own; the seven shipped with Blogster stay system templates, edited or not."""

from __future__ import annotations

from blogster_cli.db import migrations
from tests.integration.test_migrations import use_copied_migrations


def test_0138_marks_only_the_shipped_templates_as_system(empty_db, tmp_path, monkeypatch):
    use_copied_migrations(tmp_path, monkeypatch, before="0138")
    migrations.apply(empty_db)
    with empty_db.connect() as conn:
        # What `templates save` wrote before: is_system true, for a new name and over a shipped one.
        conn.execute(
            "insert into public.blog_templates (name, structure, is_system)"
            ' values (\'Release notes\', \'[{"type": "intro", "heading": "Why"}]\', true)'
        )
        conn.execute("update public.blog_templates set image_count = 0 where name = 'Listicle'")
    monkeypatch.undo()
    assert migrations.apply(empty_db)[0] == "0138_templates_saved_by_admins_are_not_shipped"
    with empty_db.connect() as conn:
        system = dict(conn.execute("select name, is_system from public.blog_templates").fetchall())
    assert system.pop("Release notes") is False
    assert len(system) == 7 and all(system.values())
