"""Code timed in a child process with limits on its CPU time and memory: a hostile input that
makes it quadratic again fails the test in seconds instead of taking the machine down for hours.
CPU time on the timing thread, not wall time: CI runners are slower and shared. Memory is the
child's own high-water mark (VmHWM): Linux's ru_maxrss keeps the forking parent's, and a pytest
process that ran the whole suite holds 2 GB. A test file timing many inputs passes a `ForkServer`
that loaded the modules they read: each child is then a fork of it, with the same limits, instead
of an interpreter started and the same modules loaded again per input."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.fork_server import ForkServer

_CHILD = """
import json, resource, sys, time
case = json.loads(sys.argv[1])
cpu = {cpu}
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))  # a quadratic read is stopped, not left to run
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
{setup}
began = time.thread_time()
{timed}
seconds = time.thread_time() - began
try:
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):  # not Linux: the usage figure (this process's own on macOS, in bytes)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (1024 if sys.platform == "darwin" else 1)
print(json.dumps({{"seconds": seconds, "rss_mb": peak_kb // 1024}}))
"""


def measured(setup: str, timed: str, case: object, *, cpu: int, server: ForkServer | None = None) -> dict[str, float]:
    """Runs `setup` then `timed` (top-level code that reads the JSON value `case` as `case`) in a
    child limited to `cpu` CPU seconds and 2 GiB: the timed part's thread CPU seconds and the
    child's peak memory in MB (a fork's counts the server's pages it shares, as a fresh child
    counted the modules it loaded). Fails when the child does not finish (a limit reached)."""
    child = _CHILD.format(cpu=cpu, setup=textwrap.dedent(setup), timed=textwrap.dedent(timed))
    if server is not None:
        done = server.run(child, json.dumps(case), timeout=600)
    else:
        done = subprocess.run(
            [sys.executable, "-c", child, json.dumps(case)], capture_output=True, text=True, timeout=600
        )
    assert done.returncode == 0, f"exit {done.returncode} (CPU or memory limit?) {done.stderr[-500:]}"
    return json.loads(done.stdout)
