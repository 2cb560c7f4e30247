"""A group's command typed without its group (`blogster dashboard`, as the studio's first screen is
called) was "No such command 'dashboard'", or a "did you mean" naming an unrelated command
(`blogster report`: 'export'). It names the group's command first; a word many groups have (`list`)
names none of them."""

from __future__ import annotations


def test_a_subcommand_typed_alone_names_its_group(cli):
    for typed, message in [
        ("dashboard", "error: No such command 'dashboard'. Did you mean 'analytics dashboard'?"),
        ("segments", "error: No such command 'segments'. Did you mean 'audience segments'?"),
        ("report", "error: No such command 'report'. Did you mean 'analytics report', 'revenue report', 'export'?"),
        ("post", "error: No such command 'post'. Did you mean 'posts'?"),
        ("list", "error: No such command 'list'."),
    ]:
        refused = cli(typed)
        assert (refused.exit_code, refused.stdout) == (2, ""), typed
        assert refused.stderr.startswith(message + " (see `blogster --help`)"), refused.stderr
        assert refused.stderr.count("\n") == 1
