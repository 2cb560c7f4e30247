"""Every `Example:` in `--help` works as shown, run in order against the quickstart data.

The examples are run by bash exactly as printed (with `$(...)`, `<` and `~`), each `blogster` in
its own process (forked from one that has imported the package: tests/cli/forking_blogster.py), from a
folder holding the files they name (pw.txt, sections.json, shot.png, idea.m4a, ./my-site), with the
AI commands talking to the local OpenAI-compatible server of tests/ai_server.py.
A few set-up steps that are not examples make state an example needs (drafts to
remove, accounts to ban). Examples that cannot run here say why in EXCLUDED.
"""

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from blogster_cli.bundled import bundled_dir
from blogster_cli.cli.app import app
from tests.ai_server import MODEL
from tests.cli.forking_blogster import forking_blogster
from tests.cli.test_catalog_and_images_cli import png_bytes
from tests.integration.test_analytics_ingest import HAND_MADE_LOG

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
    "blogster serve-workers --concurrency 8 --queue notifications": "runs until stopped "
    "(tests/workers start, signal and kill real worker processes)",
    "blogster workers retry 42": "needs a failed job (tests/cli/test_workers_cli.py fails one and retries it)",
    "blogster tui": "needs a terminal until quit (tests/tui drive the app with Textual's pilot)",
    'blogster chat ask "How do I schedule a post?"': "waits for a worker's reply "
    "(tests/workers/test_chatbot_worker.py asks a real worker process)",
    "blogster crosspost ten-terminal-habits --to devto --to hashnode": "posts to dev.to and Hashnode "
    "(tests/cli/test_crosspost_cli.py runs it against local servers speaking their APIs)",
    'echo "$DEVTO_KEY" | blogster platforms connect devto --token-stdin': "needs a dev.to API key "
    "(tests/cli/test_crosspost_cli.py connects with the local server's)",
    "blogster newsletter send $(blogster newsletter list --format ids --limit 1) --to readers.csv": "mails "
    "readers through an SMTP server (tests/cli/test_newsletter_cli.py sends to a local aiosmtpd)",
    'echo "$LINKEDIN_TOKEN" | blogster social profiles connect linkedin --handle 782bbtaQ --token-stdin': "needs a "
    "LinkedIn access token (tests/cli/test_social_cli.py connects with a made-up one)",
    "blogster newsletter send-due": "needs an SMTP server (tests/cli/test_newsletter_cli.py schedules and sends)",
    'echo "$SMTP_PASSWORD" | blogster newsletter smtp-password --password-stdin': "needs your SMTP password",
    "blogster site verify-domain": "asks a DNS-over-HTTPS resolver on the internet "
    "(tests/integration/test_site_verify_domain.py answers with a local one)",
}

IDEA = {
    "description": "d", "keywords": ["espresso"], "trending_score": 50, "engagement_potential": 50,
    "difficulty_level": "beginner", "estimated_word_count": 900,
}  # fmt: skip
IDEAS = json.dumps({"ideas": [{"title": f"Espresso idea {n}", **IDEA} for n in range(5)]})
# What the local AI server answers each structured request with, by the request's schema name.
STRUCTURED = {
    "blog_ideas": IDEAS,
    "seo_metadata": '{"meta_description": "Ten habits for a faster shell.", "meta_keywords": ["shell"]}',
    "social_post": '{"content": "Ten terminal habits worth keeping.", "hashtags": ["shell"]}',
    "suggestions": '{"suggestions": ["Knead it.", "Let it rest.", "Bake it."]}',
}
AI_REPLY = "# Sourdough basics\n\nFeed the starter.\n\n## Flour\n\nStrong bread flour.\n\n## Water\n\nWarm."
NEW_IDEA = "$(blogster ideas list --status new --format ids --limit 1)"

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
    ("blogster posts addresses ten-terminal-habits --json", True),
    ('blogster newsletter create --blogs ten-terminal-habits --subject "This week" --json', True),
    ("blogster newsletter list", True),
    ("blogster newsletter limit --json", True),
    ("blogster newsletter preview $(blogster newsletter list --format ids --limit 1)", True),
    ("blogster newsletter subscribers import readers.csv", True),
    ("blogster newsletter subscribers list --format csv", True),
    ("blogster newsletter unsubscribe reader@example.com", True),
    ("blogster newsletter stats --from-log access.log", True),
    ("blogster newsletter subscribers rm old-reader@example.com", True),
    ("blogster newsletter unschedule $(blogster newsletter list --format ids --limit 1)", True),
    ("blogster newsletter rm $(blogster newsletter list --format ids --limit 1) --yes", True),
    ("blogster platforms list", True),
    ('blogster interactive create poll --title "Favourite shell" --structure poll.json', True),
    ("blogster interactive list", True),
    ('blogster interactive edit favourite-shell --title "Your favourite shell"', True),
    ("blogster interactive stats --from-log access.log", True),
    ("blogster interactive rm favourite-shell", True),
    (
        'blogster social new ten-terminal-habits --platform twitter --text "Ten habits for a faster shell" --hashtag shell',
        True,
    ),
    ("blogster social list ten-terminal-habits", True),
    ("blogster social show $(blogster social list --format ids --limit 1)", True),
    ('blogster social edit $(blogster social list --format ids --limit 1) --text "Shell habits that stick"', True),
    ('blogster social schedule $(blogster social list --format ids --limit 1) --at "2099-01-04 09:00"', True),
    ("blogster social post-due --json", True),
    ("blogster social rm $(blogster social list --format ids --limit 1)", True),
    ('blogster social new ten-terminal-habits --platform linkedin --text "Notes"', False),
    ("blogster social profiles list", True),
    ("blogster social profiles disconnect linkedin", True),
    ("blogster platforms disconnect devto", True),
    ("blogster tags list --limit 10", True),
    ("blogster tags respell productivity Productivity", True),
    ('blogster posts new "Old draft" && blogster posts new "Another draft"', False),
    ("blogster posts rm old-draft another-draft", True),
    ("blogster posts trash --json", True),
    ("blogster posts restore old-draft", True),
    ("blogster posts purge old-draft --yes", True),
    ('blogster posts new "Scratch draft"', False),
    ("blogster posts rm $(blogster posts list --status draft --format ids)", True),
    ("blogster import ./my-site/content --dry-run", True),
    ("blogster sync ./my-site/content --dry-run", True),
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
    ("blogster docs import ./help --publish", True),
    ("blogster docs categories --format csv", True),
    ("blogster docs show guides/backups", True),
    ('blogster docs search "restore a backup" --limit 5', True),
    ('echo "Run blogster db restore FILE." | blogster docs new "Restoring a backup" --category guides', True),
    ("EDITOR=nano blogster docs edit restoring-a-backup", True),
    ("blogster docs publish restoring-a-backup", True),
    ("blogster docs review restoring-a-backup", True),
    ("blogster docs revisions restoring-a-backup", True),
    ("blogster docs diff restoring-a-backup 1", True),
    ("blogster docs archive restoring-a-backup", True),
    ("blogster docs list --category guides --status draft", True),
    ("blogster docs check-links", True),
    ("blogster docs export ./help-copy", True),
    ("blogster docs rm restoring-a-backup", True),
    ('blogster images add ten-terminal-habits shot.png --featured --alt "A terminal"', True),
    ("blogster images list ten-terminal-habits --json", True),
    ("blogster images rm $(blogster images list ten-terminal-habits --format ids)", True),
    ('echo "Notes for Monday." | blogster posts new "Monday notes"', False),
    ('blogster publish $(blogster blogs list --status draft --format ids) --at "2099-12-01 09:00"', True),
    ("blogster schedule list --json", True),
    ("blogster unpublish ten-terminal-habits", True),
    ('blogster calendar add "Launch post" --date 2099-12-07 --time 09:00 --topic launch', True),
    ('blogster calendar add "Second post" --date 2099-12-09', False),
    ("blogster calendar list --from 2099-12-01 --json", True),
    ("blogster calendar move $(blogster calendar list --format ids | head -1) --date 2099-12-08", True),
    ("blogster calendar done $(blogster calendar list --format ids | head -1)", True),
    ("blogster calendar month 2099-12", True),
    ("blogster calendar week 2099-12-07", True),
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
    ("blogster review withdraw $(blogster review list --by-me --format ids | head -1)", True),
    ("blogster site settings set url https://blog.example.com/", True),
    ("blogster site settings show --json", True),
    ("blogster site build --out ~/site/public", True),
    ("blogster analytics ingest access.log.1.gz access.log --json", True),
    ("blogster analytics dashboard --json", True),
    ("blogster analytics report --days 90 --png views.png", True),
    ("blogster analytics freshness --limit 5", True),
    ("blogster seo import-keywords keywords.csv", True),
    ("blogster seo keywords --limit 20", True),
    ("blogster seo import-positions gsc-performance.csv --date 2026-11-30", True),
    ("blogster seo positions --blog ten-terminal-habits", True),
    ("blogster competitors import top-pages.csv", True),
    ("blogster competitors list --domain rival.dev", True),
    ("blogster revenue import affiliate-november.csv --type affiliate --provider amazon", True),
    ("blogster revenue report --json", True),
    ("blogster audience segments --days 30", True),
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
    ("blogster db disable-stray-logins", True),
    ("blogster config list --json", True),
    ("blogster config get timezone", True),
    ("blogster config set timezone Europe/Berlin", True),
    ("blogster config unset timezone", True),
    ("blogster config set timezone Europe/Berlin", False),  # as it was for the examples after it
    ("blogster doctor", True),
    ("blogster ai setup --base-url http://localhost:11434/v1 --model llama3.2 --no-key", True),
    ("blogster ai status", True),  # BLOGSTER_AI_BASE_URL and BLOGSTER_AI_MODEL point at the local server
    ("blogster ai models", True),
    ("blogster subscription show", True),
    ("blogster admin subscription set-tier ada@example.com pro", True),
    ("blogster admin credits refill", True),
    ("blogster admin credits grant ada@example.com 10", True),
    ("blogster admin newsletters limits --json", True),
    ("blogster admin newsletters set-limit ada@example.com 5000", True),
    ("blogster admin newsletters set-default 2000", True),
    ('blogster generate ideas --topic "home espresso" --industry coffee --count 5', True),
    ("blogster ideas list --status new --status saved", True),
    (f"blogster ideas save {NEW_IDEA}", True),
    (f"blogster ideas discard {NEW_IDEA}", True),
    (f"blogster generate outline --idea {NEW_IDEA} --template listicle", True),
    ("blogster ideas start $(blogster ideas list --status saved --format ids --limit 1)", True),
    (f"blogster ideas save {NEW_IDEA}", False),
    ("blogster generate batch --ideas 5 --template how-to", True),
    ('blogster generate draft --topic "Sourdough for beginners" --persona "Retiree hobbyist" --template how-to', True),
    ('blogster research add sourdough-basics --url https://example.org/study --title "Crumb study" --type study', True),
    ("blogster research list --blog sourdough-basics", True),
    ("blogster research rm $(blogster research list --format ids --limit 1)", True),
    ('blogster generate image sourdough-basics --prompt "a crusty loaf on a board" --model gpt-image-1', True),
    ("blogster generate rewrite ten-terminal-habits --section 2", True),
    ("blogster generate expand ten-terminal-habits --section 1", True),
    ("blogster generate seo ten-terminal-habits", True),
    ("blogster generate social ten-terminal-habits --platform twitter", True),
    ('echo "I started on bread and then" | blogster posts new "Half-finished post"', False),
    ("blogster generate continue half-finished-post", True),
    ("blogster unblock half-finished-post --count 3", True),
    ("blogster voice transcribe idea.m4a --to-draft", True),
    ("blogster credits --json", True),
    ('blogster ai logs -q "sourdough" --json', True),
    (
        'blogster admin maintenance schedule --title "DB upgrade" --start "2099-01-05 02:00" --end "2099-01-05 03:00"'
        " --severity high",
        True,
    ),
    (
        'blogster admin maintenance update $(blogster admin maintenance list --format ids) --end "2099-01-05 04:00"',
        True,
    ),
    ("blogster admin maintenance list --json", True),
    ("blogster notifications list --unread --json", True),
    ("blogster notifications read $(blogster notifications list --format ids --limit 1)", True),
    ("blogster notifications read-all", True),
    ("blogster notifications prefs show --json", True),
    ("blogster notifications prefs set quiet_hours_start 22:00", True),
    ("blogster admin maintenance cancel $(blogster admin maintenance list --format ids --limit 1)", True),
    ("blogster flags create new-editor --strategy percentage --percentage 10", True),
    ("blogster flags update new-editor --percentage 50", True),
    ("blogster flags enable new-editor", True),
    ("blogster flags check new-editor --user grace@example.com --json", True),
    ("blogster flags list --json", True),
    ("blogster flags disable new-editor", True),
    ("blogster flags rm new-editor --yes", True),
    ("blogster flags log --json", True),
    ("blogster chatbot intents import intents.yaml", True),
    ("blogster chatbot intents export my-intents.json", True),
    ("blogster chatbot intents list --format csv", True),
    ('blogster chatbot intents add refund -p "I want my money back" -r "Refunds take 5 days."', True),
    ("blogster chatbot intents rm refund --yes", True),
    ("blogster chatbot evaluate held-out.csv --json", True),
    ('blogster chat ask "hello" || true', False),  # no worker here: the message is kept unanswered
    ("blogster chat history --format csv --limit 10", True),
    ("blogster chat list", True),
    ('blogster chat end --score 5 --feedback "Quick and right"', True),
    ("blogster chatbot analytics --days 30", True),
    ("blogster workers status --json", True),
    ("blogster workers clean-notifications --json", True),
    ("blogster workers publish-due --json", True),
    ("blogster workers post-social --json", True),
    ("blogster workers send-newsletters --json", True),
    ("blogster workers refill-credits --json", True),
    ("blogster workers ensure-partitions --months 6", True),
    ("blogster workers end-idle-chats --idle-minutes 30", True),
    ("blogster workers reopen-logins --json", True),
    ("blogster workers refresh-analytics --json", True),
    ("blogster workers refresh-freshness --json", True),
    ("blogster admin workers add host-1", True),
    ("blogster admin workers list", True),
    ("blogster admin workers rm host-1", True),
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


def test_every_examples_at_is_years_ahead():
    """An example's --at does what its command says for years to come: `publish --at` a time
    already past publishes at once (report h277, L8: "2026-12-01 09:00" had passed)."""
    from datetime import UTC, datetime, timedelta

    times = [(e, at) for e in help_examples() for at in re.findall(r'--at "([^"]+)"', e)]
    assert any(e.startswith("blogster publish ") for e, _ in times)
    soon = datetime.now(UTC) + timedelta(days=3650)
    for example, at in times:
        assert datetime.fromisoformat(at).replace(tzinfo=UTC) > soon, example


def test_every_calendar_examples_date_is_years_ahead():
    """The calendar's examples plan entries (and list, move and show them) on dates to come, years
    ahead as publish's --at: "2026-12-07" was in the past within days of being written."""
    from datetime import date, timedelta

    dates = [
        (e, d)
        for e in help_examples()
        if e.startswith("blogster calendar ")
        for d in re.findall(r"\b\d{4}-\d\d(?:-\d\d)?\b", e)
    ]
    assert len(dates) >= 5, dates  # add, list --from, move, month, week
    soon = date.today() + timedelta(days=3650)
    for example, when in dates:
        assert date.fromisoformat(when if len(when) == 10 else f"{when}-01") > soon, example


@pytest.mark.timeout(1800)  # some two hundred commands, each its own process
def test_every_help_example_runs(db, isolated_environment, tmp_path, ai_server):
    work = tmp_path / "work"
    fake_bin = tmp_path / "bin"
    for folder in (work, fake_bin):
        folder.mkdir()
    (work / "pw.txt").write_text(PASSWORD + "\n")
    (work / "sections.json").write_text('[{"type": "intro", "heading": "What changed", "target_words": 80}]')
    (work / "shot.png").write_bytes(png_bytes())
    (work / "idea.m4a").write_bytes(b"\x00\x00\x00\x18ftypM4A " + bytes(64))
    ai_server.reply = AI_REPLY
    ai_server.structured_by_schema.update(STRUCTURED)
    # The hand-made log's views, on a post the examples' account has (a log naming none of its posts is refused).
    log = [entry.replace("/posts/alpha", "/posts/ten-terminal-habits") for entry in HAND_MADE_LOG]
    (work / "access.log.1.gz").write_bytes(gzip.compress("".join(log[:4]).encode()))
    (work / "access.log").write_text("".join(log[4:]))
    (work / "poll.json").write_text('{"question": "Which shell?", "options": ["bash", "zsh"]}')
    (work / "readers.csv").write_text("email,name\nreader@example.com,Reader\nold-reader@example.com,\n")
    (work / "keywords.csv").write_text("Keyword,Volume,KD,CPC,Intent\nterminal habits,1200,35,0.8,informational\n")
    (work / "gsc-performance.csv").write_text(
        "Query,Page,Clicks,Impressions,CTR,Position\n"
        "terminal habits,https://blog.example.com/posts/ten-terminal-habits/,12,340,3.53%,4.2\n"
    )
    (work / "top-pages.csv").write_text(
        "URL,Current traffic,Current top keyword,Current top keyword: Position\n"
        "https://rival.dev/blog/shell-tips/,12400,shell tips,2\n"
    )
    (work / "affiliate-november.csv").write_text(
        "Tracking Id,Post,Clicks,Items Shipped,Earnings\nada-20,ten-terminal-habits,120,6,18.40\n"
    )
    shutil.copytree(EXAMPLES_FOLDER, work / "my-site" / "content")
    # The help quickstart published, by another path: importing it again updates its pages in place
    # (a copy would be another folder, whose import is refused for asking for those pages' slugs).
    (work / "help").symlink_to(bundled_dir("_examples/docs", "examples/docs") or "missing", target_is_directory=True)
    shutil.copy(EXAMPLES_FOLDER.parents[2] / "chatbot" / "intents.yaml", work / "intents.yaml")
    (work / "held-out.csv").write_text("text,intent\nwhen will my post go out,schedule_post\nplay some music,oos\n")
    nano = fake_bin / "nano"  # an "editor" that adds a line, so each edit makes a revision
    nano.write_text('#!/bin/sh\nfor last; do :; done\necho "One more habit." >> "$last"\n')
    nano.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{fake_bin}:{Path(sys.executable).parent}:{os.environ['PATH']}",
        "HOME": str(work),
        "BLOGSTER_DATABASE_URL": db.conninfo,
        "BLOGSTER_PASSWORD": PASSWORD,
        "BLOGSTER_AI_BASE_URL": ai_server.base_url,
        "BLOGSTER_AI_MODEL": MODEL,
    }
    # Each `blogster` is its own process, forked from one that has imported the package.
    with forking_blogster(fake_bin, env):
        for command, _ in PLAN:
            result = subprocess.run(
                command, shell=True, executable="/bin/bash", cwd=work, env=env,
                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
            assert result.returncode == 0, f"{command}\n{result.stderr}"
