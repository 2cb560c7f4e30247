"""A command whose pooled connection sits idle across an outside call outlives a server whose
administrator ends idle sessions sooner than that call answers (`idle_session_timeout`, here for
the database). The server closes the idle connection under the call; the next unit of work takes
a fresh one instead of failing on the closed one (db/connection.py `closed_by_server`, checked
as the connection is handed out: no round trip). Before, `generate draft --topic` exited 7
"lost the database connection: terminating connection due to idle-session timeout" after the
provider had answered.

Each command runs as a process of its own, so that its sessions are opened after the setting.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.cli.test_generate_cli import CHAT, credits_of, reservations
from tests.server_limits import limit_database_sessions

LIMIT = "300ms"
CALL_S = 1.0


def test_a_draft_is_stored_though_the_server_ends_idle_sessions_before_the_provider_answers(
    cli, db, signed_up, ai_env, superuser
):
    remaining, used = credits_of(superuser, signed_up)
    limit_database_sessions(superuser, db, "idle_session_timeout", LIMIT)
    asked = len(ai_env.calls(CHAT))
    ai_env.delay_s, ai_env.delay_after = CALL_S, asked

    ran = subprocess.run(
        [sys.executable, "-m", "blogster_cli", "generate", "draft", "--topic", "Slow answers", "--json"],
        env=os.environ.copy(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert ran.returncode == 0, ran.stderr
    assert len(ai_env.calls(CHAT)) == asked + 1
    assert superuser.execute("select count(*) from public.blogs where ai_generated").fetchone() == (1,)
    assert credits_of(superuser, signed_up) == (remaining - 1, used + 1) and reservations(superuser) == 0
