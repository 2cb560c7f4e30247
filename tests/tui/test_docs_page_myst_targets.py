"""The TUI's docs viewer leaves MyST target lines out, as the built site does (helper 287): it
rendered the stored markdown as CommonMark, so attrs' how-does-it-work.md opened with a paragraph
reading `(how)=` above its heading, and `(how-frozen)=` stood above "Immutability"."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownBlock, MarkdownH1

from blogster_cli.services import documentation
from blogster_cli.tui.docs import DocPageScreen
from blogster_cli.vocabulary import DocumentationStatus
from tests.tui.conftest import app_for, drive, settle

PAGE = Path(__file__).parents[1] / "unit" / "real_docs_excerpts" / "attrs_myst" / "how-does-it-work.md"


def test_the_docs_viewer_shows_no_target_lines(make_user, acting_as):
    admin = acting_as(make_user("admin@example.com", admin=True))
    markdown = PAGE.read_text(encoding="utf-8")
    assert markdown.startswith("(how)=\n")
    page = documentation.create_page(admin, title="How", slug="how", category=None, markdown=markdown, tags=[])
    documentation.set_status(admin, slug=page.slug, status=DocumentationStatus.PUBLISHED)
    reader = acting_as(make_user())
    app = app_for(reader)

    async def steps(pilot):
        await app.push_screen(DocPageScreen(documentation.get_page(reader, slug="how")))
        await settle(pilot)
        viewer = app.screen.query_one(Markdown)
        assert "(how" not in viewer.source and "Immutability" in viewer.source
        blocks = [block for block in viewer.query(MarkdownBlock) if not block.children]
        shown = [str(block.render()) for block in blocks]
        assert isinstance(blocks[0], MarkdownH1) and shown[0] == "How Does It Work?", shown
        assert not any("(how" in text for text in shown), shown

    drive(app, steps)
