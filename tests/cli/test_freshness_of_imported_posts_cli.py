"""`analytics freshness` of posts imported from a folder: a Jekyll post of 2015 scored as updated the
day it was imported (0 days since its last update, 80 points, low priority), as did every post of a
blog brought in, since the import's own change of the row counted as an update. A post's last update
is now the last change of its text after it came in (an edit, a re-import of a changed file), else
its publication."""

from __future__ import annotations

from datetime import UTC, date, datetime

POST = """---
title: OpenFEC API
date: 2015-07-08
---

The FEC's data, as an API.
"""


def _freshness(cli) -> dict[str, dict]:
    result = cli("analytics", "freshness", "--json")
    assert result.exit_code == 0, result.stderr
    return {row["slug"]: row for row in result.json()}


def test_an_imported_post_is_as_fresh_as_its_date_until_its_text_changes(cli, signed_up, tmp_path):
    folder = tmp_path / "_posts"
    folder.mkdir()
    (folder / "2015-07-08-openfec-api.md").write_text(POST, encoding="utf-8")
    assert cli("import", str(folder)).exit_code == 0
    post = _freshness(cli)["openfec-api"]
    age = (datetime.now(UTC).date() - date(2015, 7, 8)).days
    assert post["days_since_update"] in (age - 1, age)
    assert post["update_priority"] != "low"
    assert post["recommended_updates"][0].startswith(f"not updated for {post['days_since_update']} days")
    # A tag is no update of the text ...
    assert cli("posts", "tag", "add", "openfec-api", "api").exit_code == 0
    assert _freshness(cli)["openfec-api"]["days_since_update"] == post["days_since_update"]
    # ... the file changed and imported again is.
    (folder / "2015-07-08-openfec-api.md").write_text(POST + "\nNow with bulk downloads.\n", encoding="utf-8")
    assert cli("import", str(folder), "--on-conflict", "overwrite").exit_code == 0  # over the tag added here
    assert _freshness(cli)["openfec-api"]["days_since_update"] == 0
