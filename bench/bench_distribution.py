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

Times are wall-clock on whatever else the machine is doing.
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

from blogster_cli.db import migrations
from blogster_cli.db.connection import Database
from blogster_cli.services import blogs, newsletters


class Counter:
    """An aiosmtpd handler that keeps a count of accepted messages (and nothing else)."""

    def __init__(self) -> None:
        self.accepted = 0

    async def handle_DATA(self, server, session, envelope):
        self.accepted += len(envelope.rcpt_tos)
        return "250 Message accepted"


def main() -> None:
    scale = bench_scale()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=max(50, round(2000 * scale)), help="2,000 x scale")
    args = parser.parse_args()

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
