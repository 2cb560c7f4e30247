"""`blogster` as a fresh process per command without paying Python's imports each time.

The help-example run starts some three hundred `blogster` processes through bash; each spent
most of its time importing the same modules (the ORM alone takes about a second). Here one
server process imports the package once, then forks a child per command. The `blogster` on
the test's PATH is a small client that hands the server its argv, environment, working folder
and its own stdin/stdout/stderr (the file descriptors themselves), and exits with the child's
status. So each command still runs in its own process, on the shell's pipes and files, with
its own environment and exit code; only the import is shared.

    python -m tests.cli.forking_blogster SOCKET   # serves until killed
"""

from __future__ import annotations

import atexit
import importlib
import io
import json
import os
import pkgutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The client, run by bash as `blogster` (python -S: no site-packages, only the standard library).
CLIENT = """\
import json, os, signal, socket, struct, sys
conn = socket.socket(socket.AF_UNIX)
conn.connect({socket_path!r})
request = json.dumps({{"argv": sys.argv[1:], "env": dict(os.environ), "cwd": os.getcwd()}}).encode()
socket.send_fds(conn, [struct.pack("!I", len(request)) + request], [0, 1, 2])
status = b""
while len(status) < 4 and (chunk := conn.recv(4 - len(status))):
    status += chunk
if len(status) < 4:
    sys.exit("blogster (forking test server): no exit status")
status = struct.unpack("!i", status)[0]
if os.WIFSIGNALED(status):
    signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
    os.kill(os.getpid(), os.WTERMSIG(status))
sys.exit(os.waitstatus_to_exitcode(status))
"""

# Not preloaded: front ends that start their own world (the TUI) and the package's __main__.
SKIPPED_MODULES = ("blogster_cli.__main__", "blogster_cli.tui")


@contextmanager
def forking_blogster(folder: Path, env: dict[str, str]) -> Iterator[Path]:
    """Starts the server with env and writes the `blogster` client into folder (put it first on PATH)."""
    with tempfile.TemporaryDirectory(prefix="blogster-fork-") as sockets:  # short: a socket path has a limit
        socket_path = Path(sockets) / "server"
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.cli.forking_blogster", str(socket_path)],
            cwd=Path(__file__).resolve().parents[2], env=env, start_new_session=True,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert server.stdout is not None
            if server.stdout.readline() != "ready\n":
                raise RuntimeError(f"the forking blogster server did not start (exit {server.wait()})")
            client = folder / "blogster"
            client.write_text(f"#!{sys.executable} -S\n" + CLIENT.format(socket_path=str(socket_path)))
            client.chmod(0o755)
            yield client
        finally:
            os.killpg(server.pid, signal.SIGKILL)  # the server and any command still running
            server.wait()
            server.stdout.close()


def _preload() -> None:
    import blogster_cli

    for module in pkgutil.walk_packages(blogster_cli.__path__, "blogster_cli."):
        if not module.name.startswith(SKIPPED_MODULES):
            importlib.import_module(module.name)


def _receive(conn: socket.socket) -> tuple[dict, list[int]]:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
    (length,) = struct.unpack("!I", data[:4])
    body = data[4:]
    while len(body) < length:
        chunk = conn.recv(length - len(body))
        if not chunk:
            raise EOFError("client went away")
        body += chunk
    return json.loads(body), fds


def _run_command(request: dict, fds: list[int]) -> None:
    """In the forked child: becomes the command's process, runs `blogster`, never returns."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    # Standard streams as a fresh interpreter would open them on these descriptors.
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(open(0, "rb", closefd=False), line_buffering=os.isatty(0))
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(open(1, "wb", closefd=False), line_buffering=os.isatty(1))
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(
        open(2, "wb", closefd=False), errors="backslashreplace", line_buffering=True
    )
    sys.argv = [str(Path(sys.executable).with_name("blogster")), *request["argv"]]
    code: int = 0
    try:
        from blogster_cli.cli.entry import main

        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    except BaseException:  # what an uncaught exception does at the top of a fresh interpreter
        import traceback

        traceback.print_exc()
        code = 1
    # What interpreter shutdown does before exiting: join threads, run atexit, flush.
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 120
    os._exit(code)


def _serve_one(conn: socket.socket) -> None:
    """In a forked handler: forks the command's process, waits for it, sends back its status."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    request, fds = _receive(conn)
    pid = os.fork()
    if pid == 0:
        conn.close()
        _run_command(request, fds)
    for fd in fds:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    conn.sendall(struct.pack("!i", status))


def serve(socket_path: str) -> None:
    _preload()
    if threading.active_count() != 1:  # forking a threaded process would copy held locks
        raise SystemExit(f"preloading started threads: {threading.enumerate()}")
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # handlers are reaped by the kernel
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(socket_path)
    listener.listen(16)
    print("ready", flush=True)
    while True:
        conn, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            try:
                _serve_one(conn)
            finally:
                os._exit(0)
        conn.close()


if __name__ == "__main__":
    serve(sys.argv[1])
