"""Building my published posts into a static site, rebuilding only what changed.

One unit of work reads everything the build needs (settings, posts, and the bodies
of only the posts whose pages must be rendered again); rendering and writing files
happen after it has committed, so no transaction stays open during file I/O.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from blogster_cli.actors import ActingUser
from blogster_cli.db.acting import Connection, unit_of_work
from blogster_cli.errors import NotFound
from blogster_cli.publish.model import RECORD_FORMAT, Page, RenderedPost, SitePost
from blogster_cli.repositories import site as site_rows
from blogster_cli.repositories.site import PublishedRow
from blogster_cli.services.site_address import ignored_addresses, own_site
from blogster_cli.services.site_files import (
    Manifest,
    build_lock,
    edited_on_disk,
    load_manifest,
    missing_files,
    refuse_foreign_folder,
    write_site,
)
from blogster_cli.stored_json import LeftOut

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
    edited: tuple[str, ...] = ()
    """Files in `out` this build left as they are: not written by the previous build, or edited since."""
    restored: tuple[str, ...] = ()
    """Files of the previous build removed from `out` since (by hand), which this build wrote again."""
    warnings: tuple[str, ...] = ()
    """What the build left aside: a stored custom domain or url its address ignores (site_address.ignored_addresses),
    a featured image not stored, a value of a post's front matter Python cannot read (`_records`), Liquid a post
    imported from Jekyll shows as written (`content.liquid`), a Zola internal link, a relative link to a markdown
    file or a Hugo ref that names none of my published posts, a ref more than one (`publish.internal_links`,
    `publish.relative_links`), other Hugo shortcodes a post imported from Hugo shows as written, an interactive
    widget whose stored structure fails the check a save makes (`with_widgets`)."""
    notes: tuple[str, ...] = ()
    """Worth knowing, nothing left aside: the site has no title of its own (its subdomain stands in)."""


def _site_post(
    row: PublishedRow, source_url: str | None, aliases: list[str], title: str, title_from_heading: bool,
    modified_at: datetime,
) -> SitePost:  # fmt: skip
    """The post `row` as its page shows it; `title` as shown (`publish.titles.shown_title`), its last
    change as shown (`publish.pages.last_change`)."""
    return SitePost(
        id=row.id, slug=row.slug, title=title, published_at=row.published_at, updated_at=row.updated_at,
        description=row.meta_description, reading_time=row.reading_time, tags=row.tags,
        featured_image=row.featured_image, source_url=source_url, aliases=aliases, title_from_heading=title_from_heading,
        modified_at=modified_at,
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


def _headings_lifted(
    bodies: dict[str, RenderedPost], markdowns: Mapping[str, str], records: Mapping[str, Mapping[str, Any]]
) -> dict[str, RenderedPost]:
    """Each body whose post's title is its first `# heading` without that heading, which its page
    shows as its own (`publish.titles.lifted_heading`)."""
    from dataclasses import replace

    from blogster_cli.publish.titles import lifted_heading

    for post_id, body in bodies.items():
        if records[post_id].get("hb"):
            heading, html = lifted_heading(markdowns[post_id], body.html)
            if heading is not None:
                bodies[post_id] = replace(body, html=html, heading=heading)
    return bodies


def with_widgets(
    bodies: dict[str, RenderedPost], stored: list[tuple[str, str, str, str | None]]
) -> tuple[dict[str, RenderedPost], list[str]]:
    """(each interactive short code ({{< quiz tracking-id >}}) in a body replaced by its widget, a line
    for each widget left out: its stored structure fails the check a save makes (`interactive.embedded`))."""
    if not stored:
        return bodies, []
    from dataclasses import replace

    from blogster_cli.distribution.interactive import embedded, expand_shortcodes

    widgets, left_out = embedded(stored, (body.html for body in bodies.values()))
    expanded = {key: replace(body, html=expand_shortcodes(body.html, widgets)) for key, body in bodies.items()}
    return expanded, left_out


def build(
    acting: ActingUser, *, out: Path, base_domain: str, timezone: str = "UTC", media: Path | None = None,
    full: bool = False, force: bool = False, on_wait: Callable[[], None] = lambda: None,
) -> BuildReport:  # fmt: skip
    """Writes my site into `out`; a rebuild writes only the files whose content changed (`full`: all).
    A file there that the previous build did not write (or that was edited since) is left alone and
    listed in `edited`, and a folder of files without a manifest is refused (Conflict), unless `force`.
    A build killed or stopped by a full disk midway is finished by the next (site_files: its journal).
    `on_wait`: called when another build into `out` runs, which this one then waits for (build_lock)."""
    if not force:
        refuse_foreign_folder(out)  # before the lock, which would be a file of ours in their folder
    with build_lock(out, on_wait=on_wait), _collector_paused():
        return _build(acting, out=out, base_domain=base_domain, timezone=timezone, media=media, full=full, force=force)


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
    acting: ActingUser, *, out: Path, base_domain: str, timezone: str, media: Path | None, full: bool, force: bool
) -> BuildReport:
    from blogster_cli.publish.internal_links import unresolved_warnings
    from blogster_cli.publish.model import site_key
    from blogster_cli.publish.pages import SitePlan
    from blogster_cli.publish.relative_links import unresolved_warnings as unresolved_files
    from blogster_cli.publish.themes import load_theme
    from blogster_cli.services.media_files import media_dir

    started = time.perf_counter()
    previous = load_manifest(out, full=full, owner=str(acting.actor.user_id))
    gone = frozenset() if full else missing_files(out, previous)  # removed by hand: written again
    with unit_of_work(acting) as conn:
        site = own_site(conn, base_domain=base_domain)
        if site is None:
            raise NotFound("you have no site settings (subdomain) yet")
        settings, config = site
        warnings = ignored_addresses(settings, base_domain=base_domain)
        notes = () if settings.site_title else (_untitled(config.title),)
        theme = load_theme(config.theme, cache=_template_cache())
        versions = site_rows.published_versions(conn)
        tags = site_rows.tag_signature(conn)
        kept = previous.posts if previous.tags == tags else {}
        changed = [i for i, version in versions.items() if not _current(kept.get(i), version)]
        records, documents = _records(conn, versions, changed, previous.posts, everything=not kept)
        altered = _describe_featured(conn, records)
        shown = {r["img"] for r in records.values() if r["img"]}
        shown.update(f"media/{name}" for r in records.values() for name in r["med"])
        images = site_rows.image_files(conn, urls=sorted(shown))
        same_site = previous.site == site_key(config, theme.key, timezone)
        image_pages = _image_pages(images, media or media_dir(), previous.files if same_site else {})
        unshown, left_out = _featured_unserved(records, {page.path for page in image_pages})
        altered = altered or unshown
        warnings = (*warnings, *left_out)
        left = (
            force or bool(gone) or any(not entry or not entry[0] for entry in previous.files.values())
        )  # a file left alone last time: check again (--force: written now, listed or not); one removed
        if not changed and not altered and not left and len(records) == len(previous.posts) and same_site:
            if all(previous.files.get(page.path, [""])[0] == page.key for page in image_pages) and len(image_pages) == sum(
                1 for path in previous.files if path.startswith("media/")
            ):  # fmt: skip
                # Nothing the site is made of changed since the last build: every file is already right.
                return BuildReport(
                    out=out.resolve(), base_url=config.base_url, posts=len(records), rendered=0, written=0,
                    unchanged=len(previous.files), removed=0, seconds=round(time.perf_counter() - started, 3),
                    warnings=(
                        *warnings, *_left_out(records), *_liquid_left(records), *unresolved_warnings(records),
                        *unresolved_files(records), *_shortcodes_left(records),
                        *_case_only_aliases(records, config.permalink),
                    ),
                    notes=notes,
                )  # fmt: skip
        plan = SitePlan(config, records, theme, timezone=timezone, reuse=same_site)
        files, keys = previous.files, plan.post_keys()
        put_back = edited_on_disk(out, previous) if force else gone  # edited or removed by hand: rendered again
        stale = [i for i in plan.order if (files.get(plan.files[i]) or [""])[0] != keys[i] or plan.files[i] in put_back]
        missing = [i for i in stale if i not in documents]
        if missing:  # their records kept, with what was left out of them ("lo")
            documents.update(_contents(conn, missing)[0])
        stored_widgets = site_rows.widgets(conn) if stale else []
    markdowns = _for_readers(
        {i: documents[i] for i in stale},
        records,
        base=plan.link("/").rstrip("/"),
        internal=plan.internal_links(),
        files=plan.relative_links(),
        refs=plan.hugo_refs(),
    )
    bodies, widgets_left_out = with_widgets(
        _headings_lifted(render_bodies(markdowns), markdowns, records), stored_widgets
    )
    warnings = (
        *warnings,
        *_left_out(records),
        *_liquid_left(records),
        *unresolved_warnings(records),
        *unresolved_files(records),
        *_shortcodes_left(records),
        *_case_only_aliases(records, config.permalink),
        *widgets_left_out,
    )
    for post_id, body in bodies.items():
        if not records[post_id]["desc"]:  # else the description is the summary
            records[post_id]["sum"] = body.summary
    pages = plan.pages(bodies)
    pages.extend(image_pages)
    manifest = Manifest(posts=records, site=plan.site_key, tags=tags)
    written = write_site(out, pages, previous, manifest, force=force, put_back=put_back)
    return BuildReport(
        out=out.resolve(), base_url=config.base_url, posts=len(records), rendered=len(bodies),
        written=len(written.written), unchanged=written.unchanged, removed=len(written.removed),
        seconds=round(time.perf_counter() - started, 3), edited=tuple(written.edited), warnings=warnings,
        restored=tuple(path for path in written.written if path in gone), notes=notes,
    )  # fmt: skip


def _for_readers(
    documents: Mapping[str, Mapping[str, Any]], records: dict[str, dict[str, Any]], *, base: str,
    internal: Mapping[str, str], files: Mapping[str, str], refs: Mapping[str, Mapping[str, str]],
) -> dict[str, str]:  # fmt: skip
    """Post id -> the body its page shows: a post imported from Jekyll with its `{{ site.baseurl }}`
    as the site's path (`base`), and its record's "lq" the warning about the Liquid it still holds
    (kept while its page is, so that every build says it); one imported from Zola with its internal
    links (`@/blog/a.md`) leading to the pages of `internal` (`publish.internal_links`); an imported one with
    its relative links to markdown files (`other.md`) leading to the pages of `files`, one from Hugo with its
    refs (`{{< ref "other.md" >}}`) to the pages of its `refs` (`publish.relative_links`)."""
    from blogster_cli.content.linked_images import with_stored_pictures
    from blogster_cli.content.liquid import for_readers, leftover_warning
    from blogster_cli.publish import relative_links
    from blogster_cli.publish.internal_links import resolved

    markdowns = {}
    for post_id, document in documents.items():
        markdown = with_stored_pictures(document.get("markdown") or "", document.get(_PICTURES))
        shown = for_readers(document.get("dialect"), markdown, base=base)
        markdowns[post_id] = resolved(shown.markdown, internal) if document.get("dialect") == "zola" else shown.markdown
        hugo_refs = refs.get(post_id, {}) if document.get("dialect") == "hugo" else None
        markdowns[post_id] = relative_links.resolved(markdowns[post_id], records[post_id].get("sp"), files, hugo_refs)
        warning = leftover_warning(records[post_id]["slug"], shown)
        if warning:
            records[post_id]["lq"] = warning
        else:
            records[post_id].pop("lq", None)
    return markdowns


def _mdx(document: Mapping[str, Any]) -> bool:
    """Whether an imported post came from an MDX file (`.mdx`), whose JSX and `import`/`export` lines
    markdown does not read."""
    path = document.get("source_path")
    return isinstance(path, str) and path.lower().endswith(".mdx")


def _liquid_left(records: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return [record["lq"] for record in records.values() if record.get("lq")]


def _shortcodes_left(records: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return [record["hs"] for record in records.values() if record.get("hs")]


def _case_only_aliases(records: Mapping[str, Mapping[str, Any]], permalink: str) -> list[str]:
    """A line for each alias of a post that differs from its page's address only in letter case
    (`placement.case_only_aliases`): no redirect page is written there, which a server telling case
    apart answers with "not found"."""
    from blogster_cli.publish.placement import case_only_aliases, page_candidates

    found = []
    for record in records.values():
        if record["al"]:
            published = datetime.fromisoformat(record["pub"])
            pages = page_candidates(permalink, url=record["src"], slug=record["slug"], published_at=published)
            found += [
                f"'{record['slug']}': its former address {alias} is its page's ({pages[0]}) in another letter case,"
                " so no redirect page is written there (one file on a disk that ignores case): a server that tells"
                " case apart answers it with not found"
                for alias in case_only_aliases(pages[0] if pages else None, record["al"])
            ]
    return found


def _left_out(records: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What was left out of each post's front matter ("lo"), and a recorded zone that is no zone ("tz")."""
    return [record[key] for record in records.values() for key in ("lo", "tz") if record.get(key)]


def _untitled(shown: str) -> str:
    return (
        f"your site has no title, so its pages and feeds are titled {shown!r} (its subdomain):"
        ' set one with `blogster site settings set title "My blog"`'
    )


def _records(
    conn: Connection, versions: dict[str, str], changed: list[str], kept: dict[str, dict[str, Any]], *, everything: bool
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(post id -> record of each published post, the contents read on the way): records read
    again from the database for `changed` (all of them when `everything`), carried over from
    the last build for the rest. A record's "lo" says what of its post's front matter was left out,
    Python cannot read it (`repositories.site.contents`), and its "tz" that the zone its import recorded
    is no zone's name (`content.post.unknown_zone_warning`): kept while the row is, so every build says them.
    A post imported from Zola has its path from `content/` ("zp") and the files its internal links name ("zl"); an
    imported post its file ("sp"), its path from `content/` when that does not show it ("cp") and the files its
    relative links name ("ml"), one from Hugo the paths its refs name ("hr") and the warning about the other
    shortcodes it shows as text ("hs"), one from an MDX file that about its JSX ("hs": `mdx_warning`); a post the
    slugs and times it was published under before ("fa", 0203)."""
    from dataclasses import replace

    from blogster_cli.content.linked_images import featured_as_stored, with_stored_pictures
    from blogster_cli.content.post import unknown_zone_warning
    from blogster_cli.publish import urls
    from blogster_cli.publish.internal_links import content_path, linked_paths
    from blogster_cli.publish.media import linked_names
    from blogster_cli.publish.pages import last_change, post_record
    from blogster_cli.publish.relative_links import (
        linked_files,
        mdx_warning,
        ref_targets,
        shortcode_warning,
        source_file,
        unshown_content_file,
    )
    from blogster_cli.publish.titles import shown_title

    rows = site_rows.published_own(conn, blog_ids=None if everything else changed) if changed else []
    # A post whose row is as it was (its tags changed) keeps its address fields, summary and pictures.
    fresh = [r.id for r in rows if not _current(kept.get(r.id), r.version)]
    documents, left_out = _contents(conn, fresh) if fresh else ({}, {})
    read = {}
    for row in rows:
        if row.id in documents:
            document = documents[row.id]
            source_url, aliases = urls.imported_address(document)
            markdown = with_stored_pictures(document.get("markdown") or "", document.get(_PICTURES))
            row = replace(row, featured_image=featured_as_stored(row.featured_image, document.get(_PICTURES)))
            summary, linked = "", linked_names(markdown)
            title, from_heading = shown_title(row.title, markdown)
            modified = last_change(
                published_at=row.published_at, updated_at=row.updated_at, untouched=row.untouched,
                stated=document.get("modified") or [], zone=document.get("timezone"),
            )  # fmt: skip
            zola_path, zola_links = content_path(document), []
            if zola_path is not None:
                zola_links = linked_paths(markdown)
            source = source_file(document)
            file_links = linked_files(markdown, source) if source is not None else []
            in_content = unshown_content_file(document)
            hugo = document.get("dialect") == "hugo"
            shortcodes = (
                shortcode_warning(row.slug, markdown)
                if hugo
                else mdx_warning(row.slug, markdown)
                if _mdx(document)
                else None
            )
            refs = ref_targets(markdown) if hugo else []
            former = urls.former_addresses(document.get("former_addresses"))
            unread = _unread(row.slug, left_out.get(row.id))
            zone_warning = unknown_zone_warning(document.get("timezone"), "UTC")  # as `last_change` reads it
            unknown_zone = None if zone_warning is None else f"the post {row.slug!r}: {zone_warning}"
        else:  # its row (title and body) as it was: as shown then
            before = kept[row.id]
            source_url, aliases, summary, linked = before["src"], before["al"], before["sum"], before["med"]
            row = replace(row, featured_image=before["img"])  # as shown then: a picture a sync stored (`_contents`)
            title, from_heading = before["title"], bool(before.get("hb"))
            modified = datetime.fromisoformat(before["mod"])
            unread, unknown_zone = before.get("lo"), before.get("tz")
            zola_path, zola_links = before.get("zp"), before.get("zl") or []
            source, file_links, shortcodes = before.get("sp"), before.get("ml") or [], before.get("hs")
            in_content, refs = before.get("cp"), before.get("hr") or []
            former = before.get("fa") or []
        site_post = _site_post(row, source_url, aliases, title, from_heading, modified)
        read[row.id] = post_record(site_post, row=row.version, summary=summary)
        read[row.id]["med"] = linked
        if unread:
            read[row.id]["lo"] = unread
        if unknown_zone:
            read[row.id]["tz"] = unknown_zone
        if zola_path:
            read[row.id]["zp"] = zola_path
        if zola_links:
            read[row.id]["zl"] = zola_links
        for key, value in (
            ("sp", source), ("cp", in_content), ("ml", file_links), ("hs", shortcodes), ("hr", refs), ("fa", former)
        ):  # fmt: skip
            if value:
                read[row.id][key] = value
    records = {}
    for post_id in versions:
        record = read.get(post_id) or kept.get(post_id)
        if record is not None:  # else unpublished between the two queries
            records[post_id] = record
    return records, documents


_PICTURES = "stored_pictures"  # a document's key for the pictures a sync stored for its post (`_contents`)


def _contents(conn: Connection, blog_ids: list[str]) -> tuple[dict[str, dict[str, Any]], dict[str, list[LeftOut]]]:
    """`site_rows.contents`, each document with the pictures its post's file links to that a sync
    stored (`content.source.pictures`, under `_PICTURES`): its body shows them by the links as the
    file writes them (`diagram.png` in a page bundle, `/cover.png` from `static/`), which the site
    serves as the pictures import stores (`content.linked_images.with_stored_pictures`)."""
    from blogster_cli.repositories import sync as sync_rows

    documents, left_out = site_rows.contents(conn, blog_ids=blog_ids)
    for post_id, pictures in sync_rows.linked_pictures(conn, ids=list(documents)).items():
        if post_id in documents:
            documents[post_id][_PICTURES] = pictures
    return documents, left_out


def _unread(slug: str, left_out: list[LeftOut] | None) -> str | None:
    """The warning for a post whose front matter holds values Python cannot read, or None."""
    if not left_out:
        return None
    return f"the post {slug!r} is built without its stored {'; '.join(map(str, left_out))}: Python cannot read it"


def _current(record: dict[str, Any] | None, version: str) -> bool:
    """Whether a kept record still describes the row of `version` (one of an older
    `RECORD_FORMAT`, made by an older Blogster, is read again)."""
    return record is not None and record.get("row") == version and record.get("rf") == RECORD_FORMAT


def _describe_featured(conn: Connection, records: dict[str, dict[str, Any]]) -> bool:
    """Sets each record's "alt" to the alt text of its featured image's row (`images add --alt`),
    which can change without the post's row; whether any changed (its page is then made again)."""
    if not any((r["img"] or "").startswith("media/") for r in records.values()):
        return False
    from blogster_cli.repositories import images as image_rows

    alts = image_rows.alt_texts(conn)
    altered = False
    for post_id, record in records.items():
        alt = alts.get((post_id, record["img"])) if record["img"] else None
        if record.get("alt") != alt:
            record["alt"], altered = alt, True
            record.pop("d", None)  # its page key covers the alt text: worked out again
    return altered


def _featured_unserved(records: dict[str, dict[str, Any]], served: set[str]) -> tuple[bool, list[str]]:
    """Marks each record whose featured image is a stored picture (`media/...`) this build does not
    write (its image row removed, its file gone): "nf", its page shows no featured image rather than
    a broken one (`publish.pages.site_post`). (whether any record's mark changed, a warning per post)."""
    altered, warnings = False, []
    for record in records.values():
        image = (record["img"] or "").strip().lstrip("/")
        missing = image.startswith("media/") and image not in served
        if bool(record.get("nf")) != missing:
            altered = True
            record.pop("d", None)  # its page key covers the featured image: worked out again
        if missing:
            record["nf"] = True
            warnings.append(
                f"'{record['slug']}': its featured image {record['img']} is not stored, so its page shows none"
            )
        else:
            record.pop("nf", None)
    return altered, warnings


def _template_cache() -> Path:
    """Compiled theme templates, kept between builds (0700: only this OS user may plant code there)."""
    from blogster_cli.config import home_dir
    from blogster_cli.private_files import private_dir

    return private_dir(home_dir() / "cache" / "templates")


def _image_pages(images: dict[str, str], media: Path, served: Mapping[str, list[str]]) -> list[Page]:
    """Featured images and the pictures bodies link, copied from the content-hash store under
    their (content-hash) URL; an SVG that could run code (stored before `images add` refused
    them, or restored from a backup) is left out, as it would run on the site's domain. An SVG
    the last build of this same site served (`served`: its files) passed that check then, and
    its name is its content's hash: it is not read again. Only stored names are read from `media`
    (`is_stored_name`), never a path outside it."""
    from blogster_cli.publish.svg import active_content
    from blogster_cli.services.media_files import is_stored_name

    pages = []
    for url, name in sorted(images.items()):
        if not is_stored_name(name):  # a path (`../credentials.json`, `/etc/passwd`): never read
            continue
        source = media / name
        if url.startswith("media/") and source.is_file():
            key = f"image:{name}"
            checked = served.get(url, [""])[0] == key
            if name.lower().endswith(".svg") and not checked and active_content(source.read_bytes()) is not None:
                continue
            pages.append(Page(url, key, source.read_bytes))
    return pages
