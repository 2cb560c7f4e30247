"""`chatbot intents import` refuses a parameter pattern the regex package would take the worker's
memory to compile (helper 274): one line, exit 2, nothing stored."""

from __future__ import annotations


def test_a_pattern_too_costly_to_compile_is_refused_at_import(cli, signed_up, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "- name: good\n  training_phrases: [a]\n"
        "- name: pricing\n  training_phrases: [how much]\n"
        "  parameters: {plan: {pattern: '((((a{100}){100}){100}){100})', default: Pro}}\n"
    )
    result = cli("chatbot", "intents", "import", str(bad))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "(pricing): parameter 'plan': its counted repeats" in result.stderr
    assert cli("chatbot", "intents", "list", "--json").json() == []
