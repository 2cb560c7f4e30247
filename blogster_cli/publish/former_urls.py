"""The address a static site generator gave an imported post by default, which `site build`
keeps working as a redirect to the post's page (old links, search results, feed readers).

A post whose front matter names its address (Hugo `url`, Jekyll `permalink`, Zola `path`)
lives at it (`urls.imported_address`); the others had the one their generator worked out
from where the file was, which is what this module redoes from the stored source path (the
layout path when import kept one, as `content.layout.site_key` reads it: from the layout
folder on) and front matter:

- Hugo: `content/SECTION/.../NAME.md` was at `/section/.../name/` (a bundle's `index.md` at
  its folder's name; a front matter `slug` replaces the last part), lower-cased and with
  spaces as hyphens, as Hugo does unless the site turned it off; or where the site's
  `[permalinks]` pattern for its section put it, when import read one (`site_permalink`);
- Zola: the same below `content/`, a leading `YYYY-MM-DD-` or `_` taken off the name, which
  Zola reads as the page's date, and the parts slugified;
- Jekyll: a file in `_posts/` (or one named `YYYY-MM-DD-slug.md` outside Jekyll's own folders,
  which import read as a Jekyll post by its name: a flat folder of them) was at its permalink
  style's address: the one the site's
  `_config.yml` sets for it (its `defaults` for the file, else `permalink`: `content.layout`)
  when import read one (`site_permalink` in the document), else
  Jekyll's default `date` (`/:categories/:year/:month/:day/:title.html`), with the date of
  the front matter or the file name and `:title` the file name's (or the front matter's
  `slug`).

Other settings that move every page (Hugo's `disablePathToLower`, Zola's `slugify`) are not
read, and Astro's routes are the site's code: those posts get no redirect. A redirect is only
a page at an address nothing else uses (`pages.SitePlan._redirects`), so a wrong guess costs
one unused file.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from blogster_cli.content.layout import site_key
from blogster_cli.content.slugs import slugify

_DATED_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_ZOLA_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:?\d{2})?)?[_-]")
_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")
_INDEX_NAMES = ("index",)
# Jekyll's built-in permalink styles (https://jekyllrb.com/docs/permalinks/#built-in-formats).
JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
_HUGO_TOKEN = re.compile(r":([a-z]+)")
_PLACEHOLDER = re.compile(r":(categories|year|short_year|month|i_month|day|i_day|y_day|title|slug|output_ext)")


def former_address(document: dict[str, Any]) -> str | None:
    """The path the post's generator gave it (module docstring), or None when it is not known."""
    path = document.get("layout_path") or document.get("source_path")
    if not isinstance(path, str) or not path:
        return None
    parts = site_key(path)
    dialect = document.get("dialect")
    pattern = document.get("site_permalink")
    if dialect == "hugo" and len(parts) > 2 and parts[0] == "content" and isinstance(pattern, str):
        return _hugo_pattern_address(pattern, parts[1:], document)
    if dialect in ("hugo", "zola") and len(parts) > 1 and parts[0] == "content":
        return _content_address(parts[1:], document.get("slug"), zola=dialect == "zola")
    if dialect == "jekyll" and _jekyll_post(parts):
        return _jekyll_address(parts[-1], document)
    return None


def _jekyll_post(parts: tuple[str, ...]) -> bool:
    """Whether a Jekyll file at `parts` is a post at a dated address: one in `_posts/`, or one in no
    folder of Jekyll's own (`_drafts/`, a collection's), which import read as a Jekyll post by its
    dated name (`content.post.detect_dialect`: a flat folder of `2021-03-04-x.md`, as 18F ships them)."""
    if parts[0] == "_posts":
        return len(parts) > 1
    return not any(folder.startswith("_") for folder in parts[:-1])


def _content_address(parts: tuple[str, ...], slug: object, *, zola: bool) -> str | None:
    *folders, name = parts
    stem = PurePosixPath(name).stem
    if stem in _INDEX_NAMES:
        if not folders:
            return None
        stem = folders.pop()
    last = slug if isinstance(slug, str) and slug.strip() else stem
    if zola:
        last = _ZOLA_DATE.sub("", last) or last
        words = [slugify(part) for part in (*folders, last)]
    else:
        words = [re.sub(r"\s+", "-", part.strip()).lower() for part in (*folders, last)]
    return "/" + "/".join(words) + "/" if all(words) else None


def _hugo_pattern_address(pattern: str, parts: tuple[str, ...], document: dict[str, Any]) -> str | None:
    """The address Hugo's `[permalinks]` pattern for the post's section gives it (its tokens,
    https://gohugo.io/configuration/permalinks/), lower-cased as Hugo does by default."""
    *folders, name = parts
    stem = PurePosixPath(name).stem
    if stem in _INDEX_NAMES and len(folders) > 1:  # a bundle: named by its folder, in the section above
        stem = folders.pop()
    stem = _urlized(stem)
    slug = document.get("slug") if isinstance(document.get("slug"), str) and document["slug"].strip() else None
    title = document.get("title") if isinstance(document.get("title"), str) else None
    dated = _DATE.match(document["date"]) if isinstance(document.get("date"), str) else None
    day = date(*(int(part) for part in dated.groups())) if dated is not None else None
    values = {
        "section": folders[0], "sections": "/".join(folders), "filename": stem, "contentbasename": stem,
        "slug": _urlized(slug or title or stem), "title": _urlized(title or stem),
        "slugorfilename": _urlized(slug) if slug else stem, "slugorcontentbasename": _urlized(slug) if slug else stem,
    }  # fmt: skip
    if day is not None:
        values |= {
            "year": f"{day.year:04d}", "month": f"{day.month:02d}", "monthname": day.strftime("%B"),
            "day": f"{day.day:02d}", "weekday": str(day.isoweekday() % 7), "weekdayname": day.strftime("%A"),
            "yearday": str(day.timetuple().tm_yday),
        }  # fmt: skip
    unknown: list[str] = []

    def token(match: re.Match[str]) -> str:
        if match.group(1) not in values:
            unknown.append(match.group(1))
            return ""
        return values[match.group(1)]

    address = _HUGO_TOKEN.sub(token, pattern)
    if unknown:  # a date the post has none of, or a token this does not know
        return None
    address = re.sub(r"/{2,}", "/", "/" + address.strip().lstrip("/")).lower()
    return address if address.endswith(("/", ".html")) else address + "/"


def _urlized(text: str) -> str:
    """Hugo's `urlize` of a title or slug: blanks to hyphens, no characters a path cannot hold."""
    return re.sub(r"[^\w./-]", "", re.sub(r"\s+", "-", text.strip()))


def _jekyll_address(name: str, document: dict[str, Any]) -> str | None:
    named = _DATED_NAME.match(PurePosixPath(name).stem)
    if named is None:  # Jekyll builds no post from a file without a date in its name
        return None
    front_date = _DATE.match(document["date"]) if isinstance(document.get("date"), str) else None
    year, month, day = (front_date or named).groups()[:3]
    slug = document.get("slug")
    title = slug.strip() if isinstance(slug, str) and slug.strip() else named.group(4)
    style = document.get("site_permalink")
    pattern = JEKYLL_STYLES.get(style, style) if isinstance(style, str) and style.strip() else JEKYLL_STYLES["date"]
    if ":" not in pattern:
        return None  # a style Jekyll names that is not a pattern (`weekdate`), or nonsense
    try:
        day_of_year = date(int(year), int(month), int(day)).timetuple().tm_yday
    except ValueError:
        return None
    values = {
        "categories": "/".join(_categories(document)),
        "year": year, "short_year": year[2:], "month": month, "i_month": str(int(month)),
        "day": day, "i_day": str(int(day)), "y_day": f"{day_of_year:03d}",
        "title": title, "slug": title, "output_ext": ".html",
    }  # fmt: skip
    address = _PLACEHOLDER.sub(lambda match: values[match.group(1)], pattern)
    return re.sub(r"/{2,}", "/", "/" + address.lstrip("/"))


def _categories(document: dict[str, Any]) -> list[str]:
    found = document.get("categories")
    if found is None:
        found = document.get("category")
    names = found.split() if isinstance(found, str) else found if isinstance(found, list) else []
    return [str(name).lower() for name in names if str(name).strip()]
