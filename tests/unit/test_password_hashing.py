"""Passwords are stored as argon2id at RFC 9106's low-memory cost, and an unknown email costs the same.

The other tests hash at argon2's lowest cost (tests/conftest.py, cheap_password_hashing); these
check what the package itself uses, taken before any test patches it.
"""

import argon2
import pytest
from argon2.exceptions import VerifyMismatchError

from blogster_cli.services import sessions

PACKAGE_HASHER = sessions._password_hasher
PACKAGE_DUMMY_HASH = sessions._DUMMY_HASH


def test_passwords_are_hashed_with_argon2id_at_the_rfc_9106_low_memory_cost():
    stored = PACKAGE_HASHER().hash("correct horse battery staple")
    assert argon2.extract_parameters(stored) == argon2.profiles.RFC_9106_LOW_MEMORY
    assert stored.startswith("$argon2id$")
    assert PACKAGE_HASHER().verify(stored, "correct horse battery staple")
    with pytest.raises(VerifyMismatchError):
        PACKAGE_HASHER().verify(stored, "correct horse battery stapler")


def test_an_unknown_email_is_verified_at_the_same_cost_as_a_real_password():
    """The dummy hash a login checks for an unknown email has the stored hashes' parameters."""
    assert argon2.extract_parameters(PACKAGE_DUMMY_HASH) == argon2.extract_parameters(PACKAGE_HASHER().hash("x"))
    with pytest.raises(VerifyMismatchError):
        PACKAGE_HASHER().verify(PACKAGE_DUMMY_HASH, "any password")
