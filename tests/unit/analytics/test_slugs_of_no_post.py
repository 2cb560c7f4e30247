"""New-user walk 12 H1: a path that fits the permalink pattern but names a slug that is none of my posts (another
blog's log, ingested before its posts were imported) was no unmatched path, so the log was counted, its views on
no post, and never read again. Such a slug is a view on no post everywhere: in no post's views, in the sample."""

from __future__ import annotations

from blogster_cli.analytics.aggregate import pack_views, process_lines, store_blocks
from blogster_cli.analytics.logformat import LogFormat
from blogster_cli.analytics.paths import PathMatcher

AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
MATCHER = PathMatcher.build(["/posts/{slug}/"], {})
POST_IDS = {"mine": "00000000-0000-0000-0000-000000000001"}


def request(path: str, second: int) -> str:
    return f'10.0.0.1 - - [01/Dec/2026:10:00:{second:02d} +0000] "GET {path} HTTP/1.1" 200 512 "-" "{AGENT}"'


LINES = [
    request("/posts/mine/", 0), request("/posts/theirs/", 1), request("/posts/theirs/?ref=feed", 2),
    request("/posts/other/", 3), request("/", 4),
]  # fmt: skip


def test_a_slug_that_is_none_of_my_posts_is_a_view_on_no_post():
    result = process_lines(LINES, LogFormat.COMBINED, MATCHER, frozenset(), posts=POST_IDS)
    assert [view[2] for view in result.page_views] == ["mine", None, None, None, None]
    assert result.unmatched_sample == ["/posts/theirs/", "/posts/other/"]
    anyone = process_lines(LINES, LogFormat.COMBINED, MATCHER, frozenset())  # no posts given: any slug is one
    assert ([view[2] for view in anyone.page_views], anyone.unmatched_sample) == (
        ["mine", "theirs", "theirs", "other", None], [],
    )  # fmt: skip
    assert pack_views(result.page_views, POST_IDS).matched == pack_views(anyone.page_views, POST_IDS).matched == 1


def test_the_ingest_workers_sample_the_paths_of_slugs_that_are_none_of_my_posts():
    data = "".join(f"{line}\n" for line in LINES[1:]).encode()
    [result] = store_blocks([(data, LogFormat.COMBINED, MATCHER, frozenset(), POST_IDS, None)])
    assert (result.stored[0].views, result.stored[0].matched) == (4, 0)
    assert result.unmatched_sample == ["/posts/theirs/", "/posts/other/"]  # what refuses such a log
