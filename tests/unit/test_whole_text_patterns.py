"""Patterns that say a whole text has a form end in `\\Z`, not `$`: Python's `$` also matches
before a final line end, so `abc` + "\\n" passed the slug rule and then failed the database's
check (`slug: |` in YAML writes one), and a verifier with a line end passed `is_verifier`."""

from __future__ import annotations

import pytest

from blogster_cli.content import slugs
from blogster_cli.content.rules import check_explicit_slug
from blogster_cli.db import migrations
from blogster_cli.db.scram import is_verifier, scram_verifier
from blogster_cli.errors import InvalidInput
from blogster_cli.publish import urls
from blogster_cli.services import backup, post_steps, site_settings

VERIFIER = scram_verifier("a password", iterations=1)


@pytest.mark.parametrize(
    ("pattern", "whole"),
    [
        (slugs.USABLE_SLUG, "abc"),
        (slugs.ID_SHAPED, "0b7c5f2e-52a1-4c1e-9a53-1c2f0e6a7d10"),
        (backup.TABLE_MEMBER, "data/public.blogs.copy"),
        (backup.MEDIA_MEMBER, "media/" + "a" * 64 + ".png"),
        (post_steps.AUTHOR_ID_PREFIX, "0b7c5f2e"),
        (migrations.MIGRATION_FILE, "0001_roles_and_auth.sql"),
        (site_settings._SUBDOMAIN, "writer"),
        (site_settings._URL, "https://example.com/blog"),
        (site_settings._PERMALINK, "/posts/{slug}/"),
        (urls._DOMAIN, "example.com"),
    ],
)
def test_a_final_line_end_is_not_part_of_the_form(pattern, whole):
    assert pattern.match(whole)
    assert pattern.match(whole + "\n") is None


def test_a_slug_ending_in_a_line_end_is_refused_by_the_commands_rule():
    assert slugs.kept_slug("two\n") is None
    assert slugs.unusable_because("two\n") is not None
    with pytest.raises(InvalidInput, match="slug"):
        check_explicit_slug("two\n")


def test_a_verifier_with_a_line_end_is_none():
    assert is_verifier(VERIFIER)
    assert not is_verifier(VERIFIER + "\n")
