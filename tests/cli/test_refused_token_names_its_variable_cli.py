"""A token the platform refuses is checked where it came from (h329 L9): BLOGSTER_<PLATFORM>_TOKEN,
which overrides the stored token, is named when it was the one used; else `platforms connect`."""

from __future__ import annotations

import pytest

from tests.cli.conftest import connect
from tests.cli.test_crosspost_cli import POST, publish_post
from tests.cli.test_social_posting_cli import due_posts
from tests.platform_servers import TOKEN, FakeForem, FakeSocial


@pytest.mark.parametrize("stored", [True, False])
def test_a_refused_environment_token_names_its_variable(cli, signed_up, http, tmp_path, stored):
    forem = FakeForem(http).install()
    published = publish_post(cli, tmp_path, POST)
    if stored:  # the right one in the keyring: the environment's wins all the same
        connect(cli, "devto", TOKEN)
    env = {"BLOGSTER_DEVTO_URL": forem.url, "BLOGSTER_DEVTO_TOKEN": "bad"}
    refused = cli("crosspost", published, "--to", "devto", env=env)
    assert refused.exit_code == 1 and "refused the token (401)" in refused.stderr, refused.stderr
    assert "check BLOGSTER_DEVTO_TOKEN, which overrides the stored token" in refused.stderr
    assert "platforms connect" not in refused.stderr

    connect(cli, "devto", "also-bad")
    stored_refused = cli("crosspost", published, "--to", "devto", env={"BLOGSTER_DEVTO_URL": forem.url})
    assert "refused the token (401): check it with `blogster platforms connect`" in stored_refused.stderr


def test_a_refused_social_environment_token_names_its_variable(cli, signed_up, http):
    x = FakeSocial(http).install()
    due_posts(cli, count=1)  # its profile connected with the right token
    ran = cli("social", "post-due", "--json", env={"BLOGSTER_TWITTER_URL": x.url, "BLOGSTER_TWITTER_TOKEN": "bad"})
    assert ran.exit_code == 1, ran.stderr
    assert (
        ran.json()[0]["error"]
        == "X refused the token (401): check BLOGSTER_TWITTER_TOKEN, which overrides the stored token"
    )
