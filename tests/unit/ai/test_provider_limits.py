"""An untrusted AI provider: each call ends within ai_timeout_s in all, an answer is read only up
to a bound, and a wrong shape or an unbelievable usage figure is a provider error or unknown,
never an AttributeError or a database error later (red team 27a, F5, F8, F9)."""

import json
import threading
import time

import pytest

from blogster_cli.services import ai_provider
from tests.ai_server import MIB, MODEL
from tests.unit.ai.test_provider_calls import MESSAGES, provider_for

CHAT = "/v1/chat/completions"


def elapsed(call):
    started = time.monotonic()
    with pytest.raises(ai_provider.ProviderError) as raised:
        call()
    return str(raised.value), time.monotonic() - started


def test_a_stream_trickling_a_piece_at_a_time_ends_at_the_deadline(ai_server):
    """The per-read timeout never trips on a server sending a piece every 0.2 s: the call used to
    run as long as the server went on (for ever in the red team's run)."""
    ai_server.failures.append("trickle")
    message, seconds = elapsed(lambda: ai_provider.stream(provider_for(ai_server, timeout=1), MESSAGES, print))
    assert message == f"the AI provider at {ai_server.base_url} did not answer within 1 s"
    assert seconds < 3


def test_a_trickling_answer_ends_at_the_deadline(ai_server):
    ai_server.failures.append("trickle")
    message, seconds = elapsed(lambda: ai_provider.complete(provider_for(ai_server, timeout=1), MESSAGES))
    assert "did not answer within 1 s" in message and seconds < 3


def test_no_retry_waits_past_the_deadline(ai_server):
    """A 429 asking for 30 s: the client would wait them (it honours up to 2 minutes) and try again."""
    ai_server.failures.append("retry-after:30")
    message, seconds = elapsed(lambda: ai_provider.complete(provider_for(ai_server, timeout=1), MESSAGES))
    assert "did not answer within 1 s" in message and seconds < 2
    assert len(ai_server.calls(CHAT)) == 1


def test_short_retries_still_happen_within_the_deadline(ai_server):
    ai_server.failures.extend(["retry-after:0.1", "500"])
    assert ai_provider.complete(provider_for(ai_server, timeout=5), MESSAGES).text == ai_server.reply
    assert len(ai_server.calls(CHAT)) == 3


def test_the_deadline_is_the_calling_threads(ai_server):
    """One cached client serves every thread of a worker: a call ending on one thread must not
    lift the deadline of a call still running on another."""
    provider = provider_for(ai_server, timeout=1)
    ai_server.failures.append("trickle")
    outcome: list[tuple[str, float]] = []
    trickling = threading.Thread(
        target=lambda: outcome.append(elapsed(lambda: ai_provider.stream(provider, MESSAGES, lambda piece: None)))
    )
    trickling.start()
    while not ai_server.calls(CHAT):
        time.sleep(0.01)
    assert ai_provider.complete(provider, MESSAGES).text == ai_server.reply  # meanwhile, on this thread
    trickling.join(40)
    assert outcome and "did not answer within 1 s" in outcome[0][0] and outcome[0][1] < 3


def test_an_endless_stream_stops_past_the_bound_on_its_text(ai_server):
    """A model in a loop, or a server streaming for ever: the text was kept whole (1.39 GB)."""
    ai_server.failures.append("endless")
    pieces: list[str] = []
    message, _ = elapsed(lambda: ai_provider.stream(provider_for(ai_server), MESSAGES, pieces.append))
    assert message == (
        f"the AI provider at {ai_server.base_url} sent more than {ai_provider.MAX_ANSWER_CHARS:,} characters;"
        " stopped reading, nothing was saved"
    )
    assert sum(map(len, pieces)) <= ai_provider.MAX_ANSWER_CHARS
    assert ai_server.sent_bytes < 16 * MIB  # of 96 MiB: what the sockets' buffers took, at most


def test_a_huge_answer_is_refused_without_reading_it_all(ai_server):
    """A 96 MiB JSON answer, no Content-Length: read whole before (300 MB took 1.6 GB)."""
    ai_server.failures.append("endless")
    message, _ = elapsed(lambda: ai_provider.complete(provider_for(ai_server, retries=0), MESSAGES))
    assert message == f"the AI provider at {ai_server.base_url} sent an answer larger than 4 MiB; stopped reading it"
    assert ai_server.sent_bytes < 24 * MIB


def test_an_answer_declared_too_large_is_refused_unread(ai_server):
    ai_server.failures.append("huge-declared")  # then nothing for 3 s
    message, seconds = elapsed(lambda: ai_provider.complete(provider_for(ai_server, retries=0), MESSAGES))
    assert "sent an answer larger than 4 MiB" in message and seconds < 1


def test_a_compressed_answer_is_refused_since_its_size_says_nothing(ai_server):
    ai_server.failures.append("gzip")
    message, _ = elapsed(lambda: ai_provider.complete(provider_for(ai_server, retries=0), MESSAGES))
    assert message == f"the AI provider at {ai_server.base_url} sent a compressed answer, though none was asked for"
    assert ai_server.calls(CHAT)[0].headers["accept-encoding"] == "identity"


def test_a_redirect_to_another_server_is_refused_before_anything_goes_there(ai_server, httpserver):
    """httpx follows redirects for the client: a 307 took the prompt to any server the provider
    named (the key only was dropped), and its answer was the draft."""
    httpserver.expect_request(CHAT).respond_with_json({"choices": [{"message": {"content": "theirs"}}]})
    elsewhere = httpserver.url_for(CHAT)
    ai_server.failures.append(f"redirect:{elsewhere}")
    message, _ = elapsed(lambda: ai_provider.complete(provider_for(ai_server, retries=0), MESSAGES))
    origin = elsewhere.removesuffix(CHAT)
    assert message == (
        f"the AI provider at {ai_server.base_url} redirected the call to {origin}; nothing was sent there"
        " (`blogster ai setup --base-url` points at a server you trust)"
    )
    assert httpserver.log == []


def test_a_redirect_within_the_providers_server_is_followed(ai_server):
    ai_server.failures.append(f"redirect:{ai_server.url}{CHAT}")
    assert ai_provider.complete(provider_for(ai_server), MESSAGES).text == ai_server.reply
    assert len(ai_server.calls(CHAT)) == 2


def test_a_redirect_loop_is_one_error_naming_the_last_url_and_is_not_retried(ai_server):
    """A server answering 307 to itself: httpx's TooManyRedirects is a RequestError, which the client
    retried as an outage, 3 x 21 requests, then "cannot reach the AI provider" (red team, Low)."""
    port = ai_server.url.rpartition(":")[2]
    ai_server.redirect_loop = f"http://user:pw@127.0.0.1:{port}{CHAT}?token=s3cret-token#part"
    message, _ = elapsed(lambda: ai_provider.complete(provider_for(ai_server, retries=2), MESSAGES))
    assert message == (
        f"the AI provider at {ai_server.base_url} redirected the call more than 20 times, the last to"
        f" http://127.0.0.1:{port}{CHAT}; not tried again (a redirect loop: see the server's configuration"
        " or `blogster ai setup --base-url`)"
    )
    assert len(ai_server.requests) == 1 + ai_provider.MAX_REDIRECTS  # the first, then 20 redirects; no retry


def test_a_redirect_loop_shows_neither_the_key_nor_a_long_path(ai_server):
    ai_server.redirect_loop = f"{ai_server.base_url}/sk-test/{'x' * 500}"
    message, _ = elapsed(lambda: ai_provider.stream(provider_for(ai_server, key="sk-test"), MESSAGES, print))
    assert "sk-test" not in message and f"{ai_server.base_url}/***/xxx" in message
    assert "x" * 200 not in message and "…; not tried again" in message


UNEXPECTED = "sent an answer in an unexpected shape"


@pytest.mark.parametrize(
    "body",
    [
        {"choices": "nope", "usage": {"total_tokens": "many"}},
        [1, 2],
        "just text",
        None,
        {"choices": [{"message": None}], "usage": {"total_tokens": "many"}},
        {"choices": [{"message": {"content": 5}}]},
        {"choices": [7]},
    ],
)
def test_a_non_streamed_answer_of_the_wrong_shape_is_a_provider_error(ai_server, body):
    """These escaped as "unexpected failure: 'str' object has no attribute 'message'"."""
    ai_server.failures.append("body:" + json.dumps(body))
    message, _ = elapsed(lambda: ai_provider.complete(provider_for(ai_server, retries=0), MESSAGES))
    assert message == f"the AI provider at {ai_server.base_url} {UNEXPECTED}"


@pytest.mark.parametrize(
    "chunk",
    [[1, 2], "text", {"choices": "nope"}, {"choices": [{"delta": "x"}]}, {"choices": [{"delta": {"content": ["x"]}}]}],
)
def test_a_streamed_chunk_of_the_wrong_shape_is_a_provider_error(ai_server, chunk):
    good = {"model": MODEL, "choices": [{"index": 0, "delta": {"content": "Fine "}}]}
    ai_server.failures.append("events:" + json.dumps([good, chunk]))
    message, _ = elapsed(lambda: ai_provider.stream(provider_for(ai_server, retries=0), MESSAGES, print))
    assert message.endswith(UNEXPECTED)


@pytest.mark.parametrize("body", [{"data": "abc"}, [1, 2], {"data": [{"id": "m"}, {"nope": 1}]}, {"data": [{"id": 5}]}])
def test_a_model_list_of_the_wrong_shape_is_a_provider_error(ai_server, body):
    ai_server.failures.append("body:" + json.dumps(body))
    message, _ = elapsed(lambda: ai_provider.list_models(provider_for(ai_server, retries=0)))
    assert message.endswith(UNEXPECTED)


def test_what_a_lenient_server_leaves_out_is_no_error(ai_server):
    """Compatible servers differ: no usage, no model, a null delta or content are all fine."""
    ai_server.failures.append("body:" + json.dumps({"choices": [{"message": {"content": "Hi"}}]}))
    assert ai_provider.complete(provider_for(ai_server), MESSAGES) == ai_provider.Completion("Hi", 0, MODEL)
    chunks = [{"choices": [{"delta": None}]}, {"choices": [{"delta": {"content": None}}]}, {"choices": None}]
    last = {"choices": [{"delta": {"content": "Yo"}, "finish_reason": "stop"}]}
    ai_server.failures.append("events:" + json.dumps([*chunks, last]))
    assert ai_provider.stream(provider_for(ai_server), MESSAGES, print) == ai_provider.Completion("Yo", 0, MODEL)


@pytest.mark.parametrize("total", [10**20, -5, "many", 1.5, True, [3], 2**31])
def test_an_unbelievable_usage_figure_is_unknown_and_the_text_is_kept(ai_server, total):
    """10**20 and -5 lost the finished draft to "integer out of range" and a check constraint."""
    ai_server.usage_total = total
    assert ai_provider.complete(provider_for(ai_server), MESSAGES) == ai_provider.Completion(ai_server.reply, 0, MODEL)
    pieces: list[str] = []
    streamed = ai_provider.stream(provider_for(ai_server), MESSAGES, pieces.append)
    assert streamed == ai_provider.Completion(ai_server.reply, 0, MODEL) and "".join(pieces) == ai_server.reply


# A stream is whole only when it ends with finish_reason "stop" (red team 27a, F15): one cut short
# was saved and charged as a complete draft.


def test_a_stream_that_ends_without_a_finish_reason_is_cut_short(ai_server):
    """A proxy timing out or a restarted server ends the body cleanly: no finish_reason, no usage,
    no [DONE]; the client reads that as the end."""
    ai_server.cut_after = 1
    pieces: list[str] = []
    with pytest.raises(ai_provider.CutShort) as raised:
        ai_provider.stream(provider_for(ai_server), MESSAGES, pieces.append)
    assert str(raised.value) == (
        f"the AI provider at {ai_server.base_url} ended its answer before it finished (no finish_reason);"
        " nothing was saved"
    )
    assert raised.value.partial == ai_provider.Completion(ai_server.reply[:8], 0, MODEL) and pieces == ["# A titl"]


def test_a_stream_stopped_at_the_length_limit_is_cut_short_with_its_usage(ai_server):
    ai_server.finish_reason = "length"
    with pytest.raises(ai_provider.CutShort) as raised:
        ai_provider.stream(provider_for(ai_server), MESSAGES, print)
    assert str(raised.value) == (
        f"the AI provider at {ai_server.base_url} stopped at its length limit (finish_reason length); nothing was saved"
    )
    assert raised.value.partial == ai_provider.Completion(ai_server.reply, 18, MODEL)


@pytest.mark.parametrize(("reason", "shown"), [("content_filter", "content_filter"), ("\x1b[2J" * 9, "unexpected")])
def test_any_other_finish_reason_is_cut_short(ai_server, reason, shown):
    ai_server.finish_reason = reason
    with pytest.raises(ai_provider.CutShort, match=rf"\(finish_reason {shown}\); nothing was saved$"):
        ai_provider.stream(provider_for(ai_server), MESSAGES, print)


def test_a_finish_reason_on_the_last_text_chunk_ends_the_stream(ai_server):
    """llama.cpp and others may send the finish_reason with the last piece rather than after it."""
    chunks = [{"choices": [{"delta": {"content": "Hel"}, "finish_reason": None}]}]
    chunks.append({"choices": [{"delta": {"content": "lo"}, "finish_reason": "stop"}]})
    ai_server.failures.append("events:" + json.dumps(chunks))
    assert ai_provider.stream(provider_for(ai_server), MESSAGES, print).text == "Hello"


def test_a_non_streamed_answer_at_the_length_limit_says_so(ai_server):
    ai_server.finish_reason = "length"
    completion = ai_provider.complete(provider_for(ai_server), MESSAGES)
    assert completion.truncated and completion.text == ai_server.reply
    ai_server.finish_reason = "stop"
    assert not ai_provider.complete(provider_for(ai_server), MESSAGES).truncated
