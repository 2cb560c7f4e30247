"""Ten `blogster` processes at once, five per account, each creating, editing, tagging, publishing
and listing: every command succeeds or fails with a documented conflict (exit 5), no
successful edit is lost, and no row of one account reaches the other (issue #20, faults).

Each command is a process of its own, forked from one that has imported the package
(tests/cli/forking_blogster.py): the 42 fresh interpreters spent ~45 s of CPU importing it."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import psycopg

from blogster_cli.cli.exit_codes import CONFLICT, SUCCESS
from tests.cli.forking_blogster import forking_blogster
from tests.conftest import REPO_ROOT, signed_up_in

PASSWORD = "concurrent-password"
WORKERS_PER_ACCOUNT = 5


def blogster(client: Path, home: Path, profile: str, db_url: str, *args: str, input: str | None = None):
    env = {
        **os.environ,
        "BLOGSTER_HOME": str(home),
        "BLOGSTER_PROFILE": profile,
        "BLOGSTER_DATABASE_URL": db_url,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PYTHONPATH": str(REPO_ROOT),
    }
    return subprocess.run(
        [client, *args], input=input, capture_output=True, text=True, env=env,
        cwd=REPO_ROOT, timeout=300,
    )  # fmt: skip


ACCOUNTS = {"ann": "ann@example.com", "bob": "bob@example.com"}


def _ten_processes(client: Path, home: Path, conninfo: str) -> dict[tuple[str, int], list[tuple[str, int, str]]]:
    """Both accounts signed up with a post each at the same slug, then five processes' work per account at once:
    each step's (name, exit code, output) by (profile, n)."""
    for profile, email in ACCOUNTS.items():
        signed_up_in(home, conninfo, email, PASSWORD, profile)
        # Both accounts own a post with the same slug: each process's `shared` must be its own account's.
        made = blogster(client, home, profile, conninfo, "blogs", "new", f"Shared by {profile}", "--slug", "shared")
        assert made.returncode == 0, made.stderr

    outcomes: dict[tuple[str, int], list[tuple[str, int, str]]] = {}
    lock = threading.Lock()

    def work(profile: str, n: int) -> None:
        steps = [
            ("new", ("blogs", "new", f"{profile} draft {n}", "--slug", f"post-{n}", "--tag", f"own-{n}")),
            ("tag", ("posts", "tag", "add", "shared", f"t{n}")),  # the same tag names from both accounts at once
            ("edit", ("blogs", "edit", f"post-{n}", "--title", f"{profile} edited {n}", "--status", "published")),
            ("list", ("blogs", "list", "--json")),
        ]
        done = []
        for name, args in steps:
            body = "Words.\n" if name == "new" else None  # published by `edit` below: it needs content
            result = blogster(client, home, profile, conninfo, *args, input=body)
            done.append((name, result.returncode, result.stdout if name == "list" else result.stderr))
        with lock:
            outcomes[(profile, n)] = done

    threads = [
        threading.Thread(target=work, args=(profile, n)) for n in range(WORKERS_PER_ACCOUNT) for profile in ACCOUNTS
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_ten_processes_two_accounts_mixed_work(db, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    client_folder = tmp_path / "bin"
    client_folder.mkdir()
    accounts = ACCOUNTS
    with forking_blogster(client_folder, {**os.environ, "PYTHONPATH": str(REPO_ROOT)}) as client:
        outcomes = _ten_processes(client, home, db.conninfo)
    assert len(outcomes) == 10

    with psycopg.connect(db.conninfo) as conn:
        ids = dict(conn.execute("select email, id from auth.users").fetchall())
        for profile, email in accounts.items():
            mine = ids[email]
            other = next(ids[e] for p, e in accounts.items() if p != profile)
            tagged = set()
            for n in range(WORKERS_PER_ACCOUNT):
                steps = {name: (code, text) for name, code, text in outcomes[(profile, n)]}
                for name, (code, text) in steps.items():
                    assert code in (SUCCESS, CONFLICT), (profile, n, name, text)
                    assert "Traceback" not in text
                    if code == CONFLICT:
                        assert len(text.strip().splitlines()) == 1, text
                assert steps["new"][0] == SUCCESS and steps["edit"][0] == SUCCESS, steps
                if steps["tag"][0] == SUCCESS:
                    tagged.add(f"t{n}")
                listed = json.loads(steps["list"][1])
                assert all(row["title"].startswith((profile, f"Shared by {profile}")) for row in listed), listed
            # Every successful edit is there: titles, statuses, tags.
            posts = dict(
                conn.execute(
                    "select slug, (title, status) from blogs where author_id = %s and deleted_at is null", (mine,)
                ).fetchall()
            )
            assert posts == {
                "shared": (f"Shared by {profile}", "draft"),
                **{f"post-{n}": (f"{profile} edited {n}", "published") for n in range(WORKERS_PER_ACCOUNT)},
            }
            shared_tags = {
                name
                for (name,) in conn.execute(
                    "select t.name from blogs_to_tags l join blog_tags t on t.id = l.tag_id"
                    " join blogs b on b.id = l.blog_id where b.author_id = %s and b.slug = 'shared'",
                    (mine,),
                )
            }
            assert shared_tags == tagged and len(tagged) >= 1
            # Nothing of this account's work landed on the other's rows.
            assert not conn.execute(
                "select 1 from blogs where author_id = %s and title like %s", (other, f"{profile}%")
            ).fetchone()
            assert not conn.execute(
                "select 1 from activities a join blogs b on b.id = a.blog_id where a.user_id = %s and b.author_id = %s",
                (mine, other),
            ).fetchone()
