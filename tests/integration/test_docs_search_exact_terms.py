"""search_documentation: words as written rank above their stems; terms with signs (C++, C#, .NET) are read as written."""

from __future__ import annotations

import pytest
from psycopg.types.json import Jsonb

from tests.integration.test_docs_search import search, slugs

CORPUS = {
    # slug: (title, markdown)
    "guide/setup": (
        "Setup guide",
        "# Setup guide\n\nIn these examples the account is Grace's: `blogster signup grace@example.com`.\n\n"
        "## Grace's first post\n\nGrace writes a post; a worker sends it to Grace's readers. Stop here, Grace:"
        " you are set up.\n\n## Grace's readers\n\nGrace's readers get her posts by mail.\n",
    ),
    "guide/workers": (
        "Background jobs",
        "# Background jobs\n\nJobs run in a separate process, so that sending mail, building the site and"
        " publishing on a schedule never hold up the studio. Each job is taken from the queue in order and"
        " retried with a back-off when it fails; a job that keeps failing is set aside with its error.\n\n"
        "## Shutting down\n\nTo stop a worker gracefully, send it SIGTERM: it finishes the job it holds,"
        " then exits. A second SIGTERM ends it at once; the job it held runs again later.\n",
    ),
    "cli/worker": ("blogster worker", "# blogster worker\n\nStarts a worker. Stop it with `blogster worker stop`.\n"),
    "guide/queue": (
        "The job queue",
        "# The job queue\n\nA worker takes the oldest job first. Stop the queue to pause.\n",
    ),
    "guide/keys": ("Keyboard shortcuts", "# Keyboard shortcuts\n\nPress Ctrl-C to quit. Ctrl-S saves the post.\n"),
    "lang/cpp": ("Extensions", "# Extensions\n\nWrite an extension in C++ and load it at startup.\n"),
    "lang/csharp": (
        "Calling the API",
        "# Calling the API\n\nThe C# client wraps the HTTP API for .NET applications.\n",
    ),
    "lang/fsharp": ("Scripts", "# Scripts\n\nF# scripts can load the client too.\n"),
    "lang/node": ("JavaScript client", "# JavaScript client\n\nThe node.js client runs on Node 20.\n"),
    "billing/totals": ("Totals", "# Totals\n\nThe net total is shown after fees, per C section of the invoice.\n"),
}


@pytest.fixture
def corpus(superuser):
    for slug, (title, markdown) in CORPUS.items():
        superuser.execute(
            "insert into documentation_pages (title, slug, content, tags, status) values (%s, %s, %s, '{}', 'published')",
            (title, slug, Jsonb({"version": 1, "markdown": markdown, "source": {"path": slug + ".md"}})),
        )


def test_a_word_as_written_ranks_above_another_word_of_the_same_stem(db, make_user, corpus):
    rows = search(db, make_user(), "stop a worker gracefully")
    assert slugs(rows)[:2] == ["guide/workers", "guide/setup"], rows


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("C++", {"lang/cpp"}),
        ("c++ extension", {"lang/cpp"}),
        ("C#", {"lang/csharp"}),
        ("F#", {"lang/fsharp"}),
        (".NET", {"lang/csharp"}),
        ("node.js", {"lang/node"}),
        ("C++ or C#", {"lang/cpp", "lang/csharp"}),
    ],
)
def test_terms_with_signs_match_only_pages_holding_them_as_written(db, make_user, corpus, query, expected):
    assert set(slugs(search(db, make_user(), query))) == expected


def test_plain_letters_still_find_every_page_holding_them(db, make_user, corpus):
    assert "billing/totals" in slugs(search(db, make_user(), "net"))
    assert "guide/keys" in slugs(search(db, make_user(), "ctrl-c"))
