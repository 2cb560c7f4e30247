"""One migrated cluster per bench/run.py run, copied by each benchmark.

Each benchmark starts an embedded server of its own; its initdb and the migrations cost ~2 s of
CPU every time. run.py makes one such cluster before the first benchmark, stops it and names its
data folder in BLOGSTER_BENCH_PREPARED_DATA; a benchmark's server starts on a file copy of it
(what initdb and the migrations would have made, byte for byte) and its own migrations.apply
finds nothing to do. A benchmark run on its own (no variable) makes its cluster as before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from blogster_cli.db.embedded import EmbeddedServer

PREPARED = "BLOGSTER_BENCH_PREPARED_DATA"


class PreparedCluster:
    """run.py's: made on first use (no benchmark to run, none made), deleted by close()."""

    def __init__(self) -> None:
        self._home: Path | None = None
        self._server: EmbeddedServer | None = None

    def data_dir(self) -> Path:
        if self._server is None:
            from blogster_cli.db import migrations
            from blogster_cli.db.connection import Database
            from blogster_cli.db.embedded import EmbeddedServer

            self._home = Path(tempfile.mkdtemp(prefix="blogster-bench-prepared-"))
            self._server = EmbeddedServer(self._home / "home")
            self._server.ensure_running()
            db = Database(self._server.conninfo())
            try:
                migrations.apply(db)
            finally:
                db.close()
                self._server.stop()  # a clean stop: the copies start without recovery
        return self._server.data_dir

    def close(self) -> None:
        if self._server is not None:
            self._server.destroy()
        if self._home is not None:
            shutil.rmtree(self._home, ignore_errors=True)


def embedded_server(home: Path) -> EmbeddedServer:
    """EmbeddedServer(home), its cluster a copy of run.py's prepared one where there is one."""
    from blogster_cli.db.embedded import EmbeddedServer

    server = EmbeddedServer(home)
    prepared = os.environ.get(PREPARED)
    if prepared and not server.data_dir.exists():
        server.data_dir.parent.mkdir(parents=True, exist_ok=True)
        # cp -a: owners (the server's OS user when root) and modes as they are
        subprocess.run(["cp", "-a", prepared, str(server.data_dir)], check=True)
    return server
