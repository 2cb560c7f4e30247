"""`analytics report`'s top posts on an 80-column terminal: a slug over 22 characters (most of a
real blog's) left the visitors, bounce rate and time on page out, and one of 76 or more left even
the views out, a list of slugs without a figure. The figures are what the report is for: they stay,
under short headers, and a long slug is folded onto more lines, every character of it there."""

from __future__ import annotations

import sys

LONG = "usa-gov-launches-vote-usa-gov-to-help-citizens-register-and-connect-with-states"
SHORT = "openfec-api"
AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"


def _line(ip: str, minute: int, slug: str) -> str:
    return f'{ip} - - [01/Dec/2026:10:{minute:02d}:00 +0000] "GET /p/{slug} HTTP/1.1" 200 10 "-" "{AGENT}"\n'


def test_the_figures_stay_and_a_long_slug_folds(cli, signed_up, tmp_path, monkeypatch):
    for slug in (LONG, SHORT):
        assert cli("posts", "new", slug, "--slug", slug).exit_code == 0
    log = tmp_path / "access.log"
    log.write_text(
        _line("192.0.2.1", 0, LONG) + _line("192.0.2.1", 5, SHORT) + _line("192.0.2.2", 1, LONG), encoding="utf-8"
    )
    assert cli("analytics", "ingest", str(log), "--map", "/p/{slug}").exit_code == 0
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "50")
    shown = cli("analytics", "report", "--from", "2026-12-01", "--to", "2026-12-01")
    assert shown.exit_code == 0, shown.stderr
    assert "left out" not in shown.stderr, shown.stderr
    table = shown.stdout[shown.stdout.index("Top posts") :]
    table = table[: table.index("Top referrers") if "Top referrers" in table else len(table)]
    for header in ("views", "visitors", "bounce", "avg time"):
        assert header in table, table
    rows = [line for line in table.splitlines() if line.startswith("│")]
    assert max(len(line) for line in rows) <= 80
    cells = [[cell.strip() for cell in line.strip("│").split("│")] for line in rows]
    assert "".join(row[0] for row in cells[: next(i for i, row in enumerate(cells) if row[0] == SHORT)]) == LONG
    assert cells[0][1:] == ["2", "2", "50%", "300 s"]  # views, visitors, bounce, time on page
    # No visit landed on it (no bounce rate), and its view was its visit's last (no time on page).
    assert next(row for row in cells if row[0] == SHORT)[1:] == ["1", "1", "-", "-"]
