"""The docs screen: search the documentation as you type, the query's words highlighted; open a page.

The same service as `blogster docs search` (ranked, published pages for readers), its
snippets' ⟦marked⟧ words shown highlighted. A search waits for a pause in typing and
a result for an older query is dropped, so the list always matches the box.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from blogster_cli.documentation.targets import without_targets
from blogster_cli.services import documentation
from blogster_cli.terminal_text import safe
from blogster_cli.tui.keys import KeyFooter
from blogster_cli.tui.work import Done, in_background
from blogster_cli.wording import plural

if TYPE_CHECKING:
    from textual import events
    from textual.timer import Timer

    from blogster_cli.services.documentation import DocPage, SearchHit, SearchResult
    from blogster_cli.tui.app import BlogsterApp

TYPING_PAUSE_S = 0.15
MARK = re.compile("⟦(.*?)⟧", re.DOTALL)
HIGHLIGHT = "bold reverse"


def highlighted(snippet: str) -> Text:
    """A snippet on one line with its ⟦marked⟧ words highlighted (and the markers gone)."""
    text = Text()
    position = 0
    flat = " ".join(snippet.split())
    for match in MARK.finditer(flat):
        text.append(flat[position : match.start()])
        text.append(match.group(1), style=HIGHLIGHT)
        position = match.end()
    text.append(flat[position:])
    return text


def hit_prompt(hit: SearchHit) -> Text:
    """An option: the title (and category), then the snippet."""
    prompt = Text(hit.title, style="bold")
    if hit.category:
        prompt.append(f"  {hit.category}", style="dim")
    prompt.append("\n")
    prompt.append_text(highlighted(hit.snippet))
    return prompt


class DocsFound(Done):
    """`result` is the SearchResult of the query typed."""


class PageOpened(Done):
    """`result` is the DocPage."""


class DocPageScreen(Screen[None]):
    """One documentation page, rendered; Escape goes back to the results."""

    TITLE = "Docs"
    BINDINGS = [Binding("escape", "back", "Back", tooltip="Close the page, back to the search")]

    def __init__(self, page: DocPage) -> None:
        super().__init__()
        self.page = page
        self.sub_title = safe(page.title)  # admins' text: terminal controls shown, not acted on

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="doc-page"):
            yield Markdown(safe(without_targets(self.page.markdown)))  # as the site shows it: no MyST targets
        yield KeyFooter()

    def action_back(self) -> None:
        self.dismiss(None)


class DocsScreen(Screen[None]):
    """Docs: type to search the documentation; Enter on a result opens the page."""

    app: BlogsterApp  # type of the running app, for the type checker (Textual sets it)

    TITLE = "Docs"
    CSS = """
    #doc-status { height: 1; padding: 0 1; color: $text-muted; }
    #doc-hits { height: 1fr; }
    """
    HELP = (
        "Type to search (websearch syntax: quotes for phrases, -word to leave out); results follow as you type, "
        "the matching words highlighted. **Down** goes to the results, **Enter** opens a page, **/** back to the box."
    )
    BINDINGS = [Binding("slash", "focus_search", "Search", tooltip="Type in the search box")]

    def __init__(self) -> None:
        super().__init__()
        self.pending: Timer | None = None
        self.hits: list[SearchHit] = []
        self.searched: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search the documentation", id="doc-query")
        yield Static("Type to search.", id="doc-status", markup=False)
        yield OptionList(id="doc-hits")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#doc-query", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.pending is not None:
            self.pending.stop()
        self.pending = self.set_timer(TYPING_PAUSE_S, self.search)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_hits()

    def key_down(self, event: events.Key) -> None:
        if self.query_one("#doc-query", Input).has_focus:
            # Stopped here: a key no widget handles goes on to the app, which then looks for a binding
            # from the focused widget up, by then the list, and its Down moved on to the second result.
            event.stop()
            self.focus_hits()

    def focus_hits(self) -> None:
        """To the results, the first one highlighted (Enter opens it)."""
        hits = self.query_one("#doc-hits", OptionList)
        hits.focus()
        if hits.option_count and hits.highlighted is None:
            hits.highlighted = 0

    def search(self) -> None:
        query = self.query_one("#doc-query", Input).value.strip()
        if not query:
            self.show(None)
            return
        acting = self.app.acting
        in_background(self, "Searching the docs", lambda: documentation.search(acting, query=query), DocsFound)

    def on_docs_found(self, message: DocsFound) -> None:
        result: SearchResult = message.result
        if result.query != self.query_one("#doc-query", Input).value.strip():
            return  # typed on since: a newer search is on its way
        self.show(result)

    def show(self, result: SearchResult | None) -> None:
        options = self.query_one("#doc-hits", OptionList)
        options.clear_options()
        self.hits = result.hits if result else []
        self.searched = result.query if result else None
        for hit in self.hits:
            options.add_option(Option(hit_prompt(hit), id=hit.slug))
        if result is None:
            status = "Type to search."
        elif not result.hits:
            status = f"Nothing matches {result.query!r}" + (
                f"; did you mean {result.suggestion!r}?" if result.suggestion else "."
            )
        else:  # a word no page holds is corrected beside what the others found
            status = f"{plural(len(result.hits), 'page matches', 'pages match')} {result.query!r}" + (
                f"; did you mean {result.suggestion!r}?" if result.suggestion else ""
            )
        self.query_one("#doc-status", Static).update(status)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        acting, slug = self.app.acting, str(event.option.id)
        in_background(self, "Opening the page", lambda: documentation.get_page(acting, slug=slug), PageOpened)

    def on_page_opened(self, message: PageOpened) -> None:
        self.app.push_screen(DocPageScreen(message.result))

    def action_focus_search(self) -> None:
        self.query_one("#doc-query", Input).focus()
