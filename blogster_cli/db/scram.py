"""SCRAM-SHA-256 password verifiers, computed here so a password never reaches the server.

`CREATE/ALTER ROLE ... PASSWORD 'text'` puts the password into the statement text, where
`log_statement = ddl` (and pg_stat_statements, and any statement-level audit) records it.
Given a string already in verifier form, PostgreSQL stores it as is; so Blogster sends
the verifier of RFC 5802 / RFC 7677 in PostgreSQL's layout:

    SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>

computed exactly as PostgreSQL's own `pg_be_scram_build_secret` does (SASLprep, then
PBKDF2-HMAC-SHA-256 with 4096 iterations and a random 16-byte salt).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import stringprep
import unicodedata

ITERATIONS = 4096  # PostgreSQL's scram_iterations default
SALT_BYTES = 16

_B64 = r"[A-Za-z0-9+/]+={0,2}"
VERIFIER_PATTERN = re.compile(rf"^SCRAM-SHA-256\$[1-9][0-9]{{0,6}}:{_B64}\${_B64}:{_B64}\Z")


def is_verifier(text: str) -> bool:
    """Whether `text` has the form of a SCRAM-SHA-256 verifier (as stored in pg_authid)."""
    return bool(VERIFIER_PATTERN.match(text))


def saslprep(password: str) -> str:
    """RFC 4013 SASLprep, or the password unchanged where SASLprep rejects it (as PostgreSQL does)."""
    mapped = "".join(
        " " if stringprep.in_table_c12(char) else char for char in password if not stringprep.in_table_b1(char)
    )
    normalized = unicodedata.normalize("NFKC", mapped)
    prohibited = (
        stringprep.in_table_a1,
        stringprep.in_table_c12,
        stringprep.in_table_c21_c22,
        stringprep.in_table_c3,
        stringprep.in_table_c4,
        stringprep.in_table_c5,
        stringprep.in_table_c6,
        stringprep.in_table_c7,
        stringprep.in_table_c8,
        stringprep.in_table_c9,
    )
    if not normalized or any(check(char) for char in normalized for check in prohibited):
        return password
    if any(stringprep.in_table_d1(char) for char in normalized):
        bidi_ok = stringprep.in_table_d1(normalized[0]) and stringprep.in_table_d1(normalized[-1])
        if not bidi_ok or any(stringprep.in_table_d2(char) for char in normalized):
            return password
    return normalized


def scram_keys(password: str, salt: bytes, iterations: int = ITERATIONS) -> tuple[bytes, bytes]:
    """(StoredKey, ServerKey) for `password`."""
    salted = hashlib.pbkdf2_hmac("sha256", saslprep(password).encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    return hashlib.sha256(client_key).digest(), server_key


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """The verifier PostgreSQL would store for `password`, with a fresh random salt."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    stored_key, server_key = scram_keys(password, salt, iterations)

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"
