"""The chatbot: classifier quality and speed on CLINC150, and message -> reply latency with a worker.

    python bench/bench_chatbot.py [--latency-runs 50] [--no-baseline]

On a throwaway embedded PostgreSQL (or BLOGSTER_BENCH_DATABASE_URL, a superuser URL of a
scratch database), with the real CLI in subprocesses (its own BLOGSTER_HOME):
- clinc150: `chatbot intents import train.csv --replace` with CLINC150's train split
  (15,000 phrases, 150 intents) as training phrases, then `chatbot evaluate test.csv --json`
  on its test split (4,500 in scope + 1,000 `oos`). Goals: in-scope accuracy >= 0.92,
  out-of-scope recall >= 0.60 (published BERT: about 0.52-0.59), training <= 30 s.
  The out-of-scope threshold is calibrated from held-out training phrases only (cross-validated
  probes, classifier.py); the one setting it takes was chosen on the validation split, never on test.
- baseline (the issue's peer): TF-IDF word+character logistic regression, trained on the
  same split in this run, threshold from the same held-out rule (issue: about 0.926 in scope,
  0.917 / 0.616 with a threshold); skipped with --no-baseline or below scale 1.
- clinc150_sparse: the same with only 10 training phrases per intent (1,500; a seeded sample),
  where the out-of-scope line also comes from made-up off-topic text (classifier.py).
- starter: the starter intents (examples/chatbot, 24 intents of about 10 phrases and 39
  out-of-scope examples: billing, the date, time and weather, small talk) judged on held-out Blogster questions
  (tests/unit/chatbot/starter_held_out.csv) plus CLINC150's `oos_test` queries, all
  off-topic for Blogster, labelled `oos`.
- latency: the starter intents (examples/chatbot), one `blogster serve-workers`, a user's
  message inserted as the user; p50 of reply.created_at - message.created_at (both stamped
  by the server, so polling does not count); goal <= 100 ms.
Below scale 1 (bench/run.py --scale, BLOGSTER_BENCH_SCALE) CLINC150 is cut by intent
(scaling.stratified_sample, every intent kept): its train split to scale x 100 phrases an
intent but at least SPARSE_PER_INTENT, its test split to at least TEST_PER_INTENT an intent,
and the `oos` test queries to at least OOS_MINIMUM; the latency run sends fewer messages.
`sample.*` lines give the sizes. At a reduced scale the figures are not the goals' (CI runs
it to see every step work).
Wall-clock figures are from a 2-core machine shared with other work: `load_average` says
how busy it was.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scaling import bench_scale, stratified_sample

from blogster_cli.db import migrations
from blogster_cli.db.connection import Database

ROOT = Path(__file__).resolve().parents[1]
CLINC = ROOT.parent / "shared" / "data" / "intents" / "clinc150" / "data_full.json"
STARTER = ROOT / "examples" / "chatbot" / "intents.yaml"
STARTER_HELD_OUT = ROOT / "tests" / "unit" / "chatbot" / "starter_held_out.csv"
SPARSE_PER_INTENT = 10
TEST_PER_INTENT = 2  # of CLINC150's 30 test phrases an intent, below scale 1
OOS_MINIMUM = 50  # of its 1,000 out-of-scope test queries, below scale 1
PASSWORD = "bench chatbot password"


def emit(name: str, value: float | str, unit: str = "") -> None:
    text = f"{value:.4f}" if isinstance(value, float) else str(value)
    print(f"{name}: {text} {unit}".rstrip(), flush=True)


def write_csv(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "intent"])
        writer.writerows(rows)
    return path


def sample(data: dict, scale: float) -> dict:
    """CLINC150's splits cut to `scale`, every intent kept (`data` itself at scale 1 and above)."""
    if scale >= 1:
        return data
    by_intent = lambda row: row[1]  # noqa: E731
    return {
        **data,
        "train": stratified_sample(data["train"], by_intent, scale, minimum=SPARSE_PER_INTENT, seed=1),
        "test": stratified_sample(data["test"], by_intent, scale, minimum=TEST_PER_INTENT, seed=2),
        "oos_test": stratified_sample(data["oos_test"], by_intent, scale, minimum=OOS_MINIMUM, seed=3),
    }


def blogster(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "blogster_cli", *args], env=env, input=stdin, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"blogster {' '.join(args)}: {done.stderr.strip()}")
    return done


def clinc(env: dict[str, str], work: Path, data: dict) -> dict:
    train = write_csv(work / "train.csv", [(t, label) for t, label in data["train"]])
    test = write_csv(
        work / "test.csv", [(t, label) for t, label in data["test"]] + [(t, "oos") for t, _ in data["oos_test"]]
    )
    blogster(env, "chatbot", "intents", "import", str(train), "--replace", "--yes")
    result = evaluate(env, "clinc150", test)
    emit("clinc150.training_s", float(result["training_s"]), "s")
    emit("clinc150.training_ratio_to_goal_30s", result["training_s"] / 30.0)
    emit("clinc150.classify_p50_ms", float(result["latency_ms_p50"]), "ms")
    emit("clinc150.classify_p95_ms", float(result["latency_ms_p95"]), "ms")
    emit("clinc150.in_scope_ratio_to_goal_0.92", result["in_scope_accuracy"] / 0.92)
    emit("clinc150.oos_recall_ratio_to_goal_0.60", result["oos_recall"] / 0.60)
    return result


def evaluate(env: dict[str, str], name: str, test: Path) -> dict:
    result = json.loads(blogster(env, "chatbot", "evaluate", str(test), "--json").stdout)
    for key in ("total", "accuracy", "in_scope_accuracy", "oos_recall", "macro_f1"):
        emit(f"{name}.{key}", float(result[key]) if key != "total" else result[key])
    return result


def sparse(env: dict[str, str], work: Path, data: dict) -> None:
    """CLINC150 with SPARSE_PER_INTENT phrases an intent: a hand-written-sized set."""
    import random

    by_intent: dict[str, list[str]] = {}
    for text, label in data["train"]:
        by_intent.setdefault(label, []).append(text)
    rng = random.Random(SPARSE_PER_INTENT)
    rows = [(t, label) for label, texts in by_intent.items() for t in rng.sample(texts, SPARSE_PER_INTENT)]
    blogster(env, "chatbot", "intents", "import", str(write_csv(work / "sparse.csv", rows)), "--replace", "--yes")
    evaluate(env, "clinc150_sparse", work / "test.csv")


def starter(env: dict[str, str], work: Path, data: dict) -> None:
    with STARTER_HELD_OUT.open(encoding="utf-8") as handle:
        rows = [(row["text"], row["intent"]) for row in csv.DictReader(handle)]
    test = write_csv(work / "starter.csv", rows + [(t, "oos") for t, _ in data["oos_test"]])
    blogster(env, "chatbot", "intents", "import", str(STARTER), "--replace", "--yes")
    evaluate(env, "starter", test)


def baseline(data: dict, ours: dict) -> None:
    """The issue's peer, trained and thresholded here the way ours is (held-out phrases only)."""
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from blogster_cli.chatbot import classifier

    def fit(texts, labels):
        words = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2))
        chars = TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(2, 5), min_df=2)
        features = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
        model = LogisticRegression(C=20, max_iter=1000).fit(features, labels)
        return lambda xs: model.predict_proba(hstack([words.transform(xs), chars.transform(xs)]).tocsr()), model

    texts = [t for t, _ in data["train"]]
    labels = [label for _, label in data["train"]]
    began = time.perf_counter()
    held_top = []
    for keep, held in classifier._folds(labels):
        probe, _ = fit([texts[i] for i in keep], [labels[i] for i in keep])
        held_top.extend(probe([texts[i] for i in held]).max(axis=1))
    held_top = np.sort(held_top)
    threshold = held_top[int(len(held_top) * classifier.IN_SCOPE_REJECTED)]
    predict, model = fit(texts, labels)
    emit("baseline.training_s", time.perf_counter() - began, "s")
    gold = np.array([label for _, label in data["test"]])
    probs = predict([t for t, _ in data["test"]])
    oos_probs = predict([t for t, _ in data["oos_test"]])
    top = model.classes_[probs.argmax(axis=1)]
    emit("baseline.in_scope_accuracy_raw", float((top == gold).mean()))
    in_scope = float(((top == gold) & (probs.max(axis=1) >= threshold)).mean())
    oos_recall = float((oos_probs.max(axis=1) < threshold).mean())
    emit("baseline.in_scope_accuracy", in_scope)
    emit("baseline.oos_recall", oos_recall)
    emit("ratio.in_scope_accuracy_vs_baseline", ours["in_scope_accuracy"] / in_scope)
    emit("ratio.oos_recall_vs_baseline", ours["oos_recall"] / oos_recall if oos_recall else float("inf"))


def latency(env: dict[str, str], conninfo: str, runs: int, log_path: Path) -> None:
    """With the starter intents starter() imported (importing them again took a process, ~1 s of CPU)."""
    log = log_path.open("wb")  # only `name: value` lines on the terminal; the log is shown on failure
    worker = subprocess.Popen(
        [sys.executable, "-m", "blogster_cli", "serve-workers", "--queue", "chatbot"], env=env, stdout=log, stderr=log
    )
    questions = ["how do I schedule a post?", "what does the team plan cost", "I forgot my password",
                 "import my wordpress blog", "who won the football match"]  # fmt: skip
    try:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            role, user_id = conn.execute("select role_name, id from auth.users order by created_at limit 1").fetchone()
            deadline = time.monotonic() + 120
            while not conn.execute("select public.chatbot_worker_alive()").fetchone()[0]:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the worker did not start: {log_path.read_text(errors='replace')[-2000:]}")
                time.sleep(0.2)
            conversation = conn.execute(
                "insert into chatbot_conversations (user_id) values (%s) returning id", (user_id,)
            ).fetchone()[0]
            gaps, processing = [], []
            for run in range(runs + 1):  # the first trains the classifier
                if run and run % 15 == 0:
                    time.sleep(60)  # stay under the per-account rate limit (20 a minute)
                with conn.transaction():
                    conn.execute(f'set local role "{role}"')
                    message_id, sent_at = conn.execute(
                        "insert into chatbot_messages (conversation_id, role, content) values (%s, 'user', %s)"
                        " returning id, created_at",
                        (conversation, questions[run % len(questions)]),
                    ).fetchone()
                wait_until = time.monotonic() + 120
                while (row := conn.execute(
                    "select created_at, metadata ->> 'processing_ms' from chatbot_messages"
                    " where conversation_id = %s and metadata ->> 'reply_to' = %s", (conversation, str(message_id)),
                ).fetchone()) is None:  # fmt: skip
                    if time.monotonic() > wait_until:
                        raise RuntimeError(f"no reply within 120 s: {log_path.read_text(errors='replace')[-2000:]}")
                    time.sleep(0.005)
                if run:
                    gaps.append((row[0] - sent_at).total_seconds() * 1000)
                    processing.append(float(row[1]))
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        log.close()
    p50 = statistics.median(gaps)
    emit("latency.message_to_reply_p50_ms", p50, "ms")
    emit("latency.message_to_reply_p95_ms", sorted(gaps)[int(len(gaps) * 0.95)], "ms")
    emit("latency.worker_processing_p50_ms", statistics.median(processing), "ms")
    emit("latency.ratio_to_goal_100ms", p50 / 100.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    scale = bench_scale()
    parser.add_argument("--latency-runs", type=int, default=max(int(50 * min(scale * 10, 1)), 10))
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)
    if not CLINC.is_file():
        print(f"# {CLINC} is missing: no CLINC150 figures", file=sys.stderr)
        return 0
    data = sample(json.loads(CLINC.read_text(encoding="utf-8")), scale)
    emit("load_average", f"{os.getloadavg()[0]:.1f}")
    for split in ("train", "test", "oos_test"):
        emit(f"sample.{split}", len(data[split]), f"phrases ({len({label for _, label in data[split]})} intents)")
    external = os.environ.get("BLOGSTER_BENCH_DATABASE_URL")
    work = Path(tempfile.mkdtemp(prefix="blogster-bench-chatbot-"))
    server = None
    try:
        if external:
            conninfo = external
        else:
            from prepared import embedded_server

            server = embedded_server(work / "pg")
            server.ensure_running()
            conninfo = server.conninfo("blogster")
        env = {**os.environ, "BLOGSTER_HOME": str(work / "home"), "BLOGSTER_DATABASE_URL": conninfo,
               "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # fmt: skip
        migrations.apply(Database(conninfo))
        blogster(env, "auth", "signup", "--email", "bench@example.com", "--password-stdin", stdin=PASSWORD + "\n")
        ours = clinc(env, work, data)
        if not args.no_baseline and scale >= 1:
            baseline(data, ours)
        if max(Counter(label for _, label in data["train"]).values()) > SPARSE_PER_INTENT:
            sparse(env, work, data)
        else:  # a reduced run: clinc150 above already trained on SPARSE_PER_INTENT phrases an intent
            print(f"clinc150_sparse: skipped (the sampled train split has {SPARSE_PER_INTENT} phrases an intent,"
                  " as clinc150 above)", flush=True)  # fmt: skip
        starter(env, work, data)
        latency(env, conninfo, args.latency_runs, work / "worker.log")
        emit("load_average_after", f"{os.getloadavg()[0]:.1f}")
    finally:
        if server is not None:
            server.destroy()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
