"""What a platform's answer says about waiting and about its own text, whatever it sends."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx2
import pytest

from blogster_cli.services.platform_api import Answer, _retry_after, secret_forms


def waits(value: str) -> float | None:
    return _retry_after(httpx2.Response(429, headers={"retry-after": value}))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5", 5.0), (" 2.5 ", 2.5), ("0", 0.0), ("-5", 0.0), ("inf", None), ("1e400", None), ("nan", None),
     ("", None), ("soon", None), ("Mon, 99 Foo 2026 00:00:00 GMT", None)],
)  # fmt: skip
def test_retry_after_in_seconds(value, expected):
    assert waits(value) == expected


def test_retry_after_as_an_http_date():
    later = waits(format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True))
    assert later is not None and 25 <= later <= 31
    assert waits(format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)) == 0.0
    assert _retry_after(httpx2.Response(429)) is None


@pytest.mark.parametrize("charset", ["x-no-such-codec", "rot13", "hex", "base64", "utf-8"])
def test_an_answer_reads_as_text_in_any_charset_it_names(charset):
    assert Answer(400, httpx2.Headers(), b"bad \xff request", charset).text == "bad \ufffd request"


def test_every_form_of_a_wordpress_password_is_masked():
    """A server may echo the application password %-quoted, form-encoded or in base64 alone (red team 27)."""
    password = "abcd EFGH ijkl MNOP"
    forms = secret_forms(f"ada:{password}")
    for echoed in (
        password, "abcdEFGHijklMNOP", "abcd%20EFGH%20ijkl%20MNOP", "abcd+EFGH+ijkl+MNOP",
        base64.b64encode(password.encode()).decode(), base64.b64encode(f"ada:{password}".encode()).decode(),
        base64.b64encode(b"abcdEFGHijklMNOP").decode().rstrip("="),
    ):  # fmt: skip
        assert echoed in forms, echoed
