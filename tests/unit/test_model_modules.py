"""Each model module can be used alone: it brings the tables its foreign keys name.

`db.orm` no longer imports every model (defining them all costs ~0.45 s a command); a
service imports the module it uses. A flush sorts rows by their foreign keys, which fails
(NoReferencedTableError) when a key names a table no imported module defines, so each
module is checked in a fresh interpreter holding only it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

RESOLVE_EVERY_KEY = """
import importlib, sys
importlib.import_module(sys.argv[1])
from sqlmodel import SQLModel
for table in SQLModel.metadata.tables.values():
    for key in table.foreign_keys:
        key.column  # raises NoReferencedTableError when the target table is not defined
print(len(SQLModel.metadata.tables))
"""


@pytest.mark.parametrize("module", ["accounts", "content", "extended", "system"])
def test_a_model_module_alone_resolves_every_foreign_key(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", RESOLVE_EVERY_KEY, f"blogster_cli.models.{module}"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout) > 1


def test_the_orm_module_defines_no_model() -> None:
    probe = (
        "import sys, blogster_cli.db.orm; print(sorted(m for m in sys.modules if m.startswith('blogster_cli.models.')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stderr
