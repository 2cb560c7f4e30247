"""Runs every benchmark in bench/ (or those named) and prints their `name: value unit` lines.

Usage: python bench/run.py [--scale 0.01] [--claim-dir DIR] [cli] [rls] [import_export] ...

--scale (default BLOGSTER_BENCH_SCALE, else 1.0) sizes the data every benchmark works
on and is passed down to them as BLOGSTER_BENCH_SCALE: 1.0 is the issue's full size
(1,000,000 posts for the RLS benchmark, 10,000 posts to import), 0.01 a reduced run
cheap enough for CI, which also repeats each measurement fewer times.
--claim-dir lets several runs share one list: each benchmark is claimed by creating
DIR/bench_NAME before it runs (atomic), and one another run claimed is skipped. CI's two
lanes each start such a run as their test pass ends, so both end together.
Benchmarks measure; they do not pass or fail on their goals. Ratios against floors measured
in the same run make the figures comparable on noisy machines. The exit status is 1 when a
benchmark crashed (exited non-zero), which the last lines name; `run.wall_time` is the whole
run's, beside the machine's load average. The benchmarks' embedded servers start on copies of
one cluster the run migrates once (bench/prepared.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.prepared import PREPARED, PreparedCluster  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="benchmarks to run (bench_NAME.py); all by default")
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BLOGSTER_BENCH_SCALE", "1")))
    parser.add_argument("--claim-dir", type=Path, help="run only the benchmarks no other run has claimed here")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 100:
        parser.error("--scale must be above 0 and at most 100")
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.names:
        known = {s.stem.removeprefix("bench_") for s in scripts}
        if unknown := sorted(set(args.names) - known):
            parser.error(f"no benchmark named {', '.join(unknown)} (there are: {', '.join(sorted(known))})")
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.names]
    env = {**os.environ, "BLOGSTER_BENCH_SCALE": str(args.scale)}
    crashed: list[str] = []
    ran = 0
    run_started = time.perf_counter()
    cluster = PreparedCluster()
    try:
        for script in scripts:
            if args.claim_dir is not None and not claimed(args.claim_dir / script.stem):
                continue
            ran += 1
            env[PREPARED] = str(cluster.data_dir())
            print(f"# {script.stem}", flush=True)
            started = time.perf_counter()
            returncode = run_benchmark(script, env)
            print(f"{script.stem}.wall_time: {time.perf_counter() - started:.1f} s", flush=True)
            if returncode != 0:
                print(f"{script.stem}: crashed (exit {returncode})", flush=True)
                crashed.append(script.stem)
    finally:
        cluster.close()
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"run.wall_time: {time.perf_counter() - run_started:.1f} s ({ran} benchmarks at scale"
          f" {args.scale:g}; load average {load} on {os.cpu_count()} cores)", flush=True)  # fmt: skip
    if crashed:
        print(f"run: {len(crashed)} crashed: {', '.join(crashed)}", flush=True)
    return 1 if crashed else 0


def run_benchmark(script: Path, env: dict[str, str]) -> int:
    """Runs one benchmark; its exit status. On Ctrl-C (which the benchmark gets as well) waits for
    it to stop its server and delete its scratch folder, where subprocess.run would kill it."""
    with subprocess.Popen([sys.executable, str(script)], env=env) as process:
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.wait()
            raise


def claimed(marker: Path) -> bool:
    """Claims a benchmark for this run; False when another run already has."""
    try:
        marker.mkdir(parents=True)
    except FileExistsError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
