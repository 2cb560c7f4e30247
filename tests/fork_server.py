"""Code run as `python -c CODE ARGS...` would run it, in a process of its own, without starting an
interpreter and loading the same modules again for each.

`ForkServer` is one child process that loads the modules it is given once and then forks a copy of
itself per `run`: each run starts from that same state, and whatever it imports, defines, uses up
or limits (resource limits, memory) goes with its own process. A fresh `python -c` spent ~0.6 s of
CPU loading SQLAlchemy, SQLModel, pydantic and psycopg before a model-module probe looked at
anything (tests/unit/test_command_model_modules.py), and ~0.05-0.3 s starting and loading the
module a bounded child times (tests/bounded_child.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

from tests.terminal import readable

_SERVER = """
import contextlib, io, json, os, sys, traceback
third_party_only, *preload = sys.argv[1:]
for name in preload:
    __import__(name)
ours = sorted(m for m in sys.modules if m.split(".")[0] == "blogster_cli")
if third_party_only == "1" and ours:
    raise SystemExit(f"the preloaded modules brought {ours}")
for line in sys.stdin:
    source, args = json.loads(line)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        sys.argv = ["-c", *args]
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(source, "<string>", "exec"), {"__name__": "__main__"})
            result = [0, out.getvalue(), ""]
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            result = [code, out.getvalue(), "" if exc.code is None or isinstance(exc.code, int) else str(exc.code)]
        except BaseException:
            result = [1, out.getvalue(), traceback.format_exc()]
        with os.fdopen(write_end, "w") as pipe:
            pipe.write(json.dumps(result))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        written = pipe.read()
    _, status = os.waitpid(pid, 0)
    print(written or json.dumps([1, "", f"the process ended with status {status} (a limit reached?)"]), flush=True)
"""


class ForkServer:
    """`run(code, *args)`: `code` run as `python -c code *args` would run it (its exit status, what
    it printed, and the traceback that ended it), in a fork of a process that loaded `preload`.
    With `third_party_only`, the server refuses to start if those brought any `blogster_cli` module."""

    def __init__(self, preload: list[str], *, third_party_only: bool = False):
        self.errors = tempfile.TemporaryFile("w+")  # not a pipe: nothing reads it until the end
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SERVER, "1" if third_party_only else "0", *preload],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors, text=True,
        )  # fmt: skip

    def run(self, code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.write(json.dumps([code, list(args)]) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:  # the server has ended: its errors say why
            line = ""
        else:
            ready = readable(self.process.stdout.fileno(), timeout)
            line = self.process.stdout.readline() if ready else ""
        if not line:
            self.process.kill()
            self.process.wait()
            self.errors.seek(0)
            raise AssertionError(
                f"no answer from the fork server (exit {self.process.returncode}): {self.errors.read()[-2000:]}"
            )
        returncode, stdout, stderr = json.loads(line)
        return subprocess.CompletedProcess([code, *args], returncode, stdout, stderr)

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()
