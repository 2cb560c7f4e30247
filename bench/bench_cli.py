"""Start-up cost of the CLI against the floor of what each command must do.

- `blogster --help` vs `python -c 'import typer'` (goal: ratio <= 1.25)
- a warm `blogster auth whoami` (server running, logged in) vs importing typer,
  psycopg and keyring, loading the keyring backend and running one query
  (goal: ratio <= 1.15, issue 10)
Each figure is the median of N runs, all measured in this run on a throwaway
embedded server. A command and its floor are run in turns (floor, command, command,
floor, ...), so a change in the machine's load during the run weighs on both alike
instead of on whichever was measured second; the load average is printed beside them.
The package's bytecode is compiled first, as installing it does (pip compiles a wheel's
modules): with PYTHONDONTWRITEBYTECODE set, every run would otherwise compile each
blogster module from source, while the floor's libraries load their cached bytecode.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scaling import bench_scale

# A reduced-scale run (BLOGSTER_BENCH_SCALE < 1) repeats each command fewer times; below 0.1 (CI's,
# which checks that each command runs, not the ratios) once.
RUNS = int(os.environ.get("BENCH_RUNS", "21" if bench_scale() >= 1 else "5" if bench_scale() >= 0.1 else "1"))
SCRIPT = str(Path(sys.executable).with_name("blogster"))


def _run_ms(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - started) * 1000


def paired_median_ms(floor: list[str], command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(floor, command) medians over RUNS turns each, run interleaved and in alternating order."""
    floors, commands = [], []
    for turn in range(RUNS):
        if turn % 2:
            commands.append(_run_ms(command, env))
            floors.append(_run_ms(floor, env))
        else:
            floors.append(_run_ms(floor, env))
            commands.append(_run_ms(command, env))
    return statistics.median(floors), statistics.median(commands)


def main() -> None:
    import compileall

    from prepared import embedded_server

    import blogster_cli

    compileall.compile_dir(Path(blogster_cli.__file__).parent, quiet=1)
    home = Path(tempfile.mkdtemp(prefix="blogster-bench-"))
    env = {**os.environ, "BLOGSTER_HOME": str(home)}
    env.pop("BLOGSTER_DATABASE_URL", None)
    server = embedded_server(home)
    try:
        subprocess.run(
            [SCRIPT, "quickstart", "--email", "bench@example.com", "--password-stdin"],
            input="bench-password\n", text=True, env=env, check=True, capture_output=True,
        )  # fmt: skip
        print(f"load_average: {os.getloadavg()[0]:.2f}")
        typer_floor, help_ms = paired_median_ms([sys.executable, "-c", "import typer"], [SCRIPT, "--help"], env)
        print(f"import_typer: {typer_floor:.1f} ms")
        print(f"help: {help_ms:.1f} ms")
        print(f"help_ratio: {help_ms / typer_floor:.2f} x (goal <= 1.25)")

        floor_code = (
            "import typer, psycopg, keyring; keyring.get_keyring(); "
            f"psycopg.connect({server.conninfo()!r}).execute('select 1').fetchone()"
        )
        whoami_floor, whoami_ms = paired_median_ms([sys.executable, "-c", floor_code], [SCRIPT, "auth", "whoami"], env)
        print(f"whoami_floor: {whoami_floor:.1f} ms")
        print(f"whoami_warm: {whoami_ms:.1f} ms")
        print(f"whoami_ratio: {whoami_ms / whoami_floor:.2f} x (goal <= 1.15)")
        print(f"load_average_after: {os.getloadavg()[0]:.2f}")
    finally:
        server.destroy()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
