"""An imported post's old addresses read alike by `site build`, `posts addresses` and export (tester
524): a Hugo alias without its `/` is from the page's folder, as Hugo writes it; a WordPress post's
`link` redirects; an alias the build cannot write (its page's address in another letter case) is
said, not listed; and an MDX post's JSX and `import`/`export` lines are warned about."""

WXR = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old</title><link>https://old.example</link><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Hello world</title><link>https://old.example/2019/05/hello-world/</link>
<content:encoded><![CDATA[Hello.]]></content:encoded><wp:post_id>1</wp:post_id>
<wp:post_date_gmt>2019-05-01 10:00:00</wp:post_date_gmt><wp:post_name>hello-world</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
"""


def imported_addresses(cli, slug: str) -> list[str]:
    return [entry["address"] for entry in cli("posts", "addresses", slug, "--json").json()]


def test_a_hugo_alias_without_its_slash_is_from_the_pages_folder_everywhere(cli, signed_up, tmp_path):
    post = tmp_path / "hugo/content/posts/first.md"
    post.parent.mkdir(parents=True)
    post.write_text("---\ntitle: First\ndate: 2023-03-04\nurl: /2023/03/first/\naliases: [legacy-first]\n---\nHi.\n")
    assert cli("import", str(post), "--format", "hugo").exit_code == 0
    assert cli("posts", "status", "first", "published").exit_code == 0
    assert imported_addresses(cli, "first") == ["/2023/03/first/", "/2023/03/legacy-first/"]
    out = tmp_path / "public"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert (out / "2023/03/legacy-first/index.html").is_file() and not (out / "legacy-first").exists()
    assert cli("export", str(tmp_path / "export"), "--format", "jekyll").exit_code == 0  # Hugo's: as written
    assert "- /2023/03/legacy-first/" in next((tmp_path / "export").rglob("*first.md")).read_text()
    assert cli("posts", "addresses", "first", "--forget", "/2023/03/legacy-first/").exit_code == 0
    assert imported_addresses(cli, "first") == ["/2023/03/first/"]
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert not (out / "2023/03/legacy-first").exists()


def test_a_wordpress_posts_old_link_redirects_and_is_listed(cli, signed_up, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text(WXR)
    assert cli("import", str(export), "--format", "wordpress").exit_code == 0
    assert cli("posts", "status", "hello-world", "published").exit_code == 0
    listed = cli("posts", "addresses", "hello-world", "--json").json()
    assert [(entry["address"], entry["kept_in"]) for entry in listed] == [("/2019/05/hello-world/", "link")]
    out = tmp_path / "public"
    assert cli("site", "build", "--out", str(out)).exit_code == 0
    assert 'url=/posts/hello-world/"' in (out / "2019/05/hello-world/index.html").read_text()
    assert cli("export", str(tmp_path / "hugo"), "--format", "hugo").exit_code == 0
    assert "/2019/05/hello-world/" in next((tmp_path / "hugo").rglob("hello-world.md")).read_text()


def test_an_alias_that_is_its_pages_address_in_another_case_is_warned_about_not_listed(cli, signed_up, tmp_path):
    post = tmp_path / "jekyll/_posts/2015-05-21-TockingTime.md"  # as 18F has it
    post.parent.mkdir(parents=True)
    post.write_text(
        "---\ntitle: Tock\npermalink: /2015/05/21/tockingtime/\nredirect_from:\n- /2015/05/21/TockingTime/\n"
        "- /old/tock/\n---\nTick.\n"
    )
    assert cli("import", str(post), "--format", "jekyll").exit_code == 0
    assert cli("posts", "status", "TockingTime", "published").exit_code == 0
    assert imported_addresses(cli, "TockingTime") == ["/2015/05/21/tockingtime/", "/old/tock/"]
    out = tmp_path / "public"
    built = cli("site", "build", "--out", str(out))
    assert built.exit_code == 0 and (out / "old/tock/index.html").is_file()
    assert (
        "'TockingTime': its former address /2015/05/21/TockingTime/ is its page's (/2015/05/21/tockingtime/) in"
        " another letter case, so no redirect page is written there (one file on a disk that ignores case): a"
        " server that tells case apart answers it with not found"
    ) in built.stderr


def test_an_mdx_posts_components_and_import_lines_are_warned_about(cli, signed_up, tmp_path):
    post = tmp_path / "astro/src/content/blog/mdx-post.mdx"
    post.parent.mkdir(parents=True)
    post.write_text(
        "---\ntitle: 'An MDX post'\npubDate: 'Jul 08 2022'\n---\nimport Chart from '../../components/Chart.astro';\n\n"
        "Some text with <Chart data={[1,2,3]} /> and <b>bold</b>.\n\n```\n<Table />\n```\n\nexport const x = 1;\n"
    )
    assert cli("import", str(post), "--format", "astro").exit_code == 0
    assert cli("posts", "status", "mdx-post", "published").exit_code == 0
    built = cli("site", "build", "--out", str(tmp_path / "public"))
    assert built.exit_code == 0
    assert (
        "'mdx-post': its MDX component <Chart> is left out of its page, nothing in its place; its MDX line"
        " \"import Chart from '../../components/Chart.astro';\" (and 1 more) shows as text: edit the post to say"
        " it in markdown, without JSX"
    ) in built.stderr
