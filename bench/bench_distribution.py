"""Newsletter sending throughput to a local SMTP server, beside a floor measured in the same run.

    python bench/bench_distribution.py [--readers 2000]

Starts an embedded PostgreSQL in a temporary folder, applies the migrations, creates one
account with a published post, a newsletter of it and --readers subscribers, and a local
SMTP server (aiosmtpd) that keeps every message. Then:

    newsletter_send: `newsletter send` (the service): each reader's own message built, handed
             to the server over one connection, and its outcome committed as the reader in its
             own transaction before the next one (what makes the send resumable and exactly-once)
    newsletter_send_rate: readers per second
    smtp_floor: smtplib alone sending the same number of prebuilt messages over one connection
             to the same server (no database, no per-reader building): the peer to compare with
    newsletter_ratio_to_floor: our overhead over the floor
    newsletter_rerun: the same send again, with everyone already mailed (what a resume pays)
    newsletter_resume_after_half: a send that finds half the readers already mailed

    text_part_real_posts: the plain-text part (`newsletter.plain_text`) of every post of
             ../shared/data/blog_md (1,255), in ms per KB of markdown
    text_part_<kind>: the same for posts of 10,000 short lines, each with what makes the text part
             read its blocks (a tag, a comment, a quote): a list of one-word items, a poem, a quote;
             with its ratio to the real posts' figure (markdown-it's own parse is most of it)

`--text-part-only` measures the text part alone (no database, no SMTP server).
Times are wall-clock on whatever else the machine is doing (text parts: the best of 3 reads).
"""

from __future__ import annotations

import argparse
import shutil
import smtplib
import socket
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_import_export import create_account
from scaling import bench_scale
from timing import timed

from blogster_cli.content.frontmatter import FrontMatterError, split_front_matter
from blogster_cli.db import migrations
from blogster_cli.db.connection import Database
from blogster_cli.distribution.newsletter import plain_text
from blogster_cli.services import blogs, newsletters

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "blog_md"
CORPUS_FALLBACK = Path("/work/shared/data/blog_md")
SHORT_LINES = 10_000


class Counter:
    """An aiosmtpd handler that keeps a count of accepted messages (and nothing else)."""

    def __init__(self) -> None:
        self.accepted = 0

    async def handle_DATA(self, server, session, envelope):
        self.accepted += len(envelope.rcpt_tos)
        return "250 Message accepted"


def real_post_bodies() -> list[str]:
    """The markdown bodies of the shared corpus's posts (a file whose front matter is never closed: all of it)."""
    root = CORPUS if CORPUS.is_dir() else CORPUS_FALLBACK
    bodies = []
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        try:
            bodies.append(split_front_matter(text).body)
        except FrontMatterError:
            bodies.append(text)
    return bodies


def short_line_posts() -> dict[str, str]:
    """Posts of SHORT_LINES short lines, each with what makes the text part read its blocks."""
    words = ["rose", "night", "river", "stone", "light", "wind", "sea", "grey"]
    return {
        "list_of_one_word_items": "Some <em>words</em>.\n\n"
        + "".join(f"- {words[n % 8]}\n" for n in range(SHORT_LINES)),
        "poem": "<!-- a note -->\n\n"
        + "".join("\n" if n % 9 == 8 else f"{words[n % 8]} {words[n * 3 % 8]}\n" for n in range(SHORT_LINES)),
        "quote": "".join(f"> > {words[n % 8]}\n" if n % 7 == 0 else f"> {words[n % 8]}\n" for n in range(SHORT_LINES)),
    }


def text_part_figures() -> None:
    """The text part's cost per KB: the real posts' against posts of short lines."""

    def per_kb(texts: list[str]) -> float:
        size = sum(len(text.encode()) for text in texts) / 1024
        return min(timed(lambda: [plain_text(text) for text in texts])[0] for _ in range(3)) * 1000 / size

    real = real_post_bodies()
    ordinary = per_kb(real)
    print(f"text_part_real_posts: {ordinary:.3f} ms/KB ({len(real)} posts)")
    for kind, text in short_line_posts().items():
        figure = per_kb([text])
        print(
            f"text_part_{kind}: {figure:.3f} ms/KB ({len(text.encode()) / 1024:.0f} KB, {ordinary and figure / ordinary:.1f} x)"
        )


def main() -> None:
    scale = bench_scale()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=max(50, round(2000 * scale)), help="2,000 x scale")
    parser.add_argument("--text-part-only", action="store_true", help="measure the text part alone")
    args = parser.parse_args()
    text_part_figures()
    if args.text_part_only:
        return

    from aiosmtpd.controller import Controller
    from prepared import embedded_server

    counter = Counter()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    scratch = Path(tempfile.mkdtemp(prefix="blogster-bench-distribution-"))
    server = embedded_server(scratch / "home")
    try:
        server.ensure_running()
        db = Database(server.conninfo())
        migrations.apply(db)
        acting = create_account(db)
        with db.connect() as conn:
            conn.execute(
                "insert into public.subdomain_settings (user_id, subdomain) values (%s, 'bench')"
                " on conflict do nothing",
                (acting.actor.user_id,),
            )
        blogs.create(acting, new=blogs.NewBlog(title="Bench post", markdown="Some **words**.\n", status="published"))
        n = args.readers
        csv_text = "email\n" + "".join(f"reader{i}@example.com\n" for i in range(n))
        smtp = newsletters.SmtpSettings(
            url=f"smtp://127.0.0.1:{port}", password=None, sender="bench@example.com", sender_owner=acting.actor.user_id
        )

        def letter() -> str:
            return str(newsletters.create(acting, refs=["bench-post"], subject="Bench", base_domain="example.com").id)

        first = letter()
        seconds, report = timed(lambda: newsletters.send(acting, ref=first, smtp=smtp, csv_text=csv_text))
        assert report.sent == n and counter.accepted == n, (report, counter.accepted)
        print(f"newsletter_send: {seconds:.2f} s ({n} readers)")
        print(f"newsletter_send_rate: {n / seconds:.0f} readers/s")

        prebuilt = []
        for i in range(n):
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = "bench@example.com", f"reader{i}@example.com", "Bench"
            message.set_content("Some words.")
            message.add_alternative("<p>Some <strong>words</strong>.</p>", subtype="html")
            prebuilt.append(message)

        def floor_send() -> None:
            with smtplib.SMTP("127.0.0.1", port) as client:
                for message in prebuilt:
                    client.send_message(message)

        floor, _ = timed(floor_send)
        print(f"smtp_floor: {floor:.2f} s (smtplib alone, prebuilt messages, one connection, no database)")
        print(f"newsletter_ratio_to_floor: {seconds / floor:.1f} x")

        rerun, again = timed(lambda: newsletters.send(acting, ref=first, smtp=smtp))
        assert again.sent == 0 and again.already_done == n
        print(f"newsletter_rerun: {rerun * 1000:.0f} ms (everyone already mailed)")

        second = letter()
        before = counter.accepted  # a send to the whole list stopped halfway (as Ctrl-C stops it)
        newsletters.send(acting, ref=second, smtp=smtp, should_stop=lambda: counter.accepted - before >= n // 2)
        resumed, rest = timed(lambda: newsletters.send(acting, ref=second, smtp=smtp))
        assert rest.sent == n - n // 2 and rest.already_done == n // 2
        print(f"newsletter_resume_after_half: {resumed:.2f} s ({rest.sent} readers left)")
    finally:
        controller.stop()
        server.destroy()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
