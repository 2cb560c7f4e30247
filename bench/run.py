"""Runs every benchmark in bench/ (or those named) and prints their `name: value unit` lines.

Usage: python bench/run.py [cli] [rls] [content] ...
Benchmarks measure; they do not pass or fail. Ratios against floors measured in the
same run make the figures comparable on noisy machines.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    status = 0
    for script in scripts:
        print(f"# {script.stem}", flush=True)
        status |= subprocess.run([sys.executable, str(script)]).returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
