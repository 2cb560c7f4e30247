"""Voice notes transcribed by the provider's audio endpoint into voice_recordings (and optionally a draft).

The row goes pending (read step, credit reserved) -> processing (just before the
call) -> completed with the text, or failed; a failure releases the credit.
"""

from __future__ import annotations

import io
import uuid
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from blogster_cli.actors import ActingUser
from blogster_cli.ai.provider import ProviderConfig
from blogster_cli.db.orm import driver_connection, orm_unit_of_work
from blogster_cli.errors import InvalidInput
from blogster_cli.models.extended import VoiceRecording
from blogster_cli.repositories import generation as rows
from blogster_cli.services import ai_provider, generation_steps
from blogster_cli.services.ai_provider import Completion
from blogster_cli.services.generation_steps import LogLinks, log_row
from blogster_cli.vocabulary import TranscriptionStatus

if TYPE_CHECKING:
    from sqlmodel import Session

MAX_AUDIO_BYTES = 25 * 1024 * 1024  # the OpenAI transcription endpoint's limit
DEFAULT_MODEL = "whisper-1"


@dataclass(frozen=True)
class Transcript:
    id: UUID
    status: str
    text: str | None
    duration_seconds: int | None
    file_size_bytes: int
    blog_id: UUID | None
    draft_slug: str | None = None
    """The new draft's slug (--to-draft)."""
    draft_word_count: int | None = None


def duration_of(data: bytes) -> int | None:
    """Whole seconds of WAV audio; None for formats we cannot read without a decoder."""
    try:
        with wave.open(io.BytesIO(data), "rb") as audio:
            return round(audio.getnframes() / audio.getframerate())
    except (wave.Error, EOFError, OSError, ZeroDivisionError):
        return None


def _read_audio(path: Path) -> bytes:
    """The file's bytes: a regular file only, never through a link (it would be sent to the provider)."""
    from blogster_cli.content.files import NotRegularFile, read_regular_file

    try:
        return read_regular_file(path, limit=MAX_AUDIO_BYTES)
    except NotRegularFile as exc:
        raise InvalidInput(f"{path}: {exc}") from None
    except (FileNotFoundError, IsADirectoryError):
        raise InvalidInput(f"{path} is not a file") from None


def _set_status(acting: ActingUser, recording_id: UUID, status: TranscriptionStatus) -> None:
    with orm_unit_of_work(acting) as session:
        row = session.get(VoiceRecording, recording_id)
        if row is not None:
            row.transcription_status = status
            session.add(row)


def transcribe(
    acting: ActingUser, *, path: Path, provider: ProviderConfig, blog: str | None, model: str | None,
    to_draft: bool, title: str | None = None,
) -> Transcript:  # fmt: skip
    from blogster_cli.services.post_steps import NewBlog, find_own, insert_new

    data = _read_audio(path)
    size = len(data)
    if size > MAX_AUDIO_BYTES:
        raise InvalidInput(f"{path} is larger than {MAX_AUDIO_BYTES // (1024 * 1024)} MiB")
    audio_model = model or DEFAULT_MODEL
    request_id = uuid.uuid4()
    with generation_steps.Reservation(request_id, provider) as reservation:
        with generation_steps.reserving(acting, reservation) as session:
            blog_id = find_own(driver_connection(session), blog).id if blog else None
            recording = VoiceRecording(
                user_id=acting.actor.user_id, file_path=str(path.resolve()), file_size_bytes=size,
                duration_seconds=duration_of(data), blog_id=blog_id,
            )  # fmt: skip
            session.add(recording)
            session.flush()
            recording_id = recording.id
            duration = recording.duration_seconds
        prompt = f"transcribe {path.name} ({size} bytes)"

        def call() -> Completion:
            _set_status(acting, recording_id, TranscriptionStatus.PROCESSING)
            text = ai_provider.transcribe(provider, path.name, data, model=audio_model)
            return Completion(text=text, tokens=0, model=audio_model)

        def store(session: Session, completion: Completion) -> Transcript:
            row = session.get(VoiceRecording, recording_id)
            assert row is not None
            row.transcription_status, row.transcription_text = TranscriptionStatus.COMPLETED, completion.text
            new = None
            if to_draft:
                words = completion.text.split()
                draft_title = title or (" ".join(words[:8]) + ("..." if len(words) > 8 else "")) or path.stem
                new = insert_new(
                    driver_connection(session), NewBlog(title=draft_title, markdown=completion.text + "\n")
                )
                row.blog_id = new.id
            session.add(row)
            session.flush()
            rows.insert_log(
                session, log=log_row(request_id, prompt, completion, LogLinks(blog_id=row.blog_id), audio_model)
            )
            return Transcript(
                recording_id, row.transcription_status.value, completion.text, duration, size, row.blog_id,
                new.slug if new is not None else None, new.word_count if new is not None else None,
            )  # fmt: skip

        try:
            return generation_steps.metered(
                acting, reservation=reservation, prompt=prompt, provider=provider, links=LogLinks(blog_id=blog_id),
                call=call, store=store,
            )  # fmt: skip
        except BaseException:
            _set_status(acting, recording_id, TranscriptionStatus.FAILED)
            raise
