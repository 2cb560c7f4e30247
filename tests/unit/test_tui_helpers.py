"""The TUI's pure helpers: filter words, card texts, the preview without front matter, the figures,
the posts' title and tag columns sharing the width, text measured in terminal cells."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from markdown_it import MarkdownIt

from blogster_cli.repositories.blogs import BlogRow
from blogster_cli.repositories.dashboard import StatsRow
from blogster_cli.services.dashboard import Figure, figures
from blogster_cli.tui.dashboard import delta_text, figure_text
from blogster_cli.tui.editor import preview_markdown, preview_source
from blogster_cli.tui.posts import TAGS_WIDTH, TITLE_WIDTH, cells_of, column_widths, matches


def row(title: str, status: str = "draft", tags: list[str] | None = None) -> BlogRow:
    now = datetime.now(UTC)
    return BlogRow(
        uuid4(), title.lower().replace(" ", "-"), title, status, 10, 1, now, now, None, None,
        None, None, None, None, None, False, uuid4(), tags or [],
    )  # fmt: skip


def test_filter_words_match_title_tags_and_exact_status_or_tag():
    post = row("Rust in Practice", "published", ["Systems", "rust"])
    assert matches(post, "")
    assert matches(post, "rust PRACTICE")
    assert matches(post, "status:published tag:systems")
    assert not matches(post, "status:draft")
    assert not matches(post, "tag:sys")
    assert not matches(post, "python")


def test_cards_show_counts_percentages_and_deltas():
    assert figure_text(Figure("Views", 12345)) == "12,345"
    assert figure_text(Figure("Bounce", 0.4567, unit="%")) == "45.7%"
    assert figure_text(Figure("Bounce", None, unit="%")) == "–"
    assert delta_text(Figure("Views", 100, previous=30, current=20)) == "-10 30d"
    assert delta_text(Figure("Published", 3)) == ""


def test_figures_from_dashboard_stats():
    cards = {f.label: f for f in figures(StatsRow(5, 2, 3, 1, 200, 150, 50, 0.25, 10))}
    assert cards["Posts"].delta == 2 and cards["Views"].delta == 100
    assert cards["Engagement"].value == 0.75  # 1 - bounce rate, as `analytics dashboard`'s (not shares per view)
    assert cards["Bounce"].value == 0.25 and cards["Bounce"].delta is None
    assert {f.label: f.value for f in figures(StatsRow(0, 0, 0, 0, 0, 0, 0, None, 0))}["Engagement"] is None


def test_preview_shows_the_body_without_front_matter():
    assert preview_markdown("---\ntitle: T\n---\n# Body\n") == "# Body\n"
    assert preview_markdown("---\ntitle: [unclosed\n") == "---\ntitle: [unclosed\n"


def test_cells_of_counts_terminal_cells_not_characters():
    assert cells_of("Short title") == 11
    assert cells_of("漢字" * 6) == 24
    assert cells_of("🎉 Party") == 8


def test_the_title_and_the_tags_share_the_width_up_to_their_longest_text():
    assert (TITLE_WIDTH, TAGS_WIDTH) == (26, 12)  # 80 columns: 38 cells between them
    assert column_widths(38, 100, 100) == (26, 12)
    assert column_widths(20, 100, 100) == (26, 12)  # never narrower: the table scrolls sideways
    assert column_widths(158, 200, 200) == (26 + 80, 12 + 40)  # two cells to the title for one to the tags
    assert column_widths(158, 50, 200) == (50, 12 + 96)  # what the title leaves goes to the tags
    assert column_widths(158, 200, 20) == (26 + 112, 20)  # and the other way round
    assert column_widths(158, 50, 20) == (50, 20)  # both whole: the rest stays empty
    assert column_widths(158, 10, 5) == (26, 12)


def test_a_long_texts_preview_is_the_part_around_the_cursor():
    lines = ["---", "title: T", "---", *[f"Paragraph {i}." if i % 2 else "" for i in range(2000)]]
    assert preview_source(lines[:10], 5) == preview_markdown("\n".join(lines[:10]))
    shown = preview_source(lines, 1500, limit=400)
    assert "Paragraph 1497." in shown and "Paragraph 1501." in shown and "Paragraph 1000." not in shown
    assert shown.startswith("*Preview of lines ") and len(shown) < 600
    assert "title:" not in preview_source(lines, 0, limit=400)


def test_a_long_texts_preview_starting_inside_a_code_block_shows_it_as_code():
    """The window around the cursor can start inside a fenced block: without its opening fence,
    the code read as markdown and the block's closing fence opened one to the end."""
    code = [f"    value_{i} = compute({i})  # **not bold**" for i in range(400)]
    lines = ["Intro.", "", "~~~~python", *code, "~~~~", "", *[f"Paragraph {i}." for i in range(50)]]
    shown = preview_source(lines, 300, limit=2000)
    window = shown.split("\n\n", 1)[1]
    assert window.startswith("~~~~python\n    value_")
    tokens = MarkdownIt().parse(window)
    assert [t.type for t in tokens][:1] == ["fence"] and "Paragraph" not in tokens[0].content
    # A block closed before the window (a shorter run or another character does not close it).
    closed = ["```", "x = 1", "~~~", "`` ", "```", *[f"Paragraph {i}." for i in range(400)]]
    assert preview_source(closed, 300, limit=2000).split("\n\n", 1)[1].startswith("Paragraph")
    assert preview_source(["````", "a", "```", *code], 300, limit=2000).split("\n\n", 1)[1].startswith("````\n")


def test_the_preview_shows_escape_sequences_as_stand_ins() -> None:
    """The editor's preview renders with Rich, which keeps ESC: an imported post's
    `\\x1b]0;...` would retitle the terminal and `\\x1b[2J` clear it."""
    from blogster_cli.tui.editor import render_preview

    lines = render_preview("# T\x1b]0;pwn\x07\n\ntext \x1b[2J and \u202eevil", 40)
    shown = "".join(segment.text for line in lines for segment in line)
    assert "\x1b" not in shown and "\u202e" not in shown and "␛[2J" in shown


def test_the_preview_heading_is_the_front_matters_title_as_written() -> None:
    from blogster_cli.tui.editor import preview_heading

    front = ["---", 'title: "Ten *terminal* [habits](x) #1 <b>"', "slug: ten", "---"]
    assert preview_heading([*front, "Body."]) == "# Ten \\*terminal\\* \\[habits\\]\\(x\\) \\#1 \\<b\\>\n\n"
    tokens = MarkdownIt().parse(preview_heading(front))
    assert [t.type for t in tokens] == ["heading_open", "inline", "heading_close"]
    assert tokens[1].children is not None and [t.type for t in tokens[1].children] == ["text"]
    assert preview_heading(["---", "title: |", "  Two", "  lines", "---"]) == "# Two lines\n\n"
    assert preview_heading(["---", "title: 2024", "---"]) == "# 2024\n\n"
    for no_title in (
        ["---", "slug: a", "---"],
        ["---", "title: ' '", "---"],
        ["---", "title: [open", "---"],
        ["Body."],
    ):
        assert preview_heading(no_title) == "", no_title
