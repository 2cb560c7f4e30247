"""Persona names are unique per owner (ignoring case), copies get '(copy)', age ranges are checked."""

from pathlib import Path

import pytest

MIGRATION = Path(__file__).resolve().parents[2] / "db" / "migrations" / "0015_unique_persona_names.sql"


def names(cli):
    return sorted(p["name"] for p in cli("personas", "list", "--json").json() if not p["template"])


def test_a_name_is_taken_once_per_owner_ignoring_case(cli, signed_up):
    assert cli("personas", "create", "Gardeners").exit_code == 0
    again = cli("personas", "create", "gardeners")
    assert again.exit_code == 5 and "already have a persona" in again.stderr
    assert cli("personas", "create", "Cooks").exit_code == 0
    assert cli("personas", "edit", "Cooks", "--name", "GARDENERS").exit_code == 5
    assert names(cli) == ["Cooks", "Gardeners"]


def test_copies_are_named_copy_then_copy_2(cli, signed_up):
    assert cli("personas", "copy", "Software developer").exit_code == 0
    assert cli("personas", "copy", "Software developer").exit_code == 0
    assert cli("personas", "copy", "Software developer (copy)").exit_code == 0
    assert names(cli) == [
        "Software developer (copy 2)",
        "Software developer (copy)",
        "Software developer (copy) (copy)",
    ]
    assert cli("personas", "copy", "Software developer", "--name", "software developer (COPY)").exit_code == 5
    shown = cli("personas", "show", "Software developer", "--json").json()
    assert shown["template"] is True  # the name still means the shared one


@pytest.mark.parametrize("bad", ["abc", "60-35", "18-", "-5", "18-999", "1 8-30"])
def test_bad_age_ranges_are_refused(cli, signed_up, bad):
    result = cli("personas", "create", "Readers", "--age-range", bad)
    assert result.exit_code == 2 and "age range" in result.stderr


def test_good_age_ranges_are_kept_tidy(cli, signed_up):
    assert cli("personas", "create", "Readers", "--age-range", " 18 - 99 ").exit_code == 0
    assert cli("personas", "show", "Readers", "--json").json()["age_range"] == "18-99"
    assert cli("personas", "edit", "Readers", "--age-range", "65+", "--json").json()["age_range"] == "65+"
    assert cli("personas", "edit", "Readers", "--age-range", "70-20").exit_code == 2


def test_the_migration_renames_existing_duplicates(superuser, make_user):
    owner = make_user()
    superuser.execute("drop index public.personas_owner_name_key")
    for name in ("Dup", "dup", "Dup (2)", "Other"):
        superuser.execute("insert into public.personas (name, owner_id) values (%s, %s)", (name, owner.user_id))
    superuser.execute(MIGRATION.read_text(encoding="utf-8"))
    rows = superuser.execute(
        "select name from public.personas where owner_id = %s order by created_at, id", (owner.user_id,)
    ).fetchall()
    found = sorted(name for (name,) in rows)
    assert len({n.lower() for n in found}) == 4
    assert "Dup" in found and "Other" in found and "Dup (2)" in found and "dup (3)" in found
