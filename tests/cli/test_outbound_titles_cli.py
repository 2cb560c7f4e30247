"""A post titled by its body's first `# heading` reaches readers elsewhere by that heading's words,
as the site shows it (`publish.titles.shown_title`): `Why we ship with pytest`, not
`*Why* we ship with \\`pytest\\``, in a newsletter (its HTML and plain-text parts), a cross-post's
title (dev.to, Hashnode, WordPress: plain text on all three) and the AI's social post prompt. A
title typed as it is (front matter, no such heading) goes as typed there too, as the site shows it.
Below the title, the body goes without that heading where the site's page lifts it out of the body
(`publish.titles.without_lifted_heading`): in a newsletter's parts and a cross-post's body, pictures
still absolute; a body heading that is not the title stays.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.cli.conftest import CROSSPOST_PLATFORMS, make_newsletter

HEADING = "*Why* we ship with `pytest` & co"
WORDS = "Why we ship with pytest & co"
POST = f"# {HEADING}\n\nUse **tmux** every day.\n"  # no front matter: the heading is the title
SLUG = "ten-terminal-habits"  # make_newsletter's slug


def test_a_newsletter_shows_a_heading_titles_words_in_both_parts(cli, signed_up, smtp, tmp_path):
    recorder, url = smtp
    newsletter = make_newsletter(cli, tmp_path, POST)
    assert cli("blogs", "show", SLUG, "--json").json()["title"] == HEADING  # stored as written
    (tmp_path / "readers.csv").write_text("email\nreader@example.com\n")
    sent = cli("newsletter", "send", newsletter, "--to", str(tmp_path / "readers.csv"), env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    [message] = recorder.to("reader@example.com")
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert f">{WORDS.replace('&', '&amp;')}</a></h2>" in html and "*Why*" not in html
    lines = text.splitlines()
    assert lines[lines.index(WORDS) + 1] == "=" * len(WORDS)  # the section's heading; the body follows as written


def test_a_newsletter_keeps_a_typed_title_as_the_site_does(cli, signed_up, smtp, tmp_path):
    newsletter = make_newsletter(cli, tmp_path, "---\ntitle: C*-algebras *today*\n---\nText.\n")
    shown = cli("newsletter", "preview", newsletter, "--json")
    assert shown.exit_code == 0, shown.stderr
    assert "\nC*-algebras *today*\n" in shown.json()["text"]


def published(cli, tmp_path) -> None:
    path = tmp_path / "post.md"
    path.write_text(POST)
    made = cli("blogs", "new", "--from", str(path), "--status", "published", "--slug", SLUG)
    assert made.exit_code == 0, made.stderr


@pytest.mark.parametrize("platform", list(CROSSPOST_PLATFORMS))
def test_a_crossposts_title_is_the_heading_titles_words(cli, signed_up, platform_server, tmp_path, platform):
    published(cli, tmp_path)
    remote, env = platform_server(platform)
    sent = cli("crosspost", SLUG, "--to", platform, "--json", env=env)
    assert sent.exit_code == 0, sent.stderr
    [post] = remote.posts.values()
    # WordPress stores its title as HTML: the words go escaped (platform_api), as any title does.
    assert post["title"] == (WORDS.replace("&", "&amp;") if platform == "wordpress" else WORDS)


def test_the_social_prompt_quotes_the_heading_titles_words(cli, signed_up, ai_env, tmp_path):
    published(cli, tmp_path)
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"content": "Why we ship.", "hashtags": ["testing"]}))
    made = cli("generate", "social", SLUG, "--platform", "twitter", "--json")
    assert made.exit_code == 0, made.stderr
    [call] = ai_env.calls("/v1/chat/completions")
    prompt = "\n".join(m["content"] for m in call.body["messages"])
    assert f'promotes the blog post "{WORDS}"' in prompt and f'"{HEADING}"' not in prompt


# -- the body's own heading, once ------------------------------------------------------------------
# The site's page shows a heading title's heading once: lifted out of the body
# (`publish.titles.lifted_heading`). A newsletter's post heading and a platform's title field
# show the title above the body, so the body goes without that heading, where the page lifts it.

LOGO, SHELL = "ab" * 32 + ".png", "cd" * 32 + ".png"
README = f"![Logo](media/{LOGO})\n\n# {HEADING}\n\nUse **tmux** every day.\n\n![A shell](media/{SHELL})\n"
TYPED = f"---\ntitle: Ten terminal habits\n---\n# {HEADING}\n\nUse **tmux** every day.\n"  # the title differs


def mail_parts(cli, tmp_path, smtp, post: str) -> tuple[str, str]:
    recorder, url = smtp
    newsletter = make_newsletter(cli, tmp_path, post)
    (tmp_path / "readers.csv").write_text("email\nreader@example.com\n")
    sent = cli("newsletter", "send", newsletter, "--to", str(tmp_path / "readers.csv"), env={"BLOGSTER_SMTP_URL": url})
    assert sent.exit_code == 0, sent.stderr
    [message] = recorder.to("reader@example.com")
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # lines end in CRLF in a mail
    return message.get_body(("html",)).get_content(), text


def test_a_newsletter_shows_a_heading_title_once_in_both_parts(cli, signed_up, smtp, tmp_path):
    html, text = mail_parts(cli, tmp_path, smtp, README)
    site = re.search(r'<header><p><a href="([^"]+)"', html).group(1)
    assert "<h1>" not in html and "<em>Why</em>" not in html  # the section's <h2> only
    assert html.count("Why we ship") == 1
    # The logo before the heading and the picture after it stay, absolute as ever.
    assert f'src="{site}media/{LOGO}"' in html and f'src="{site}media/{SHELL}"' in html
    assert 'src="media/' not in html and "<p>Use <strong>tmux</strong> every day.</p>" in html
    assert HEADING not in text and text.count("Why we ship") == 1  # the section's `===` heading only
    body = text[text.index("=" * len(WORDS)) :]
    assert f"![Logo]({site}media/{LOGO})\n\nUse **tmux** every day.\n\n![A shell]({site}media/{SHELL})" in body


def test_a_newsletter_keeps_a_body_heading_that_is_not_the_title(cli, signed_up, smtp, tmp_path):
    html, text = mail_parts(cli, tmp_path, smtp, TYPED)
    assert ">Ten terminal habits</a></h2>" in html and "<h1><em>Why</em> we ship with <code>pytest</code>" in html
    assert "Ten terminal habits\n===================\n\n" + f"# {HEADING}\n\nUse **tmux**" in text


def crosspost_body(cli, tmp_path, platform_server, platform: str, post: str) -> tuple[str, str]:
    """(the body the platform got, the site's base URL)."""
    path = tmp_path / "post.md"
    path.write_text(post)
    made = cli("blogs", "new", "--from", str(path), "--status", "published", "--slug", SLUG)
    assert made.exit_code == 0, made.stderr
    remote, env = platform_server(platform)
    sent = cli("crosspost", SLUG, "--to", platform, "--json", env=env)
    assert sent.exit_code == 0, sent.stderr
    site = re.match(r"https://[^/]+/", sent.json()[0]["canonical_url"]).group(0)
    [post] = remote.posts.values()
    field = {"devto": "body_markdown", "hashnode": "contentMarkdown", "wordpress": "content"}[platform]
    return post[field], site


@pytest.mark.parametrize("platform", list(CROSSPOST_PLATFORMS))
def test_a_crosspost_body_leaves_a_heading_title_to_the_title_field(
    cli, signed_up, platform_server, tmp_path, platform
):
    body, site = crosspost_body(cli, tmp_path, platform_server, platform, README)
    if platform == "wordpress":  # the HTML
        assert "<h1" not in body and "<em>Why</em>" not in body and "Why we ship" not in body
        assert f'src="{site}media/{LOGO}"' in body and f'src="{site}media/{SHELL}"' in body
        assert "<p>Use <strong>tmux</strong> every day.</p>" in body
    else:  # the markdown
        assert HEADING not in body and "Why we ship" not in body
        assert body.startswith(f"![Logo]({site}media/{LOGO})\n\nUse **tmux** every day.\n\n")
        assert f"![A shell]({site}media/{SHELL})" in body


@pytest.mark.parametrize("platform", list(CROSSPOST_PLATFORMS))
def test_a_crosspost_keeps_a_body_heading_that_is_not_the_title(cli, signed_up, platform_server, tmp_path, platform):
    body, _ = crosspost_body(cli, tmp_path, platform_server, platform, TYPED)
    shown = "<h1><em>Why</em> we ship with <code>pytest</code> &amp; co</h1>" if platform == "wordpress" else HEADING
    assert shown in body
