"""Issue 8.12: the SCRAM-SHA-256 verifier Blogster sends instead of a password."""

import base64
import hashlib
import hmac

from blogster_cli.db.scram import is_verifier, saslprep, scram_keys, scram_verifier

# RFC 7677, section 3: user "user", password "pencil".
CLIENT_FIRST_BARE = "n=user,r=rOprNGfwEbeRWgbNEkqO"
SERVER_FIRST = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
CLIENT_FINAL_WITHOUT_PROOF = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
CLIENT_PROOF = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
SERVER_SIGNATURE = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


def test_keys_reproduce_the_rfc_7677_exchange():
    """A server holding only our StoredKey/ServerKey verifies the RFC's proof and signs as the RFC says."""
    salt = base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ==")
    stored_key, server_key = scram_keys("pencil", salt, 4096)
    auth_message = f"{CLIENT_FIRST_BARE},{SERVER_FIRST},{CLIENT_FINAL_WITHOUT_PROOF}".encode()
    client_signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
    client_key = bytes(a ^ b for a, b in zip(base64.b64decode(CLIENT_PROOF), client_signature, strict=True))
    assert hashlib.sha256(client_key).digest() == stored_key
    assert base64.b64encode(hmac.new(server_key, auth_message, hashlib.sha256).digest()).decode() == SERVER_SIGNATURE


def test_verifier_layout_matches_pg_authid():
    salt = base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ==")
    verifier = scram_verifier("pencil", salt=salt)
    stored_key, server_key = scram_keys("pencil", salt)
    assert verifier == (
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
        f"{base64.b64encode(stored_key).decode()}:{base64.b64encode(server_key).decode()}"
    )
    assert is_verifier(verifier) and "pencil" not in verifier


def test_each_verifier_has_a_fresh_salt():
    first, second = scram_verifier("same password"), scram_verifier("same password")
    assert first != second and first.split("$")[1] != second.split("$")[1]


def test_is_verifier_refuses_anything_else():
    for text in ("pencil", "md5" + "0" * 32, "SCRAM-SHA-256$4096:abc", "SCRAM-SHA-256$4096:a$b:c'; drop role x; --"):
        assert not is_verifier(text)


def test_saslprep_as_postgresql_applies_it():
    assert saslprep("I\u00adX") == "IX"  # soft hyphen maps to nothing
    assert saslprep("\u2168") == "IX"  # NFKC
    assert saslprep("a\u00a0b") == "a b"  # non-ASCII space
    assert saslprep("a\u0007b") == "a\u0007b"  # prohibited: used unchanged
