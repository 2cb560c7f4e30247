"""Realistic Blogster data at scale, loaded with COPY, for benchmarks.

    python bench/generate.py --scale 0.01 [--count TABLE=ROWS ...] [--database-url URL] [--seed 1]
    python -m bench.generate --scale 1.0

At --scale 1.0: 10,000 accounts (auth.users rows, their profiles from the signup
trigger, their database roles), 1,000,000 posts (Zipf-like per account; drafts,
scheduled, published, archived and trashed; dates over four years) with revisions and
tags, 10,000,000 blog_analytics rows, 100,000 notifications, 10,000 documentation
pages, 1,000,000 chatbot messages with their conversations, and content calendar
entries, ideas and SEO rows (keyword research, SERP positions, content freshness).
Every count is multiplied by --scale; --count TABLE=ROWS sets one of them instead (the
10,000,000-post RLS measurement keeps the analytics and chat rows at scale 1's, which
would otherwise take ~35 GB it does not read). Text comes from the real corpora in
../shared/data: post titles, bodies and tags from blog_md, documentation from
docs/textual, chat questions and intents from CLINC150.

Without --database-url it creates a new database (--database-name) on the embedded
server of BLOGSTER_HOME (the one `blogster db` manages) and migrates it; a URL must be
a superuser's, to a migrated database with no accounts yet.

Everything is one transaction: it commits whole or not at all. Accounts go through
the signup trigger; the big tables are loaded with session_replication_role = replica
(no per-row triggers, no foreign key checks), so the generator writes what the
triggers would have: word_count and reading_time, every revision, the author_id copies
of tag links and analytics, the tag name each link carries, the chatbot's daily counters. Documentation pages keep
their triggers (search vector, first revision). Monthly partitions are created for
every generated month before the rows arrive.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg import sql

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # run as a script: blogster_cli from this checkout
# ../shared/data beside the checkout (a worktree sits one folder deeper).
SHARED_DATA = next(
    (p for p in (REPO_ROOT.parent / "shared" / "data", REPO_ROOT.parent.parent / "shared" / "data") if p.is_dir()),
    REPO_ROOT.parent / "shared" / "data",
)
EMAIL_DOMAIN = "bench.example"
YEARS = 4
COPY_CHUNK = 2000
GENERATION_MARK = "bench/generate.py"  # in the database's comment, with the scale, seed and counts set

# Row counts at --scale 1.0 (the tables the issue names, plus what hangs off them).
BASE_COUNTS = {
    "users": 10_000,
    "blogs": 1_000_000,
    "blog_analytics": 10_000_000,
    "user_notifications": 100_000,
    "documentation_pages": 10_000,
    "chatbot_messages": 1_000_000,
    "content_calendar": 50_000,
    "blog_ideas": 50_000,
    "keyword_research": 50_000,
    "serp_positions": 200_000,
    "content_freshness": 100_000,
}
POSTS_ZIPF_EXPONENT = 0.8  # the busiest of 10,000 accounts writes ~4% of all posts
STATUS_WEIGHTS = {"published": 62, "draft": 24, "archived": 10, "scheduled": 4}
TRASHED_SHARE = 0.04
BODY_BUDGETS = (400, 1000, 2000, 4000)  # characters of a body's drafts, shortest first
BODY_WEIGHTS = (15, 35, 35, 15)

Report = Callable[[str, float | str, str], None]


def emit(name: str, value: float | str, unit: str = "") -> None:
    text = f"{value:.1f}" if isinstance(value, float) else str(value)
    print(f"{name}: {text} {unit}".rstrip(), flush=True)


def scaled_counts(scale: float, overrides: Mapping[str, int] | None = None) -> dict[str, int]:
    """Every count times `scale`, then the `overrides` (rows per table) as given; at least two
    accounts, so that RLS has someone to hide from."""
    counts = {name: max(1, round(base * scale)) for name, base in BASE_COUNTS.items()}
    counts["users"] = max(2, counts["users"])
    for name, rows in (overrides or {}).items():
        if name not in counts:
            raise ValueError(f"no count named {name!r}: one of {', '.join(counts)}")
        if rows < (2 if name == "users" else 1):
            raise ValueError(f"{name} needs at least {2 if name == 'users' else 1} rows, not {rows}")
        counts[name] = rows
    return counts


def count_override(text: str) -> tuple[str, int]:
    """`TABLE=ROWS` from the command line (argparse reports a ValueError as a usage error)."""
    name, _, rows = text.partition("=")
    return name.strip(), int(rows.replace("_", "").replace(",", ""))


# -- COPY text format -------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"


def esc(text: str) -> str:
    return text.translate(_ESCAPES)


def text_array(items: Iterable[str]) -> str:
    """A text[] literal, escaped for COPY."""
    quoted = ('"' + i.replace("\\", "\\\\").replace('"', '\\"') + '"' for i in items)
    return esc("{" + ",".join(quoted) + "}")


def timestamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(sep=" ", timespec="seconds")


def sequential_ids() -> Iterator[str]:
    """UUIDs with one random prefix and a counter: new rows append to the primary key index
    instead of landing on random pages of a 10-million-row btree."""
    prefix = uuid.uuid4().hex
    head = f"{prefix[:8]}-{prefix[8:12]}-4{prefix[13:16]}-a{prefix[17:20]}-"
    return (f"{head}{n:012x}" for n in itertools.count(1))


def copy_rows(conn: psycopg.Connection, table: str, columns: str, lines: Iterable[str]) -> int:
    """Streams tab-separated lines (each ending in a newline) into `table` with COPY."""
    written = 0
    lines = iter(lines)
    with conn.cursor().copy(f"copy {table} ({columns}) from stdin") as copy:
        while chunk := list(itertools.islice(lines, COPY_CHUNK)):
            copy.write("".join(chunk))
            written += len(chunk)
    return written


# -- corpora ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SourcePost:
    title: str
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]


_TITLE = re.compile(r"""^title\s*[:=]\s*(?P<q>["']?)(?P<title>.+?)(?P=q)\s*$""", re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n(?P<head>.*?)\n\1[ \t]*\n(?P<body>.*)\Z", re.DOTALL)
_SPACES = re.compile(r"\s+")


def read_posts(folder: Path) -> list[SourcePost]:
    """Title, tags and paragraphs of every markdown post under `folder`."""
    posts = []
    for path in sorted(folder.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        match = _FRONT_MATTER.match(text)
        head, body = (match["head"], match["body"]) if match else ("", text)
        title_match = _TITLE.search(head)
        title = _SPACES.sub(" ", title_match["title"]).strip() if title_match else path.stem.replace("-", " ")
        tags = (
            re.findall(r"^- (.+)$", head.split("\ntags:", 1)[1].split("\n\n")[0], re.MULTILINE)
            if "\ntags:" in head
            else []
        )
        if head.startswith("path ="):  # the Rust blog: no tags, one topic
            tags = ["Rust"]
        paragraphs = tuple(p.strip() for p in body.split("\n\n") if p.strip())
        if paragraphs and 1 <= len(title) <= 300:
            cleaned = tuple(dict.fromkeys(_SPACES.sub(" ", t).strip().strip("'\"") for t in tags if t.strip()))
            posts.append(SourcePost(title, tuple(t for t in cleaned if 1 <= len(t) <= 64), paragraphs))
    return posts


def truncated(paragraphs: tuple[str, ...], budget: int) -> str:
    kept, size = [], 0
    for paragraph in paragraphs:
        if kept and size + len(paragraph) > budget:
            break
        kept.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(kept)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "post"


@dataclass
class Corpus:
    posts: list[SourcePost]
    bodies: list[list[str]] = field(default_factory=list)  # per post, per BODY_BUDGETS: content JSON, escaped
    metrics: list[list[tuple[int, int]]] = field(default_factory=list)  # (word_count, reading_time)
    slugs: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def load_corpus(conn: psycopg.Connection, data: Path, *, limit: int, rng: random.Random) -> Corpus:
    """At most `limit` posts of the blog corpus, with every body variant's word count
    computed by the database's own rule (which takes ~1 ms a body: hence the limit)."""
    posts = read_posts(data / "blog_md")
    if not posts:
        raise ValueError(f"no markdown posts under {data / 'blog_md'}")
    corpus = Corpus(rng.sample(posts, limit) if len(posts) > limit else posts)
    markdowns = []
    for post in corpus.posts:
        variants = [truncated(post.paragraphs, budget) for budget in BODY_BUDGETS]
        markdowns.extend(variants)
        corpus.bodies.append(
            [
                esc(json.dumps({"version": 1, "markdown": md, "sections": [], "front_matter": None, "source": None}))
                for md in variants
            ]
        )
        corpus.slugs.append(slugify(post.title))
        first = _SPACES.sub(" ", post.paragraphs[0])
        corpus.descriptions.append(esc(first[:157] + "..." if len(first) > 160 else first))
    words = conn.execute(
        "select public.markdown_word_count(m), public.reading_time_minutes(public.markdown_word_count(m))"
        " from unnest(%s::text[]) with ordinality as t(m, n) order by n",
        (markdowns,),
    ).fetchall()
    corpus.metrics = [words[i : i + len(BODY_BUDGETS)] for i in range(0, len(words), len(BODY_BUDGETS))]
    corpus.tags = sorted({t for post in corpus.posts for t in post.tags}, key=str.lower)
    corpus.tags = list({t.lower(): t for t in corpus.tags}.values())
    return corpus


# -- the generator ------------------------------------------------------------------------


@dataclass
class Blogs:
    """What later tables need to know about each generated post (parallel lists)."""

    ids: list[str] = field(default_factory=list)
    author: list[int] = field(default_factory=list)
    source: list[int] = field(default_factory=list)
    variant: list[int] = field(default_factory=list)
    created: list[float] = field(default_factory=list)
    updated: list[float] = field(default_factory=list)
    published_day: list[int] = field(default_factory=list)  # date ordinal, -1 unless live
    first_of_user: list[int] = field(default_factory=list)  # index range of each account's posts


class Generator:
    def __init__(self, conn: psycopg.Connection, counts: dict[str, int], seed: int, report: Report, data: Path) -> None:
        self.conn = conn
        self.counts = counts
        self.rng = random.Random(seed)
        self.report = report
        self.data = data
        self.now = time.time()
        self.start = self.now - YEARS * 365 * 86400
        self.today = datetime.fromtimestamp(self.now, UTC).date().toordinal()
        self.written: dict[str, int] = {}
        self.user_ids: list[str] = []
        self.user_created: list[float] = []
        self.blogs = Blogs()

    def day(self, ordinal: int) -> str:
        return date.fromordinal(ordinal).isoformat()

    def timed(self, table: str, load: Callable[[], int]) -> None:
        started = time.perf_counter()
        rows = load()
        seconds = time.perf_counter() - started
        self.written[table] = self.written.get(table, 0) + rows
        self.report(f"generate.{table}.rows", str(rows), "rows")
        self.report(f"generate.{table}.rate", rows / seconds if seconds else 0.0, "rows/s")

    def replica(self, on: bool) -> None:
        self.conn.execute(f"set local session_replication_role = {'replica' if on else 'origin'}")

    def run(self) -> dict[str, int]:
        self.conn.execute("set local synchronous_commit = off")
        started = time.perf_counter()
        # Small scales use a sample of the corpus: counting a body's words takes ~1 ms.
        sources = max(50, self.counts["blogs"] // 20)
        self.corpus = load_corpus(self.conn, self.data, limit=sources, rng=self.rng)
        self.report("generate.corpus_time", time.perf_counter() - started, "s")
        self.timed("users", self.users)
        self.timed("roles", self.roles)
        self.replica(True)
        self.timed("blogs", self.blogs_rows)
        self.timed("blog_revisions", self.revisions)
        self.timed("blog_tags", self.tags)
        self.timed("blogs_to_tags", self.tag_links)
        self.timed("blog_analytics", self.analytics)
        self.timed("blog_analytics_daily_totals", self.analytics_totals)
        started = time.perf_counter()
        self.make_partitions()
        self.report("generate.partitions_time", time.perf_counter() - started, "s")
        self.timed("user_notifications", self.notifications)
        self.timed("chatbot_intents", self.intents)
        self.timed("chatbot_conversations", self.conversations)
        self.timed("chatbot_messages", self.messages)
        self.timed("chatbot_analytics_shards", self.chat_counters)
        self.timed("blog_ideas", self.ideas)
        self.timed("content_calendar", self.calendar)
        self.timed("keyword_research", self.keywords)
        self.timed("serp_positions", self.serp)
        self.timed("content_freshness", self.freshness)
        self.replica(False)
        self.timed("documentation_pages", self.documentation)
        return self.written

    # -- accounts ---------------------------------------------------------------------

    def users(self) -> int:
        """auth.users through COPY: handle_new_user (AFTER ROW) creates each profile, as at signup."""
        rng, n = self.rng, self.counts["users"]
        latest = self.now - 30 * 86400
        created = sorted(rng.uniform(self.start, latest) for _ in range(n))
        self.user_ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)]
        self.user_created = created
        lines = (
            f"{uid}\twriter{i:06d}@{EMAIL_DOMAIN}\t{timestamp(c)}\t{timestamp(c)}\n"
            for i, (uid, c) in enumerate(zip(self.user_ids, created, strict=True))
        )
        return copy_rows(self.conn, "auth.users", "id, email, created_at, updated_at", lines)

    def roles(self) -> int:
        """One role per account, as signup creates it; the first account is the admin."""
        self.conn.execute(
            sql.SQL(
                """
                do $$
                declare r record;
                begin
                  for r in select u.role_name from auth.users u
                           where u.email like {pattern}
                             and not exists (select 1 from pg_roles where rolname = u.role_name)
                  loop
                    execute format('create role %I nologin in role authenticated', r.role_name);
                  end loop;
                end
                $$
                """
            ).format(pattern=sql.Literal(f"%@{EMAIL_DOMAIN}"))
        )
        first_role = "u_" + self.user_ids[0].replace("-", "")
        self.conn.execute(sql.SQL("grant blogster_admin to {}").format(sql.Identifier(first_role)))
        return len(self.user_ids)

    # -- posts ------------------------------------------------------------------------

    def posts_per_user(self) -> list[int]:
        """Zipf-like: the account of rank r writes in proportion to r^-s; ranks are shuffled."""
        n, total = self.counts["users"], self.counts["blogs"]
        weights = [(r + 1) ** -POSTS_ZIPF_EXPONENT for r in range(n)]
        scale = total / sum(weights)
        counts = [int(w * scale) for w in weights]
        for r in range(total - sum(counts)):
            counts[r % n] += 1
        self.rng.shuffle(counts)
        return counts

    def blogs_rows(self) -> int:
        rng, corpus, b = self.rng, self.corpus, self.blogs
        statuses = list(STATUS_WEIGHTS)
        status_weights = list(STATUS_WEIGHTS.values())
        ids = sequential_ids()
        tag_count = len(corpus.tags)

        def lines() -> Iterator[str]:
            for user, count in enumerate(self.posts_per_user()):
                b.first_of_user.append(len(b.ids))
                author, joined = self.user_ids[user], self.user_created[user]
                for n in range(count):
                    blog_id = next(ids)
                    source = rng.randrange(len(corpus.posts))
                    variant = rng.choices(range(len(BODY_BUDGETS)), BODY_WEIGHTS)[0]
                    status = rng.choices(statuses, status_weights)[0]
                    created = rng.uniform(joined, self.now - 3600)
                    updated = min(self.now, created + rng.expovariate(1 / 86400) * (1 + variant))
                    published_day = -1
                    if status == "scheduled":
                        published = self.now + rng.uniform(3600, 30 * 86400)
                    elif status in ("published", "archived"):
                        published = min(self.now, created + rng.uniform(0, 3 * 86400))
                        published_day = datetime.fromtimestamp(published, UTC).date().toordinal()
                    else:
                        published = None
                    deleted = rng.random() < TRASHED_SHARE
                    if status != "published" or deleted:
                        published_day = -1
                    words, minutes = corpus.metrics[source][variant]
                    post = corpus.posts[source]
                    keywords = post.tags or ((corpus.tags[rng.randrange(tag_count)],) if tag_count else ())
                    b.ids.append(blog_id)
                    b.author.append(user)
                    b.source.append(source)
                    b.variant.append(variant)
                    b.created.append(created)
                    b.updated.append(updated)
                    b.published_day.append(published_day)
                    yield (
                        f"{blog_id}\t{esc(post.title)}\t{corpus.slugs[source]}-{n + 1}\t{corpus.bodies[source][variant]}"
                        f"\t{status}\t{corpus.descriptions[source]}\t{text_array(keywords)}\t{author}\t{words}\t{minutes}"
                        f"\t{timestamp(created)}\t{timestamp(updated)}"
                        f"\t{timestamp(published) if published else NULL}"
                        f"\t{timestamp(min(self.now, updated + 86400)) if deleted else NULL}\n"
                    )
            b.first_of_user.append(len(b.ids))

        return copy_rows(
            self.conn,
            "public.blogs",
            "id, title, slug, content, status, meta_description, meta_keywords, author_id, word_count,"
            " reading_time, created_at, updated_at, published_at, deleted_at",
            lines(),
        )

    def revisions(self) -> int:
        """Revision 1 holds the first draft; each later one a longer draft; the last is the post's content."""
        rng, corpus, b = self.rng, self.corpus, self.blogs
        ids = sequential_ids()

        def lines() -> Iterator[str]:
            for i, blog_id in enumerate(b.ids):
                variant, created, updated = b.variant[i], b.created[i], b.updated[i]
                revisions = 1 + min(variant, int(rng.expovariate(1.5)))
                author = self.user_ids[b.author[i]]
                for number in range(1, revisions + 1):
                    at = created + (updated - created) * (number - 1) / max(1, revisions - 1)
                    content = corpus.bodies[b.source[i]][variant - revisions + number]
                    yield f"{next(ids)}\t{blog_id}\t{content}\t{number}\t{author}\t{timestamp(at)}\t{author}\n"

        return copy_rows(
            self.conn,
            "public.blog_revisions",
            "id, blog_id, content, revision_number, created_by, created_at, author_id",
            lines(),
        )

    def tags(self) -> int:
        rng = self.rng
        self.tag_ids = {name.lower(): str(uuid.UUID(int=rng.getrandbits(128), version=4)) for name in self.corpus.tags}
        lines = (f"{self.tag_ids[name.lower()]}\t{esc(name)}\n" for name in self.corpus.tags)
        return copy_rows(self.conn, "public.blog_tags", "id, name", lines)

    def tag_links(self) -> int:
        """The source post's own tags, sometimes one more from the shared pool (popular tags more often)."""
        rng, corpus, b = self.rng, self.corpus, self.blogs
        pool = [self.tag_ids[t.lower()] for t in corpus.tags]
        pool_weights = list(itertools.accumulate(1 / (r + 1) for r in range(len(pool))))
        own = [list(dict.fromkeys(self.tag_ids[t.lower()] for t in post.tags)) for post in corpus.posts]
        names = {self.tag_ids[t.lower()]: esc(t) for t in corpus.tags}  # the name each link carries (0094)

        def lines() -> Iterator[str]:
            for i, blog_id in enumerate(b.ids):
                chosen = set(own[b.source[i]][:4])
                if pool and rng.random() < 0.5:
                    chosen.add(rng.choices(pool, cum_weights=pool_weights)[0])
                author = self.user_ids[b.author[i]]
                public = "t" if b.published_day[i] != -1 else "f"  # published and not trashed (0024)
                for tag_id in chosen:
                    yield f"{blog_id}\t{tag_id}\t{author}\t{public}\t{names[tag_id]}\n"

        return copy_rows(
            self.conn, "public.blogs_to_tags", "blog_id, tag_id, author_id, blog_public, tag_name", lines()
        )

    def analytics(self) -> int:
        """Daily figures of live posts: a run of consecutive days after publication, per post
        a popularity (Pareto) that decays over the run."""
        rng, b = self.rng, self.blogs
        live = [i for i, d in enumerate(b.published_day) if d >= 0]
        if not live:
            return 0
        mean_days = self.counts["blog_analytics"] / len(live)
        ids = sequential_ids()
        referrers = [
            "{}",
            esc('{"google.com": 3}'),
            esc('{"news.ycombinator.com": 12, "google.com": 2}'),
            esc('{"reddit.com": 5}'),
        ]
        day_text = {}

        def lines() -> Iterator[str]:
            for i in live:
                available = self.today - b.published_day[i] + 1
                days = max(1, min(available, round(rng.expovariate(1 / mean_days))))
                first = b.published_day[i] + rng.randrange(available - days + 1)
                popularity = 5 * rng.paretovariate(1.3)
                blog_id, author = b.ids[i], self.user_ids[b.author[i]]
                for k in range(days):
                    ordinal = first + k
                    if ordinal not in day_text:
                        day_text[ordinal] = (self.day(ordinal), f"{self.day(ordinal)} 23:59:00+00")
                    day, stamp = day_text[ordinal]
                    views = int(popularity * (0.4 + rng.random()) / (1 + k / 30))
                    unique = int(views * 0.75)
                    bounce = f"{rng.random():.3f}" if views else NULL
                    yield (
                        f"{next(ids)}\t{blog_id}\t{author}\t{views}\t{unique}\t{rng.uniform(10, 400):.1f}\t{bounce}"
                        f"\t{referrers[0] if rng.random() < 0.9 else rng.choice(referrers)}\t{day}\t{stamp}\t{stamp}\n"
                    )

        return copy_rows(
            self.conn,
            "public.blog_analytics",
            "id, blog_id, author_id, views, unique_visitors, avg_time_on_page, bounce_rate, referrers, date,"
            " created_at, updated_at",
            lines(),
        )

    def analytics_totals(self) -> int:
        """The dashboard's daily rollup (0090), which its triggers would keep: they are off while loading."""
        return self.conn.execute(
            "insert into public.blog_analytics_daily_totals (author_id, date, views, bounce_weighted, bounce_views)"
            " select a.author_id, a.date, sum(a.views),"
            " coalesce(sum(a.bounce_rate::numeric * a.views) filter (where a.bounce_rate is not null), 0),"
            " coalesce(sum(a.views) filter (where a.bounce_rate is not null), 0)"
            " from public.blog_analytics a join public.blogs b on b.id = a.blog_id and b.deleted_at is null"
            " group by a.author_id, a.date"
        ).rowcount

    # -- notifications and the chatbot ----------------------------------------------------

    def make_partitions(self) -> None:
        """Monthly partitions for every generated month, the way internal.ensure_partitions names them."""
        first = datetime.fromtimestamp(self.now - 2 * 365 * 86400, UTC).replace(day=1).date()
        self.conn.execute("set local role blogster_owner")
        for parent in ("user_notifications", "chatbot_messages"):
            month = first
            while month <= date.fromordinal(self.today):
                following = (month + timedelta(days=32)).replace(day=1)
                name = f"{parent}_p{month:%Y%m}"
                if self.conn.execute("select to_regclass(%s)", (f"public.{name}",)).fetchone()[0] is None:
                    self.conn.execute(
                        "select internal.create_range_partition(%s::regclass, %s, %s, %s)",
                        (f"public.{parent}", name, datetime(month.year, month.month, 1, tzinfo=UTC),
                         datetime(following.year, following.month, 1, tzinfo=UTC)),
                    )  # fmt: skip
                month = following
            self.conn.execute("select internal.sync_partition_security(%s::regclass)", (f"public.{parent}",))
        self.conn.execute("reset role")

    def notifications(self) -> int:
        rng, b = self.rng, self.blogs
        ids = sequential_ids()
        year = 365 * 86400

        def lines() -> Iterator[str]:
            for _ in range(self.counts["user_notifications"]):
                user = rng.randrange(len(self.user_ids))
                created = rng.uniform(max(self.user_created[user], self.now - year), self.now)
                kind = rng.choices(("blog_interaction", "security", "marketing", "maintenance"), (70, 10, 15, 5))[0]
                if kind == "blog_interaction" and b.first_of_user[user] < b.first_of_user[user + 1]:
                    post = self.corpus.posts[b.source[rng.randrange(b.first_of_user[user], b.first_of_user[user + 1])]]
                    title = f'New comment on "{post.title}"'
                    content = "A reader replied to your post."
                elif kind == "security":
                    title, content = "New sign-in to your account", "Firefox on Linux. Not you? Change your password."
                elif kind == "marketing":
                    title, content = "Pro plan: 20% off this month", "More AI credits and custom domains."
                else:
                    kind, title, content = "maintenance", "Scheduled maintenance", "The service restarts at 02:00 UTC."
                read = rng.random() < 0.7
                stamp = timestamp(created)
                yield (
                    f"{next(ids)}\t{self.user_ids[user]}\t{kind}\t{esc(title[:300])}\t{content}\t{NULL}"
                    f"\t{'t' if read else 'f'}\t{timestamp(min(self.now, created + 3600)) if read else NULL}"
                    f"\t{NULL}\t{rng.choice(('low', 'medium', 'medium', 'high'))}\tsent\t{stamp}\t{stamp}\n"
                )

        return copy_rows(
            self.conn,
            "public.user_notifications",
            "id, user_id, type, title, content, link, read, read_at, expires_at, priority, delivery_status,"
            " created_at, updated_at",
            lines(),
        )

    def intents(self) -> int:
        """CLINC150's 150 intents; its questions become the users' chat messages."""
        folder = self.data / "intents" / "clinc150"
        examples = json.loads((folder / "data_full.json").read_text(encoding="utf-8"))
        domains = json.loads((folder / "domains.json").read_text(encoding="utf-8"))
        category = {"banking": "sales", "credit_cards": "sales", "work": "onboarding", "utility": "technical"}
        self.questions: dict[str, list[str]] = {}
        for text, intent in examples["train"]:
            self.questions.setdefault(intent, []).append(text)
        self.intent_ids = {name: str(uuid.UUID(int=self.rng.getrandbits(128), version=4)) for name in self.questions}
        domain_of = {intent: d for d, intents in domains.items() for intent in intents}
        lines = (
            f"{self.intent_ids[name]}\t{name}\t{esc(name.replace('_', ' '))}\t{text_array(phrases[:5])}"
            f"\t{category.get(domain_of.get(name, ''), 'support')}\n"
            for name, phrases in self.questions.items()
        )
        return copy_rows(
            self.conn, "public.chatbot_intents", "id, name, description, training_phrases, category", lines
        )

    def conversations(self) -> int:
        """Conversations of 2 to 16 messages (user and assistant taking turns), over two years."""
        rng = self.rng
        ids = sequential_ids()
        names = [n for n in self.questions if n != "oos"]
        self.chats: list[tuple[str, str, float, int]] = []  # id, intent, started, messages
        remaining = self.counts["chatbot_messages"]
        two_years = 2 * 365 * 86400

        def lines() -> Iterator[str]:
            nonlocal remaining
            while remaining > 0:
                messages = min(remaining, 2 * rng.randint(1, 8))
                remaining -= messages
                user = rng.randrange(len(self.user_ids))
                started = rng.uniform(max(self.user_created[user], self.now - two_years), self.now - 3600)
                intent = rng.choice(names)
                conversation_id = next(ids)
                self.chats.append((conversation_id, intent, started, messages))
                ended = started + 40 * messages
                status = rng.choices(("completed", "abandoned", "active"), (70, 25, 5))[0]
                score = str(rng.randint(1, 5)) if status == "completed" and rng.random() < 0.4 else NULL
                yield (
                    f"{conversation_id}\t{uuid.UUID(int=rng.getrandbits(128), version=4)}\t{self.user_ids[user]}"
                    f"\t{self.intent_ids[intent]}\t{status}\t{score}\t{timestamp(started)}"
                    f"\t{timestamp(ended) if status != 'active' else NULL}\t{timestamp(started)}\t{timestamp(ended)}\n"
                )

        return copy_rows(
            self.conn,
            "public.chatbot_conversations",
            "id, session_id, user_id, initial_intent, status, satisfaction_score, started_at, ended_at,"
            " created_at, updated_at",
            lines(),
        )

    def messages(self) -> int:
        rng = self.rng
        ids = sequential_ids()
        replies = (
            "Sure, I can help with {what}. Open Settings and follow the steps there.",
            "Here is what I found about {what}: the help page has the details.",
            "I have noted your request about {what}. Anything else?",
        )

        def lines() -> Iterator[str]:
            for conversation_id, intent, started, count in self.chats:
                for k in range(count):
                    at = timestamp(started + 20 * k + rng.random() * 5)
                    if k % 2 == 0:
                        text = rng.choice(self.questions[intent])
                        confidence = f"{rng.uniform(0.3, 1):.3f}"
                        yield (
                            f"{next(ids)}\t{conversation_id}\tuser\t{esc(text)}\t{self.intent_ids[intent]}"
                            f"\t{confidence}\t0\t{at}\n"
                        )
                    else:
                        text = rng.choice(replies).format(what=intent.replace("_", " "))
                        yield f"{next(ids)}\t{conversation_id}\tassistant\t{text}\t{NULL}\t{NULL}\t{rng.randint(20, 300)}\t{at}\n"

        return copy_rows(
            self.conn,
            "public.chatbot_messages",
            "id, conversation_id, role, content, intent_detected, confidence_score, tokens_used, created_at",
            lines(),
        )

    def chat_counters(self) -> int:
        """What the skipped on_chatbot_message trigger counts, per day, in shard 0."""
        return self.conn.execute(
            """
            insert into internal.chatbot_analytics_shards
              (day, shard, messages, user_messages, assistant_messages, system_messages, tokens_used,
               confidence_sum, confidence_count, low_confidence, intent_hits)
            select d.day, 0, d.messages, d.user_messages, d.assistant_messages, d.system_messages, d.tokens_used,
                   d.confidence_sum, d.confidence_count, d.low_confidence, coalesce(h.hits, '{}'::jsonb)
            from (select (created_at at time zone 'UTC')::date as day, count(*) as messages,
                         count(*) filter (where role = 'user') as user_messages,
                         count(*) filter (where role = 'assistant') as assistant_messages,
                         count(*) filter (where role = 'system') as system_messages,
                         sum(tokens_used) as tokens_used, coalesce(sum(confidence_score), 0) as confidence_sum,
                         count(confidence_score) as confidence_count,
                         count(*) filter (where confidence_score < 0.5) as low_confidence
                  from public.chatbot_messages group by 1) d
            left join (select day, jsonb_object_agg(intent, hits) as hits
                       from (select (created_at at time zone 'UTC')::date as day, intent_detected::text as intent,
                                    count(*) as hits
                             from public.chatbot_messages where intent_detected is not null group by 1, 2) i
                       group by day) h on h.day = d.day
            """
        ).rowcount

    # -- ideas, calendar, SEO -------------------------------------------------------------

    def some_post(self, user: int) -> int | None:
        start, end = self.blogs.first_of_user[user], self.blogs.first_of_user[user + 1]
        return self.rng.randrange(start, end) if end > start else None

    def ideas(self) -> int:
        rng, corpus = self.rng, self.corpus
        ids = sequential_ids()
        statuses = ("new", "saved", "in_progress", "completed", "discarded")

        def lines() -> Iterator[str]:
            for _ in range(self.counts["blog_ideas"]):
                user = rng.randrange(len(self.user_ids))
                post = corpus.posts[rng.randrange(len(corpus.posts))]
                status = rng.choice(statuses)
                blog = self.some_post(user) if status == "completed" else None
                at = timestamp(rng.uniform(self.user_created[user], self.now))
                yield (
                    f"{next(ids)}\t{self.user_ids[user]}\t{esc('Follow-up: ' + post.title)}\t{text_array(post.tags)}"
                    f"\t{rng.random():.2f}\t{rng.choice(('beginner', 'intermediate', 'advanced'))}"
                    f"\t{rng.randrange(500, 3000, 100)}\t{status}\t{self.blogs.ids[blog] if blog is not None else NULL}"
                    f"\t{at}\t{at}\n"
                )

        return copy_rows(
            self.conn,
            "public.blog_ideas",
            "id, user_id, title, keywords, trending_score, difficulty_level, estimated_word_count, status, blog_id,"
            " created_at, updated_at",
            lines(),
        )

    def calendar(self) -> int:
        rng, b = self.rng, self.blogs
        ids = sequential_ids()

        def lines() -> Iterator[str]:
            for _ in range(self.counts["content_calendar"]):
                user = rng.randrange(len(self.user_ids))
                blog = self.some_post(user)
                title = self.corpus.posts[b.source[blog]].title if blog is not None else "Newsletter"
                day = self.day(self.today + rng.randint(-365, 90))
                at = timestamp(rng.uniform(self.user_created[user], self.now))
                entry_id = next(ids)  # uid as the (skipped) insert trigger writes it
                yield (
                    f"{entry_id}\t{entry_id}@blogster\t{self.user_ids[user]}\t{esc(title)}\t{day}\t{rng.randint(6, 20):02d}:00"
                    f"\t{b.ids[blog] if blog is not None else NULL}\t{rng.choice(('blog', 'blog', 'newsletter', 'social'))}"
                    f"\t{rng.choice(('planned', 'in_progress', 'ready', 'published'))}\t{at}\t{at}\n"
                )

        return copy_rows(
            self.conn,
            "public.content_calendar",
            "id, uid, user_id, title, scheduled_date, scheduled_time, blog_id, content_type, status, created_at,"
            " updated_at",
            lines(),
        )

    def keywords(self) -> int:
        """Keyword research rows, most tied to one of the account's posts (kept for SERP positions)."""
        rng, b = self.rng, self.blogs
        ids = sequential_ids()
        self.tracked: list[tuple[str, int]] = []  # keyword id, post index

        def lines() -> Iterator[str]:
            # One row per account and keyword (0209's unique key): a keyword drawn again for an
            # account is numbered ("git tips 2"), so the count asked for is kept.
            taken: set[tuple[int, str]] = set()
            for _ in range(self.counts["keyword_research"]):
                user = rng.randrange(len(self.user_ids))
                blog = self.some_post(user) if rng.random() < 0.8 else None
                words = self.corpus.posts[b.source[blog] if blog is not None else 0].title.lower().split()[:3]
                keyword, n = " ".join(words) or "blogging", 1
                while (user, keyword) in taken:
                    n += 1
                    keyword = f"{' '.join(words) or 'blogging'} {n}"
                taken.add((user, keyword))
                keyword_id = next(ids)
                if blog is not None:
                    self.tracked.append((keyword_id, blog))
                at = timestamp(rng.uniform(self.user_created[user], self.now))
                yield (
                    f"{keyword_id}\t{self.user_ids[user]}\t{esc(keyword)}"
                    f"\t{int(rng.paretovariate(1.1) * 50)}\t{rng.uniform(0, 100):.1f}\t{rng.uniform(0.1, 5):.2f}"
                    f"\t{rng.random():.2f}\t{rng.choice(('informational', 'navigational', 'commercial'))}"
                    f"\t{b.ids[blog] if blog is not None else NULL}\t{at}\t{at}\n"
                )

        return copy_rows(
            self.conn,
            "public.keyword_research",
            "id, user_id, keyword, search_volume, keyword_difficulty, cpc, competition, intent, blog_id,"
            " created_at, updated_at",
            lines(),
        )

    def serp(self) -> int:
        rng, b = self.rng, self.blogs
        ids = sequential_ids()
        if not self.tracked:
            return 0

        def lines() -> Iterator[str]:
            # A post, keyword, day, engine, device and locale is one row (0045's unique key): draws
            # that repeat one are skipped, at most as many as the rows asked for.
            seen: set[tuple[str, int, int, str, str]] = set()
            for _ in range(2 * self.counts["serp_positions"]):
                if len(seen) == self.counts["serp_positions"]:
                    break
                keyword_id, blog = rng.choice(self.tracked)
                rank, previous = rng.randint(1, 100), rng.randint(1, 100)
                ago = rng.randrange(365)
                engine, device = (
                    rng.choice(("google", "google", "bing", "duckduckgo")),
                    rng.choice(("desktop", "mobile")),
                )
                if (keyword_id, blog, ago, engine, device) in seen:
                    continue
                seen.add((keyword_id, blog, ago, engine, device))
                day = self.day(self.today - ago)
                yield (
                    f"{next(ids)}\t{b.ids[blog]}\t{keyword_id}\t{rank}\t{previous}\t{previous - rank}"
                    f"\t{engine}\ten-US\t{device}\t{'t' if rank == 1 else 'f'}\t{day}\t{day} 06:00:00+00\n"
                )

        return copy_rows(
            self.conn,
            "public.serp_positions",
            "id, blog_id, keyword_id, rank_position, previous_position, change, search_engine, search_locale,"
            " device_type, featured_snippet, check_date, created_at",
            lines(),
        )

    def freshness(self) -> int:
        rng, b = self.rng, self.blogs
        ids = sequential_ids()
        live = [i for i, d in enumerate(b.published_day) if d >= 0]
        if not live:
            return 0

        def lines() -> Iterator[str]:
            for i in rng.sample(live, min(len(live), self.counts["content_freshness"])):
                age_days = (self.now - b.updated[i]) / 86400
                score = max(0.0, 1 - age_days / (YEARS * 365))
                priority = "critical" if score < 0.1 else "high" if score < 0.3 else "medium" if score < 0.6 else "low"
                checked = timestamp(self.now - rng.uniform(0, 30 * 86400))
                yield (
                    f"{next(ids)}\t{b.ids[i]}\t{timestamp(b.updated[i])}\t{score:.3f}\t{priority}"
                    f"\t{rng.uniform(-1, 1):.3f}\t{checked}\t{checked}\t{checked}\n"
                )

        return copy_rows(
            self.conn,
            "public.content_freshness",
            "id, blog_id, last_updated, freshness_score, update_priority, traffic_trend, checked_at,"
            " created_at, updated_at",
            lines(),
        )

    # -- documentation --------------------------------------------------------------------

    def documentation(self) -> int:
        """Textual's docs, one copy per documentation version (v2/..., v3/...), with their
        triggers running: the search vector and the first revision are the database's own."""
        folder = self.data / "docs" / "textual"
        pages, slugs = [], set()
        for path in sorted(folder.rglob("*.md")):
            relative = path.relative_to(folder).with_suffix("")
            slug = "/".join(s for s in (slugify(part) for part in relative.parts) if s)
            if slug in slugs:
                continue
            slugs.add(slug)
            text = path.read_text(encoding="utf-8", errors="replace")
            heading = re.search(r"^# (.+)$", text, re.MULTILINE)
            title = (heading[1] if heading else relative.name.replace("_", " ")).strip()[:300] or slug
            pages.append((relative.parts[0] if len(relative.parts) > 1 else "general", slug, title, text))
        ids = sequential_ids()
        categories = {name: next(ids) for name in sorted({p[0] for p in pages})}
        copy_rows(
            self.conn,
            "public.documentation_categories",
            "id, name, slug, order_position",
            (f"{cid}\t{esc(name.replace('_', ' ').title())}\t{slugify(name)}\t{n}\n" for n, (name, cid) in enumerate(categories.items())),
        )  # fmt: skip
        admin = self.user_ids[0]
        at = timestamp(self.now - 86400)

        def lines() -> Iterator[str]:
            for n in range(self.counts["documentation_pages"]):
                category, slug, title, text = pages[n % len(pages)]
                version = n // len(pages)
                content = esc(json.dumps({"version": 1, "markdown": text}))
                yield (
                    f"{next(ids)}\t{categories[category]}\t{esc(title)}\t{f'v{version}/' if version else ''}{slug}"
                    f"\t{content}\t{text_array(slug.split('/')[:1])}\t{1 + version}.0"
                    f"\t{'published' if self.rng.random() < 0.9 else 'draft'}\t{admin}\t{admin}\t{at}\t{at}\n"
                )

        return copy_rows(
            self.conn,
            "public.documentation_pages",
            "id, category_id, title, slug, content, tags, version, status, created_by, updated_by, created_at, updated_at",
            lines(),
        )


def generate(
    conn: psycopg.Connection,
    *,
    scale: float,
    seed: int = 1,
    counts: Mapping[str, int] | None = None,
    report: Report = emit,
    data: Path = SHARED_DATA,
) -> dict[str, int]:
    """Fills a migrated database that has no accounts yet with scale's rows, `counts` (rows
    per table) replacing some; returns the rows written per table.

    `conn` is a superuser's autocommit connection; everything runs in one transaction,
    then the tables are analyzed.
    """
    if conn.execute("select exists (select 1 from auth.users)").fetchone()[0]:
        raise ValueError("the database already has accounts: generate into a fresh migrated database")
    sizes = scaled_counts(scale, counts)
    started = time.perf_counter()
    with conn.transaction():
        written = Generator(conn, sizes, seed, report, data.resolve()).run()
        record_generation(conn, Generation(scale, seed, dict(counts or {})))  # commits with the rows, or not at all
    report("generate.load_time", time.perf_counter() - started, "s")
    started = time.perf_counter()
    conn.execute("analyze")
    report("generate.analyze_time", time.perf_counter() - started, "s")
    return written


@dataclass(frozen=True)
class Generation:
    """What `generate` was asked for: the scale, the seed and the counts set by table."""

    scale: float
    seed: int
    counts: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        return " ".join(
            [f"scale {self.scale:g} seed {self.seed}", *(f"{t}={n}" for t, n in sorted(self.counts.items()))]
        )


def record_generation(conn: psycopg.Connection, generation: Generation) -> None:
    """Writes what filled this database as the database's comment, so that a benchmark
    reusing a kept database knows whether it holds the size it asks for."""
    mark = json.dumps(
        {"generator": GENERATION_MARK, "scale": generation.scale, "seed": generation.seed, "counts": generation.counts}
    )
    conn.execute(sql.SQL("comment on database {} is {}").format(sql.Identifier(conn.info.dbname), sql.Literal(mark)))


def recorded_generation(conn: psycopg.Connection) -> Generation | None:
    """What `generate` filled this database with, or None if it did not."""
    comment = conn.execute(
        "select shobj_description(oid, 'pg_database') from pg_database where datname = current_database()"
    ).fetchone()[0]
    try:
        mark = json.loads(comment or "")
    except ValueError:
        return None
    if not isinstance(mark, dict) or mark.get("generator") != GENERATION_MARK:
        return None
    counts = {str(table): int(rows) for table, rows in mark.get("counts", {}).items()}
    return Generation(float(mark["scale"]), int(mark["seed"]), counts)


def add_count_option(parser: argparse.ArgumentParser) -> None:
    """--count TABLE=ROWS, repeatable (read back by requested_generation)."""
    parser.add_argument(
        "--count",
        type=count_override,
        action="append",
        default=[],
        metavar="TABLE=ROWS",
        help=f"rows of one table instead of its scaled count (repeatable; tables: {', '.join(BASE_COUNTS)})",
    )


def requested_generation(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Generation:
    """The --scale, --seed and --count asked for; a usage error (exit 2) when they cannot be generated."""
    if not 0 < args.scale <= 100:
        parser.error("--scale must be above 0 and at most 100")
    wanted = Generation(args.scale, args.seed, dict(args.count))
    try:
        scaled_counts(wanted.scale, wanted.counts)
    except ValueError as exc:
        parser.error(str(exc))
    return wanted


def drop_generated_roles(conn: psycopg.Connection) -> int:
    """Roles outlive a dropped database: remove the generated accounts' roles from a shared server."""
    roles = [r for (r,) in conn.execute("select role_name from auth.users where email like %s", (f"%@{EMAIL_DOMAIN}",))]
    conn.execute("delete from auth.users where email like %s", (f"%@{EMAIL_DOMAIN}",))
    for role in roles:
        conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(role)))
    return len(roles)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every row count (0.01 for CI)")
    parser.add_argument("--database-url", help="superuser URL of a fresh migrated database")
    parser.add_argument("--database-name", default="blogster_bench", help="new database on the embedded server")
    parser.add_argument("--seed", type=int, default=1)
    add_count_option(parser)
    args = parser.parse_args(argv)
    wanted = requested_generation(parser, args)

    from blogster_cli.db import migrations
    from blogster_cli.db.connection import Database

    url = args.database_url
    if url is None:
        from blogster_cli.config import home_dir
        from blogster_cli.db.embedded import EmbeddedServer

        server = EmbeddedServer(home_dir())
        server.ensure_running()
        with psycopg.connect(server.conninfo("postgres"), autocommit=True) as admin:
            try:
                admin.execute(sql.SQL("create database {}").format(sql.Identifier(args.database_name)))
            except psycopg.errors.DuplicateDatabase:
                print(
                    f"error: database {args.database_name!r} exists; drop it or pass --database-name", file=sys.stderr
                )
                return 2
        url = server.url(args.database_name)
        migrations.apply(Database(url))
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            if conn.info.parameter_status("is_superuser") != "on":
                print("error: the generator needs a superuser connection", file=sys.stderr)
                return 2
            generate(conn, scale=wanted.scale, seed=wanted.seed, counts=wanted.counts)
    except (ValueError, psycopg.Error) as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    print(f"database: {url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
