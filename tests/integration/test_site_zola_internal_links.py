"""site build: a Zola internal link (`[here](@/inside-rust/a.md#part)`) in a post imported from Zola
leads to the page of the published post imported from that file, anchor kept. Before, the page kept
`href="@/inside-rust/infrastructure-team-2025-q3-recap-and-q4-plan.md"`, which leads nowhere, and said
nothing. A link to a draft, or to a file only another account's post came from, stays as written with a
warning; a rebuild renders a linking page again when its target's address changes, as a full build
makes it. Real posts of the Rust blog (../shared/data/blog_md/rust-blog-zola). Real PostgreSQL, RLS."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from blogster_cli.actors import ActingUser
from blogster_cli.services import blogs, imports, publishing, site
from tests.conftest import shared_data

BASE = "blogster.page"
Q3 = "inside-rust/infrastructure-team-2025-q3-recap-and-q4-plan.md"
Q4 = "inside-rust/infrastructure-team-2025-q4-recap-and-q1-2026-plan/index.md"
Q1 = "inside-rust/infrastructure-team-2026-q1-recap-and-q2-plan/index.md"
Q3_PAGE = "/inside-rust/2025/10/16/infrastructure-team-q3-recap-and-q4-plan/"
Q4_PAGE = "/inside-rust/2026/01/13/infrastructure-team-q4-2025-recap-and-q1-2026-plan/"
Q1_PAGE = "/inside-rust/2026/04/14/infrastructure-team-q1-recap-and-q2-plan/"
Q3_SLUG = "infrastructure-team-q3-recap-and-q4-plan"


@pytest.fixture
def author(db, make_user) -> ActingUser:
    return ActingUser(db, make_user())


def zola_site(tmp_path: Path, *files: str) -> Path:
    """The Rust blog's `files`, at their paths in a Zola site's `content/` folder."""
    corpus = shared_data("blog_md", "rust-blog-zola")
    content = tmp_path / "zola" / "content"
    for name in files:
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / name, content / name)
    return content


def page(out: Path, url_path: str) -> str:
    return (out / url_path.strip("/") / "index.html").read_text()


def files_of(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and "blogster" not in p.name
    }


def test_internal_links_lead_to_the_published_posts_and_rebuilds_agree_with_full_builds(
    author, db, make_user, tmp_path
):
    content = zola_site(tmp_path, Q3, Q4, Q1)
    assert imports.import_paths(author, paths=[content]).failed == []
    others = [row.slug for row in blogs.list_blogs(author) if row.slug != Q3_SLUG]
    assert len(others) == 2
    publishing.publish(author, refs=others)
    publishing.unpublish(author, refs=[Q3_SLUG])  # a draft, whatever its file said
    # Another account's post from the same file, published: never a link of this site.
    stranger = ActingUser(db, make_user())
    assert imports.import_paths(stranger, paths=[zola_site(tmp_path / "other", Q3)]).failed == []
    publishing.publish(stranger, refs=[Q3_SLUG])

    out = tmp_path / "public"
    first = site.build(author, out=out, base_domain=BASE)
    q4 = page(out, Q4_PAGE)
    assert f'href="@/{Q3}"' in q4 and f'href="@/{Q3}#q4-2025-plans"' in q4  # a draft's file: as written
    assert [w for w in first.warnings if "@/" in w] == [
        f"the post 'infrastructure-team-q4-2025-recap-and-q1-2026-plan' links to @/{Q3}, which is none of your"
        " published posts: left as written"
    ]
    assert f'href="{Q4_PAGE}"' in page(out, Q1_PAGE)  # a page bundle's index.md, published: its page

    publishing.publish(author, refs=[Q3_SLUG])
    second = site.build(author, out=out, base_domain=BASE)
    q4 = page(out, Q4_PAGE)
    assert f'href="{Q3_PAGE}"' in q4 and f'href="{Q3_PAGE}#q4-2025-plans"' in q4 and "@/" not in q4
    assert not [w for w in second.warnings if "@/" in w]
    full = tmp_path / "full"
    site.build(author, out=full, base_domain=BASE, full=True)
    assert files_of(out) == files_of(full)

    publishing.unpublish(author, refs=[Q3_SLUG])  # its file is a draft's again: the link as written
    third = site.build(author, out=out, base_domain=BASE)
    assert f'href="@/{Q3}#q4-2025-plans"' in page(out, Q4_PAGE)
    assert len([w for w in third.warnings if "@/" in w]) == 1
    site.build(author, out=full, base_domain=BASE, full=True)
    assert files_of(out) == files_of(full)
