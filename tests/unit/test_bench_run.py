"""bench/run.py on Ctrl-C: the benchmark it runs gets the same SIGINT and is left to stop its
server and delete its scratch folder, instead of being killed a quarter of a second later."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

BENCHMARK = """
import os, pathlib, time
pathlib.Path(os.environ["BENCH_READY"]).touch()
try:
    time.sleep(60)
except KeyboardInterrupt:
    time.sleep(1)  # about what stopping an embedded server takes
    pathlib.Path(os.environ["BENCH_CLEANED"]).touch()
    raise
"""

# Ctrl-C as a terminal's foreground job gets it: a run started in the background of a script (as
# .ci/run starts a pass) inherits SIGINT ignored, and Python then leaves it ignored.
DRIVER = """
import os, signal, sys
from pathlib import Path
signal.signal(signal.SIGINT, signal.default_int_handler)
from bench.run import run_benchmark
run_benchmark(Path(sys.argv[1]), dict(os.environ))
"""


def test_ctrl_c_lets_the_running_benchmark_clean_up(tmp_path):
    script = tmp_path / "bench_fake.py"
    script.write_text(BENCHMARK)
    ready, cleaned = tmp_path / "ready", tmp_path / "cleaned"
    env = {**os.environ, "BENCH_READY": str(ready), "BENCH_CLEANED": str(cleaned)}
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(script)],
        cwd=REPO, env=env, start_new_session=True, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert time.monotonic() < deadline, "the fake benchmark never started"
            time.sleep(0.05)
        os.killpg(driver.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group
        assert driver.wait(timeout=30) != 0
    finally:
        if driver.poll() is None:
            os.killpg(driver.pid, signal.SIGKILL)
            driver.wait()
    assert cleaned.exists()
