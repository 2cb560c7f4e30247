"""`analytics dashboard` on a terminal words its figures as `analytics report` does: it showed the
JSON keys (`unique_visitors`, `avg_time_on_page`) and rates as fractions (`0.89`) beside a report
saying "bounce rate 89%". Piped, the figures stay the names and fractions a script reads."""

from __future__ import annotations

import sys

AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"


def test_the_terminal_table_words_its_figures_and_the_pipe_keeps_them(cli, signed_up, tmp_path, monkeypatch):
    from datetime import UTC, datetime, timedelta

    assert cli("posts", "new", "First", "--slug", "first").exit_code == 0
    assert cli("posts", "new", "Second", "--slug", "second").exit_code == 0
    day = (datetime.now(UTC) - timedelta(days=1)).strftime("%d/%b/%Y")
    log = tmp_path / "access.log"
    log.write_text(
        "".join(
            f'192.0.2.{ip} - - [{day}:10:{minute:02d}:00 +0000] "GET /p/{slug} HTTP/1.1" 200 10 "-" "{AGENT}"\n'
            for ip, minute, slug in ((1, 0, "first"), (1, 2, "second"), (2, 1, "first"))
        ),
        encoding="utf-8",
    )
    assert cli("analytics", "ingest", str(log), "--map", "/p/{slug}").exit_code == 0
    piped = cli("analytics", "dashboard").stdout
    assert "\nbounce_rate\t0.5\t\t\n" in piped and "\navg_time_on_page\t120.0\t\t\n" in piped
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "50")
    shown = cli("analytics", "dashboard")
    assert shown.exit_code == 0, shown.stderr
    rows = {
        cells[0]: cells[1:]
        for line in shown.stdout.splitlines()
        if line.startswith("│") and (cells := [cell.strip() for cell in line.strip("│").split("│")])
    }
    assert rows["views"] == ["3", "0", "+3"]
    assert rows["unique visitors"] == ["2", "0", "+2"]
    assert rows["bounce rate"] == ["50%", "-", "-"]
    assert rows["avg time on page"] == ["120 s", "-", "-"]
    assert rows["engagement rate"] == ["50%", "-", "-"]
