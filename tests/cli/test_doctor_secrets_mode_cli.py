"""`doctor` says the credentials file's mode once, as it is (red team 60: "secrets: ... (mode 600)"
stood on the line above its own FAIL for a 644 file)."""

import os


def test_doctor_never_calls_a_loose_credentials_file_mode_600(cli, signed_up, isolated_environment):
    checks = {c["name"]: c for c in cli("doctor", "--json").json()}
    assert checks["secrets"]["detail"].endswith("(mode 600)")  # the tests run without an OS keyring
    credentials = isolated_environment / "credentials.json"
    os.chmod(credentials, 0o644)
    loose = cli("doctor", "--json")
    assert loose.exit_code == 1
    checks = {c["name"]: c for c in loose.json()}
    assert "600" not in checks["secrets"]["detail"] and "credentials.json" in checks["secrets"]["detail"]
    assert checks["credentials file"]["status"] == "fail" and "has mode 644" in checks["credentials file"]["detail"]
    text = cli("doctor").stdout
    assert "(mode 600)" not in text and "has mode 644; it must be 600" in text
