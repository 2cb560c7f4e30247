"""Intent files: YAML/JSON in the project's format, CSV text,label pairs, merging, writing back."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.chatbot import intents
from blogster_cli.chatbot.intents import OUT_OF_SCOPE_LABEL, IntentSpec
from blogster_cli.errors import InvalidInput
from blogster_cli.vocabulary import ChatbotIntentCategory

STARTER = Path(__file__).resolve().parents[3] / "examples" / "chatbot" / "intents.yaml"


def test_the_starter_set_covers_every_category_and_its_follow_ups_exist():
    specs, phrases_only = intents.read_file(STARTER)
    assert not phrases_only and len(specs) >= 20
    assert {s.category for s in specs} == set(ChatbotIntentCategory)
    names = {s.name for s in specs}
    assert all(f in names for s in specs for f in s.follow_up_intents)
    assert all(s.training_phrases and (s.responses or s.name == OUT_OF_SCOPE_LABEL) for s in specs)
    # Its out-of-scope examples have nothing to say: the bot never answers with them.
    assert [s.responses for s in specs if s.name == OUT_OF_SCOPE_LABEL] == [[]]


def test_csv_header_names_do_not_matter_and_each_label_becomes_an_intent():
    text = 'utterance,whatever\nhow much is it,pricing\n"hi, there",greeting\nwhat does it cost,pricing\n\n'
    specs = intents.parse_csv(text, source="x.csv")
    assert [(s.name, s.training_phrases) for s in specs] == [
        ("pricing", ["how much is it", "what does it cost"]),
        ("greeting", ["hi, there"]),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the CSV is empty"),
        ("text,label\n", "no text,label rows"),
        ("text,label\nonly text\n", "line 2 needs a text and a label"),
    ],
)
def test_bad_csv_says_which_line(text, message):
    with pytest.raises(InvalidInput, match=message):
        intents.parse_csv(text, source="x.csv")


def test_json_and_yaml_read_the_same_fields_and_refuse_unknown_ones():
    json_text = '[{"name": "a", "training_phrases": ["x"], "responses": ["hello"], "category": "sales"}]'
    (spec,) = intents.parse_structured(json_text, source="a.json")
    assert spec.responses == [{"text": "hello"}] and spec.category == ChatbotIntentCategory.SALES
    with pytest.raises(InvalidInput, match="unknown field 'phrases'"):
        intents.parse_structured("- name: a\n  phrases: [x]\n", source="a.yaml")
    with pytest.raises(InvalidInput, match="quote yes"):
        intents.parse_structured("- name: a\n  training_phrases: [yes]\n", source="a.yaml")
    with pytest.raises(InvalidInput, match="appears twice"):
        intents.parse_structured("- name: a\n- name: a\n", source="a.yaml")
    with pytest.raises(InvalidInput, match="category is one of"):
        intents.parse_structured("- name: a\n  category: legal\n", source="a.yaml")


def test_merging_adds_phrases_once_and_a_full_file_replaces_the_rest():
    old = IntentSpec(name="a", training_phrases=["x", "y"], responses=[{"text": "old"}])
    new = IntentSpec(name="a", training_phrases=["y", "z"], responses=[{"text": "new"}])
    assert intents.merge(old, new, phrases_only=True).training_phrases == ["x", "y", "z"]
    assert intents.merge(old, new, phrases_only=True).responses == [{"text": "old"}]
    assert intents.merge(old, new, phrases_only=False).responses == [{"text": "new"}]


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_written_files_read_back_the_same(suffix):
    specs, _ = intents.read_file(STARTER)
    again = intents.parse_structured(intents.dump(specs, suffix=suffix), source="again")
    assert again == specs


def test_csv_export_reads_back_as_the_same_phrases():
    specs, _ = intents.read_file(STARTER)
    again = intents.parse_csv(intents.dump(specs, suffix=".csv"), source="again.csv")
    assert {s.name: s.training_phrases for s in again} == {s.name: s.training_phrases for s in specs}
    with pytest.raises(InvalidInput, match="must end in"):
        intents.dump(specs, suffix=".txt")
