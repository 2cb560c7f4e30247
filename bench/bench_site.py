"""`site build` side by side with Hugo, on the same posts, in one run.

    python bench/bench_site.py [--posts 1000 10000] [--hugo-max-posts 10000]

--posts defaults to 1,000 x BLOGSTER_BENCH_SCALE (bench/run.py --scale), at least 50.

Starts an embedded PostgreSQL in a temporary folder, applies the migrations, creates one
account and imports --posts real posts (the 18F Jekyll and Rust-blog Zola corpora in
../shared/data/blog_md, repeated with their folders renamed until there are enough).
Then, for each size:

    hugo: the same published posts after `blogster export --format hugo`, built by
          `hugo` into a minimal site (single, list and home layouts); skipped above
          --hugo-max-posts, and reported as failed (no ratio) when Hugo dies
    full_build: `site build` into an empty folder, the best of two as for hugo (both keep
          their template caches between the two), and its ratio to hugo (goal <= 2x);
          full_build_first: the first of the two
    noop_build: a rebuild with nothing changed, and the CPU time it took in this process
    incremental_build: a rebuild after one post's body changed (goal <= 0.15x full, <= 0.5 s),
          and the CPU time it took in this process (a loaded machine stretches wall time;
          the load average is printed beside it)
    peak_memory: this process and its largest child (hugo, or a render worker)

Without hugo on the PATH the hugo line says it was skipped and there is no ratio; the
builds are still measured.

Times are wall-clock on whatever else the machine is doing; the ratios compare runs
made minutes apart on the same machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_import_export import create_account, mib
from scaling import bench_scale, scaled

from blogster_cli.db import migrations
from blogster_cli.db.connection import Database
from blogster_cli.services import blogs, exports, imports, site

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "blog_md"
CORPUS_FALLBACK = Path("/work/shared/data/blog_md")
FULL_GOAL, INCREMENTAL_GOAL, INCREMENTAL_SECONDS = 2.0, 0.15, 0.5
HUGO_CONFIG = 'baseURL = "https://bench.example.com/"\ntitle = "Bench"\ndisableKinds = ["taxonomy", "term"]\n'
HUGO_LAYOUTS = {
    "single.html": "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head>"
    "<body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>",
    "list.html": "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body>"
    '{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>',
    "index.html": "<!DOCTYPE html><html><head><title>{{ .Site.Title }}</title></head><body>"
    '{{ range first 10 .Site.RegularPages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>',
}


def corpus_files() -> tuple[Path, list[Path]]:
    root = CORPUS if CORPUS.is_dir() else CORPUS_FALLBACK
    return root, sorted(root.rglob("*.md"))


def generate(target: Path, start: int, stop: int) -> None:
    """Corpus files start..stop-1: copy k of the corpus lives under copy-k/, so each dialect is still detected."""
    root, files = corpus_files()
    for n in range(start, stop):
        source = files[n % len(files)]
        destination = target / f"copy-{n // len(files)}" / source.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)


def hugo_site(acting, folder: Path) -> Path:
    """A minimal Hugo site holding my published posts as `blogster export --format hugo` writes them."""
    exports.export_posts(acting, directory=folder, dialect="hugo", statuses=["published"])
    (folder / "hugo.toml").write_text(HUGO_CONFIG)
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text)
    (folder / "layouts" / "index.html").write_text(HUGO_LAYOUTS["index.html"])
    return folder


class HugoFailed(Exception):
    pass


def time_hugo(folder: Path) -> float:
    shutil.rmtree(folder / "public", ignore_errors=True)
    started = time.perf_counter()
    result = subprocess.run(
        ["hugo", "--quiet", "--source", str(folder), "--cacheDir", str(folder / ".cache"), "--noBuildLock"],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        # A negative code is a signal: the kernel's out-of-memory killer ends a Hugo that outgrows RAM.
        why = f"signal {-result.returncode}" if result.returncode < 0 else f"exit {result.returncode}"
        raise HugoFailed(f"{why} after {elapsed:.0f} s: {result.stderr.strip().splitlines()[:3]}")
    return elapsed


def measure(acting, scratch: Path, size: int, *, hugo_max_posts: int | None = None) -> None:
    hugo_seconds = None
    if shutil.which("hugo") is None:
        print(f"hugo_{size}: skipped, peer missing (apt-get install hugo); no ratio to hugo")
    elif hugo_max_posts is not None and size > hugo_max_posts:
        print(f"hugo_{size}: not run (above --hugo-max-posts {hugo_max_posts}; {load()})")
    else:
        folder = scratch / f"hugo-{size}"
        hugo_site(acting, folder)
        try:
            hugo_seconds = min(time_hugo(folder) for _ in range(2))
        except HugoFailed as failure:
            print(f"hugo_{size}: failed ({failure}; {load()})")
        else:
            pages = sum(1 for _ in (folder / "public").rglob("*.html"))
            print(f"hugo_{size}: {hugo_seconds:.2f} s ({pages} html files; {load()})")
        shutil.rmtree(folder, ignore_errors=True)

    out, times = scratch / f"site-{size}", list[float]()
    for _ in range(2):  # the best of two, as hugo's: each into an empty folder
        shutil.rmtree(out, ignore_errors=True)
        started = time.perf_counter()
        report = site.build(acting, out=out, base_domain="blogster.page")
        times.append(time.perf_counter() - started)
    full = min(times)
    print(f"full_build_{size}: {full:.2f} s ({report.posts} posts, {report.written} files; {load()})")
    print(f"full_build_first_{size}: {times[0]:.2f} s (the first of the two: this process's imports, cold caches)")
    if hugo_seconds is not None:
        ratio = full / hugo_seconds
        print(f"full_vs_hugo_{size}: {ratio:.2f} x (goal <= {FULL_GOAL}: {'met' if ratio <= FULL_GOAL else 'NOT met'})")

    started, cpu_started = time.perf_counter(), cpu()
    report = site.build(acting, out=out, base_domain="blogster.page")
    noop, noop_cpu = time.perf_counter() - started, cpu() - cpu_started
    print(f"noop_build_{size}: {noop:.3f} s, {noop / full:.3f} x full ({report.written} files written)")
    print(f"noop_build_cpu_{size}: {noop_cpu:.3f} s user+system (this process; {load()})")

    # The newest post: on the first index page, in the feeds, the archive and its tag pages.
    newest = blogs.list_blogs(acting, statuses=["published"], sort="published", limit=1)[0]
    blogs.update(acting, ref=str(newest.id), changes=blogs.BlogChanges(markdown=blogs.markdown_of(blogs.get(acting, ref=str(newest.id))) + "\nOne more line.\n"))  # fmt: skip
    started, cpu_started = time.perf_counter(), cpu()
    report = site.build(acting, out=out, base_domain="blogster.page")
    incremental = time.perf_counter() - started
    incremental_cpu = cpu() - cpu_started
    share = incremental / full
    met = share <= INCREMENTAL_GOAL and (size < 10000 or incremental <= INCREMENTAL_SECONDS)
    print(
        f"incremental_build_{size}: {incremental:.3f} s, {share:.3f} x full ({report.rendered} rendered,"
        f" {report.written} written; goal <= {INCREMENTAL_GOAL} x"
        f"{' and <= 0.5 s' if size >= 10000 else ''}: {'met' if met else 'NOT met'})"
    )
    # Wall time follows the machine's load; this process's CPU time much less so.
    print(f"incremental_build_cpu_{size}: {incremental_cpu:.3f} s user+system (this process; {load()})")


def cpu() -> float:
    """User plus system CPU seconds of this process so far: the build's own work, which a loaded
    machine stretches much less than wall time (the database server's share is not in it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f}, {five:.1f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, nargs="+", default=[scaled(1000, bench_scale(), minimum=50)])
    parser.add_argument(
        "--hugo-max-posts",
        type=int,
        help="skip Hugo above this many posts (Hugo 0.111 was killed for memory at 22 GB building 100,000 here)",
    )
    args = parser.parse_args()

    from prepared import embedded_server

    scratch = Path(tempfile.mkdtemp(prefix="blogster-bench-site-"))
    server = embedded_server(scratch / "home")
    try:
        server.ensure_running()
        db = Database(server.conninfo())
        migrations.apply(db)
        acting = create_account(db)
        imported = 0
        for size in sorted(args.posts):
            source = scratch / f"posts-{size}"
            generate(source, imported, size)
            started = time.perf_counter()
            summary = imports.import_paths(acting, paths=[source])
            imported += summary.counts["imported"]
            print(
                f"import_{size}: {summary.counts['imported']} posts in {time.perf_counter() - started:.1f} s"
                f" ({imported} in all; {load()})",
                flush=True,
            )
            measure(acting, scratch, size, hugo_max_posts=args.hugo_max_posts)
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"peak_memory: {mib(own):.0f} MiB (largest child, hugo or a render worker: {mib(children):.0f} MiB)")
    finally:
        server.destroy()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
