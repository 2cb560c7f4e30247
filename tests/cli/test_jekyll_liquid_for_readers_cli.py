"""A post imported from Jekyll reaches readers off Jekyll with `{{ site.baseurl }}` as the site's own
address: 254 of the 505 real 18F posts link their pictures and pages with it, and the cross-posts,
the newsletter and the site's pages carried it as text (broken pictures, `![A man…]({{ site.baseurl
}}/…)` shown as written). Any other Liquid left outside code (`{% oembed … %}`) is named once per
post on stderr (and under `warnings` with --json); Liquid in code is code, left alone. The stored
body keeps the Liquid: the export gives the file back byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.cli.test_crosspost_embeds_cli import recording
from tests.conftest import shared_data
from tests.platform_servers import FakeForem, FakeWordPress

SITE = "https://ada.example.com/blog"
PICTURE_POST = "2016-03-31-new-guide-provides-tools-for-product-leads.md"  # real 18F: `{{site.baseurl}}` picture
OEMBED_POST = "2015-03-24-making-twitter-images-more-accessible.md"  # real 18F: three `{% oembed %}`
FENCE = '```liquid\n<img src="{{ site.baseurl }}/a.png">{% oembed https://example.com/in-code %}\n```\n'
SMALL = f"""---
title: Herons
date: 2024-05-01
---
![A heron]({{{{ site.baseurl }}}}/assets/heron.jpg) and [our team]({{{{site.url}}}}{{{{site.baseurl}}}}/team/).

Write `{{{{ site.baseurl }}}}` in a template, or `{{% raw %}}`.

{FENCE}
{{% oembed https://twitter.com/18F/status/1 %}}

Then {{{{ "ada" | team_link }}}} too.
"""
IN_CODE_ONLY = f"""---
title: Templates
date: 2024-05-02
---
Write `{{{{ site.baseurl }}}}` in a template: [home]({{{{ site.baseurl }}}}/).

{FENCE}"""


def import_jekyll(cli, tmp_path: Path, files: dict[str, str | Path]) -> list[str]:
    """Imports `files` (name -> text, or a real post to copy) as a Jekyll site's `_posts`, publishes
    them and sets the site's url to SITE: their slugs, in the order of `files`."""
    posts = tmp_path / "site" / "_posts"
    posts.mkdir(parents=True)
    for name, text in files.items():
        if isinstance(text, Path):
            shutil.copyfile(text, posts / name)
        else:
            (posts / name).write_text(text)
    imported = cli("import", str(posts.parent), "--format", "jekyll", "--json")
    assert imported.exit_code == 0, imported.stderr
    by_name = {Path(file["path"]).name: file["slug"] for file in imported.json()["files"]}
    slugs = [by_name[name] for name in files]
    assert cli("publish", *slugs).exit_code == 0
    assert cli("site", "settings", "set", "url", SITE + "/").exit_code == 0
    return slugs


def warned(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "Jekyll template tag" in line]


def test_real_18f_posts_cross_post_with_resolved_pictures_and_a_warning(
    cli, signed_up, tmp_path, http, platform_server
):
    picture, oembed = import_jekyll(
        cli, tmp_path, {name: shared_data("blog_md", "18f-jekyll", name) for name in (PICTURE_POST, OEMBED_POST)}
    )
    forem = FakeForem(http)
    markdowns = recording(forem, lambda request: request.get_json()["article"]["body_markdown"])
    _, env = platform_server("devto", forem)
    wordpress = FakeWordPress(http)
    pages = recording(wordpress, lambda request: request.get_json().get("content"))
    _, wp_env = platform_server("wordpress", wordpress)
    env |= wp_env

    sent = cli("crosspost", picture, "--to", "devto", "--to", "wordpress", "--json", env=env)
    assert sent.exit_code == 0, sent.stderr
    assert warned(sent.stderr) == [] and all(outcome["warnings"] == [] for outcome in sent.json())
    [markdown], [page] = markdowns, pages
    assert f"[![A screenshot of the 18F Product Guide]({SITE}/assets/blog/product-guide/product-guide.jpg)]" in markdown
    assert f'src="{SITE}/assets/blog/product-guide/product-guide.jpg"' in page
    assert "site.baseurl" not in markdown + page

    sent = cli("crosspost", oembed, "--to", "devto", "--to", "wordpress", "--json", env=env)
    assert sent.exit_code == 0, sent.stderr
    line = (
        f"warning: '{oembed}': its Jekyll template tag {{% oembed https://twitter.com/travelingheidi/status/"
        "578569906834264064 %} (and 2 more) is left as written, so readers see it as text: edit the post to"
        " say it without Liquid"
    )
    assert warned(sent.stderr) == [line]  # once for the post, not once per platform
    assert [outcome["warnings"] for outcome in sent.json()] == [[line.removeprefix("warning: ")]] * 2

    # The stored post is as imported: the export gives the real file back byte for byte.
    out = tmp_path / "out"
    assert cli("export", str(out), "--format", "jekyll").exit_code == 0
    for name in (PICTURE_POST, OEMBED_POST):
        exported = next(out.rglob(name)).read_bytes()
        assert exported == shared_data("blog_md", "18f-jekyll", name).read_bytes()


def test_liquid_in_code_is_left_alone_and_not_warned_about(cli, signed_up, tmp_path, http, platform_server):
    small, in_code = import_jekyll(
        cli, tmp_path, {"2024-05-01-herons.md": SMALL, "2024-05-02-templates.md": IN_CODE_ONLY}
    )
    forem = FakeForem(http)
    markdowns = recording(forem, lambda request: request.get_json()["article"]["body_markdown"])
    _, env = platform_server("devto", forem)

    sent = cli("crosspost", small, "--to", "devto", env=env)
    assert sent.exit_code == 0, sent.stderr
    assert warned(sent.stderr) == [
        f"warning: '{small}': its Jekyll template tag {{% oembed https://twitter.com/18F/status/1 %}} (and 1 more)"
        " is left as written, so readers see it as text: edit the post to say it without Liquid"
    ]
    assert markdowns[-1] == (
        f"![A heron]({SITE}/assets/heron.jpg) and [our team]({SITE}/team/).\n\n"
        "Write `{{ site.baseurl }}` in a template, or `{% raw %}`.\n\n"
        f"{FENCE}\n"
        "{% oembed https://twitter.com/18F/status/1 %}\n\n"
        'Then {{ "ada" | team_link }} too.\n'
    )

    sent = cli("crosspost", in_code, "--to", "devto", env=env)
    assert sent.exit_code == 0 and warned(sent.stderr) == [], sent.stderr
    assert markdowns[-1] == f"Write `{{{{ site.baseurl }}}}` in a template: [home]({SITE}/).\n\n{FENCE}"

    # Liquid is Jekyll's: in a post written here `{{ site.baseurl }}` is the author's own text.
    path = tmp_path / "post.md"
    path.write_text("---\ntitle: Braces\n---\nSay {{ site.baseurl }} and {% oembed x %}.\n")
    assert cli("blogs", "new", "--from", str(path), "--status", "published", "--slug", "braces").exit_code == 0
    sent = cli("crosspost", "braces", "--to", "devto", env=env)
    assert sent.exit_code == 0 and warned(sent.stderr) == [], sent.stderr
    assert markdowns[-1] == "Say {{ site.baseurl }} and {% oembed x %}.\n"


def test_the_newsletter_mails_resolved_links_and_warns_at_each_send(cli, signed_up, smtp, tmp_path):
    recorder, url = smtp
    [small] = import_jekyll(cli, tmp_path, {"2024-05-01-herons.md": SMALL})
    created = cli("newsletter", "create", "--blogs", small, "--subject", "Herons", "--json")
    assert created.exit_code == 0, created.stderr
    line = (
        f"warning: '{small}': its Jekyll template tag {{% oembed https://twitter.com/18F/status/1 %}} (and 1 more)"
        " is left as written, so readers see it as text: edit the post to say it without Liquid"
    )
    assert warned(created.stderr) == [line]
    previewed = cli("newsletter", "preview", created.json()["id"], "--json")  # h391: the mail it shows, as a send
    assert warned(previewed.stderr) == [line] and previewed.json()["warnings"] == [line.removeprefix("warning: ")]
    readers = tmp_path / "readers.csv"
    readers.write_text("email\nada@example.com\n")
    sent = cli(
        "newsletter", "send", created.json()["id"], "--to", str(readers), "--json", env={"BLOGSTER_SMTP_URL": url}
    )
    assert sent.exit_code == 0, sent.stderr
    assert warned(sent.stderr) == [line] and sent.json()[0]["warnings"] == [line.removeprefix("warning: ")]
    [message] = recorder.to("ada@example.com")
    page = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert f'src="{SITE}/assets/heron.jpg"' in page and f'href="{SITE}/team/' in page
    assert f"{SITE}/assets/heron.jpg" in text and "{{ site.baseurl }}/assets" not in page + text
    assert "<code>{{ site.baseurl }}</code>" in page  # the code span stays code


def test_the_site_shows_pictures_under_its_path_and_every_build_warns(cli, signed_up, tmp_path):
    small, in_code = import_jekyll(
        cli, tmp_path, {"2024-05-01-herons.md": SMALL, "2024-05-02-templates.md": IN_CODE_ONLY}
    )
    out = tmp_path / "public"
    line = (
        f"warning: '{small}': its Jekyll template tag {{% oembed https://twitter.com/18F/status/1 %}} (and 1 more)"
        " is left as written, so readers see it as text: edit the post to say it without Liquid"
    )
    for _ in range(2):  # the second build writes nothing, and still says it
        built = cli("site", "build", "--out", str(out), "--json")
        assert built.exit_code == 0, built.stderr
        assert warned(built.stderr) == [line] and built.json()["warnings"] == [line.removeprefix("warning: ")]
    pages = {page.parent.name: page.read_text() for page in out.rglob("index.html")}
    herons, templates = pages[small], pages[in_code]
    assert '<img src="/blog/assets/heron.jpg" alt="A heron"' in herons and 'href="/blog/team/"' in herons
    assert "<code>{{ site.baseurl }}</code>" in herons
    assert 'href="/blog/"' in templates and "<code>{{ site.baseurl }}</code>" in templates
