"""A post's page is a file only under an HTML name: an imported post kept at `/feed.xml` (Hugo's
`url`, Jekyll's `permalink`) was written as the file `feed.xml`, which a web server (and `site
serve`) sends as XML, so a browser showed a parse error instead of the post, and a redirect from an
alias ending in `.xml` never ran. Such an address is now a folder, which `/feed.xml` is sent on to."""

from blogster_cli.publish import urls
from blogster_cli.publish.model import RenderedPost
from tests.security.test_site_output_links import plan, record


def test_an_address_with_an_extension_other_than_html_is_a_folder():
    site = plan({"p": record("p", src="/feed.xml", aliases=["/old.xml", "/old.html", "/notes.txt"])})
    assert site.paths["p"] == "/feed.xml/"
    files = {page.path for page in site.pages({"p": RenderedPost("<p>Hello</p>", "Hello")})}
    assert {"feed.xml/index.html", "old.xml/index.html", "old.html", "notes.txt/index.html"} <= files
    assert not {"feed.xml", "old.xml"} & files
    assert (urls.clean_path("/a.htm"), urls.clean_path("/index.xml")) == ("/a.htm", "/index.xml/")
