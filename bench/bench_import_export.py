"""Markdown import and export throughput on a throwaway embedded server.

    python bench/bench_import_export.py [--posts 10000] [--export-format hugo]

Starts an embedded PostgreSQL in a temporary folder, applies the migrations, creates one
account (row + role, as signup does), generates --posts realistic markdown files (Hugo
YAML/TOML/JSON and page bundles, Jekyll, Zola, Astro, plain markdown; 300-1500 words,
headings, lists, code, links; 0-5 tags from a shared pool) into a temporary folder, then
times the import service and the export service directly, as that account under RLS:

    import: X posts/s  (goal >= 1000)
    file_creation: F ms/file  (the file system's state just before the export)
    export: Y posts/s  (goal >= 2000)
    export_cpu: where the export's CPU went (rendering, streaming, creating files)
    peak_memory: Z MiB  (this process; worker processes reported separately)
    revisions_diff_ordinary: `revisions diff` (the service) of two revisions of a post of
        100,000 lines (paragraphs, 240 of them rewritten, added or removed)
    revisions_diff_hostile: the same of two revisions of 1,300,000 lines of "A" or "B" in random
        order, each 3.9 MB (under the 4 MiB content limit): no line found once, a change every few
        lines (goal < 10 s; before line_diff bounded its search: 164 s and 608 MiB)
    (below scale 0.1 both pairs have scale x 10 of their lines, at least a tenth: the line shows how many)

The import includes reading, parsing and validating every file, the per-batch writes
(posts with their metrics trigger and first revision, tags, tag links, activities) and
the commit. The export streams every post and writes every file. Only the generator
touches the file system outside the services; nothing here uses COPY.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scaling import bench_scale, scaled

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db import migrations
from blogster_cli.db.connection import Database
from blogster_cli.repositories import accounts
from blogster_cli.services import blogs, exports, imports
from blogster_cli.services.post_steps import NewBlog

IMPORT_GOAL = 1000
EXPORT_GOAL = 2000
WORDS = (
    "terminal shell database index query vacuum backup restore editor habit writing draft publish review "
    "table column schema migration cursor batch throughput latency cache memory process thread socket "
    "network request response server client session token secret config profile template persona "
    "the a of to and in is it that for on with as was at by this be from or an are not have but "
    "we you they one all would there their what so up out if about who get which go me when make can "
    "like time no just him know take people into year your good some could them see other than then now"
).split()
TAG_POOL = [f"{topic}{'' if n == 0 else f'-{n}'}" for topic in ("PostgreSQL", "shell", "Rust", "writing", "tools",
            "ops", "python", "testing", "design", "security") for n in range(20)]  # fmt: skip


def paragraph(rng: random.Random, words: int) -> str:
    chosen = rng.choices(WORDS, k=words)
    chosen[0] = chosen[0].capitalize()
    text = " ".join(chosen)
    return text.replace(" the ", " the **", 1).replace(" of ", "** of ", 1) + "."


def body(rng: random.Random) -> str:
    target = rng.randint(300, 1500)
    parts, written = [], 0
    while written < target:
        kind = rng.random()
        if kind < 0.12:
            parts.append(f"## {' '.join(rng.choices(WORDS, k=4)).title()}")
        elif kind < 0.2:
            parts.append("\n".join(f"- {' '.join(rng.choices(WORDS, k=6))}" for _ in range(rng.randint(2, 5))))
        elif kind < 0.26:
            parts.append(
                "```sh\n" + "\n".join(f"$ {rng.choice(WORDS)} --{rng.choice(WORDS)}" for _ in range(3)) + "\n```"
            )
        else:
            words = rng.randint(40, 120)
            parts.append(
                paragraph(rng, words) + f" See [{rng.choice(WORDS)}](https://example.com/{rng.randint(1, 999)})."
            )
            written += words
    return "\n" + "\n\n".join(parts) + "\n"


def generate(root: Path, count: int, seed: int = 7) -> None:
    """`count` posts in a mix of dialects, layouts and front matter formats."""
    rng = random.Random(seed)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    for n in range(count):
        title = f"{' '.join(rng.choices(WORDS, k=rng.randint(3, 8))).title()} {n}"
        slug = f"post-{n}-{rng.choice(WORDS)}"
        when = start + timedelta(hours=n * 7 + rng.randint(0, 6))
        tags = rng.sample(TAG_POOL, rng.randint(0, 5))
        description = " ".join(rng.choices(WORDS, k=14)).capitalize() + "."
        draft = rng.random() < 0.1
        text = body(rng)
        kind = n % 8
        if kind in (0, 1):  # Hugo, YAML
            path = root / "hugo" / "content" / "posts" / f"{slug}.md"
            front = (f'---\ntitle: "{title}"\ndate: {when:%Y-%m-%dT%H:%M:%S%z}\ndraft: {str(draft).lower()}\n'
                     f"tags: [{', '.join(tags)}]\ndescription: {description}\nauthor: Ada\n---\n")  # fmt: skip
        elif kind == 2:  # Hugo, TOML page bundle
            path = root / "hugo" / "content" / "posts" / slug / "index.md"
            front = (f'+++\ntitle = "{title}"\ndate = {when:%Y-%m-%dT%H:%M:%SZ}\ndraft = {str(draft).lower()}\n'
                     f"tags = [{', '.join(repr(t).replace(chr(39), chr(34)) for t in tags)}]\n"
                     f'[params]\nsubtitle = "{description}"\n+++\n')  # fmt: skip
        elif kind == 3:  # Hugo, JSON
            import json

            fields = {"title": title, "date": when.isoformat(), "tags": tags, "draft": draft}
            path = root / "hugo" / "content" / "notes" / f"{slug}.md"
            front = json.dumps(fields, indent=2) + "\n"
        elif kind in (4, 5):  # Jekyll
            folder = "_drafts" if draft else "_posts"
            path = root / "jekyll" / folder / f"{when:%Y-%m-%d}-{slug}.md"
            dated = f"date: {when:%Y-%m-%d %H:%M:%S} +0000\n" if rng.random() < 0.7 else ""
            front = (f'---\nlayout: post\ntitle: "{title}"\n{dated}categories: [{", ".join(tags[:1])}]\n'
                     f"tags: [{', '.join(tags[1:])}]\nexcerpt: {description}\n---\n")  # fmt: skip
        elif kind == 6:  # Zola
            path = root / "zola" / "content" / "blog" / f"{slug}.md"
            front = (f'+++\ntitle = "{title}"\ndate = {when:%Y-%m-%d}\ndescription = "{description}"\n'
                     f"[taxonomies]\ntags = [{', '.join(repr(t).replace(chr(39), chr(34)) for t in tags)}]\n"
                     f'[extra]\nauthor = "Ada"\n+++\n')  # fmt: skip
        elif rng.random() < 0.7:  # Astro
            path = root / "astro" / "src" / "content" / "blog" / f"{slug}.md"
            front = (f'---\ntitle: "{title}"\npubDate: {when:%Y-%m-%d}\ndescription: "{description}"\n'
                     f"tags: [{', '.join(tags)}]\nheroImage: /images/{slug}.png\n---\n")  # fmt: skip
        else:  # plain markdown
            path = root / "plain" / f"{slug}.md"
            front = f"# {title}\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front + text, encoding="utf-8")


def create_account(db: Database) -> ActingUser:
    from argon2 import PasswordHasher

    with db.connect() as conn, conn.transaction():
        user_id = accounts.insert_user(
            conn, email="bench@example.com", password_hash=PasswordHasher().hash("bench password"), metadata={}
        )
        accounts.create_role(conn, role_name="u_" + user_id.hex)
    return ActingUser(db, Actor(user_id=user_id, email="bench@example.com"))


def revisions_diff(acting: ActingUser, name: str, old: list[str], new: list[str]) -> None:
    """Times `revisions diff` of a post whose two revisions are `old` and `new`."""
    slug = blogs.create(acting, new=NewBlog(title=f"Diff {name}", markdown="".join(old))).slug
    blogs.update(acting, ref=slug, changes=blogs.BlogChanges(markdown="".join(new)))
    started = time.perf_counter()
    result = blogs.diff(acting, ref=slug, first=1, second=2)
    elapsed = time.perf_counter() - started
    changed = sum(1 for line in result.text.splitlines() if line[:1] in "-+" and line[:4] not in ("--- ", "+++ "))
    coarse = ", coarse" if result.coarse else ""
    print(f"revisions_diff_{name}: {elapsed:.2f} s ({max(len(old), len(new))} lines, {changed} shown changed{coarse})")


def diff_pairs(scale: float) -> dict[str, tuple[list[str], list[str]]]:
    """The ordinary pair (paragraphs, scattered edits) and the hostile one (two random texts of two
    kinds of lines) that `revisions_diff_*` time. Below scale 0.1 (CI's reduced run) scale x 10 of the
    lines, at least a tenth: a tenth of the hostile pair is still past line_diff's bound (a coarse
    diff), and storing and diffing its 3.9 MB posts took ~3 s of CPU there."""
    rng = random.Random(7)
    share = min(1.0, scale * 10)  # the full size from scale 0.1 up
    lines = scaled(100_000, share, 10_000)
    ordinary = [f"{paragraph(rng, 6)}\n" if n % 2 else "\n" for n in range(lines)]
    edited = list(ordinary)
    for at in sorted(rng.sample(range(1, lines - 1000, 2), 240), reverse=True):
        choice = at % 3
        if choice == 0:
            edited[at] = f"Rewritten {at}.\n"
        elif choice == 1:
            edited.insert(at, f"Added before {at}.\n")
        else:
            del edited[at]
    hostile = [rng.choices(["A\n", "B\n"], k=scaled(1_300_000, share, 130_000)) for _ in range(2)]
    return {"ordinary": (ordinary, edited), "hostile": (hostile[0], hostile[1])}


def file_creation_ms(folder: Path, count: int = 1000) -> float:
    """What creating one small file costs in `folder` right now. File systems differ by 20x
    here, and ext4 without a journal (this machine's /) re-scans recently deleted inodes on
    every create for minutes after a mass deletion, such as the previous run's cleanup.
    The probe files stay until the end, so measuring does not itself delete anything."""
    probe = folder / "probe"
    probe.mkdir()
    started = time.perf_counter()
    for n in range(count):
        (probe / f"{n}.md").write_bytes(b"x" * 6000)
    return (time.perf_counter() - started) * 1000 / count


def cpu_seconds() -> tuple[float, float, float]:
    """(user, system) of this process and user of finished children: rendering runs in
    worker processes, file creation is this process's system time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime, own.ru_stime, resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime


def mib(kib: int) -> float:
    return kib / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--posts", type=int, default=scaled(10000, bench_scale(), minimum=50), help="10,000 x BLOGSTER_BENCH_SCALE"
    )
    parser.add_argument("--export-format", default="hugo", choices=exports.DIALECTS)
    parser.add_argument("--workers", type=int, default=None, help="parser processes (default: automatic)")
    parser.add_argument(
        "--files-dir",
        type=Path,
        default=None,
        help="where the generated and exported markdown goes (default: the system temp folder; the server's"
        " data folder is always there)",
    )
    args = parser.parse_args()

    from prepared import embedded_server

    scratch = Path(tempfile.mkdtemp(prefix="blogster-bench-import-"))
    server = embedded_server(scratch / "home")
    files = None
    try:
        files = Path(tempfile.mkdtemp(prefix="blogster-bench-files-", dir=args.files_dir))
        started = time.perf_counter()
        server.ensure_running()
        db = Database(server.conninfo())
        migrations.apply(db)
        acting = create_account(db)
        source = files / "posts"
        generate(source, args.posts)
        size = sum(p.stat().st_size for p in source.rglob("*.md"))
        print(f"setup: {time.perf_counter() - started:.1f} s ({args.posts} files, {size / 2**20:.1f} MiB of markdown)")

        started = time.perf_counter()
        summary = imports.import_paths(acting, paths=[source], workers=args.workers)
        elapsed = time.perf_counter() - started
        counts = summary.counts
        if counts["failed"] or counts["imported"] != args.posts:
            raise SystemExit(f"import went wrong: {counts}; first failures: {summary.failed[:3]}")
        rate = args.posts / elapsed
        print(
            f"import: {rate:.0f} posts/s ({elapsed:.2f} s; goal >= {IMPORT_GOAL}: {'met' if rate >= IMPORT_GOAL else 'NOT met'})"
        )

        print(f"file_creation: {file_creation_ms(files):.3f} ms/file in {files} (kernel time the export pays per post)")
        out = files / "export"
        before = cpu_seconds()
        started = time.perf_counter()
        exported = exports.export_posts(acting, directory=out, dialect=args.export_format)
        elapsed = time.perf_counter() - started
        user, system, children = (after - then for after, then in zip(cpu_seconds(), before, strict=True))
        if exported.posts != args.posts or exported.failed:
            raise SystemExit(f"export went wrong: {exported.posts} posts, {len(exported.failed)} failed")
        rate = args.posts / elapsed
        print(
            f"export: {rate:.0f} posts/s ({elapsed:.2f} s, --format {args.export_format};"
            f" goal >= {EXPORT_GOAL}: {'met' if rate >= EXPORT_GOAL else 'NOT met'})"
        )
        print(f"export_cpu: rendering {children:.2f} s, streaming {user:.2f} s, creating files {system:.2f} s")
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"peak_memory: {mib(own):.0f} MiB (largest worker or server process: {mib(children):.0f} MiB)")
        for name, (old, new) in diff_pairs(bench_scale()).items():
            revisions_diff(acting, name, old, new)
    finally:
        server.destroy()
        shutil.rmtree(scratch, ignore_errors=True)
        if files is not None:
            shutil.rmtree(files, ignore_errors=True)


if __name__ == "__main__":
    main()
