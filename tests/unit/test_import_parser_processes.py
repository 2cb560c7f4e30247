"""How many processes parse a large import's files by default: one core is left to the importing
process and the database server (on two cores, parser processes made a 1,000-file import slower)."""

import pytest

from blogster_cli.services import imports


@pytest.mark.parametrize(("cores", "processes"), [(None, 1), (1, 1), (2, 1), (3, 2), (4, 3), (5, 4), (64, 4)])
def test_a_large_import_leaves_one_core_to_this_process_and_the_database(monkeypatch, cores, processes) -> None:
    monkeypatch.setattr(imports.os, "cpu_count", lambda: cores)
    assert imports._parser_processes(large=True) == processes


def test_a_small_import_parses_here_whatever_the_cores(monkeypatch) -> None:
    monkeypatch.setattr(imports.os, "cpu_count", lambda: 64)
    assert imports._parser_processes(large=False) == 1
