"""Documentation search: relevance against BM25 on the same pages and queries, and latency.

    python bench/bench_docs.py [--docs DIR] [--queries FILE] [--pages 10000]

Starts an embedded PostgreSQL in a temporary folder, applies the migrations, imports DIR
(default ../shared/data/docs/textual) with `docs import --publish` as an admin, and runs
every evaluation query (bench/docs_eval/<folder>.json if written down, else made now by
bench/docs_eval.py, the same rules for any folder) through `docs search` as a reader and
through rank-bm25's BM25Okapi over the same pages' title, tags and text. Prints nDCG@10
and MRR@10 of both and their ratios (>= 1.0: at least as good as BM25), then copies the
pages up to --pages (10,000 x BLOGSTER_BENCH_SCALE) and times search_documentation as
the reader: p50 and p95 (goal p95 <= 20 ms).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import docs_eval
from scaling import bench_scale

from blogster_cli.actors import ActingUser, Actor
from blogster_cli.db import migrations
from blogster_cli.db.acting import acting_transaction
from blogster_cli.db.connection import Database
from blogster_cli.documentation import tree
from blogster_cli.repositories import accounts
from blogster_cli.services import documentation

HERE = Path(__file__).resolve().parent
DEFAULT_DOCS = HERE.parents[1] / "shared" / "data" / "docs" / "textual"
LATENCY_GOAL_MS = 20.0
K = 10


def emit(name: str, value: float | int | str, unit: str = "") -> None:
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"{name}: {text} {unit}".rstrip(), flush=True)


def account(db: Database, email: str, *, admin: bool) -> ActingUser:
    with db.connect() as conn, conn.transaction():
        user_id = accounts.insert_user(conn, email=email, password_hash="x", metadata={})
        accounts.create_role(conn, role_name="u_" + user_id.hex)
        if admin:
            accounts.set_admin(conn, role_name="u_" + user_id.hex, admin=True)
    return ActingUser(db, Actor(user_id=user_id, email=email, is_admin=admin))


def ndcg(ranked: list[str], relevant: dict[str, int]) -> float:
    gains = [2 ** relevant.get(path, 0) - 1 for path in ranked[:K]]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted((2**g - 1 for g in relevant.values()), reverse=True)[:K]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def reciprocal_rank(ranked: list[str], relevant: dict[str, int]) -> float:
    return next((1 / (i + 1) for i, path in enumerate(ranked[:K]) if relevant.get(path, 0) > 0), 0.0)


def bm25_ranker(pages: list[tree.PageSource]):
    from rank_bm25 import BM25Okapi

    texts = [docs_eval.tokens(" ".join([p.title, *p.tags, p.body])) for p in pages]
    model = BM25Okapi(texts)

    def rank(query: str) -> list[str]:
        scores = model.get_scores(docs_eval.tokens(query))
        order = sorted(range(len(pages)), key=lambda i: (-scores[i], pages[i].path))
        return [pages[i].path for i in order[:K] if scores[i] > 0]

    return rank


def load_queries(folder: Path, queries_file: Path | None) -> list[docs_eval.Query]:
    written = queries_file or HERE / "docs_eval" / f"{folder.name}.json"
    if written.exists() and (queries_file or folder.resolve() == DEFAULT_DOCS.resolve()):
        return [docs_eval.Query(**q) for q in json.loads(written.read_text(encoding="utf-8"))["queries"]]
    return docs_eval.build(folder)


def evaluate(name: str, rank, queries: list[docs_eval.Query]) -> dict[str, float]:
    per_kind: dict[str, list[tuple[float, float]]] = {}
    for query in queries:
        ranked = rank(query.text)
        per_kind.setdefault(query.kind, []).append(
            (ndcg(ranked, query.relevant), reciprocal_rank(ranked, query.relevant))
        )
    every = [pair for pairs in per_kind.values() for pair in pairs]
    result = {"ndcg": statistics.fmean(n for n, _ in every), "mrr": statistics.fmean(r for _, r in every)}
    emit(f"{name}.ndcg@10", result["ndcg"])
    emit(f"{name}.mrr@10", result["mrr"])
    for kind, pairs in sorted(per_kind.items()):
        emit(f"{name}.{kind}.ndcg@10", statistics.fmean(n for n, _ in pairs), f"({len(pairs)} queries)")
    return result


def grow(db: Database, pages: int) -> float:
    """Copies published pages (new slugs) until there are `pages`; returns pages indexed per second."""
    started = time.perf_counter()
    with db.connect() as conn, conn.transaction():
        have = conn.execute("select count(*) from public.documentation_pages").fetchone()[0]
        missing = max(0, pages - have)
        conn.execute(
            "insert into public.documentation_pages (category_id, title, slug, content, excerpt, tags, status)"
            " select p.category_id, p.title, p.slug || '/copy-' || n, p.content, p.excerpt, p.tags, 'published'"
            " from generate_series(1, %s) n"
            " join lateral (select * from public.documentation_pages order by slug"
            "  offset (n - 1) %% %s limit 1) p on true",
            (missing, have),
        )
    conn.close()
    rate = missing / (time.perf_counter() - started) if missing else 0.0
    with db.connect() as conn:  # what autovacuum does after a bulk load: index-only scans need it
        conn.autocommit = True
        for table in ("documentation_search_terms", "documentation_search_docs"):
            conn.execute(f"vacuum (analyze) internal.{table}")
    return rate


def latency(db: Database, reader: ActingUser, queries: list[str], rounds: int) -> list[float]:
    timings = []
    conn = db.connect()
    try:
        for _ in range(rounds):
            for query in queries:
                with acting_transaction(conn, reader.actor.role_name):
                    started = time.perf_counter()
                    conn.execute("select * from public.search_documentation(%s)", (query,)).fetchall()
                    timings.append((time.perf_counter() - started) * 1000)
    finally:
        conn.close()
    return sorted(timings)


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, round(share * (len(sorted_values) - 1)))]


def main() -> None:
    scale = bench_scale()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--queries", type=Path, default=None, help="an evaluation set written by docs_eval.py")
    parser.add_argument("--pages", type=int, default=max(500, round(10000 * scale)))
    args = parser.parse_args()

    from prepared import embedded_server

    scratch = Path(tempfile.mkdtemp(prefix="blogster-bench-docs-"))
    server = embedded_server(scratch / "home")
    try:
        server.ensure_running()
        db = Database(server.conninfo())
        migrations.apply(db)
        admin = account(db, "admin@example.com", admin=True)
        reader = account(db, "reader@example.com", admin=False)
        started = time.perf_counter()
        report = documentation.import_tree(admin, root=args.docs, publish=True)
        emit("docs.import", len(report.created) / (time.perf_counter() - started), "pages/s")
        emit("docs.pages", len(report.created), f"({len(report.failed)} failed)")

        pages = tree.read_tree(args.docs).pages
        queries = load_queries(args.docs, args.queries)
        emit("docs.queries", len(queries))

        def ours(query: str) -> list[str]:
            return [h.path or h.slug for h in documentation.search(reader, query=query, limit=K).hits]

        mine = evaluate("docs_search", ours, queries)
        baseline = evaluate("bm25", bm25_ranker(pages), queries)
        emit("docs_search.ndcg@10_vs_bm25", mine["ndcg"] / baseline["ndcg"] if baseline["ndcg"] else float("inf"), "x")
        emit("docs_search.mrr@10_vs_bm25", mine["mrr"] / baseline["mrr"] if baseline["mrr"] else float("inf"), "x")

        emit("docs.index", grow(db, args.pages), "pages/s")
        emit("docs.latency_pages", args.pages)
        texts = [q.text for q in queries]
        latency(db, reader, texts[:5], 1)  # warm the caches
        timings = latency(db, reader, texts, 3 if scale >= 1 else 1)
        p95 = percentile(timings, 0.95)
        emit("machine.load_average", os.getloadavg()[0], f"(on {os.cpu_count()} cores: timings scale with it)")
        emit("search_documentation.p50", percentile(timings, 0.5), "ms")
        emit(
            "search_documentation.p95",
            p95,
            f"ms (goal <= {LATENCY_GOAL_MS:.0f}: {'met' if p95 <= LATENCY_GOAL_MS else 'NOT met'})",
        )
    finally:
        server.destroy()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
