"""blogster voice transcribe through the local server's audio endpoint."""

import wave


def make_wav(path, seconds=2):
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\0\0" * 8000 * seconds)
    return path


def test_transcribe_to_a_draft(cli, signed_up, ai_env, superuser, tmp_path):
    audio = make_wav(tmp_path / "note.wav")
    result = cli("voice", "transcribe", str(audio), "--to-draft", "--json")
    assert result.exit_code == 0, result.stderr
    transcript = result.json()
    assert transcript["status"] == "completed" and "sourdough" in transcript["text"]
    assert transcript["duration_seconds"] == 2 and transcript["file_size_bytes"] == audio.stat().st_size
    row = superuser.execute("select transcription_status::text, blog_id::text from public.voice_recordings").fetchone()
    assert row == ("completed", transcript["blog_id"])
    assert superuser.execute("select content->>'markdown' from public.blogs").fetchone()[0].startswith("Notes dictated")
    assert ai_env.calls("/v1/audio/transcriptions")[0].headers["content-type"].startswith("multipart/form-data")


def test_a_failed_transcription_is_marked_failed_and_free(cli, signed_up, ai_env, superuser, tmp_path):
    cli("config", "set", "ai_max_retries", "0")
    ai_env.failures.append("500")
    result = cli("voice", "transcribe", str(make_wav(tmp_path / "note.wav")))
    assert result.exit_code == 1 and "HTTP 500" in result.stderr
    assert superuser.execute("select transcription_status::text from public.voice_recordings").fetchone() == ("failed",)
    assert superuser.execute("select credits_remaining from public.user_subscriptions").fetchone() == (3,)
    assert cli("voice", "transcribe", str(tmp_path / "missing.wav")).exit_code == 2


def test_a_link_is_never_read_nor_sent_to_the_provider(cli, signed_up, ai_env, superuser, tmp_path):
    secret = tmp_path / "id_rsa"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    (tmp_path / "note.m4a").symlink_to(secret)
    result = cli("voice", "transcribe", str(tmp_path / "note.m4a"))
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert ai_env.calls("/v1/audio/transcriptions") == []
    assert superuser.execute("select count(*) from public.voice_recordings").fetchone() == (0,)
    assert superuser.execute("select credits_remaining from public.user_subscriptions").fetchone() == (3,)
