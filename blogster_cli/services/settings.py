"""Changing a setting: its value in the profile's config file, a URL's password in the keyring
(secrets never go to the config file): database_url's, with libpq's other secrets in it
(sslpassword, oauth_client_secret: each in its own entry, DATABASE_SECRET_KEYS; `AppContext.database`
puts them back), and smtp_url's (where `newsletter smtp-password` keeps it, and a newsletter's send
reads it). Each change first moves out the passwords an older version left in the file
(`move_file_passwords`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from blogster_cli.config import (
    SettingValue,
    check_storable,
    coerce,
    config_file_lock,
    file_passwords,
    inspect_settings,
    read_config_file,
    setting_name,
    split_url_secrets,
    write_config_file,
    write_setting,
)
from blogster_cli.credentials import DATABASE_SECRET_KEYS, SMTP_PASSWORD_KEY, CredentialStore

PASSWORD_KEYS = {"database_url": DATABASE_SECRET_KEYS, "smtp_url": {"password": SMTP_PASSWORD_KEY}}
"""Where each URL setting's secrets are kept, by name (config.KEYRING_PASSWORD_KEYS): database_url's
password, sslpassword and oauth_client_secret (config.LIBPQ_SECRETS), smtp_url's password."""


@dataclass(frozen=True)
class MovedPassword:
    """A password taken out of the config file, never the password itself."""

    profile: str
    key: str
    kept: bool
    """True: now in the profile's keyring; False: dropped, as the keyring's own (which was in use) is kept."""


@dataclass(frozen=True)
class Change:
    """What `config set` or `config unset` did, never a password."""

    key: str
    value: str | None
    """What the file now holds for the setting (None: nothing, the setting is removed)."""
    was_set: bool
    """Whether the file held the setting before."""
    password: str | None
    """Where the given URL's password (and libpq's other secrets in it) went ('keyring' or
    'credentials_file'); None: it named none."""
    moved: list[MovedPassword]
    """The passwords an older version had left in the file, now out of it."""
    now: SettingValue
    """The setting as commands read it now: the file's, an environment variable's or the default."""


def change(profile: str, key: str, value: str | None, *, database_url: str | None = None) -> Change:
    """Sets (None: removes) one setting of `profile`; `database_url` is the command's
    --database-url, which overrides the file's as it does for every command."""
    key = setting_name(key)
    if key == "site_out" and value and not value.startswith("~"):
        # Kept absolute: cron runs `calendar run-due` from another folder than the one it was typed in.
        value = str(Path(value).absolute())
    with config_file_lock():  # another command's change waits: neither is lost
        moved = move_file_passwords()
        was_set = key in _section(profile)
        secrets: dict[str, str] = {}
        kept = None
        if key in PASSWORD_KEYS and value:
            value, secrets = split_url_secrets(key, value)
            checked = coerce(key, value)  # the URL checked before the keyring changes
            if isinstance(checked, str):
                check_storable(key, checked)
        store = CredentialStore(profile)
        entries = PASSWORD_KEYS.get(key, {})
        for name, secret in secrets.items():
            if secret:  # (an empty one: none, as before)
                store.set(entries[name], secret)
                kept = store.kind
        stored = write_setting(profile, key, value)
        if key == "database_url":  # a secret the new URL (or none at all) lacks: the old server's, forgotten
            for name, entry in entries.items():  # after the file changed: a kill between loses nothing
                if not secrets.get(name):
                    store.delete(entry)
    written = stored if isinstance(stored, str) else value  # `site_base_domain Example.Org`: as stored
    [now] = [found for found in inspect_settings(profile, database_url=database_url) if found.key == key]
    return Change(key=key, value=written or None, was_set=was_set, password=kept, moved=moved, now=now)


def move_file_passwords() -> list[MovedPassword]:
    """Moves each password the config file holds in clear (an older version wrote smtp_url's and
    database_url's there, libpq's other secrets in database_url too) to its profile's keyring, and
    leaves the URL without it in the file; returns what became of each. The one that was in effect
    is kept: the file's for the database (it won over the keyring's), the keyring's for SMTP where
    it has one (it won over the URL's). A database_url libpq cannot read stays as it is (its
    secrets cannot be told apart), as does another URL setting's password (no use, no place to
    go): `doctor` names them."""
    with config_file_lock():
        document = read_config_file()
        moved = []
        for profile, key in file_passwords():
            section = document["profiles"][profile]
            url, secrets = split_url_secrets(key, section[key]) if key in PASSWORD_KEYS else (section[key], {})
            if not secrets:
                continue
            store = CredentialStore(profile)
            kept = not (key == "smtp_url" and store.get(SMTP_PASSWORD_KEY) is not None)
            if kept:
                for name, secret in secrets.items():
                    store.set(PASSWORD_KEYS[key][name], secret)  # before the file loses it
            section[key] = url
            moved.append(MovedPassword(profile, key, kept))
        if moved:
            write_config_file(document)
        return moved


def _section(profile: str) -> dict[str, object]:
    section = read_config_file().get("profiles", {}).get(profile, {})
    return section if isinstance(section, dict) else {}
