"""Building my published posts into a static site, rebuilding only what changed.

One unit of work reads everything the build needs (settings, posts, and the bodies
of only the posts whose pages must be rendered again); rendering and writing files
happen after it has committed, so no transaction stays open during file I/O.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import unit_of_work
from blogster_cli.errors import NotFound
from blogster_cli.publish.model import Page, RenderedPost, SiteConfig, SitePost
from blogster_cli.repositories import site as site_rows
from blogster_cli.repositories.site import PublishedRow, SiteSettingsRow
from blogster_cli.services.site_files import load_manifest, write_site

# Above this many bodies to render, a second process shares the work (2 cores are common).
PARALLEL_FROM = 200
RENDER_CHUNK = 64


@dataclass(frozen=True)
class BuildReport:
    out: Path
    base_url: str
    posts: int
    rendered: int
    written: int
    unchanged: int
    removed: int
    seconds: float


def site_config(settings: SiteSettingsRow, *, base_domain: str) -> SiteConfig:
    from blogster_cli.publish.urls import base_url

    return SiteConfig(
        title=settings.site_title or settings.subdomain,
        description=settings.site_description or "",
        base_url=base_url(
            site_url=settings.site_url,
            custom_domain=settings.custom_domain,
            subdomain=settings.subdomain,
            base_domain=base_domain,
        ),  # fmt: skip
        theme=settings.theme,
        permalink=settings.permalink,
        posts_per_page=settings.posts_per_page,
    )


def _row_key(row: PublishedRow) -> str:
    """Changes whenever the post's row does (updated_at follows every change of the row)."""
    return row.version


def _site_post(row: PublishedRow, source_url: str | None, aliases: list[str]) -> SitePost:
    return SitePost(
        id=row.id, slug=row.slug, title=row.title, published_at=row.published_at, updated_at=row.updated_at,
        description=row.meta_description, reading_time=row.reading_time, tags=row.tags,
        featured_image=row.featured_image, source_url=source_url, aliases=aliases, version=row.version,
    )  # fmt: skip


def _render_chunk(markdowns: list[str]) -> list[RenderedPost]:
    """Renders a chunk of bodies (in a worker process of parallel_map)."""
    from blogster_cli.publish.markdown import render_post

    return [render_post(markdown) for markdown in markdowns]


def render_bodies(markdowns: dict[str, str]) -> dict[str, RenderedPost]:
    """Post id -> rendered body; in two processes when there are many."""
    import os

    from blogster_cli.services.parallel import parallel_map

    ids = list(markdowns)
    texts = [markdowns[i] for i in ids]
    workers = 2 if len(ids) >= PARALLEL_FROM and (os.cpu_count() or 1) >= 2 else 1
    chunks = [texts[start : start + RENDER_CHUNK] for start in range(0, len(texts), RENDER_CHUNK)]
    preload = (__name__, "blogster_cli.publish.markdown")
    rendered = [
        body for _, bodies in parallel_map(_render_chunk, chunks, workers=workers, preload=preload) for body in bodies
    ]
    return dict(zip(ids, rendered, strict=True))


def with_widgets(
    bodies: dict[str, RenderedPost], embedded: list[tuple[str, str, str, dict[str, Any]]]
) -> dict[str, RenderedPost]:
    """Each interactive short code ({{< quiz tracking-id >}}) in a body replaced by its widget."""
    if not embedded:
        return bodies
    from dataclasses import replace

    from blogster_cli.distribution.interactive import Widget, expand_shortcodes

    widgets = {
        (kind, tracking): Widget(kind, tracking, title, structure) for kind, tracking, title, structure in embedded
    }
    return {key: replace(body, html=expand_shortcodes(body.html, widgets)) for key, body in bodies.items()}


def build(
    acting: ActingUser, *, out: Path, base_domain: str, timezone: str = "UTC", media: Path | None = None,
    full: bool = False,
) -> BuildReport:  # fmt: skip
    """Writes my site into `out`; a rebuild writes only the files whose content changed (`full`: all)."""
    with _collector_paused():
        return _build(acting, out=out, base_domain=base_domain, timezone=timezone, media=media, full=full)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pauses Python's cyclic garbage collector for a build: a build allocates several objects per
    post (the manifest, rows, plan entries) and frees them only at its end, so each collection
    would walk them all again for nothing; at 10,000 posts that was a fifth of a rebuild."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(
    acting: ActingUser, *, out: Path, base_domain: str, timezone: str, media: Path | None, full: bool
) -> BuildReport:
    from blogster_cli.publish import urls
    from blogster_cli.publish.pages import SitePlan
    from blogster_cli.publish.themes import load_theme
    from blogster_cli.services.images import media_dir

    started = time.perf_counter()
    previous = load_manifest(out, full=full)
    with unit_of_work(acting) as conn:
        settings = site_rows.own_settings(conn)
        if settings is None:
            raise NotFound("you have no site settings (subdomain) yet")
        config = site_config(settings, base_domain=base_domain)
        theme = load_theme(config.theme, cache=_template_cache())
        rows = site_rows.published_own(conn)
        row_keys = {r.id: _row_key(r) for r in rows}
        changed = [r.id for r in rows if previous.posts.get(r.id, {}).get("row") != row_keys[r.id]]
        documents = site_rows.contents(conn, blog_ids=changed) if changed else {}
        posts_state: dict[str, dict[str, Any]] = {}
        site_posts = []
        for row in rows:
            key = row.id
            if key in documents:
                source_url, aliases = urls.imported_address(documents[key])
                state: dict[str, Any] = {
                    "row": row_keys[key],
                    "source_url": source_url,
                    "aliases": aliases,
                    "summary": "",
                }
            else:
                state = previous.posts[key]  # the previous build's state, carried over
            posts_state[key] = state
            site_posts.append(_site_post(row, state["source_url"], state["aliases"]))
        plan = SitePlan(config, site_posts, theme, timezone=timezone)
        page_keys = plan.post_keys
        stale = [
            p for p in site_posts if next(iter(previous.files.get(plan.files[p.id]) or []), None) != page_keys[p.id]
        ]  # fmt: skip
        missing = [p.id for p in stale if p.id not in documents]
        if missing:
            documents.update(site_rows.contents(conn, blog_ids=missing))
        images = site_rows.image_files(conn, urls=sorted({r.featured_image for r in rows if r.featured_image}))
        embedded = site_rows.widgets(conn) if stale else []
    bodies = with_widgets(render_bodies({p.id: documents[p.id].get("markdown") or "" for p in stale}), embedded)
    for post_id, body in bodies.items():
        posts_state[post_id]["summary"] = body.summary
    summaries = {post_id: state["summary"] for post_id, state in posts_state.items()}
    pages = plan.pages(bodies, summaries)
    pages.extend(_image_pages(images, media or media_dir()))
    written = write_site(out, pages, previous, posts_state)
    return BuildReport(
        out=out.resolve(), base_url=config.base_url, posts=len(rows), rendered=len(bodies),
        written=len(written.written), unchanged=written.unchanged, removed=len(written.removed),
        seconds=round(time.perf_counter() - started, 3),
    )  # fmt: skip


def _template_cache() -> Path:
    """Compiled theme templates, kept between builds (0700: only this OS user may plant code there)."""
    from blogster_cli.config import home_dir
    from blogster_cli.private_files import private_dir

    return private_dir(home_dir() / "cache" / "templates")


def _image_pages(images: dict[str, str], media: Path) -> list[Page]:
    """Featured images, copied from the content-hash store under their (content-hash) URL."""
    pages = []
    for url, name in sorted(images.items()):
        source = media / name
        if url.startswith("media/") and source.is_file():
            pages.append(Page(url, f"image:{name}", source.read_bytes))
    return pages
