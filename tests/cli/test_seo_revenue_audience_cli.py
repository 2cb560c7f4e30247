"""The CSV imports and reports of issue 13 from the command line: --json, re-imports, one-line errors, --png."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.integration.test_analytics_ingest import HAND_MADE_LOG, write
from tests.integration.test_competitors_and_revenue import AFFILIATE_REPORT, AHREFS_TOP_PAGES
from tests.integration.test_seo_positions import GSC_DAY1


@pytest.fixture
def posts(cli, signed_up):
    for title in ("Alpha", "Beta"):
        assert cli("posts", "new", title, "--slug", title.lower()).exit_code == 0
    # The exports' pages are on ada.dev: Ada's site is there.
    assert cli("site", "settings", "set", "custom-domain", "ada.dev").exit_code == 0


def one_line_error(result, code: int) -> None:
    assert result.exit_code == code, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_seo_positions_import_twice_list_and_errors(cli, posts, tmp_path):
    export = write(tmp_path / "gsc.csv", [GSC_DAY1])
    first = cli("seo", "import-positions", str(export), "--date", "2026-11-28", "--json")
    assert first.exit_code == 0, first.stderr
    assert (first.json()["inserted"], first.json()["check_date"], len(first.json()["rejected"])) == (3, "2026-11-28", 2)
    text = cli("seo", "import-positions", str(export), "--date", "2026-11-28")
    assert "0 positions added, 3 updated" in text.stderr and "gsc.csv:6: https://ada.dev/about/" in text.stderr
    listed = cli("seo", "positions", "--blog", "alpha", "--json").json()
    assert [(row["keyword"], row["rank_position"], row["clicks"]) for row in listed] == [
        ("terminal habits", 4, 12),
        ("shell aliases", 10, 4),
    ]
    assert "terminal habits" in cli("seo", "positions").stdout
    one_line_error(cli("seo", "import-positions", str(write(tmp_path / "q.csv", ["Top queries,Clicks\nx,1\n"]))), 2)
    one_line_error(cli("seo", "import-positions", str(export), "--date", "yesterday"), 2)
    one_line_error(cli("seo", "positions", "--blog", "no-such-post"), 3)
    binary = tmp_path / "export.xlsx"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    one_line_error(cli("seo", "import-positions", str(binary)), 2)


def test_competitors_import_twice_and_list(cli, signed_up, tmp_path):
    pages = write(tmp_path / "top-pages.csv", [AHREFS_TOP_PAGES])
    assert cli("competitors", "import", str(pages), "--json").json()["inserted"] == 2
    again = cli("competitors", "import", str(pages))
    assert again.exit_code == 0 and "0 pages added, 2 updated, 1 line skipped." in again.stderr
    listed = cli("competitors", "list", "--domain", "rival.dev", "--json").json()
    assert [page["estimated_traffic"] for page in listed] == [12400, 880]
    assert "50 Shell Tips" in cli("competitors", "list").stdout
    one_line_error(cli("competitors", "import", str(write(tmp_path / "x.csv", ["Title\nx\n"]))), 2)


def test_revenue_import_twice_and_report(cli, posts, tmp_path):
    report = write(tmp_path / "nov.csv", [AFFILIATE_REPORT])
    args = ("revenue", "import", str(report), "--type", "affiliate", "--provider", "amazon")
    first = cli(*args, "--json")
    assert first.exit_code == 0, first.stderr
    assert (first.json()["inserted"], first.json()["revenue"]) == (2, 20.5)
    assert "0 rows added, 2 updated" in cli(*args).stderr
    result = cli("revenue", "report", "--json").json()
    assert result["total_revenue"] == 20.5
    assert [(row["post"], row["revenue"]) for row in result["by_post"]] == [("alpha", 18.4), ("beta", 2.1)]
    assert [(row["type"], row["revenue"]) for row in result["by_type"]] == [("affiliate", 20.5)]
    text = cli("revenue", "report").stdout
    assert "alpha\t18.40\t" in text and "affiliate\t20.50\t" in text and "total revenue: 20.50" in text
    one_line_error(cli("revenue", "import", str(report), "--type", "lottery"), 2)
    one_line_error(cli("revenue", "import", str(report)), 2)  # no Type column and no --type


def test_revenue_rows_dated_impossibly_are_skipped_by_line_and_value(cli, posts, tmp_path, superuser):
    """2026-02-30 and 99999-01-01 were stored as the rows' period (red team, Low); like any other
    unreadable line they are skipped and named, and the file's other rows are imported."""
    report = write(tmp_path / "feb.csv", ["Reference,Post,Earnings,Date\nr1,alpha,1.50,2026-02-28\n"
                                          "r2,alpha,2.00,2026-02-30\nr3,beta,3.00,99999-01-01\n"])  # fmt: skip
    result = cli("revenue", "import", str(report), "--type", "affiliate", "--provider", "amazon")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"skipped: {report}:3: '2026-02-30' is not a date (day is out of range for month)\n"
        f"skipped: {report}:4: '99999-01-01' is not a date (year 99999 is out of range)\n"
        "1 row added, 0 updated (1.50 in this file), 2 lines skipped.\n"
    )
    stored = superuser.execute("select reference_id, placement_data from public.content_monetization").fetchall()
    assert stored == [("r1", {"period": "2026-02-28"})]


def test_audience_segments_after_an_ingest(cli, posts, tmp_path):
    assert cli("analytics", "ingest", str(write(tmp_path / "access.log", HAND_MADE_LOG))).exit_code == 0
    result = cli("audience", "segments", "--days", "3660", "--json")
    assert result.exit_code == 0, result.stderr
    found = {segment["segment_name"]: segment["segment_size"] for segment in result.json()}
    assert (found["all readers"], found["search visitors"], found["social visitors"]) == (2, 1, 1)
    assert "returning readers" in cli("audience", "segments", "--days", "3660").stdout
    one_line_error(cli("audience", "segments", "--days", "0"), 2)


@pytest.mark.same_on_every_server  # the chart and its file are Python's: CI's second pass leaves it out
def test_report_png_writes_the_chart_and_only_png_loads_matplotlib(cli, posts, tmp_path):
    assert cli("analytics", "ingest", str(write(tmp_path / "access.log", HAND_MADE_LOG))).exit_code == 0
    image = tmp_path / "views.png"
    result = cli("analytics", "report", "--days", "90", "--png", str(image), "--json")
    assert result.exit_code == 0, result.stderr
    assert len(result.json()["days"]) == 90
    data = image.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (1000, 400)
    one_line_error(cli("analytics", "report", "--png", str(tmp_path / "no-such-dir" / "x.png")), 8)
    (tmp_path / "a-file").write_text("")
    under_a_file = cli("analytics", "report", "--png", str(tmp_path / "a-file" / "x.png"))
    one_line_error(under_a_file, 8)
    assert "not a directory" in under_a_file.stderr
    code = (
        "import sys; sys.argv = ['blogster', 'analytics', 'report', '--json']\n"
        "from blogster_cli.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('MATPLOTLIB=' + str('matplotlib' in sys.modules), file=sys.stderr)"
    )
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert plain.stdout.startswith("{") and plain.stderr.strip().splitlines()[-1] == "MATPLOTLIB=False"


@pytest.mark.same_on_every_server  # the chart and its file are Python's: CI's second pass leaves it out
def test_report_png_refuses_an_existing_file_unless_force(cli, posts, tmp_path):
    """As `calendar export --ics` and `db backup`: a file already there is kept, exit 5, unless --force."""
    image = tmp_path / "views.png"
    image.write_bytes(b"my own chart")
    refused = cli("analytics", "report", "--png", str(image), "--json")
    one_line_error(refused, 5)
    assert refused.stderr == f"error: {image} already exists; use --force to overwrite it\n" and not refused.stdout
    assert image.read_bytes() == b"my own chart"
    (tmp_path / "elsewhere").write_text("")
    (tmp_path / "link.png").symlink_to(tmp_path / "elsewhere")
    one_line_error(cli("analytics", "report", "--png", str(tmp_path / "link.png")), 5)
    one_line_error(cli("analytics", "report", "--png", str(tmp_path), "--force"), 2)
    forced = cli("analytics", "report", "--png", str(image), "--force", "--json")
    assert forced.exit_code == 0, forced.stderr
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and (tmp_path / "elsewhere").read_text() == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blogster-home", "elsewhere", "link.png", "views.png"]


@pytest.mark.same_on_every_server  # the chart and its file are Python's: CI's second pass leaves it out
def test_report_png_that_cannot_be_written_whole_leaves_the_old_file(cli, posts, tmp_path):
    """A write cut short (here by a file size limit, as a full disk would) leaves no half image: the file
    there before is untouched and no partial is left beside it."""
    assert cli("analytics", "ingest", str(write(tmp_path / "access.log", HAND_MADE_LOG))).exit_code == 0
    out = tmp_path / "charts"
    out.mkdir()
    image = out / "views.png"
    image.write_bytes(b"my own chart")
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"  # a write past the limit fails (EFBIG), not the process
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        f"sys.argv = ['blogster', 'analytics', 'report', '--png', {str(image)!r}, '--force']\n"
        "from blogster_cli.cli.app import main\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    cut = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert cut.returncode == 8, cut.stderr
    assert cut.stderr.startswith("error: ") and "Traceback" not in cut.stderr
    assert image.read_bytes() == b"my own chart" and [p.name for p in out.iterdir()] == ["views.png"]
