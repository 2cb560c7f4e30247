"""Every mail finds its SMTP server one way (email_delivery.smtp_server, h270 item 4): the smtp_url
setting or BLOGSTER_SMTP_URL, and the password from the environment first (BLOGSTER_SMTP_PASSWORD,
then one written in BLOGSTER_SMTP_URL), else the stored one (`newsletter smtp-password`, `config set
smtp_url`), else an older config file's URL's. Newsletters take theirs from it (smtp_settings)."""

from __future__ import annotations

import pytest

from blogster_cli.config import write_setting
from blogster_cli.context import AppContext
from blogster_cli.credentials import SMTP_PASSWORD_KEY
from blogster_cli.services.email_delivery import SmtpServer, smtp_server
from blogster_cli.services.newsletters import smtp_settings

STORED = "the password stored in the credentials file (`newsletter smtp-password`)"  # no keyring in the tests


@pytest.fixture(autouse=True)
def no_smtp_variables(monkeypatch):
    monkeypatch.delenv("BLOGSTER_SMTP_URL", raising=False)
    monkeypatch.delenv("BLOGSTER_SMTP_PASSWORD", raising=False)


def test_none_without_a_server():
    assert smtp_server(AppContext()) is None


def test_the_setting_with_the_stored_password():
    write_setting("default", "smtp_url", "smtp://letters@mail.example.com:587")
    AppContext().credentials.set(SMTP_PASSWORD_KEY, "stored")
    server = smtp_server(AppContext())
    assert server == SmtpServer("smtp://letters@mail.example.com:587", "stored", STORED)
    assert "'stored'" not in repr(server)  # the password's value (its source's words say "stored")
    newsletter = smtp_settings(AppContext(), sender_owner=None)
    assert (newsletter.url, newsletter.password) == (server.url, server.password)
    assert newsletter.password_from == STORED  # what a refused login names (t541: not "stored" for the variable's)


def test_the_environment_overrides_the_setting_and_the_stored_password(monkeypatch):
    write_setting("default", "smtp_url", "smtp://letters@mail.example.com:587")
    AppContext().credentials.set(SMTP_PASSWORD_KEY, "stored")
    monkeypatch.setenv("BLOGSTER_SMTP_URL", "smtp://ops@relay.example.com:25")
    assert smtp_server(AppContext()) == SmtpServer("smtp://ops@relay.example.com:25", "stored", STORED)
    # A password written in BLOGSTER_SMTP_URL is the environment's: it beats the stored one
    # (None: the URL's own is sent), as the workers' maintenance mail always took it.
    monkeypatch.setenv("BLOGSTER_SMTP_URL", "smtp://ops:from-env@relay.example.com:25")
    in_url = "the password in BLOGSTER_SMTP_URL"
    assert smtp_server(AppContext()) == SmtpServer("smtp://ops:from-env@relay.example.com:25", None, in_url)
    monkeypatch.setenv("BLOGSTER_SMTP_PASSWORD", "variable")
    variable = "the password in BLOGSTER_SMTP_PASSWORD"
    assert smtp_server(AppContext()) == SmtpServer("smtp://ops:from-env@relay.example.com:25", "variable", variable)


def test_an_older_files_url_password_gives_way_to_the_stored_one(blogster_home_config):
    blogster_home_config('[profiles.default]\nsmtp_url = "smtp://letters:in-file@mail.example.com:587"\n')
    in_setting = "the password in the smtp_url setting"
    assert smtp_server(AppContext()) == SmtpServer("smtp://letters:in-file@mail.example.com:587", None, in_setting)
    AppContext().credentials.set(SMTP_PASSWORD_KEY, "stored")
    assert smtp_server(AppContext()) == SmtpServer("smtp://letters:in-file@mail.example.com:587", "stored", STORED)


@pytest.fixture
def blogster_home_config(isolated_environment):
    def write(text: str) -> None:
        from blogster_cli.config import config_path

        path = config_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    return write
