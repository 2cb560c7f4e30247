"""Pictures in a built site: body links to the media store, file URLs, and SVGs that could run code."""

from __future__ import annotations

import pytest

from blogster_cli.publish import urls
from blogster_cli.publish.media import linked_names, served_links
from blogster_cli.publish.svg import active_content

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


def test_file_paths_keep_their_name_without_a_trailing_slash():
    assert urls.clean_file_path("/media/ab12.png") == "/media/ab12.png"
    assert urls.clean_file_path("/media/./ab12.png") == "/media/ab12.png"
    assert urls.clean_file_path("/media/../../etc/passwd") is None
    assert urls.clean_file_path("/media/") is None
    assert urls.clean_path("/media/ab12.png") == "/media/ab12.png/"  # a page's path: unchanged


def test_the_pictures_a_body_links_are_those_images_add_prints():
    markdown = (
        '![a](media/ab12.png) ![b](./media/cd34.jpg "title")\n[ref]: media/ef56.svg\n'
        "![x](https://example.com/media/x.png) ![y](/media/y.png) ![z](posts/media/z.png) see media/ab12.png."
    )
    assert linked_names(markdown) == ["ab12.png", "cd34.jpg", "ef56.svg"]


def test_served_links_point_at_the_sites_media_folder_and_leave_other_urls_alone():
    html = (
        '<img src="media/ab12.png" alt="a"><img src="./media/cd34.jpg">'
        '<img src="https://example.com/media/x.png"><a href="media/ab12.png">link</a>'
    )
    assert served_links(html, "/blog/media/") == (
        '<img src="/blog/media/ab12.png" alt="a"><img src="/blog/media/cd34.jpg">'
        '<img src="https://example.com/media/x.png"><a href="media/ab12.png">link</a>'
    )


@pytest.mark.parametrize(
    "inner",
    [
        '<rect width="1" height="1"/>',
        '<a href="https://example.com/"><circle r="1"/></a>',
        '<use xlink:href="#shape"/><image href="data:image/png;base64,AAAA"/>',
        "<style>rect { fill: red }</style><!-- <script>alert(1)</script> -->",
        '<style>text { content: "import" } /* @import */</style><text style="fill: red">@ import</text>',
        '<animate attributeName="opacity" from="0" to="1"/>',
        # a comment after a string or url() holding `/*`; `5url(`, `@url(`, `#url(` start no url(): a comment
        "<style>text { content: '/*' } rect { fill: url(/*) } /* @import */</style>",
        "<style>rect { x: 5url(/*) @import */; y: @url(/*) @import */; z: #url(/*) @import */ }</style>",
    ],
)
def test_plain_pictures_pass(inner):
    assert active_content(('<?xml version="1.0"?>' + SVG.format(inner)).encode()) is None


@pytest.mark.parametrize(
    "svg",
    [
        SVG.format("<script>alert(1)</script>"),
        SVG.format('<rect onclick="alert(1)"/>').replace("<svg ", '<svg onload="alert(1)" '),
        SVG.format('<SCRIPT xmlns="http://www.w3.org/2000/svg">alert(1)</SCRIPT>'),
        SVG.format('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'),
        SVG.format('<h:img xmlns:h="http://www.w3.org/1999/xhtml" src="x"/>'),
        SVG.format('<a xlink:href="java\tscript:alert(1)"><rect/></a>'),
        SVG.format('<use href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"/>'),
        SVG.format('<a><set attributeName="xlink:href" to="javascript:alert(1)"/></a>'),
        SVG.format('<rect><set attributeName="onmouseover" to="alert(1)"/></rect>'),
        '<?xml-stylesheet type="text/xsl" href="x.xsl"?>' + SVG.format(""),
        '<!DOCTYPE svg [<!ENTITY s "&#60;script>alert(1)&#60;/script>">]>' + SVG.format("&s;"),
        SVG.format("<rect>").replace("</svg>", ""),
        # a stylesheet from elsewhere, which the check never sees (as `<?xml-stylesheet?>`)
        SVG.format('<style>@import url("https://evil.example/x.css");</style>'),
        SVG.format("<style><![CDATA[rect { fill: red } @IMPORT 'x.css';]]></style>"),
        SVG.format("<style>@\\69mport url(x.css);</style>"),
        SVG.format("<style>@imp</style><style>ort</style><style>@imp<!-- c -->ort url(x.css);</style>"),
        SVG.format('<rect style="@import url(x.css); fill: red"/>'),
        # h388 (red team 45 L2): `/*` in a string or url() starts no comment, so `@import` after it is read
        SVG.format('<style>@charset "/*"; @import url(https://evil.example/x.css); @charset "*/";</style>'),
        SVG.format("<style>@x '/*'; @import url(x.css); @y '*/'</style>"),
        SVG.format("<style>@x url(/*); @import url(x.css); @y url(*/)</style>"),
        SVG.format("<style>@x U\\72L( /*); @import url(x.css); @y u\\72l(*/)</style>"),
        SVG.format("<rect style=\"--a: '/*'; @import url(x.css); --b: '*/'\"/>"),
    ],
)
def test_svgs_that_could_run_code_are_named(svg):
    assert active_content(svg.encode()) is not None
