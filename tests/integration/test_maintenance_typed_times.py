"""A maintenance window's --start and --end are typed like every other time (planning/times.parse_at:
in the admin's timezone unless an offset is given), so the service's messages name a time in the
zone it was typed in, never a local wall time labelled UTC."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.errors import InvalidInput
from blogster_cli.planning.times import parse_at
from blogster_cli.services import maintenance
from blogster_cli.vocabulary import MaintenanceSeverity

BERLIN = ZoneInfo("Europe/Berlin")


def test_an_end_that_has_passed_is_named_in_the_zone_it_was_typed_in(db, make_user):
    admin = ActingUser(db, make_user(admin=True))
    start = parse_at("2020-01-01 09:00", timezone=BERLIN, name="--start").moment
    end = parse_at("2020-01-01 10:00", timezone=BERLIN, name="--end").moment
    with pytest.raises(InvalidInput, match=r"^--end 2020-01-01 10:00 CET has passed: schedule a window"):
        maintenance.schedule(
            admin, title="Old", start=start, end=end, severity=MaintenanceSeverity.LOW, services=[], description=None
        )
    utc = parse_at("2020-01-01 10:00Z", timezone=BERLIN, name="--end").moment
    with pytest.raises(InvalidInput, match=r"^--end 2020-01-01 11:00 CET has passed"):
        maintenance.schedule(
            admin, title="Old", start=start, end=utc, severity=MaintenanceSeverity.LOW, services=[], description=None
        )


def test_a_window_typed_in_berlin_is_stored_as_its_instant(db, make_user):
    admin = ActingUser(db, make_user(admin=True))
    start = parse_at("2099-01-05 02:00", timezone=BERLIN, name="--start").moment
    end = parse_at("2099-01-05 03:00", timezone=BERLIN, name="--end").moment
    window = maintenance.schedule(
        admin, title="Upgrade", start=start, end=end, severity=MaintenanceSeverity.LOW, services=[], description=None
    )
    assert window.start_time.isoformat() == "2099-01-05T01:00:00+00:00"
    assert window.end_time.isoformat() == "2099-01-05T02:00:00+00:00"
