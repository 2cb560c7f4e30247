"""Fixtures the integration tests share."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, publishing, site


@pytest.fixture
def built(db, make_user, tmp_path) -> tuple[ActingUser, Path]:
    """An account with three published posts (post-0 to post-2), built into tmp_path/public:
    what the site deploy tests send."""
    acting = ActingUser(db, make_user())
    for n in range(3):
        row = blogs.create(acting, new=blogs.NewBlog(title=f"Post {n}", markdown=f"Body {n}."))
        publishing.publish(acting, refs=[str(row.id)])
    out = tmp_path / "public"
    site.build(acting, out=out, base_domain="blogster.page")
    return acting, out
