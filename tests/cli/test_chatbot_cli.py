"""blogster chatbot (intents, evaluate, analytics) and blogster chat without a worker."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from tests.cli.conftest import PASSWORD

STARTER = Path(__file__).resolve().parents[2] / "examples" / "chatbot" / "intents.yaml"


def test_intents_import_merge_replace_export_add_and_rm(cli, signed_up, tmp_path):
    first = cli("chatbot", "intents", "import", str(STARTER), "--json").json()
    assert len(first["created"]) == 26 and first["updated"] == []
    again = cli("chatbot", "intents", "import", str(STARTER), "--json").json()
    assert again["created"] == [] and again["updated"] == []  # nothing changed, nothing written

    pairs = tmp_path / "more.csv"
    pairs.write_text("Utterance,Label\nwhen do you answer,human_agent\nhow much is it,pricing\nrefund please,refund\n")
    merged = cli("chatbot", "intents", "import", str(pairs), "--json").json()
    assert merged["created"] == ["refund"] and merged["updated"] == ["human_agent", "pricing"]
    rows = {r["name"]: r for r in cli("chatbot", "intents", "list", "--json").json()}
    assert rows["human_agent"]["training_phrases"] == 8 and rows["refund"]["responses"] == 0

    for suffix in (".yaml", ".json", ".csv"):
        out = tmp_path / f"intents{suffix}"
        assert cli("chatbot", "intents", "export", str(out)).exit_code == 0
        assert cli("chatbot", "intents", "import", str(out), "--replace", "--yes", "--json").json()["removed"] == 27
    # The CSV carries phrases only: the responses are gone after replacing with it.
    assert all(r["responses"] == 0 for r in cli("chatbot", "intents", "list", "--json").json())

    added = cli("chatbot", "intents", "add", "refund", "-p", "give me my money back", "-r", "Refunds take 5 days.",
                "--category", "sales", "--json").json()  # fmt: skip
    assert added["training_phrases"] == 2 and added["category"] == "sales"
    assert cli("chatbot", "intents", "rm", "refund", "--yes").exit_code == 0
    missing = cli("chatbot", "intents", "rm", "refund", "--yes")
    assert missing.exit_code == 3 and missing.stderr == "error: no intent 'refund'\n"


def test_bad_intent_files_are_one_line_errors_and_store_nothing(cli, signed_up, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- name: good\n  training_phrases: [a]\n- name: bad\n  category: legal\n")
    result = cli("chatbot", "intents", "import", str(bad))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "category is one of" in result.stderr
    assert cli("chatbot", "intents", "list", "--json").json() == []
    assert cli("chatbot", "intents", "import", str(tmp_path / "nope.csv")).exit_code == 2
    assert cli("chatbot", "intents", "export", str(tmp_path / "out.txt")).exit_code == 2


@pytest.mark.same_on_every_server  # the classifier's, Python-bound: CI's second pass leaves it out
def test_evaluate_prints_the_named_figures_first(cli, signed_up, tmp_path):
    assert cli("chatbot", "intents", "import", str(STARTER)).exit_code == 0
    examples = tmp_path / "held-out.csv"
    examples.write_text(
        "text,intent\nhow can I schedule my post for monday,schedule_post\nI forgot my password,reset_password\n"
        "what's the weather in paris,oos\nplay some music,oos\n"
    )
    result = cli("chatbot", "evaluate", str(examples), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data)[:5] == ["total", "accuracy", "in_scope_accuracy", "oos_recall", "macro_f1"]
    assert data["total"] == 4 and all(0 <= data[k] <= 1 for k in list(data)[1:5])
    assert data["in_scope_accuracy"] == 1.0 and data["oos_recall"] == 1.0
    text = cli("chatbot", "evaluate", str(examples))
    assert "out-of-scope recall: 100.0%" in text.stdout and "macro F1" in text.stdout
    # Off a terminal no bar: one line once it is done (it was "Training on..." first, then nothing for minutes).
    assert re.fullmatch(
        r"Evaluated 4 examples against 26 stored intents in \d+\.\d s \(training \d+\.\d s\)\.\n", text.stderr
    ), text.stderr


def test_evaluate_of_a_missing_file_says_only_that(cli, signed_up, tmp_path):
    """It said it was training on the intents first, then that the file was missing."""
    missing = cli("chatbot", "evaluate", str(tmp_path / "nofile.csv"))
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1 and "nofile.csv" in missing.stderr


def test_chat_without_a_worker_keeps_the_cleaned_message_and_says_so(cli, signed_up, superuser):
    result = cli("chat", "ask", "<b>How</b> do I\x07 schedule a post?")
    assert result.exit_code == 10
    assert result.stderr.startswith("error: no worker is running to answer") and result.stderr.count("\n") == 1
    history = cli("chat", "history", "--json").json()
    assert [(m["role"], m["content"]) for m in history["messages"]] == [("user", "How do I schedule a post?")]
    assert cli("chat", "ask", "   ").exit_code == 2
    assert cli("chat", "ask", "x" * 2001).exit_code == 2
    ended = cli("chat", "end", "--score", "4", "--feedback", "fine", "--json").json()
    assert ended["status"] == "completed" and ended["satisfaction_score"] == 4
    assert cli("chat", "end", "--score", "9").exit_code == 2
    listed = cli("chat", "list", "--json").json()
    assert [c["status"] for c in listed] == ["completed"]


def test_a_worker_that_beats_but_does_not_answer_in_time_exits_10_too(cli, signed_up, superuser):
    superuser.execute("insert into procrastinate.procrastinate_workers default values")  # a heartbeat, no worker
    result = cli("chat", "ask", "How do I schedule a post?", "--wait", "0.3")
    assert result.exit_code == 10
    assert result.stderr.startswith("error: no reply within 0.3 s") and result.stderr.count("\n") == 1
    assert [m["role"] for m in cli("chat", "history", "--json").json()["messages"]] == ["user"]


def test_the_rate_limit_stops_the_21st_message_in_a_minute(cli, signed_up):
    for n in range(20):
        assert cli("chat", "ask", f"question {n}").exit_code == 10  # stored; no worker to answer
    limited = cli("chat", "ask", "one more")
    assert (
        limited.exit_code == 9
        and limited.stderr == "error: too many chatbot messages: at most 20 a minute; try again shortly\n"
    )
    assert len(cli("chat", "history", "--json").json()["messages"]) == 20


def test_analytics_are_for_admins(cli, signed_up, superuser):
    cli("chat", "ask", "hello")
    rows = cli("chatbot", "analytics", "--json").json()
    assert rows[-1]["conversations"] == 1 and rows[-1]["errors"]["user_messages"] == 1
    assert cli("chatbot", "analytics", "--days", "0").exit_code == 2
    assert cli("auth", "signup", "--email", "bob@example.com", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert cli("chatbot", "analytics").exit_code == 4
    assert cli("chatbot", "intents", "import", str(STARTER)).exit_code == 4
    assert cli("chatbot", "evaluate", str(STARTER)).exit_code == 4


def test_interactive_chat_reports_each_problem_and_ends_with_a_rating(cli, signed_up, superuser, monkeypatch):
    from blogster_cli.cli import ask

    monkeypatch.setattr(ask, "on_terminal", lambda: True)  # typed on a terminal (off one, h293 L12: exit 2)
    result = cli("chat", input="hello\n\n/new\nanyone?\n/end\n4\nslow but fine\n")
    assert result.exit_code == 0  # left on purpose; each missing worker was said at once
    assert result.stdout == ""  # no reply came, and the prompts are on stderr (it was "you> " on stdout)
    assert result.stderr.count("you> ") == 5 and "How helpful was this, 1-5" in result.stderr
    assert result.stderr.count("error: no worker is running") == 2
    rows = superuser.execute(
        "select c.status::text, c.satisfaction_score, c.feedback, count(m.id) from chatbot_conversations c"
        " join chatbot_messages m on m.conversation_id = c.id group by c.id order by c.started_at"
    ).fetchall()
    assert rows == [("active", None, None, 1), ("completed", 4, "slow but fine", 1)]
    assert cli("chat", input="/quit\n").exit_code == 0


def test_a_csv_import_says_how_many_intents_have_no_responses_and_the_list_says_so_too(cli, signed_up, tmp_path):
    """h293 M5: CLINC150 imported as a CSV gave 150 intents without responses, and nothing said so."""
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("text,label\nhow is the weather,weather\nwill it rain,weather\nmove money,transfer\nhi,oos\n")
    result = cli("chatbot", "intents", "import", str(pairs))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "3 created, 0 updated (4 phrases read).",
        "warning: 2 intents have no responses: the bot answers their questions with the help pages instead"
        " (add replies with `blogster chatbot intents add NAME -r TEXT`, or import a YAML file with responses)",
    ]  # `oos` never answers: not counted
    assert cli("chatbot", "intents", "import", str(pairs), "--json").json()["without_responses"] == 2
    listed = cli("chatbot", "intents", "list")
    assert listed.stderr.startswith("note: 2 intents have no responses")
    assert cli("chatbot", "intents", "list", "--format", "csv").stderr == ""  # data for a script: no note
    added = cli("chatbot", "intents", "add", "weather", "-r", "Look out of the window.", "--json")
    assert added.exit_code == 0
    with_reply = cli("chatbot", "intents", "import", str(pairs), "--json").json()
    assert with_reply["without_responses"] == 1
    assert cli("chatbot", "intents", "import", str(STARTER)).stderr.count("warning") == 1  # transfer still has none


def test_intents_export_to_standard_output(cli, signed_up, tmp_path):
    """h293 L9: `intents export -` was refused ("the file name must end in .yaml..."); `-` is stdout elsewhere."""
    assert cli("chatbot", "intents", "import", str(STARTER)).exit_code == 0
    out = cli("chatbot", "intents", "export", "-")
    assert out.exit_code == 0, out.stderr
    assert len(yaml.safe_load(out.stdout)["intents"]) == 26 and out.stderr == "Wrote 26 intents to standard output.\n"
    as_json = cli("chatbot", "intents", "export", "-", "--format", "json")
    assert len(json.loads(as_json.stdout)["intents"]) == 26
    as_csv = cli("chatbot", "intents", "export", "-", "--format", "csv")
    assert as_csv.stdout.startswith("text,intent\n")
    (tmp_path / "back.yaml").write_text(out.stdout)
    again = cli("chatbot", "intents", "import", str(tmp_path / "back.yaml"), "--replace", "--yes", "--json").json()
    assert again["removed"] == 26 and len(again["created"]) == 26 and again["without_responses"] == 0
    both = cli("chatbot", "intents", "export", "-", "--json")
    assert both.exit_code == 2 and both.stderr.count("\n") == 1 and both.stdout == ""
    assert cli("chatbot", "intents", "export", "-", "--format", "toml").exit_code == 2
    disagree = cli("chatbot", "intents", "export", str(tmp_path / "x.yaml"), "--format", "json")
    assert disagree.exit_code == 2 and "disagree" in disagree.stderr and not (tmp_path / "x.yaml").exists()
    assert cli("chatbot", "intents", "export", str(tmp_path / "x.yml"), "--format", "yaml").exit_code == 0


def test_intents_rm_asks_first_and_off_a_terminal_needs_yes(cli, signed_up, superuser):
    """h293 L10: `intents rm` deleted at once, for every account's chats, while `flags rm` asks."""
    assert cli("chatbot", "intents", "import", str(STARTER)).exit_code == 0
    refused = cli("chatbot", "intents", "rm", "greeting")
    assert refused.exit_code == 2 and refused.stderr == "error: not on a terminal, so nobody to ask: use --yes\n"
    assert superuser.execute("select count(*) from chatbot_intents where name = 'greeting'").fetchone() == (1,)
    unknown = cli("chatbot", "intents", "rm", "nosuch")  # not found, not asked about
    assert unknown.exit_code == 3 and unknown.stderr == "error: no intent 'nosuch'\n"
    assert cli("chatbot", "intents", "rm", "greeting", "--yes").exit_code == 0
    assert superuser.execute("select count(*) from chatbot_intents where name = 'greeting'").fetchone() == (0,)


@pytest.mark.same_on_every_server  # the classifier's, Python-bound: CI's second pass leaves it out
def test_evaluate_on_a_terminal_shows_the_training_then_the_examples_classified(cli, signed_up, tmp_path, monkeypatch):
    """h293 M5: 2 min 17 s with no progress on CLINC150's 5,500 examples."""
    assert cli("chatbot", "intents", "import", str(STARTER)).exit_code == 0
    examples = tmp_path / "held-out.csv"
    examples.write_text("text,intent\nhow can I schedule my post for monday,schedule_post\nplay some music,oos\n")

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown = Terminal()
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setattr(sys, "stderr", shown)
    result = cli("chatbot", "evaluate", str(examples), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["total"] == 2
    drawn = shown.getvalue()
    assert "Training on 26 intents" in drawn and "Classifying" in drawn and "2/2" in drawn
    assert "Evaluated" not in drawn  # the bars said it


def test_intents_rm_on_a_terminal_names_the_intent_and_a_no_keeps_it(cli, signed_up, superuser, monkeypatch):
    from blogster_cli.cli import ask

    assert cli("chatbot", "intents", "import", str(STARTER)).exit_code == 0
    monkeypatch.setattr(ask, "on_terminal", lambda: True)
    kept = cli("chatbot", "intents", "rm", "greeting", input="n\n")
    assert (
        kept.exit_code == 1
        and "Remove the intent 'greeting' (" in kept.stderr
        and "from the chatbot? [y/N]" in kept.stderr
    )
    assert superuser.execute("select count(*) from chatbot_intents where name = 'greeting'").fetchone() == (1,)
    assert cli("chatbot", "intents", "rm", "greeting", input="y\n").exit_code == 0
    assert superuser.execute("select count(*) from chatbot_intents where name = 'greeting'").fetchone() == (0,)


def test_intents_import_replace_asks_first_and_off_a_terminal_needs_yes(
    cli, signed_up, superuser, tmp_path, monkeypatch
):
    """`intents import --replace` removed every intent, for every account's chats, without asking,
    while `intents rm` of one asks. A bad file is reported and an empty store replaced without a
    question; a no keeps every intent."""
    from blogster_cli.cli import ask

    def stored() -> int:
        return superuser.execute("select count(*) from chatbot_intents").fetchone()[0]

    one = tmp_path / "one.yaml"
    one.write_text("- name: refund\n  training_phrases: [money back please]\n  responses: [Refunds take 5 days.]\n")
    assert cli("chatbot", "intents", "import", str(one), "--replace").exit_code == 0  # nothing stored: not asked
    assert cli("chatbot", "intents", "import", str(STARTER)).exit_code == 0
    refused = cli("chatbot", "intents", "import", str(one), "--replace")
    assert (refused.exit_code, refused.stderr) == (2, "error: not on a terminal, so nobody to ask: use --yes\n")
    assert stored() == 27
    bad = cli("chatbot", "intents", "import", str(tmp_path / "nope.yaml"), "--replace")  # the file first
    assert bad.exit_code == 2 and "nobody to ask" not in bad.stderr
    monkeypatch.setattr(ask, "on_terminal", lambda: True)
    kept = cli("chatbot", "intents", "import", str(one), "--replace", input="n\n")
    assert kept.exit_code == 1 and (
        "Remove the 27 stored intents (every account's chatbot) and import 1 intent from one.yaml? [y/N]" in kept.stderr
    )
    assert stored() == 27
    done = cli("chatbot", "intents", "import", str(one), "--replace", "--json", input="y\n")
    assert done.exit_code == 0 and json.loads(done.stdout)["removed"] == 27 and stored() == 1
