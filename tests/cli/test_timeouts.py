"""A server that accepts connections but never answers fails the command in time, with exit 7."""

import socket
import time

import pytest


@pytest.fixture
def silent_server():
    """A listening socket nobody accepts from: what a SIGSTOPped server looks like to a client."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield f"postgresql://nobody@127.0.0.1:{listener.getsockname()[1]}/blogster"
    listener.close()


def test_a_stopped_server_fails_within_the_connect_timeout(cli, signed_up, silent_server):
    assert cli("config", "set", "connect_timeout_s", "2").exit_code == 0
    started = time.monotonic()
    result = cli("--database-url", silent_server, "posts", "list")
    elapsed = time.monotonic() - started
    assert result.exit_code == 7, result.stderr
    assert elapsed < 10
    assert "did not answer" in result.stderr and "connect_timeout_s" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_connect_timeout_is_a_setting_with_a_sane_range(cli):
    assert cli("config", "get", "connect_timeout_s").stdout.strip() == "10"
    assert cli("config", "set", "connect_timeout_s", "0").exit_code == 2
    assert cli("config", "set", "connect_timeout_s", "5").exit_code == 0
