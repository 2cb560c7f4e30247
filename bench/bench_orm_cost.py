"""What SQLModel would cost the commands whose repositories keep hand-written psycopg SQL.

For each command: the median wall time of the command as it is, and of the same command in a
process that first imports `blogster_cli.db.orm` and `blogster_cli.models.content` (SQLAlchemy,
SQLModel and the row classes of the writing tables and the accounts they name),
which is what converting its repository to SQLModel statements would add. Both are measured
in this run on a throwaway embedded server with one account, a tagged draft, a published post, one
persona and one image. Prints `name: value unit` lines: `<command>_ms`, `<command>_orm_ms` and
`<command>_orm_ratio` (how many times slower the command would start). BENCH_ONLY=a,b runs only
those commands. Each command runs RUNS times (9 at full scale, fewer on a reduced run); below
scale 0.1 only REDUCED_COMMANDS are measured unless BENCH_ONLY says otherwise.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scaling import bench_scale

# Runs of each command: 9; 3 below scale 1 (bench/run.py --scale); 1 below 0.1 (CI's reduced run),
# which also measures only REDUCED_COMMANDS (each ORM run is a fresh process importing SQLAlchemy:
# all 15 commands twice take over a minute on a loaded machine). BENCH_RUNS, BENCH_ONLY override.
SCALE = bench_scale()
RUNS = int(os.environ.get("BENCH_RUNS", "9" if SCALE >= 1 else "3" if SCALE >= 0.1 else "1"))
REDUCED_COMMANDS = ("whoami", "posts_list", "site_build", "export")
SCRIPT = str(Path(sys.executable).with_name("blogster"))
WITH_ORM = "import sys, blogster_cli.db.orm, blogster_cli.models.content; from blogster_cli.cli.app import main; sys.argv[0] = 'blogster'; main()"

COMMANDS = {
    "whoami": ["auth", "whoami"],
    "posts_list": ["posts", "list"],
    "tags_list": ["tags", "list"],
    "profile_update": ["profile", "update", "--full-name", "Bench Writer"],
    "personas_list": ["personas", "list"],
    "templates_list": ["templates", "list"],
    "images_list": ["images", "list"],
    "activity": ["activity"],
    "schedule_list": ["schedule", "list"],
    "admin_workers_list": ["admin", "workers", "list"],
    "site_settings_show": ["site", "settings", "show"],
    "site_build": ["site", "build", "--out", "{home}/site"],
    "account_export": ["account", "export", "{home}/export"],
    "sync": ["sync", "{home}/folder"],
    "export": ["export", "{home}/hugo", "--format", "hugo", "--force"],
}


def median_ms(command: list[str], env: dict[str, str]) -> float:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def blogster(*args: str, stdin: str = "") -> None:
    """A set-up command, through the `blogster` script's entry point in this process, with the
    environment the timed commands get: the set-up is not measured, and the seven commands in
    processes of their own cost ~5 s of CPU."""
    from blogster_cli.cli import output, state
    from blogster_cli.cli.entry import main

    stderr = io.StringIO()
    argv, stdin_was = sys.argv, sys.stdin
    sys.argv, sys.stdin = ["blogster", *args], io.StringIO(stdin)
    state._context = None
    output.QUIET = False
    code = 0
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv, sys.stdin = argv, stdin_was
        if state._context is not None:
            state._context.database.close()
        state._context = None
    if code != 0:
        raise SystemExit(f"blogster {' '.join(args)}: {stderr.getvalue().strip()}")


def main() -> None:
    from prepared import embedded_server

    home = Path(tempfile.mkdtemp(prefix="blogster-bench-"))
    os.environ["BLOGSTER_HOME"] = str(home)  # the set-up's (in this process) and the timed commands'
    os.environ.pop("BLOGSTER_DATABASE_URL", None)
    env = dict(os.environ)

    server = embedded_server(home)
    try:
        blogster("quickstart", "--email", "bench@example.com", "--password-stdin", stdin="bench-password\n")
        blogster("posts", "new", "A post", "--tag", "python", "--tag", "bench")
        blogster("posts", "new", "--from", "-", stdin="---\ntitle: A published post\n---\nSome words worth reading.\n")
        blogster("publish", "a-published-post")
        blogster("personas", "create", "Readers", "--description", "People who read.")
        picture = home / "picture.png"
        picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
        blogster("images", "add", "a-post", str(picture))
        print(f"load: {os.getloadavg()[0]:.2f}")
        (home / "folder").mkdir()
        blogster("sync", str(home / "folder"))  # links the folder; the timed runs find no change
        only = os.environ.get("BENCH_ONLY", ",".join(REDUCED_COMMANDS) if SCALE < 0.1 else "").split(",")
        if only != [""]:
            print(f"commands: {', '.join(only)} (all {len(COMMANDS)} at scale 0.1 and above; BENCH_ONLY=a,b picks)")
        for name, args in COMMANDS.items():
            if only != [""] and name not in only:
                continue
            args = [a.format(home=home) for a in args]
            plain = median_ms([SCRIPT, *args], env)
            orm = median_ms([sys.executable, "-c", WITH_ORM, *args], env)
            print(f"{name}_ms: {plain:.0f} ms")
            print(f"{name}_orm_ms: {orm:.0f} ms")
            print(f"{name}_orm_ratio: {orm / plain:.2f} x")
        print(f"load: {os.getloadavg()[0]:.2f}")
    finally:
        server.destroy()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
