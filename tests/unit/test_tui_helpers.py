"""The TUI's pure helpers: filter words, card texts, the preview without front matter, the figures."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from blogster_cli.repositories.blogs import BlogRow
from blogster_cli.repositories.dashboard import StatsRow
from blogster_cli.services.dashboard import Figure, figures
from blogster_cli.tui.dashboard import delta_text, figure_text
from blogster_cli.tui.editor import preview_markdown
from blogster_cli.tui.posts import matches


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
    assert cards["Engagement"].value == 10 / 200
    assert cards["Bounce"].value == 0.25 and cards["Bounce"].delta is None
    assert {f.label: f.value for f in figures(StatsRow(0, 0, 0, 0, 0, 0, 0, None, 0))}["Engagement"] is None


def test_preview_shows_the_body_without_front_matter():
    assert preview_markdown("---\ntitle: T\n---\n# Body\n") == "# Body\n"
    assert preview_markdown("---\ntitle: [unclosed\n") == "---\ntitle: [unclosed\n"
