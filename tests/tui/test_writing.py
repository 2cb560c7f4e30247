"""The posts screen's tag and generate actions, through the services the CLI uses."""

from __future__ import annotations

from blogster_cli.ai.provider import ProviderConfig
from blogster_cli.services import blogs
from blogster_cli.services.blogs import NewBlog, markdown_of
from blogster_cli.tui.writing import tag_changes
from tests.ai_server import MODEL, FakeProvider
from tests.tui.conftest import app_for, drive, settle
from tests.tui.test_posts import open_posts


def test_tag_changes_compare_case_blind_and_keep_the_typed_spelling():
    assert tag_changes(["Python", "shell"], "python, Rust ,, ") == (["Rust"], ["shell"])
    assert tag_changes([], "") == ([], [])


def test_tags_are_added_and_removed_from_the_table(writer):
    blogs.create(writer, new=NewBlog(title="Tagged post", markdown="Words.", tags=["python", "shell"]))
    app = app_for(writer)

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("a")
        await pilot.pause()
        box = app.screen.query_one("#tags")
        assert box.value == "python, shell, "  # the cursor after it: a tag typed is added
        box.value = "python, terminal"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.title == "Posts"
        assert str(app.screen.query_one("#posts").get_row_at(0)[2]) == "python, terminal"

    drive(app, steps)
    assert sorted(blogs.get(writer, ref="tagged-post").tags) == ["python", "terminal"]


def provider_for(server: FakeProvider):
    return lambda: ProviderConfig(base_url=server.base_url, model=MODEL, api_key="test-key", key_source="environment")


def test_generate_rewrites_the_post_as_a_new_revision(writer, ai_server):
    post = blogs.create(writer, new=NewBlog(title="To rewrite", markdown="Old words."))
    ai_server.reply = "Better words, rewritten."
    app = app_for(writer, provider=provider_for(ai_server))

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("g")
        await pilot.pause()
        assert app.screen.query_one("#generate").option_count == 3
        await pilot.press("enter")  # the first choice: rewrite
        await settle(pilot)
        assert app.screen.title == "Posts"
        assert any("as a new revision" in n.message for n in app._notifications)

    drive(app, steps)
    assert "Better words, rewritten." in markdown_of(blogs.get(writer, ref=str(post.id)))
    assert len(blogs.revisions(writer, ref=str(post.id))[1]) == 2
    assert len(ai_server.calls("/v1/chat/completions")) == 1


def test_generate_without_a_provider_says_so_and_changes_nothing(writer):
    post = blogs.create(writer, new=NewBlog(title="Untouched", markdown="Old words."))
    app = app_for(writer)

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("g", "enter")
        await settle(pilot)
        assert any("no AI provider" in n.message for n in app._notifications)

    drive(app, steps)
    assert markdown_of(blogs.get(writer, ref=str(post.id))).strip() == "Old words."


def test_a_tag_typed_as_the_dialog_opens_is_added_to_the_post_s_tags(writer):
    """The dialog's text was all selected as it opened: the first key typed replaced every tag."""
    blogs.create(writer, new=NewBlog(title="Tagged post", markdown="Words.", tags=["python", "shell"]))
    app = app_for(writer)

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"rust", "enter")
        await settle(pilot)
        assert app.screen.title == "Posts"

    drive(app, steps)
    assert sorted(blogs.get(writer, ref="tagged-post").tags) == ["python", "rust", "shell"]


def test_a_tag_typed_in_another_case_of_one_held_is_named_in_a_note(writer):
    """`Python` typed in the tags dialog of a post tagged `python` was dropped without a word (the
    post keeps one tag for both): a note names it and the spelling kept, as `posts tag add` warns."""
    blogs.create(writer, new=NewBlog(title="Tagged post", markdown="Words.", tags=["python"]))
    app = app_for(writer)

    async def steps(pilot):
        await open_posts(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Python", "enter")
        await settle(pilot)
        assert app.screen.title == "Posts"
        notes = [n.message for n in app._notifications]
        assert notes == ["tag 'Python' is kept as 'python': tags differing only in case are one tag"], notes

    drive(app, steps)
    assert blogs.get(writer, ref="tagged-post").tags == ["python"]


def test_the_editor_generates_with_ctrl_g_into_the_saved_post_and_shows_the_result(writer, ai_server):
    """The editor had no key for AI generation (only `g` on Posts): Ctrl+G offers the same choices,
    as `g` does (the saved post, a new revision, one credit), and the editor shows the result. With
    unsaved changes it asks for a save first, as publishing does, and asks the AI nothing."""
    from textual.widgets import TextArea

    from blogster_cli.tui.writing import GenerateDialog
    from tests.tui.conftest import open_first_post, type_at_end

    post = blogs.create(writer, new=NewBlog(title="In the editor", markdown="Old words."))
    ai_server.reply = "Better words, from the editor."
    app = app_for(writer, provider=provider_for(ai_server))

    async def steps(pilot):
        await open_first_post(pilot)
        await type_at_end(pilot, " More")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert app.screen.title == "Editor"
        assert [n.message for n in app._notifications] == [
            "Save your changes first (Ctrl+S): generating acts on the saved post"
        ]
        await pilot.press("ctrl+z")  # the text as saved again
        await settle(pilot)
        assert not app.screen.changed
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert isinstance(app.screen, GenerateDialog) and "'In the editor'" in str(
            app.screen.query_one("Static").render()
        )
        await pilot.press("enter")  # the first choice: rewrite
        await settle(pilot)
        assert app.screen.title == "Editor"
        assert app.screen.query_one("#text", TextArea).text.endswith("Better words, from the editor.\n")
        assert not app.screen.changed
        assert any("as a new revision" in n.message for n in app._notifications)

    drive(app, steps)
    assert "Better words, from the editor." in markdown_of(blogs.get(writer, ref=str(post.id)))
    assert len(ai_server.calls("/v1/chat/completions")) == 1
