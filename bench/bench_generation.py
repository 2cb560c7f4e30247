"""Blogster's own cost per AI generation, against the raw openai client on the same local server.

The provider is the test suite's OpenAI-compatible server (tests/ai_server.py) on
loopback, replying at once, so what is left is Blogster's overhead: reading the
persona and template, assembling the prompt, reserving a credit, storing the post,
the log and the charge (two units of work around the call).

- generation.overhead: median `generate draft` (service) minus the median streamed
  call of a raw openai client, both reusing their client (goal <= 20 ms)
- generation.first_token_extra: extra latency to the first streamed token over the
  raw client (goal <= 10 ms)
- generation.ratio_vs_raw_client, generation.first_token_ratio_vs_raw_client: the same
  two comparisons as ratios (1.00 x: no overhead), steadier on a busy machine
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import deque
from http.server import ThreadingHTTPServer
from pathlib import Path

from scaling import bench_scale

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Fewer repetitions on a reduced run (bench/run.py --scale below 1), as the other benchmarks do.
RUNS = int(os.environ.get("BENCH_RUNS", "40" if bench_scale() >= 1 else "10"))


def emit(name: str, value: float | str, unit: str = "") -> None:
    text = f"{value:.2f}" if isinstance(value, float) else value
    print(f"{name}: {text} {unit}".rstrip(), flush=True)


def timed(run) -> tuple[float, float]:
    """(total ms, ms to the first token) of one generation; `run(on_token)` does it."""
    first: list[float] = []
    started = time.perf_counter()

    def on_token(piece: str) -> None:
        if not first:
            first.append(time.perf_counter())

    run(on_token)
    ended = time.perf_counter()
    return (ended - started) * 1000, ((first[0] if first else ended) - started) * 1000


def medians(run) -> tuple[float, float]:
    for _ in range(3):
        timed(run)  # warm-up: imports, pooled connections, prepared plans
    samples = [timed(run) for _ in range(RUNS)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def main() -> int:
    from prepared import embedded_server

    from blogster_cli.actors import ActingUser, Actor
    from blogster_cli.ai.provider import ProviderConfig
    from blogster_cli.db import migrations
    from blogster_cli.db.connection import Database
    from blogster_cli.repositories import accounts
    from blogster_cli.services import generation
    from tests.ai_server import MODEL, FakeProvider, _handler

    fake = FakeProvider(structured=deque(["{}"]))
    http = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{http.server_address[1]}"
    threading.Thread(target=http.serve_forever, daemon=True).start()
    provider = ProviderConfig(fake.base_url, MODEL, "sk-bench", "keyring", timeout_s=30, max_retries=0)

    home = Path(tempfile.mkdtemp(prefix="blogster-bench-"))
    server = embedded_server(home)
    try:
        server.ensure_running()
        db = Database(server.conninfo("blogster"))
        migrations.apply(db)
        with db.connect() as conn, conn.transaction():
            user_id = accounts.insert_user(conn, email="bench-ai@example.com", password_hash="x", metadata={})
            accounts.create_role(conn, role_name="u_" + user_id.hex, login_password=None)
            conn.execute(
                "update public.user_subscriptions set credits_remaining = 100000 where user_id = %s", (user_id,)
            )
        acting = ActingUser(db, Actor(user_id=user_id, email="bench-ai@example.com"))
        messages = [{"role": "system", "content": "s"}, {"role": "user", "content": "Write about espresso."}]
        request = generation.DraftRequest(kind="draft", topic="Espresso at home", persona="Software developer",
                                          template="how-to", keywords=("espresso", "grinder"))  # fmt: skip

        from openai import OpenAI

        raw = OpenAI(api_key="sk-bench", base_url=fake.base_url, timeout=30, max_retries=0)

        def raw_stream(on_token) -> None:
            chunks = raw.chat.completions.create(
                model=MODEL, messages=messages, stream=True, stream_options={"include_usage": True}
            )
            for chunk in chunks:
                if chunk.choices and chunk.choices[0].delta.content:
                    on_token(chunk.choices[0].delta.content)

        raw_total, raw_first = medians(raw_stream)
        ours_total, ours_first = medians(
            lambda on_token: generation.draft(acting, provider=provider, request=request, on_token=on_token)
        )
        emit("generation.runs", str(RUNS))
        emit("generation.raw_client", raw_total, "ms")
        emit("generation.blogster", ours_total, "ms")
        emit("generation.overhead", ours_total - raw_total, "ms (goal <= 20)")
        emit("generation.ratio_vs_raw_client", ours_total / raw_total, "x")
        emit("generation.raw_first_token", raw_first, "ms")
        emit("generation.blogster_first_token", ours_first, "ms")
        emit("generation.first_token_extra", ours_first - raw_first, "ms (goal <= 10)")
        emit("generation.first_token_ratio_vs_raw_client", ours_first / raw_first, "x")
    finally:
        http.shutdown()
        server.destroy()
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
