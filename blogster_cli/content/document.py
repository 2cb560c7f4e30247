"""The `blogs.content` JSONB document: the contract between import/export and the database.

Version 1 has these keys:

    {
      "version": 1,
      "markdown": "<the post body, byte for byte>",
      "sections": [],
      "front_matter": {
        "format": "yaml" | "toml" | "json" | null,
        "raw": "<the front matter block byte for byte, delimiter lines included>" | null,
        "fields": {"<key>": <JSON value>, ...}
      },
      "source": {
        "dialect": "hugo" | "jekyll" | "zola" | "astro" | "markdown" | "wordpress",
        "path": "<path relative to the imported root, POSIX separators>" | null,
        "date_text": "<the post date as the source wrote it>" | null,
        "timezone": "<the IANA zone import read dates without an offset in>"  (optional: absent for UTC),
        "layout_path": "<path as its site lays it out>"  (optional: when it differs from path,
                                                           or the file is an Astro collection's entry),
        "collection": "<the Astro collection's name>", "collection_base": "<its folder>"  (optional),
        "site_permalink": "<the permalink pattern of a Jekyll or Hugo site's config>"  (optional),
        "imported": {"post": "<sha256>", "slug": "<slug>", "published_at": "<ISO 8601>" | null  (optional:
                     marks written before it say nothing of the date), "file": "<sha256>"}  (optional),
        "pictures": {"<a picture link target as written>": "<stored picture's name>", ...}  (optional),
        "forgotten_addresses": ["<an address its generator gave it, forgotten>", ...]  (optional)
      } | null
    }

- `markdown` is everything after the front matter block, unchanged (no stripping). The
  word-count trigger reads `content->>'markdown'`. For an imported file,
  `front_matter.raw + markdown` is the file's text exactly (but for the links to local
  pictures that `blogster import` stored as media, which read `media/<name>`); `raw` is
  null when the file has no front matter.
- `sections` holds template sections (list of objects) for posts built from templates;
  imports store [].
- `front_matter.fields` is the parsed metadata with JSON values: YAML timestamps as the
  text they were written as, other dates/times (TOML) as ISO 8601 strings, bytes as
  base64, sets as lists, NaN/infinity as `.nan`/`.inf`/`-.inf`, non-string keys as
  strings. When `raw` is present it is the authority (jsonb does not keep key order;
  export re-reads `raw` to keep order, types and date spelling); otherwise `fields` is
  what export starts from, with the same meaning as a front matter mapping (WordPress
  imports store such a mapping). Posts written in Blogster have format/raw null and {}.
- `source` says where an imported post came from; null for posts written in Blogster.
  `date_text` is the front matter date value as written (TOML dates in ISO 8601), or the
  date part of a Jekyll file name (`2021-06-16`) or Zola `path` (`2016/09/29`), or
  WordPress's `post_date_gmt`; null when the source gives no date. `timezone` is the zone
  import read a date without an offset in (settings.timezone; absent for UTC), so that export
  reads the stored front matter as import did after the setting changed
  (`content.export.source_zone`), and a later import of the post's file reads a date it still
  states so (`services.imports._in_post_zone`). `imported` is what the
  last import of the file wrote (hashes of the post's fields and of the file's text, and
  the slug), which the next import compares to keep an edit made in Blogster since
  (services/imports.py); absent on posts imported before it was recorded. A WordPress item's
  `wordpress_site` and `wordpress_item` are its identity, which a re-import of the export matches
  its post by (`content.wordpress`); absent on posts imported before it was recorded. `layout_path`
  (`content/posts/a.md` for `a.md` imported from inside `content/posts/`) and
  `site_permalink` say where the generator had the post (`publish.former_urls`). `collection`
  and `collection_base` name the collection an Astro site's content config declares that the
  file was an entry of, and its folder from the site's root (`src/data/blog`, a glob() loader's
  base: `content.astro_collections`); its `layout_path` is then from the site's root, and export
  writes the post back there. `pictures` names the picture each local picture link of the body
  (or the featured image) shows, stored as media by `blogster sync`, which keeps the file's links
  as written: the site build and export link those as `media/<name>`
  (`content.linked_images.with_stored_pictures`); a later import of the file drops it.
  `forgotten_addresses` holds the address its generator gave the post (`publish.former_urls`) once its
  author forgot it (`posts addresses --forget`, `content.imported_addresses`): `site build` writes no
  redirect page there, `analytics ingest` counts no visit there for it, an export to another
  generator keeps it as no alias; a later import of the file drops it.
"""

from typing import Any

from blogster_cli.content.errors import ContentError

CONTENT_VERSION = 1
SOURCE_DIALECTS = ("hugo", "jekyll", "zola", "astro", "markdown", "wordpress")
_FORMATS = ("yaml", "toml", "json")


def new_document(
    markdown: str,
    *,
    fmt: str | None = None,
    raw: str | None = None,
    fields: dict[str, Any] | None = None,
    source: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A content document; pass `source` as {"dialect", "path", "date_text"} for imports."""
    document = {
        "version": CONTENT_VERSION,
        "markdown": markdown,
        "sections": [],
        "front_matter": {"format": fmt, "raw": raw, "fields": fields if fields is not None else {}},
        "source": source,
    }
    check_document(document)
    return document


def check_document(document: Any) -> None:
    """Raise ContentError (one line) unless `document` follows the version-1 contract."""
    if not isinstance(document, dict):
        raise ContentError("content document is not a JSON object")
    if document.get("version") != CONTENT_VERSION:
        raise ContentError(f"content document version {document.get('version')!r} is not {CONTENT_VERSION}")
    if not isinstance(document.get("markdown"), str):
        raise ContentError("content document has no markdown text")
    if not isinstance(document.get("sections"), list):
        raise ContentError("content document sections are not a list")
    front_matter = document.get("front_matter")
    if not isinstance(front_matter, dict):
        raise ContentError("content document has no front_matter object")
    fmt, raw = front_matter.get("format"), front_matter.get("raw")
    if fmt is not None and fmt not in _FORMATS:
        raise ContentError(f"front matter format {fmt!r} is not one of {', '.join(_FORMATS)}")
    if (raw is None) != (fmt is None) or (raw is not None and not isinstance(raw, str)):
        raise ContentError("front matter raw text and format must be given together")
    if not isinstance(front_matter.get("fields"), dict):
        raise ContentError("front matter fields are not an object")
    source = document.get("source")
    if source is None:
        return
    if not isinstance(source, dict) or source.get("dialect") not in SOURCE_DIALECTS:
        raise ContentError("content document source has no known dialect")
    for key in ("path", "date_text", "timezone", "layout_path", "collection", "collection_base"):
        if source.get(key) is not None and not isinstance(source[key], str):
            raise ContentError(f"content document source {key} is not text")
    forgotten = source.get("forgotten_addresses")
    if forgotten is not None and not (isinstance(forgotten, list) and all(isinstance(a, str) for a in forgotten)):
        raise ContentError("content document source forgotten_addresses is not a list of text")
