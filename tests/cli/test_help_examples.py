"""Every `Example:` in `--help` works as shown, run in order against the quickstart data.

The examples are run by bash exactly as printed (with `$(...)`, `<` and `~`), from a
folder holding the files they name (pw.txt, sections.json, shot.png, ./my-site).
A few set-up steps that are not examples make state an example needs (drafts to
remove, accounts to ban). Examples that cannot run here say why in EXCLUDED.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from blogster_cli.cli.app import app
from tests.cli.test_catalog_and_images_cli import png_bytes

EXAMPLES_FOLDER = Path(__file__).resolve().parents[2] / "examples" / "posts" / "hugo" / "content"
PASSWORD = "help-examples-password"

EXCLUDED = {
    "blogster auth passwd": "prompts for the current and new password on a terminal",
    "blogster db stop": "stops the embedded server; the tests run on a shared test server",
    "blogster db restore backup.blogster-backup --yes": "replaces the database and cluster-wide roles "
    "under the other tests' feet (tests/integration/test_backup.py restores backups)",
    "blogster site serve --port 8080": "serves until interrupted (tests/integration/test_site_deploy.py covers it)",
    "blogster site deploy --git git@github.com:ada/ada.github.io.git --branch gh-pages": "pushes to a remote host "
    "(tests/integration/test_site_deploy.py deploys to a local bare repository)",
}

# (command, is it a help example?) in the order they run.
PLAN = [
    ("blogster quickstart --email ada@example.com --password-stdin < pw.txt", True),
    ("blogster auth whoami --json", True),
    ("blogster auth signup --email grace@example.com", True),
    ("blogster auth logout", True),
    ("blogster auth login --email ada@example.com", True),
    ('blogster blogs new "Ten terminal habits" --template listicle --persona "Software developer"', True),
    ("blogster blogs show ten-terminal-habits --raw", True),
    ("EDITOR=nano blogster blogs edit ten-terminal-habits", True),
    ("EDITOR=nano blogster blogs edit ten-terminal-habits", False),
    ("blogster revisions list ten-terminal-habits", True),
    ("blogster revisions diff ten-terminal-habits 1 3", True),
    ("blogster revisions restore ten-terminal-habits 2", True),
    ("blogster blogs status ten-terminal-habits published", True),
    ("blogster posts tag add ten-terminal-habits shell productivity", True),
    ("blogster posts tag rm ten-terminal-habits shell", True),
    ("blogster tags list --limit 10", True),
    ('blogster posts new "Old draft" && blogster posts new "Another draft"', False),
    ("blogster posts rm old-draft another-draft", True),
    ("blogster posts trash --json", True),
    ("blogster posts restore old-draft", True),
    ("blogster posts purge old-draft --yes", True),
    ('blogster posts new "Scratch draft"', False),
    ("blogster posts rm $(blogster posts list --status draft --format ids)", True),
    ("blogster import ./my-site/content --dry-run", True),
    ("blogster export ./site --format hugo --status published", True),
    ("blogster personas list --format csv", True),
    ('blogster personas show "Software developer"', True),
    ('blogster personas create "Weekend gardener" --interests "roses,compost" --age-range 35-60', True),
    ('blogster personas edit "Weekend gardener" --goals "grow vegetables"', True),
    ('blogster personas copy "Software developer" --name "My developers"', True),
    ('blogster personas rm "Weekend gardener"', True),
    ("blogster templates list", True),
    ("blogster templates show how-to", True),
    ('blogster templates save "Release notes" sections.json --image-count 1', True),
    ('blogster images add ten-terminal-habits shot.png --featured --alt "A terminal"', True),
    ("blogster images list ten-terminal-habits --json", True),
    ("blogster images rm $(blogster images list ten-terminal-habits --format ids)", True),
    ('echo "Notes for Monday." | blogster posts new "Monday notes"', False),
    ('blogster publish $(blogster blogs list --status draft --format ids) --at "2026-12-01 09:00"', True),
    ("blogster schedule list --json", True),
    ("blogster unpublish ten-terminal-habits", True),
    ('blogster calendar add "Launch post" --date 2026-12-07 --time 09:00 --topic launch', True),
    ('blogster calendar add "Second post" --date 2026-12-09', False),
    ("blogster calendar list --from 2026-12-01 --json", True),
    ("blogster calendar move $(blogster calendar list --format ids | head -1) --date 2026-12-08", True),
    ("blogster calendar done $(blogster calendar list --format ids | head -1)", True),
    ("blogster calendar month 2026-12", True),
    ("blogster calendar week --date 2026-12-07", True),
    ("blogster calendar agenda --days 7", True),
    ("blogster calendar export --ics plan.ics", True),
    ("blogster calendar import --ics plan.ics", True),
    ("blogster calendar rm $(blogster calendar list --format ids | tail -1)", True),
    (
        'psql "$(blogster db dsn)" -c "insert into public.blog_analytics (blog_id, date, views)'
        " select id, current_date - 1, 10 from public.blogs where status = 'published'\"",
        False,
    ),
    ("blogster calendar suggest --days 60", True),
    ("blogster calendar run-due --dry-run --json", True),
    ("blogster calendar next-change --json", True),
    ("blogster review assign ten-terminal-habits --to grace@example.com --role reviewer", True),
    ("blogster review show $(blogster review list --by-me --format ids | head -1)", True),
    ("blogster auth logout && blogster auth login --email grace@example.com", False),
    ("blogster review list --json", True),
    ("blogster review start $(blogster review list --format ids | head -1)", True),
    ('blogster review comment $(blogster review list --format ids | head -1) "The intro is too long."', True),
    ("blogster review submit $(blogster review list --format ids | head -1)", True),
    ("blogster auth logout && blogster auth login --email ada@example.com", False),
    ('blogster review reject $(blogster review list --by-me --format ids | head -1) --comment "One more pass"', True),
    ("blogster auth logout && blogster auth login --email grace@example.com", False),
    ("blogster review start $(blogster review list --format ids | head -1)", False),
    ("blogster review submit $(blogster review list --format ids | head -1)", False),
    ("blogster auth logout && blogster auth login --email ada@example.com", False),
    ('blogster review approve $(blogster review list --by-me --format ids | head -1) --comment "Ship it"', True),
    ("blogster site settings set url https://blog.example.com/", True),
    ("blogster site settings show --json", True),
    ("blogster site build --out ~/site/public", True),
    ("blogster calendar feed --out ~/site/public", True),
    ("blogster activity --type published --json", True),
    ("blogster profile show --json", True),
    ("blogster profile update --username ada --website https://ada.dev", True),
    ("blogster admin users list --json", True),
    ("blogster admin users add lin@example.com", True),
    ("blogster admin users grant-admin lin@example.com", True),
    ("blogster admin users revoke-admin lin@example.com", True),
    ("blogster admin users reset-password lin@example.com", True),
    ("blogster admin users add spammer@example.com && blogster admin users add old@example.com", False),
    ("blogster admin users ban spammer@example.com --days 30", True),
    ("blogster admin users purge old@example.com --yes", True),
    ("blogster db migrate --dry-run", True),
    ("blogster db status", True),
    ('psql "$(blogster db dsn)"', True),
    ("blogster db backup ~/blogster-$(date +%F).blogster-backup", True),
    ("blogster config list --json", True),
    ("blogster config get timezone", True),
    ("blogster config set timezone Europe/Berlin", True),
    ("blogster doctor", True),
    ("blogster account export ./my-blogster-data", True),
    ("blogster account delete --yes", True),
]


def help_examples() -> set[str]:
    def walk(group):
        for name in group.list_commands(None):
            command = group.get_command(None, name)
            yield from walk(command) if hasattr(command, "list_commands") else [command]

    return {c.help.split("Example:")[1].strip() for c in walk(typer.main.get_command(app))}


def test_the_plan_covers_every_help_example():
    planned = {command for command, is_example in PLAN if is_example}
    assert help_examples() == planned | set(EXCLUDED)


@pytest.mark.timeout(1200)  # about a hundred `blogster` processes, on a shared machine
def test_every_help_example_runs(db, isolated_environment, tmp_path):
    work = tmp_path / "work"
    fake_bin = tmp_path / "bin"
    for folder in (work, fake_bin):
        folder.mkdir()
    (work / "pw.txt").write_text(PASSWORD + "\n")
    (work / "sections.json").write_text('[{"type": "intro", "heading": "What changed", "target_words": 80}]')
    (work / "shot.png").write_bytes(png_bytes())
    shutil.copytree(EXAMPLES_FOLDER, work / "my-site" / "content")
    nano = fake_bin / "nano"  # an "editor" that adds a line, so each edit makes a revision
    nano.write_text('#!/bin/sh\nfor last; do :; done\necho "One more habit." >> "$last"\n')
    nano.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{fake_bin}:{Path(sys.executable).parent}:{os.environ['PATH']}",
        "HOME": str(work),
        "BLOGSTER_DATABASE_URL": db.conninfo,
        "BLOGSTER_PASSWORD": PASSWORD,
    }
    for command, _ in PLAN:
        result = subprocess.run(
            command, shell=True, executable="/bin/bash", cwd=work, env=env,
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, f"{command}\n{result.stderr}"
