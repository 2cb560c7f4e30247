"""Changing a setting: its value in the profile's config file, a database URL's password in
the keyring (secrets never go to the config file; `AppContext.database` puts it back)."""

from __future__ import annotations

from pathlib import Path

from blogster_cli.config import setting_name, split_password, write_setting
from blogster_cli.credentials import DATABASE_PASSWORD_KEY, CredentialStore


def change(profile: str, key: str, value: str | None) -> str | None:
    """Sets (None: removes) one setting of `profile`; returns the value the file now holds."""
    if setting_name(key) == "site_out" and value and not value.startswith("~"):
        # Kept absolute: cron runs `calendar run-due` from another folder than the one it was typed in.
        value = str(Path(value).absolute())
    if setting_name(key) != "database_url":
        stored = write_setting(profile, key, value)
        return stored if isinstance(stored, str) else value  # `site_base_domain Example.Org`: as stored
    url, password = split_password(value) if value else (None, None)
    write_setting(profile, key, url)  # checks the URL before the keyring changes
    store = CredentialStore(profile)
    if password is None:
        store.delete(DATABASE_PASSWORD_KEY)
    else:
        store.set(DATABASE_PASSWORD_KEY, password)
    return url
