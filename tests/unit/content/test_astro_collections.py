"""Reading an Astro site's content config statically (`content.astro_collections`): which glob()
collections it declares and where, what it cannot read (then nothing: the site is read as before),
which bases it refuses, in time linear in the file's size and at most 256 KiB of it."""

from __future__ import annotations

import os
import time
from pathlib import Path, PurePosixPath

import pytest

from blogster_cli.content.astro_collections import (
    MAX_CONFIG_BYTES,
    Collection,
    ContentConfig,
    collection_at,
    read_config,
    site_collections,
)
from blogster_cli.content.layout import layout_path, site_generator

HEAD = "import { defineCollection, z } from 'astro:content';\nimport { glob, file } from 'astro/loaders';\n"
BRIEF = HEAD + (
    "const blog = defineCollection({ loader: glob({ pattern: '**/*.{md,mdx}', base: './src/data/blog' }),"
    " schema: z.object({}) });\n"
    'export const collections = { blog, notes: defineCollection({ loader: glob({ base: "src/notes", pattern: "*.md" }) }) };\n'
)
BLOG = Collection("blog", PurePosixPath("src/data/blog"), (".md", ".mdx"))
NOTES = Collection("notes", PurePosixPath("src/notes"), (".md",))


def collections(body: str, head: str = HEAD) -> ContentConfig:
    return read_config(head + body)


def one(loader: str, head: str = HEAD) -> ContentConfig:
    return collections(f"export const collections = {{ posts: defineCollection({{ loader: {loader} }}) }};\n", head)


def test_the_briefs_config_declares_two_collections_by_their_keys() -> None:
    assert read_config(BRIEF) == ContentConfig(collections=(BLOG, NOTES))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # renamed, namespace, TypeScript annotations, `satisfies`, a plain object, quoted keys
        ("import { glob as g } from 'astro/loaders';\nconst b = defineCollection({ loader: g({ base: 'x' }) });\n"
         "export const collections = { 'my-blog': b };", [Collection("my-blog", PurePosixPath("x"))]),
        ("import * as loaders from \"astro/loaders\";\nconst l = loaders.glob({ base: 'a/b', pattern: '*.(md|mdx)' });\n"
         "const blog: CollectionConfig<any> = defineCollection({ loader: l });\n"
         "export const collections = { blog } satisfies Record<string, unknown>;",
         [Collection("blog", PurePosixPath("a/b"), (".md", ".mdx"))]),
        (HEAD + "export const collections = { blog: { loader: glob({ base: './posts/', pattern: '[^_]*.md' }) } };",
         [Collection("blog", PurePosixPath("posts"), (".md",))]),
        (HEAD + "const options = { loader: glob({ base: 'posts', pattern: '*.md' }) };\n"
         "export const collections = { blog: defineCollection(options) };",
         [Collection("blog", PurePosixPath("posts"), (".md",))]),
        # the pattern's own leading folders, a default base (the site's root) with them
        (HEAD + "export const collections = { b: defineCollection({ loader: glob({ base: 'src/content', pattern: 'blog/**/*.md' }) }) };",
         [Collection("b", PurePosixPath("src/content/blog"), (".md",))]),
        (HEAD + "export const collections = { b: defineCollection({ loader: glob({ pattern: 'posts/**/*.mdx' }) }) };",
         [Collection("b", PurePosixPath("posts"), (".mdx",))]),
        # patterns it cannot read simply: any markdown file in the folder; data files: no posts
        (HEAD + "export const collections = { b: defineCollection({ loader: glob({ base: 'p', pattern: '**/*' }) }) };",
         [Collection("b", PurePosixPath("p"))]),
        (HEAD + "export const collections = { b: defineCollection({ loader: glob({ base: 'p', pattern: ['**/*.md', '!**/_*.md'] }) }) };",
         [Collection("b", PurePosixPath("p"), (".md",))]),
        (HEAD + "export const collections = { d: defineCollection({ loader: glob({ base: 'data', pattern: '**/*.json' }) }) };", []),
        # other loaders, and Astro 4's collections (in src/content/<name>/): none of these
        (HEAD + "export const collections = { a: defineCollection({ loader: file('src/a.json') }),"
         " b: defineCollection({ type: 'content', schema: z.object({}) }), c: defineCollection({ loader: async () => [] }) };", []),
        ("import { defineCollection, z } from 'astro:content';\nconst blog = defineCollection({ schema: z.object({}) });\n"
         "export const collections = { blog };", []),
    ],
    ids=["renamed", "namespace-typescript", "plain-object", "named-options", "pattern-folders", "default-base", "any-markdown",
         "pattern-list", "data", "other-loaders", "astro-4"],
)  # fmt: skip
def test_the_forms_a_config_declares_its_collections_in(text: str, expected: list[Collection]) -> None:
    assert read_config(text) == ContentConfig(collections=tuple(expected))


def test_a_base_put_together_from_the_files_own_constants_is_read() -> None:
    """AstroPaper's form: `base: `./${BLOG_PATH}`` with `export const BLOG_PATH = "src/data/blog"`."""
    text = HEAD + (
        'export const BLOG_PATH = "src/data/blog";\nconst ROOT: string = "src" as const\nconst NOTES = `${ROOT}/notes`;\n'
        "const blog = defineCollection({ loader: glob({ pattern: '**/[^_]*.{md,mdx}', base: `./${BLOG_PATH}` }) });\n"
        "export const collections = { blog, notes: defineCollection({ loader: glob({ base: `./${NOTES}/`, pattern: `*.md` }) }) };\n"
    )
    assert read_config(text) == ContentConfig(collections=(BLOG, NOTES))
    assert read_config(text.replace("`./${NOTES}/`", "NOTES")) == ContentConfig(collections=(BLOG, NOTES))
    doubled = "".join(f"const A{i} = `${{A{i - 1}}}${{A{i - 1}}}`;\n" for i in range(1, 40))  # 2**39 characters
    bomb = (
        HEAD
        + 'const A0 = "ab";\n'
        + doubled
        + "export const collections = { b: defineCollection({ loader: glob({ base: A39 }) }) };"
    )
    for base in ("A39", "`${A39}`"):
        assert read_config(bomb.replace("base: A39", f"base: {base}")) == ContentConfig(
            problem="collection b: its base is computed"
        )


def test_comments_strings_regular_expressions_and_templates_are_skipped_as_javascript_reads_them() -> None:
    text = (
        HEAD + "// glob({ base: 'commented/out' }) and a ' quote\n/* glob({ base: '/x' }) { */\n"
        "const rate = 10 / 2 / 5; const re = /['\"{(]+\\/[/]/g; const t = `a ${ `b ${ { x: '}' }.x } c` } d`;\n"
        "const s = 'a { [ ( string'; const u = \"it's\";\n"
        "const blog = defineCollection({ loader: glob({ base: 'src/b' }), schema: z.string().regex(/^[a-z'\"]+$/) });\n"
        "export const collections = { blog };\n"
    )
    assert read_config(text) == ContentConfig(collections=(Collection("blog", PurePosixPath("src/b")),))


@pytest.mark.parametrize(
    ("loader", "why"),
    [
        ("glob({ base: `${root}/blog` })", "collection posts: its base is computed"),
        ("glob({ base: './src/' + 'blog' })", "collection posts: its base is computed"),
        ("glob({ base: new URL('./blog/', import.meta.url) })", "collection posts: its base is computed"),
        ("glob({ base })", "collection posts: its base is computed"),
        ("glob({ ...options })", "a spread (...) in an object"),
        ("glob(options)", "options is defined in another file"),
        ("glob(1)", "collection posts: glob() is not given an object it can read"),
        ("make('src/blog')", "a glob() call that is not a collection's loader"),
        ("imported", "imported is defined in another file"),
    ],
)
def test_a_config_it_cannot_read_statically_declares_no_collection_and_says_why(loader: str, why: str) -> None:
    helper = "function make(base) { return glob({ base, pattern: '*.md' }); }\n" if "make" in loader else ""
    assert one(loader, HEAD + helper) == ContentConfig(problem=why)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (HEAD + "const more = {};\nexport const collections = { ...more };", "a spread (...) in an object"),
        (HEAD + "import { blog } from './blog';\nexport const collections = { blog };", "blog is defined in another file"),
        (HEAD + "export const collections = { [name]: defineCollection({}) };", "a computed key"),
        (HEAD + "export const collections = makeCollections(glob({ base: 'x' }));",
         "no `collections = { ... }` it can read"),
        (HEAD + "export const collections = { blog: defineCollection({ loader: glob({ base: 'x' }) }) ;",
         "its brackets do not pair"),
        (HEAD + "const s = 'not closed\n", "a string is not closed"),
    ],
)  # fmt: skip
def test_a_config_whose_collections_it_cannot_follow_declares_none(text: str, why: str) -> None:
    assert read_config(text) == ContentConfig(problem=why)


@pytest.mark.parametrize(
    ("base", "why"),
    [
        ("/srv/posts", "is not a path inside the site"),
        ("file:///srv/posts", "is not a path inside the site"),
        ("C:\\\\posts", "is not a path inside the site"),
        ("../shared/posts", "is outside the site"),
        ("src/../../posts", "is outside the site"),
        ("./", "is the site's root"),
    ],
)
def test_a_base_outside_the_site_is_refused_that_collection_alone(base: str, why: str) -> None:
    config = collections(
        f"export const collections = {{ a: defineCollection({{ loader: glob({{ base: '{base}', pattern: '*.md' }}) }}),"
        " b: defineCollection({ loader: glob({ base: 'src/b', pattern: '*.md' }) }) };"
    )
    shown = base.replace("\\\\", "\\")
    assert config == ContentConfig(
        collections=(Collection("b", PurePosixPath("src/b"), (".md",)),),
        refused=(f"collection a: base {shown!r} {why}: not read as a collection",),
    )


@pytest.mark.parametrize(
    "text",
    [
        "(" * 100_000 + ")" * 100_000,
        "a." * 100_000 + "a()",
        "/[" * 100_000,
        "`${" * 60_000,
        "`" + "${a}" * 65_000 + "`",  # red team 36: the pieces list was copied for each one (28 s)
        "const a = 'x';\nconst b = `" + "${a}" * 65_000 + "`;\nexport const collections = { b };",
        HEAD
        + "const x = defineCollection({ loader: glob({ base: 'b' }) });\nexport const collections = { "
        + ", ".join(f"k{i}: x" for i in range(20_000))
        + " };",
    ],
    ids=["nested", "members", "regex-like", "templates", "template-pieces", "constant-pieces", "one-binding-many-keys"],
)
def test_reading_takes_time_linear_in_the_files_size(text: str) -> None:
    started = time.perf_counter()
    read_config(text[:MAX_CONFIG_BYTES])
    assert time.perf_counter() - started < 5  # quadratic would take minutes


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_a_site_is_read_from_its_content_config_astro_4s_place_too_and_again_when_it_changes(tmp_path: Path) -> None:
    old = tmp_path / "old"
    write(old / "src" / "content" / "config.ts", BRIEF)  # Astro 4's place
    found = site_collections(PurePosixPath(old).parts)
    assert found is not None and found.collections == (BLOG, NOTES) and found.warnings == ()

    site = tmp_path / "site"
    write(site / "src" / "content" / "config.ts", "export const collections = {};\n")
    newer = write(site / "src" / "content.config.mjs", BRIEF.replace("src/notes", "src/other-notes"))  # Astro 5's first
    parts = PurePosixPath(site).parts
    found = site_collections(parts)
    assert (
        found is not None and found.config == str(newer) and found.collections[1].folder.as_posix() == "src/other-notes"
    )
    write(newer, BRIEF.replace("src/notes", "src/more-notes"))  # edited (another size): read again
    os.utime(newer, ns=(1, 1))
    found = site_collections(parts)
    assert found is not None and found.collections[1].folder.as_posix() == "src/more-notes"


def test_a_config_too_large_a_link_or_not_utf8_is_not_read_and_says_so(tmp_path: Path) -> None:
    large = tmp_path / "large"
    config = write(large / "src" / "content.config.ts", BRIEF + "//" + "x" * MAX_CONFIG_BYTES)
    found = site_collections(PurePosixPath(large).parts)
    assert found is not None and found.collections == ()
    assert found.warnings == (f"{config}: larger than 256 KiB; its collections are read from src/content/ as before",)

    linked = tmp_path / "linked"
    (linked / "src").mkdir(parents=True)
    (linked / "src" / "content.config.ts").symlink_to(config)
    found = site_collections(PurePosixPath(linked).parts)
    assert found is not None and found.collections == ()
    assert found.warnings[0].endswith("content.config.ts: symbolic link: not followed; its collections are read"
                                      " from src/content/ as before")  # fmt: skip

    latin = tmp_path / "latin"
    write(latin / "src" / "content.config.js", b"// caf\xe9\n" + BRIEF.encode())
    found = site_collections(PurePosixPath(latin).parts)
    assert found is not None and found.collections == () and "not UTF-8 text" in found.warnings[0]


def test_a_file_is_an_entry_of_its_sites_collection_by_folder_and_suffix_from_any_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site / "astro.config.mjs", "export default {};\n")
    write(site / "src" / "content.config.ts", BRIEF)
    for root, relative in [
        (site, "src/data/blog/2024/a.md"),
        (site / "src" / "data", "blog/2024/a.md"),
        (site / "src" / "data" / "blog" / "2024", "a.md"),
        (tmp_path, "site/src/data/blog/2024/a.md"),
    ]:
        entry = collection_at(PurePosixPath(root).parts, PurePosixPath(relative))
        assert entry is not None and entry.collection == BLOG and entry.site == PurePosixPath(site).parts
        assert entry.path == PurePosixPath("src/data/blog/2024/a.md")
        assert layout_path(PurePosixPath(root).parts, PurePosixPath(relative)) == entry.path
        assert site_generator(PurePosixPath(root).parts, PurePosixPath(relative)) == "astro"
    parts = PurePosixPath(site).parts
    assert collection_at(parts, PurePosixPath("src/notes/a.mdx")) is None  # notes take `*.md` only
    assert collection_at(parts, PurePosixPath("src/data/a.md")) is None  # beside the collection, not in it
    assert collection_at(parts, PurePosixPath("src/content/blog/a.md")) is None  # Astro 4's place, as before
