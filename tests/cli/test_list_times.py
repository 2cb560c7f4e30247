"""Lists show times in the configured timezone, labelled, in their table and CSV; --json keeps
the UTC ISO form scripts parse. Each list here used to print the UTC ISO string in its table."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

TOKYO = {"BLOGSTER_TIMEZONE": "Asia/Tokyo"}


def in_tokyo(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M JST")


def csv_column(cli, command: tuple[str, ...], column: str) -> list[str]:
    result = cli(*command, "--format", "csv", env=TOKYO)
    assert result.exit_code == 0, result.stderr
    return [row[column] for row in csv.DictReader(io.StringIO(result.stdout))]


def json_column(cli, command: tuple[str, ...], column: str) -> list[str]:
    return [row[column] for row in cli(*command, "--json").json()]


def test_lists_show_times_in_the_configured_timezone(cli, signed_up, superuser, tmp_path):
    window = ("admin", "maintenance", "schedule", "--title", "Upgrade", "--start", "2030-01-05 02:00")
    assert cli(*window, "--end", "2030-01-05 03:00", env=TOKYO).exit_code == 0
    assert cli("flags", "create", "new-editor").exit_code == 0
    (tmp_path / "help").mkdir()
    (tmp_path / "help" / "index.md").write_text("# Help\n")
    assert cli("docs", "import", str(tmp_path / "help")).exit_code == 0
    (tmp_path / "readers.csv").write_text("email,name\nreader@example.com,Reader\n")
    assert cli("newsletter", "subscribers", "import", str(tmp_path / "readers.csv")).exit_code == 0
    assert cli("posts", "new", "Letter", "--status", "published", input="Words.\n").exit_code == 0
    assert cli("newsletter", "create", "--subject", "News", "--blogs", "letter").exit_code == 0
    lists = {
        ("admin", "maintenance", "list"): ["start_time", "end_time"],
        ("flags", "log"): ["created_at"],
        ("notifications", "list"): ["created_at"],  # the maintenance window's notification
        ("docs", "revisions", "index"): ["created_at"],
        ("newsletter", "subscribers", "list"): ["created_at"],
        ("newsletter", "list"): ["created_at"],
    }
    for command, columns in lists.items():
        for column in columns:
            stored = json_column(cli, command, column)
            assert stored and all(value.endswith("+00:00") for value in stored), (command, stored)
            assert csv_column(cli, command, column) == [in_tokyo(value) for value in stored], command
    # Windows are typed in the admin's timezone (as every time), and listed in the reader's.
    assert csv_column(cli, ("admin", "maintenance", "list"), "start_time") == ["2030-01-05 02:00 JST"]

    superuser.execute("insert into public.ai_generation_logs (user_id, model) select id, 'm' from auth.users")
    [logged] = superuser.execute("select created_at from public.ai_generation_logs").fetchone()
    table = cli("credits", env=TOKYO).stdout.splitlines()
    header = table.index("created_at\tkind\tmodel\tsuccess\ttokens_used\testimated_cost_usd")
    assert table[header + 1].split("\t")[0] == in_tokyo(logged.isoformat())
