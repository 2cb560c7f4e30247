"""AI commands' lows of the new-user walk (h310 L8-L10): `ai logs` and `credits` say what each
generation was and show its task, not the shared system message; `voice transcribe --to-draft`,
`generate image` and `generate rewrite --section` report as the other commands do; `ai status`
with nothing configured shows so (exit 0)."""

from __future__ import annotations

import csv
import io
import json

from tests.cli.test_revise_cli import new_post
from tests.cli.test_voice_cli import make_wav


def test_ai_logs_and_credits_show_each_generations_kind_and_task(cli, signed_up, ai_env, tmp_path):
    slug = new_post(cli, tmp_path)
    ai_env.structured.clear()
    ai_env.structured.append(json.dumps({"meta_description": "Habits that save time.", "meta_keywords": ["shell"]}))
    assert cli("generate", "seo", slug).exit_code == 0
    assert cli("generate", "draft", "--topic", "Sourdough starters").exit_code == 0

    shown = cli("ai", "logs", "--format", "csv")
    assert shown.exit_code == 0, shown.stderr
    rows = list(csv.DictReader(io.StringIO(shown.stdout)))
    assert [r["kind"] for r in rows] == ["draft", "seo"]
    assert rows[0]["prompt"].startswith("Write a complete blog post about: Sourdough starters")
    assert rows[1]["prompt"].startswith("Write search metadata for this blog post")
    assert not any("You are a skilled blog writer" in r["prompt"] for r in rows)

    table = cli("ai", "logs")
    assert "kind" in table.stdout and "You are a skilled" not in table.stdout, table.stdout
    assert "Write a complete blog post about: Sourdough" in table.stdout
    logged = cli("ai", "logs", "--json").json()
    assert [e["kind"] for e in logged] == ["draft", "seo"] and logged[0]["prompt"].startswith("[system]")

    recent = list(csv.DictReader(io.StringIO(cli("credits", "--format", "csv").stdout)))
    assert [r["kind"] for r in recent] == ["draft", "seo"]


def test_voice_to_draft_says_what_it_saved(cli, signed_up, ai_env, tmp_path):
    audio = make_wav(tmp_path / "note.wav")
    said = cli("voice", "transcribe", str(audio), "--to-draft")
    assert said.exit_code == 0, said.stderr
    [draft] = cli("blogs", "list", "--json").json()
    assert f"Saved '{draft['slug']}' (" in said.stderr and "AI transcription, 1 credit)." in said.stderr
    assert said.stdout.startswith("Notes dictated")
    again = cli("voice", "transcribe", str(audio), "--to-draft", "--json").json()
    assert again["draft_slug"] and again["draft_slug"] != draft["slug"] and again["draft_word_count"] > 0
    plain = cli("voice", "transcribe", str(audio))
    assert plain.exit_code == 0 and "Saved" not in plain.stderr


def test_generate_image_prints_the_markdown_to_paste(cli, signed_up, ai_env, tmp_path, isolated_environment):
    slug = new_post(cli, tmp_path)
    made = cli("generate", "image", slug, "--prompt", "a crusty loaf", "--model", "gpt-image-1")
    assert made.exit_code == 0, made.stderr
    [picture] = cli("images", "list", "--json").json()
    assert made.stdout == f"![a crusty loaf]({picture['url']})\n"  # the prompt as alt text, as stored
    assert picture["alt_text"] == "a crusty loaf"
    assert f"Added {picture['url']} (image/png, " in made.stderr and f"to {slug}; paste:" in made.stderr


def test_rewrite_of_a_section_past_the_last_counts_in_words(cli, signed_up, ai_env, tmp_path):
    source = tmp_path / "one.md"
    source.write_text("---\ntitle: One part\n---\nIntro.\n\n## Only\n\nText.\n")
    slug = cli("blogs", "new", "--from", str(source), "--json").json()["slug"]
    refused = cli("generate", "rewrite", slug, "--section", "9")
    assert refused.exit_code == 2
    assert "the post has 1 section (level-2 heading); there is no section 9" in refused.stderr, refused.stderr
