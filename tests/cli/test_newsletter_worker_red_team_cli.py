"""Red team on the newsletter worker path: the operator's From is their own account's only, a
banned account's scheduled work waits for the ban to end, and control characters stay out of a
newsletter's Subject."""

from __future__ import annotations

import pytest

from tests.cli.conftest import PASSWORD, make_newsletter
from tests.cli.test_social_posting_cli import backdate
from tests.platform_servers import X_TOKEN, FakeSocial
from tests.smtp_server import ehlo_without_smtputf8

OPERATOR_FROM = "Ada's Letters <letters@ada.example>"


def due_newsletter(cli, tmp_path, *, profile: str, readers: list[str]) -> str:
    """A newsletter of a published post of `profile`'s account ("ada": the default profile's), due now for `readers`."""
    as_profile = ("--profile", profile) if profile != "ada" else ()
    path = tmp_path / f"{profile}-post.md"
    path.write_text(f"---\ntitle: {profile}'s week\n---\nUse **tmux**.\n")
    slug = f"{profile}-week"
    made = cli(*as_profile, "blogs", "new", "--from", str(path), "--status", "published", "--slug", slug)
    assert made.exit_code == 0, made.stderr
    letter = cli(*as_profile, "newsletter", "create", "--blogs", slug, "--subject", "This week", "--json")
    assert letter.exit_code == 0, letter.stderr
    listed = tmp_path / f"{profile}-readers.csv"
    listed.write_text("email\n" + "".join(f"{reader}\n" for reader in readers))
    newsletter_id: str = letter.json()["id"]
    scheduled = cli(*as_profile, "newsletter", "send", newsletter_id, "--to", str(listed), "--at", "2099-01-01 09:00")
    assert scheduled.exit_code == 0, scheduled.stderr
    backdate("email_newsletters", [newsletter_id])
    return newsletter_id


def sign_up_bob(cli) -> None:
    signup = cli("--profile", "bob", "auth", "signup", "--email", "bob@example.com", "--password-stdin",
                 input=PASSWORD + "\n")  # fmt: skip
    assert signup.exit_code == 0, signup.stderr


def test_the_operators_from_is_only_the_logged_in_accounts(cli, signed_up, smtp, tmp_path):
    """Red team: newsletter_from (BLOGSTER_NEWSLETTER_FROM) set for the workers became the From of
    every account's scheduled newsletters. It is the From of the account the workers' profile is
    logged in as (Ada); Bob's newsletter goes from Bob's own address."""
    recorder, url = smtp
    due_newsletter(cli, tmp_path, profile="ada", readers=["ada-reader@example.com"])
    sign_up_bob(cli)
    due_newsletter(cli, tmp_path, profile="bob", readers=["bob-reader@example.com"])
    env = {"BLOGSTER_SMTP_URL": url, "BLOGSTER_NEWSLETTER_FROM": OPERATOR_FROM}
    sent = cli("workers", "send-newsletters", "--json", env=env)
    assert sent.exit_code == 0, sent.stderr
    assert [report["sent"] for report in sent.json()["newsletters"]] == [1, 1]
    [adas] = recorder.to("ada-reader@example.com")
    [bobs] = recorder.to("bob-reader@example.com")
    assert str(adas["From"]) == OPERATOR_FROM
    assert str(bobs["From"]) == "bob@example.com"


@pytest.fixture
def x(http) -> FakeSocial:
    return FakeSocial(http).install()


def bobs_due_work(cli, tmp_path, superuser) -> None:
    """Bob's due newsletter (one reader), due post and due social post."""
    bob = ("--profile", "bob")
    due_newsletter(cli, tmp_path, profile="bob", readers=["bob-reader@example.com"])
    assert cli(*bob, "blogs", "new", "Bob's due post", "--slug", "bobs-due-post", input="Text.\n").exit_code == 0
    assert cli(*bob, "publish", "bobs-due-post", "--at", "2099-01-01 09:00").exit_code == 0
    superuser.execute("update blogs set published_at = now() - interval '1 minute' where slug = 'bobs-due-post'")
    connected = cli(*bob, "social", "profiles", "connect", "twitter", "--handle", "bob", "--token-stdin",
                    input=X_TOKEN + "\n")  # fmt: skip
    assert connected.exit_code == 0, connected.stderr
    made = cli(*bob, "social", "new", "bob-week", "--platform", "twitter", "--text", "Bob's", "--json")
    assert made.exit_code == 0, made.stderr
    assert cli(*bob, "social", "schedule", made.json()["id"], "--at", "2099-01-01 09:00").exit_code == 0
    backdate("social_media_posts", [made.json()["id"]])


def run_the_jobs(cli, smtp_url: str, x_url: str) -> None:
    """What the workers do each minute, as cron does it: on Bob's profile, which holds his X token
    (the jobs need no session: they act for every account on the database's own login)."""
    env = {"BLOGSTER_SMTP_URL": smtp_url, "BLOGSTER_TWITTER_URL": x_url}
    for job in ("publish-due", "post-social", "send-newsletters"):
        ran = cli("--profile", "bob", "workers", job, "--json", env=env)
        assert ran.exit_code == 0, (job, ran.stderr)


def test_a_ban_holds_the_accounts_scheduled_work_until_it_ends(cli, signed_up, smtp, x, tmp_path, superuser):
    """Red team: a banned account's newsletters were still mailed, its social posts posted and its
    posts published by the every-account jobs, all through the ban. They wait now, still
    scheduled, and go out on the first run after the ban ends; so for an account awaiting its purge."""
    recorder, url = smtp
    sign_up_bob(cli)
    bobs_due_work(cli, tmp_path, superuser)
    assert cli("admin", "users", "ban", "bob@example.com", "--days", "3").exit_code == 0

    def held() -> bool:
        statuses = superuser.execute(
            "select (select status::text from blogs where slug = 'bobs-due-post'),"
            " (select post_status::text from social_media_posts), (select status::text from email_newsletters)"
        ).fetchone()
        if statuses == ("scheduled", "scheduled", "scheduled"):
            assert recorder.messages == [] and x.posts == []
            return True
        assert statuses == ("published", "published", "sent"), statuses
        assert recorder.to("bob-reader@example.com") and [text for _, text in x.posts] == [
            "Bob's https://bob.blogster.page/posts/bob-week/"
        ]
        return False

    run_the_jobs(cli, url, x.url)
    assert held()
    # The ban runs out (its time passes): nothing to lift, the next run does the work.
    superuser.execute(
        "update auth.users set banned_until = now() - interval '1 second' where email = 'bob@example.com'"
    )
    superuser.execute("update auth.users set deleted_at = now() where email = 'bob@example.com'")  # awaiting purge
    run_the_jobs(cli, url, x.url)
    assert held()
    superuser.execute("update auth.users set deleted_at = null where email = 'bob@example.com'")
    run_the_jobs(cli, url, x.url)
    assert not held()


def test_a_subject_with_control_characters_is_refused(cli, newsletter):
    """Red team: ESC and other controls in a subject went raw into every reader's Subject header."""
    for subject in ("This \x1b]0;pwned\x07 week", "This \x9b2J week", "This \x7f week"):
        made = cli("newsletter", "create", "--blogs", "ten-terminal-habits", "--subject", subject)
        assert made.exit_code == 2, made.stderr
        assert made.stderr.count("\n") == 1 and "control character" in made.stderr, made.stderr
    listed = cli("newsletter", "list", "--json").json()
    assert [n["subject_line"] for n in listed] == ["This week"]  # only the fixture's
    rtl = "\u05e9\u05d1\u05d5\u05e2 (3)\u200f"  # an RLM keeps the parenthesis where RTL text puts it: not refused
    made = cli("newsletter", "create", "--blogs", "ten-terminal-habits", "--subject", rtl, "--json")
    assert made.exit_code == 0 and made.json()["subject_line"] == rtl, made.stderr


@pytest.mark.parametrize(
    ("stored", "mailed"),
    [
        ("This \x1b]0;pwned\x07 week\x9b2J", "This ]0;pwned week2J"),
        ("This week\r\nBcc: x@evil.example", "This week Bcc: x@evil.example"),  # no header of its own
    ],
    ids=["controls", "line-break"],
)
def test_a_stored_subject_with_control_characters_is_mailed_without_them(
    cli, newsletter, smtp, superuser, tmp_path, stored, mailed
):
    """A subject stored before `create` refused controls (or by raw SQL) is cleaned when mailed."""
    recorder, url = smtp
    superuser.execute("update email_newsletters set subject_line = %s", (stored,))
    listed = tmp_path / "readers.csv"
    listed.write_text("email\nreader@example.com\n")
    assert cli("newsletter", "subscribers", "import", str(listed)).exit_code == 0
    sent = cli("newsletter", "send", newsletter, "--json", env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0 and sent.json()[0]["sent"] == 1, sent.stderr
    [(_, raw)] = recorder.raw
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert not any(byte < 0x20 and byte not in b"\t\r\n" or byte == 0x7F for byte in headers)
    [message] = recorder.to("reader@example.com")
    assert str(message["Subject"]) == mailed
    assert message["Bcc"] is None


def test_an_encoded_word_adds_no_header_and_refuses_no_reader(cli, newsletter, smtp, tmp_path):
    """Red team 25: an RFC 2047 encoded word in the subject decoded to line breaks that the mail
    went out with (a second From, a Reply-To for every reader); one in a reader's name had that
    reader refused for good."""
    recorder, url = smtp
    injection = "=?utf-8?q?Weekly=0D=0AFrom:_Operator_<op@example.com>=0D=0AReply-To:_phish@evil.example?="
    made = cli("newsletter", "create", "--blogs", "ten-terminal-habits", "--subject", injection, "--json")
    assert made.exit_code == 0, made.stderr
    readers = tmp_path / "readers.csv"
    readers.write_text("email,name\nreader@example.com,=?utf-8?q?Nia=0D=0AX-Evil:_1?=\n")
    assert cli("newsletter", "subscribers", "import", str(readers)).exit_code == 0
    sent = cli("newsletter", "send", made.json()["id"], "--json", env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0 and sent.json()[0]["sent"] == 1, (sent.stdout, sent.stderr)
    [message] = recorder.to("reader@example.com")
    assert message.get_all("From") == ["ada@example.com"] and message["Reply-To"] is None
    assert message["X-Evil"] is None and str(message["To"]) == '"Nia X-Evil: 1" <reader@example.com>'
    assert str(message["Subject"]) == "Weekly From: Operator <op@example.com> Reply-To: phish@evil.example"


def test_a_from_the_server_cannot_carry_refuses_the_send_not_its_readers(cli, smtp, tmp_path, superuser):
    """Red team 25: an account whose email is outside ASCII, on a server without SMTPUTF8, had
    every reader stored as refused ("the address is not ASCII"), so no later send mailed them."""
    recorder, url = smtp
    recorder.handle_EHLO = ehlo_without_smtputf8  # type: ignore[attr-defined]
    signup = cli("auth", "signup", "--email", "ωμέγα@example.com", "--password-stdin", input=PASSWORD + "\n")
    assert signup.exit_code == 0, signup.stderr
    newsletter_id = make_newsletter(cli, tmp_path)
    readers = tmp_path / "readers.csv"
    readers.write_text("email\nr1@example.com\nr2@example.com\n")
    assert cli("newsletter", "subscribers", "import", str(readers)).exit_code == 0
    refused = cli("newsletter", "send", newsletter_id, env={"BLOGSTER_SMTP_URL": url})
    assert refused.exit_code == 6 and refused.stderr.count("\n") == 1, refused.stderr
    assert "cannot send from 'ωμέγα@example.com'" in refused.stderr and "nothing was sent" in refused.stderr
    assert superuser.execute("select count(*) from newsletter_deliveries").fetchone() == (0,)
    env = {"BLOGSTER_SMTP_URL": url, "BLOGSTER_NEWSLETTER_FROM": "Letters <letters@example.com>"}
    sent = cli("newsletter", "send", newsletter_id, "--json", env=env)
    assert sent.exit_code == 0 and sent.json()[0]["sent"] == 2, (sent.stdout, sent.stderr)
    assert sorted(rcpt for rcpt, _ in recorder.messages) == ["r1@example.com", "r2@example.com"]


def test_an_account_address_goes_out_as_it_is_stored(cli, smtp, tmp_path):
    """Red team 26: an email with an encoded word in its local part (signup takes it) was decoded
    into the From and the envelope's sender: any account could send as ceo@bank.com."""
    recorder, url = smtp
    address = "x=?utf-8?q?Bank_=3Cceo=40bank.com=3E_=28?=@att.example"
    signup = cli("auth", "signup", "--email", address, "--password-stdin", input=PASSWORD + "\n")
    assert signup.exit_code == 0, signup.stderr
    newsletter_id = make_newsletter(cli, tmp_path)
    readers = tmp_path / "readers.csv"
    readers.write_text('email,name\nreader@corp.example,"é Boss <boss@corp.example>"\n')
    assert cli("newsletter", "subscribers", "import", str(readers)).exit_code == 0
    sent = cli("newsletter", "send", newsletter_id, "--json", env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0 and sent.json()[0]["sent"] == 1, (sent.stdout, sent.stderr)
    [(_, raw)] = recorder.raw
    assert b"ceo@bank.com" not in raw
    [message] = recorder.to("reader@corp.example")
    assert [a.addr_spec for a in message["From"].addresses] == [address]
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("é Boss <boss@corp.example>", "reader@corp.example")
    ]
