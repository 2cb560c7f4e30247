"""Every table × every actor × select/insert/update/delete, plus the classic RLS attacks.

One populated database serves the whole module. Alice owns the rows under test; Bob is
another user, Carol an admin. An operation that is expected to succeed runs in a
transaction that is rolled back; one expected to fail is committed, and the data is
then compared, as the superuser, with what it was before. Checklist items 11-14, 17,
18 and 20.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg.types.json import Jsonb

from blogster_cli.db.acting import acting_transaction
from blogster_cli.db.connection import Database
from blogster_cli.repositories import accounts

ACTORS = ("owner", "other", "admin", "service", "anon")
OPS = ("select", "insert", "update", "delete")
DOC = Jsonb({"version": 1, "markdown": "Some words here", "sections": [], "front_matter": None, "source": None})
TEMPLATE_PERSONA = uuid.UUID("7a2d3b40-0001-4c8f-8b20-000000000001")
SYSTEM_TEMPLATE = uuid.UUID("6f1c2a30-0001-4b7e-9a10-000000000001")


@dataclass
class World:
    db: Database
    roles: dict[str, str]
    users: dict[str, uuid.UUID]
    ids: dict[str, Any] = field(default_factory=dict)


Values = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Table:
    name: str
    insert: Values
    update: tuple[str, Any]
    allowed: dict[str, str]
    row: str = ""  # key into World.ids; defaults to the table name
    move: tuple[str, Callable[[World], Any]] | None = None  # owner column -> another owner's value
    upsert: bool = True
    partition_of: str | None = None

    @property
    def key(self) -> str:
        return self.row or self.name

    def relation(self, world: World) -> str:
        return world.ids[f"partition:{self.partition_of}"] if self.partition_of else self.name


def table(
    name, insert, update, *, owner="", other="", admin="", service="siud", anon="", row="", move=None, upsert=True
):
    allowed = {"owner": owner, "other": other, "admin": admin, "service": service, "anon": anon}
    return Table(name, insert, update, allowed, row=row, move=move, upsert=upsert)


def alice(w):
    return w.users["alice"]


def bob(w):
    return w.users["bob"]


def uniq(prefix="x"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


OWNER_ONLY = {"owner": "siud"}


def ledger_range(author: uuid.UUID) -> dict[str, Any]:
    start = uuid.uuid4().int % 10**9
    return {"author_id": author, "file_key": "a" * 64, "start_offset": start, "end_offset": start + 100,
            "range_hash": "b" * 64, "lines": 1}  # fmt: skip


BLOG_MOVE = ("blog_id", lambda w: w.ids["bob_blog"])

TABLES = [
    # accounts (0002)
    table(
        "profiles",
        lambda w: {"id": w.users["zed"], "username": uniq("zed")},
        ("full_name", "Mallory"),
        owner="su",
        admin="s",
        move=("id", bob),
        upsert=False,
    ),
    table(
        "user_subscriptions",
        lambda w: {"user_id": w.users["zed"], "credits_remaining": 1000},
        ("credits_remaining", 1000),
        owner="s",
        admin="su",
        move=("user_id", bob),
    ),
    table(
        "subdomain_settings",
        lambda w: {"user_id": w.users["zed"], "subdomain": uniq("zed")},
        ("site_title", "Hijacked"),
        owner="su",
        move=("user_id", bob),
    ),
    table(
        "user_notification_preferences",
        lambda w: {"user_id": w.users["zed"]},
        ("timezone", "Europe/Paris"),
        owner="su",
        move=("user_id", bob),
    ),
    # content (0003)
    table(
        "blogs",
        lambda w: {"author_id": alice(w), "title": "New", "slug": uniq("new"), "content": DOC},
        ("title", "Defaced"),
        **OWNER_ONLY,
        move=("author_id", bob),
    ),
    table(
        "personas",
        lambda w: {"owner_id": alice(w), "name": "Mine"},
        ("name", "Renamed"),
        **OWNER_ONLY,
        move=("owner_id", bob),
    ),
    table(
        "personas",
        lambda w: {"name": "New template", "template": True, "owner_id": None},
        ("name", "Renamed template"),
        owner="s",
        other="s",
        admin="siud",
        row="template_persona",
    ),
    table(
        "blog_templates",
        lambda w: {"name": uniq("Template"), "structure": Jsonb([])},
        ("description", "Changed"),
        owner="s",
        other="s",
        admin="siud",
        anon="s",
        row="blog_template",
    ),
    table(
        "blog_tags",
        lambda w: {"name": uniq("tag")},
        ("name", "renamed"),
        owner="si",
        other="i",  # the tag is only on Alice's draft: read through a visible post only (0013)
        admin="siud",
        row="tag",
    ),
    table(
        "blogs_to_tags",
        lambda w: {"blog_id": w.ids["blog"], "tag_id": w.ids["tag2"]},
        ("tag_id", "tag2"),
        owner="sid",
        row="blog_tag_link",
        move=BLOG_MOVE,
        upsert=False,
    ),
    table(
        "blog_revisions",
        lambda w: {"blog_id": w.ids["blog"], "revision_number": 50, "content": DOC},
        ("revision_number", 99),
        owner="s",
        service="s",
        move=BLOG_MOVE,
    ),
    table(
        "blog_analytics",
        lambda w: {"blog_id": w.ids["blog"], "date": date.today() - timedelta(days=5), "views": 1},
        ("views", 999_999),
        owner="siu",  # `analytics ingest` writes its own figures (0040)
        move=BLOG_MOVE,
    ),
    # the dashboard's daily rollup (0090): kept by triggers, the owner only reads it
    table(
        "blog_analytics_daily_totals",
        lambda w: {"author_id": alice(w), "date": date.today() - timedelta(days=700), "views": 1},
        ("views", 999_999),
        owner="s",
        row="daily_totals",
        move=("author_id", bob),
        upsert=False,
    ),
    # access-log ingest (0040): owner-only, no delete
    table(
        "analytics_ingest_ranges",
        lambda w: ledger_range(alice(w)),
        ("summarised", True),
        owner="siu",
        service="siu",
        move=("author_id", bob),
        upsert=False,
    ),
    table(
        "analytics_page_views",
        lambda w: {"author_id": alice(w), "blog_id": w.ids["blog"], "visitor": 7, "viewed_at": date.today()},
        ("visitor", 8),
        owner="si",
        service="si",
        move=BLOG_MOVE,
        upsert=False,
    ),
    table(
        "analytics_ingest_locks",
        lambda w: {"author_id": bob(w)},
        ("locked_at", date.today()),
        owner="su",  # Alice's row exists; the insert is Bob's own row, so only Bob may add it
        other="i",
        service="siu",
        row="ingest_lock",
        move=("author_id", bob),
        upsert=False,
    ),
    # the site's unique visitors per day (0109): written by `analytics ingest` as the owner, no delete
    table(
        "analytics_daily_visitors",
        lambda w: {"author_id": alice(w), "date": date.today() - timedelta(days=700), "unique_visitors": 1},
        ("unique_visitors", 999_999),
        owner="siu",
        service="siu",
        row="daily_visitors",
        move=("author_id", bob),
        upsert=False,
    ),
    table(
        "ai_generation_logs",
        lambda w: {"user_id": alice(w), "success": False, "tokens_used": 5},
        ("tokens_used", 0),
        owner="si",
        move=("user_id", bob),
    ),
    table(
        "image_assets",
        lambda w: {"url": "https://img.example/new.png", "created_by": alice(w), "blog_id": w.ids["blog"]},
        ("url", "https://evil.example/x.png"),
        **OWNER_ONLY,
        move=("created_by", bob),
    ),
    table(
        "activities",
        lambda w: {"user_id": alice(w), "type": "note", "title": "t", "description": "d", "blog_id": w.ids["blog"]},
        ("title", "Rewritten"),
        **OWNER_ONLY,
        move=("user_id", bob),
    ),
    # system (0004)
    table(
        "maintenance_schedules",
        lambda w: {"title": "Window", "start_time": "2030-01-01T00:00Z", "end_time": "2030-01-01T01:00Z"},
        ("title", "Changed"),
        owner="s",
        other="s",
        admin="siud",
        row="maintenance",
    ),
    table(
        "user_notifications",
        lambda w: {"user_id": alice(w), "type": "security", "title": "Injected"},
        ("read", True),
        owner="su",
        row="notification",
        move=("user_id", bob),
        upsert=False,
    ),
    table(
        "documentation_categories",
        lambda w: {"name": "New", "slug": uniq("cat")},
        ("name", "Changed"),
        owner="s",
        other="s",
        admin="siud",
        row="doc_category",
    ),
    table(
        "documentation_pages",
        lambda w: {"title": "New", "slug": uniq("page")},
        ("title", "Changed"),
        owner="s",
        other="s",
        admin="siud",
        row="doc_page",
    ),
    table(
        "documentation_revisions",
        lambda w: {"page_id": w.ids["doc_page"], "version": "9"},
        ("version", "forged"),
        admin="s",
        service="s",
        row="doc_revision",
    ),
    table(
        "feature_flags",
        lambda w: {"name": uniq("flag")},
        ("enabled", True),
        owner="s",
        other="s",
        admin="siud",
        row="flag",
    ),
    table(
        "feature_flag_logs",
        lambda w: {"action": "created", "flag_id": w.ids["flag"]},
        ("changed_by", None),
        admin="s",
        service="s",
        row="flag_log",
    ),
    table("chatbot_intents", lambda w: {"name": uniq("intent")}, ("description", "x"), admin="siud", row="intent"),
    table(
        "chatbot_conversations",
        lambda w: {"user_id": alice(w)},
        ("feedback", "great"),
        owner="siu",
        row="conversation",
        move=("user_id", bob),
    ),
    table(
        "chatbot_messages",
        lambda w: {"conversation_id": w.ids["conversation"], "role": "user", "content": "hi"},
        ("content", "rewritten"),
        owner="si",
        row="message",
        move=("conversation_id", lambda w: w.ids["bob_conversation"]),
        upsert=False,
    ),
    table(
        "chatbot_analytics",
        lambda w: {"date": date.today() - timedelta(days=100)},
        ("total_conversations", 1_000),
        admin="s",
    ),
    # extended (0005)
    table(
        "blog_ideas",
        lambda w: {"user_id": alice(w), "title": "Idea"},
        ("title", "x"),
        **OWNER_ONLY,
        move=("user_id", bob),
    ),
    table(
        "writers_block_sessions",
        lambda w: {"user_id": alice(w), "blog_id": w.ids["blog"]},
        ("content_fragment", "x"),
        **OWNER_ONLY,
        move=("user_id", bob),
    ),
    table(
        "voice_recordings",
        lambda w: {"user_id": alice(w), "file_path": "a.wav"},
        ("transcription_text", "x"),
        **OWNER_ONLY,
        move=("user_id", bob),
    ),
    table(
        "research_sources",
        lambda w: {"user_id": alice(w), "title": "Source"},
        ("title", "x"),
        **OWNER_ONLY,
        move=("user_id", bob),
    ),
    table(
        "social_media_profiles",
        lambda w: {"user_id": alice(w), "platform": "twitter", "access_token": "keyring:blogster/twitter/a"},
        ("profile_name", "x"),
        **OWNER_ONLY,
        row="social_profile",
        move=("user_id", bob),
    ),
    table(
        "social_media_posts",
        lambda w: {"blog_id": w.ids["blog"], "social_profile_id": w.ids["social_profile"], "content": "post"},
        ("content", "x"),
        **OWNER_ONLY,
        move=BLOG_MOVE,
    ),
    table(
        "email_newsletters",
        lambda w: {"user_id": alice(w), "title": "News", "blog_ids": [w.ids["blog"]]},
        ("subject_line", "x"),
        **OWNER_ONLY,
        move=("user_id", bob),
    ),
    table(
        "platform_republishing",
        # One copy per post and platform (0022): the world's row is medium, the tests' inserts linkedin.
        lambda w: {"blog_id": w.ids["blog"], "platform": "linkedin" if "platform_republishing" in w.ids else "medium"},
        ("platform_url", "https://x.example"),
        **OWNER_ONLY,
        move=BLOG_MOVE,
    ),
    # distribution (0022): subscribers are the owner's; the send ledger is append-only
    table(
        "newsletter_subscribers",
        lambda w: {"user_id": alice(w), "email": uniq("reader") + "@example.com"},
        ("name", "x"),
        **OWNER_ONLY,
        move=("user_id", bob),
    ),
    table(
        "newsletter_deliveries",
        lambda w: {
            "user_id": alice(w),
            "newsletter_id": w.ids["email_newsletters"],
            "email": uniq("reader") + "@example.com",
            "outcome": "sent",
            "message_id": "<m@x>",
        },  # fmt: skip
        ("error", "x"),
        owner="si",
        move=("user_id", bob),
    ),
    table(
        "keyword_research",
        lambda w: {"user_id": alice(w), "keyword": uniq("rls")},  # one row per account and keyword (0209)
        ("keyword", "x"),
        **OWNER_ONLY,
        row="keyword",
        move=("user_id", bob),
    ),
    table(
        "content_freshness",
        lambda w: {"blog_id": w.ids["blog"]},
        ("freshness_score", 0.1),
        **OWNER_ONLY,
        move=BLOG_MOVE,
    ),
    table(
        "serp_positions",
        # search_locale differs per row: a post, keyword, day, engine, device and locale is unique (0045)
        lambda w: {
            "blog_id": w.ids["blog"],
            "keyword_id": w.ids["keyword"],
            "rank_position": 3,
            "search_locale": uniq(),
        },
        ("rank_position", 1),
        **OWNER_ONLY,
        move=BLOG_MOVE,
    ),
    table(
        "competitor_content",
        lambda w: {
            "user_id": alice(w),
            "competitor_domain": "rival.example",
            "content_url": f"https://rival.example/{uniq()}",
        },
        ("title", "x"),
        **OWNER_ONLY,
        move=("user_id", bob),
    ),
    table(
        "reader_profiles",
        lambda w: {"user_id": alice(w), "segment_name": f"Devs {uniq()}"},  # unique per account (0045)
        ("segment_name", "x"),
        **OWNER_ONLY,
        move=("user_id", bob),
    ),
    table(
        "content_calendar",
        lambda w: {"user_id": alice(w), "title": "Plan", "scheduled_date": date.today()},
        ("title", "x"),
        **OWNER_ONLY,
        move=("user_id", bob),
    ),
    table(
        "interactive_content",
        lambda w: {"user_id": alice(w), "content_type": "quiz", "title": "Quiz"},
        ("title", "x"),
        **OWNER_ONLY,
        move=("user_id", bob),
    ),
    table(
        "team_collaboration",
        lambda w: {"blog_id": w.ids["blog"], "role": "editor", "assigned_by": alice(w)},
        ("due_date", date.today() + timedelta(days=30)),  # status moves through review_act only (0107)
        **OWNER_ONLY,
        move=BLOG_MOVE,
    ),
    table(
        "content_monetization",
        lambda w: {"user_id": alice(w), "monetization_type": "affiliate", "reference_id": uniq()},  # unique (0045)
        ("revenue", 1e6),
        **OWNER_ONLY,
        move=("user_id", bob),
    ),
    # auth: no user role and no worker touches these directly
    table(
        "auth.users",
        lambda w: {"email": f"{uniq()}@example.com"},
        ("email", "stolen@example.com"),
        service="",
        row="alice_user",
        upsert=False,
    ),
    table(
        "auth.sessions",
        lambda w: {"user_id": alice(w), "token_hash": uuid.uuid4().bytes, "expires_at": "2030-01-01T00:00Z"},
        ("revoked_at", None),
        service="",
        row="session",
        upsert=False,
    ),
    # folder sync (0051): owner-only; workers have no business with it
    table(
        "sync_folders",
        lambda w: {"owner_id": alice(w), "folder": f"/home/alice/{uniq('site')}", "dialect": "hugo"},
        ("dialect", "zola"),
        **OWNER_ONLY,
        service="",
        move=("owner_id", bob),
    ),
    table(
        "sync_files",
        lambda w: {
            "folder_id": w.ids["sync_folders"],
            "owner_id": alice(w),
            "path": f"{uniq('post')}.md",
            "blog_id": w.ids["blog"],
            "file_sha256": "0" * 64,
            "post_version": "v",
        },  # fmt: skip
        ("file_sha256", "1" * 64),
        **OWNER_ONLY,
        service="",
        move=BLOG_MOVE,
    ),
]
PARTITIONED = ("user_notifications", "chatbot_messages")
PARTITION_TABLES = [
    Table(f"{t.name}@partition", t.insert, t.update, t.allowed, row=t.key, partition_of=t.name)
    for t in TABLES
    if t.name in PARTITIONED
]
ALL = TABLES + PARTITION_TABLES


def test_the_matrix_covers_every_table_in_the_catalog(world):
    with world.db.connect() as conn:
        catalog = {
            name
            for (name,) in conn.execute(
                "select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                " where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition"
            )
        }
        partitioned = {
            parent
            for (parent,) in conn.execute(
                "select i.inhparent::regclass::text from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                " where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')"
            )
        }
    covered = {t.name for t in TABLES if "." not in t.name}
    assert len(catalog) == 51
    assert catalog == covered
    assert partitioned == set(PARTITIONED) == {t.partition_of for t in PARTITION_TABLES}


# -- the populated database ------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(server_conninfo: str, template_database: str) -> Iterator[World]:
    name = f"blogster_test_matrix_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create database {} template {} strategy file_copy").format(
                sql.Identifier(name), sql.Identifier(template_database)
            )
        )
    db = Database(make_conninfo(server_conninfo, dbname=name))
    try:
        yield populate(db)
    finally:
        with psycopg.connect(server_conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def populate(db: Database) -> World:
    with db.connect() as su:
        users, roles = {}, {"service": "service_role", "anon": "anon"}
        for person, actor, admin in (("alice", "owner", False), ("bob", "other", False), ("carol", "admin", True)):
            user_id = accounts.insert_user(
                su, email=f"{person}-{uuid.uuid4().hex[:6]}@example.com", password_hash=None, metadata={}
            )
            accounts.create_role(su, role_name="u_" + user_id.hex)
            if admin:
                accounts.set_admin(su, role_name="u_" + user_id.hex, admin=True)
            users[person], roles[actor] = user_id, "u_" + user_id.hex
        # zed: an account with none of its per-account rows, for insert attempts
        zed = accounts.insert_user(su, email=f"zed-{uuid.uuid4().hex[:6]}@example.com", password_hash=None, metadata={})
        for t in ("profiles", "user_subscriptions", "user_notification_preferences", "subdomain_settings"):
            su.execute(f"delete from {t} where {'id' if t == 'profiles' else 'user_id'} = %s", (zed,))
        users["zed"] = zed
        w = World(db, roles, users)
        a, b = users["alice"], users["bob"]

        def one(query, *args):
            return su.execute(query, args).fetchone()[0]

        ids = w.ids
        ids["alice_user"] = a
        ids["session"] = one(
            "insert into auth.sessions (user_id, token_hash, expires_at) values (%s, %s, now() + interval '1 day') returning id",
            a,
            b"\x01" * 32,
        )
        for t in ("profiles", "user_subscriptions", "subdomain_settings", "user_notification_preferences"):
            ids[t] = one(f"select id from {t} where {'id' if t == 'profiles' else 'user_id'} = %s", a)
        ids["persona"] = one("insert into personas (name, owner_id) values ('Alice persona', %s) returning id", a)
        ids["personas"] = ids["persona"]
        ids["template_persona"] = TEMPLATE_PERSONA
        ids["blog_template"] = SYSTEM_TEMPLATE
        ids["blog"] = one(
            "insert into blogs (title, slug, author_id, content, persona_id) values ('Draft', 'draft', %s, %s, %s) returning id",
            a,
            DOC,
            ids["persona"],
        )
        ids["blogs"] = ids["blog"]
        ids["blog_pub"] = one(
            "insert into blogs (title, slug, author_id, content, status, published_at)"
            " values ('Public', 'public', %s, %s, 'published', now()) returning id",
            a,
            DOC,
        )
        ids["bob_blog"] = one("insert into blogs (title, slug, author_id) values ('Bob', 'bob', %s) returning id", b)
        ids["tag"] = one("insert into blog_tags (name) values ('security') returning id")
        ids["tag2"] = one("insert into blog_tags (name) values ('postgres') returning id")
        su.execute("insert into blogs_to_tags (blog_id, tag_id) values (%s, %s)", (ids["blog"], ids["tag"]))
        ids["blog_tag_link"] = (ids["blog"], ids["tag"])
        ids["blog_revisions"] = one("select id from blog_revisions where blog_id = %s", ids["blog"])
        ids["blog_analytics"] = one(
            "insert into blog_analytics (blog_id, date, views) values (%s, current_date, 10) returning id", ids["blog"]
        )
        ids["daily_totals"] = a  # the blog_analytics row above made Alice's total for today
        ids["ingest_lock"] = a
        ids["daily_visitors"] = a
        su.execute(
            "insert into analytics_daily_visitors (author_id, date, unique_visitors) values (%s, current_date, 3)", (a,)
        )
        su.execute("insert into analytics_ingest_locks (author_id) values (%s)", (a,))
        ids["ai_generation_logs"] = one(
            "insert into ai_generation_logs (user_id, success, blog_id) values (%s, false, %s) returning id",
            a,
            ids["blog"],
        )
        ids["image_assets"] = one(
            "insert into image_assets (url, created_by, blog_id) values ('https://img.example/a.png', %s, %s) returning id",
            a,
            ids["blog"],
        )
        ids["activities"] = one(
            "insert into activities (user_id, type, title, description, blog_id) values (%s, 'edit', 't', 'd', %s) returning id",
            a,
            ids["blog"],
        )
        ids["maintenance"] = one(
            "insert into maintenance_schedules (title, start_time, end_time)"
            " values ('Upgrade', now() + interval '1 day', now() + interval '2 days') returning id"
        )
        ids["notification"] = one(
            "insert into user_notifications (user_id, type, title) values (%s, 'security', 'New login') returning id", a
        )
        ids["doc_category"] = one(
            "insert into documentation_categories (name, slug) values ('Guides', 'guides') returning id"
        )
        ids["doc_page"] = one(
            "insert into documentation_pages (title, slug, status, category_id) values ('Start', 'start', 'published', %s) returning id",
            ids["doc_category"],
        )
        ids["doc_revision"] = one("select id from documentation_revisions where page_id = %s", ids["doc_page"])
        ids["flag"] = one("insert into feature_flags (name) values ('beta') returning id")
        ids["flag_log"] = one("select id from feature_flag_logs where flag_id = %s", ids["flag"])
        ids["intent"] = one("insert into chatbot_intents (name) values ('billing') returning id")
        ids["conversation"] = one("insert into chatbot_conversations (user_id) values (%s) returning id", a)
        ids["bob_conversation"] = one("insert into chatbot_conversations (user_id) values (%s) returning id", b)
        ids["message"] = one(
            "insert into chatbot_messages (conversation_id, role, content) values (%s, 'user', 'hello') returning id",
            ids["conversation"],
        )
        ids["chatbot_analytics"] = one("insert into chatbot_analytics (date) values (current_date - 1) returning id")
        ids["keyword"] = one("insert into keyword_research (user_id, keyword) values (%s, 'rls') returning id", a)
        ids["bob_keyword"] = one("insert into keyword_research (user_id, keyword) values (%s, 'bob') returning id", b)
        ids["social_profile"] = one(
            "insert into social_media_profiles (user_id, platform, profile_id) values (%s, 'linkedin', 'a') returning id",
            a,
        )
        ids["bob_social_profile"] = one(
            "insert into social_media_profiles (user_id, platform, profile_id) values (%s, 'linkedin', 'b') returning id",
            b,
        )
        for t in TABLES:
            if t.key in ids or t.name.startswith("auth."):
                continue
            values = t.insert(w)
            columns = sql.SQL(", ").join(map(sql.Identifier, values))
            ids[t.key] = su.execute(
                sql.SQL("insert into {} ({}) values ({}) returning id").format(
                    sql.Identifier(t.name), columns, sql.SQL(", ").join(sql.Placeholder() * len(values))
                ),
                list(values.values()),
            ).fetchone()[0]
            ids[f"values:{t.key}"] = values
        for parent in PARTITIONED:
            ids[f"partition:{parent}"] = one(
                "select c.relname::text from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                " where i.inhparent = %s::regclass and c.relname <> %s"
                " and now() >= split_part(pg_get_expr(c.relpartbound, c.oid), '''', 2)::timestamptz"
                " and now() < split_part(pg_get_expr(c.relpartbound, c.oid), '''', 4)::timestamptz",
                f"public.{parent}",
                f"{parent}_default",
            )
    return w


# -- running an operation as an actor -----------------------------------------------------------


def ident(name: str) -> sql.Composable:
    return sql.Identifier(*name.split("."))


# Tables whose row number accounts may not read (0103): their row is named by other columns.
NAMED_WITHOUT_ID = {
    "analytics_ingest_ranges": ("author_id", "file_key", "start_offset"),
    "analytics_page_views": ("author_id", "blog_id", "visitor", "viewed_at"),
}
# Tables whose columns accounts read only in part: a select names those (0210: a flag's conditions
# and creator are closed to accounts, tests/security/test_flag_rule_attacks.py).
READ_IN_PART = {"feature_flags": ("id", "name", "enabled")}


def where_row(t: Table, w: World) -> tuple[sql.Composable, list]:
    if t.name in NAMED_WITHOUT_ID:
        columns, values = NAMED_WITHOUT_ID[t.name], w.ids[f"values:{t.key}"]
        condition = sql.SQL(" and ").join(sql.SQL("{} = %s").format(sql.Identifier(c)) for c in columns)
        return condition, [values[c] for c in columns]
    if t.name == "blogs_to_tags":
        return sql.SQL("blog_id = %s and tag_id = %s"), list(w.ids[t.key])
    if t.name in ("blog_analytics_daily_totals", "analytics_daily_visitors"):
        return sql.SQL("author_id = %s and date = current_date"), [w.ids[t.key]]
    if t.name == "analytics_ingest_locks":
        return sql.SQL("author_id = %s"), [w.ids[t.key]]
    return sql.SQL("id = %s"), [w.ids[t.key]]


def run_as(w: World, role: str, statement: sql.Composable, params: list, *, commit: bool) -> str:
    """'ok:<n>' (rows seen or affected), 'denied' (42501) or 'error:<sqlstate>'."""
    with w.db.connect() as conn:
        try:
            with acting_transaction(conn, role):
                cur = conn.execute(statement, params)
                count = len(cur.fetchall()) if cur.description is not None else cur.rowcount
                if not commit:
                    raise psycopg.Rollback()
        except psycopg.errors.InsufficientPrivilege:
            return "denied"
        except psycopg.Error as exc:
            return f"error:{exc.sqlstate}"
    return f"ok:{count}"


def statement_for(op: str, t: Table, w: World, actor: str = "service") -> tuple[sql.Composable, list]:
    """The statement an actor runs: users delete through the definer functions (they hold
    no DELETE privilege, so they cannot LOCK a table); the worker deletes directly."""
    rel = ident(t.relation(w))
    where, params = where_row(t, w) if op != "insert" else (None, [])
    if op == "select":
        named = NAMED_WITHOUT_ID.get(t.name) or READ_IN_PART.get(t.name)
        shown = sql.SQL(", ").join(map(sql.Identifier, named)) if named else sql.SQL("*")
        return sql.SQL("select {} from {} where {}").format(shown, rel, where), params
    if op == "delete" and actor != "service" and t.name == "blogs_to_tags":
        return sql.SQL(
            "select n from public.unlink_blog_tags(array[%s]::uuid[], array[%s]::uuid[]) n where n > 0"
        ), params
    if op == "delete" and actor != "service":
        return sql.SQL("select * from public.delete_rows(%s::regclass, array[%s]::uuid[])"), [t.relation(w), *params]
    if op == "delete":
        return sql.SQL("delete from {} where {}").format(rel, where), params
    if op == "update":
        column, value = t.update
        if column == "tag_id":
            value = w.ids["tag2"]
        return sql.SQL("update {} set {} = %s where {}").format(rel, sql.Identifier(column), where), [value, *params]
    values = t.insert(w)
    return (
        sql.SQL("insert into {} ({}) values ({})").format(
            rel, sql.SQL(", ").join(map(sql.Identifier, values)), sql.SQL(", ").join(sql.Placeholder() * len(values))
        ),
        list(values.values()),
    )


def snapshot(w: World, t: Table) -> tuple:
    with w.db.connect() as su:
        rel = ident(t.name.split("@")[0])
        where, params = where_row(t, w)
        row = su.execute(sql.SQL("select to_jsonb(x) from {} x where {}").format(rel, where), params).fetchone()
        count = su.execute(sql.SQL("select count(*) from {}").format(rel)).fetchone()[0]
    return row, count


@pytest.mark.parametrize("t", ALL, ids=lambda t: t.name + ("[template]" if t.key == "template_persona" else ""))
def test_each_actor_can_do_exactly_what_the_policies_allow(world, t):
    before = snapshot(world, t)
    problems = []
    for actor in ACTORS:
        for op in OPS:
            expected = op[0] in t.allowed[actor]
            statement, params = statement_for(op, t, world, actor)
            outcome = run_as(world, world.roles[actor], statement, params, commit=not expected)
            succeeded = outcome.startswith("ok:") and outcome != "ok:0"
            if succeeded != expected:
                problems.append(f"{actor} {op}: expected {'success' if expected else 'failure'}, got {outcome}")
            if not expected and snapshot(world, t) != before:
                problems.append(f"{actor} {op}: data changed although the operation should have failed")
                return pytest.fail("\n".join(problems))
    assert not problems, "\n".join(problems)


MOVABLE = [t for t in TABLES if t.move]


@pytest.mark.parametrize("t", MOVABLE, ids=lambda t: t.name)
@pytest.mark.parametrize("returning", [False, True], ids=["plain", "returning"])
def test_the_owner_cannot_move_a_row_to_another_owner(world, t, returning):
    before = snapshot(world, t)
    column, other_value = t.move
    where, params = where_row(t, world)
    statement = sql.SQL("update {} set {} = %s where {}{}").format(
        ident(t.name), sql.Identifier(column), where, sql.SQL(" returning *" if returning else "")
    )
    outcome = run_as(world, world.roles["owner"], statement, [other_value(world), *params], commit=True)
    # An assignment keeps its post: 0071's trigger refuses the move before the policy's check.
    refusals = ("denied", "ok:0", "error:23514") if t.name == "team_collaboration" else ("denied", "ok:0")
    assert outcome in refusals
    assert snapshot(world, t) == before


def test_republishing_a_published_blog_as_another_user_fails(world):
    """Checklist 14: B reads A's published post but cannot update, unpublish or delete it; anon only reads it."""
    blog = world.ids["blog_pub"]
    t = Table("blogs", TABLES[4].insert, ("title", "x"), {}, row="blog_pub")
    before = snapshot(world, t)
    for actor in ("other", "admin", "anon"):
        role = world.roles[actor]
        seen = run_as(world, role, sql.SQL("select id from blogs where id = %s"), [blog], commit=True)
        assert seen == "ok:1", actor
        for statement in (
            "update blogs set title = 'Defaced' where id = %s",
            "update blogs set status = 'draft' where id = %s",
            "delete from blogs where id = %s",
            "select * from public.delete_rows('public.blogs', array[%s]::uuid[])",
        ):
            assert run_as(world, role, sql.SQL(statement), [blog], commit=True) in ("denied", "ok:0"), (
                actor,
                statement,
            )
    assert snapshot(world, t) == before
    # Drafts and trashed posts are invisible to others.
    for actor in ("other", "anon"):
        hidden = run_as(
            world, world.roles[actor], sql.SQL("select id from blogs where id = %s"), [world.ids["blog"]], commit=True
        )
        assert hidden == "ok:0"


UPSERTABLE = [t for t in TABLES if t.upsert and not t.name.startswith("auth.")]


@pytest.mark.parametrize("t", UPSERTABLE, ids=lambda t: t.name + ("[template]" if t.key == "template_persona" else ""))
def test_upserting_onto_another_users_row_fails(world, t):
    """Checklist 18: INSERT ... ON CONFLICT (id) DO UPDATE onto A's key, by B, changes nothing."""
    before = snapshot(world, t)
    values = {"id": world.ids[t.key], **t.insert(world)}
    column, value = t.update
    columns = sql.SQL(", ").join(map(sql.Identifier, values))
    placeholders = sql.SQL(", ").join(sql.Placeholder() * len(values))
    do_update = sql.SQL("insert into {} ({}) values ({}) on conflict (id) do update set {} = %s returning id").format(
        ident(t.name), columns, placeholders, sql.Identifier(column)
    )
    do_nothing = sql.SQL("insert into {} ({}) values ({}) on conflict do nothing returning id").format(
        ident(t.name), columns, placeholders
    )
    bob_role = world.roles["other"]
    outcome = run_as(world, bob_role, do_update, [*values.values(), value], commit=True)
    assert outcome == "denied", outcome
    outcome = run_as(world, bob_role, do_nothing, list(values.values()), commit=True)
    assert outcome in ("denied", "ok:0"), outcome
    assert snapshot(world, t) == before


# Child rows that point at a parent Bob cannot see (or does not own): each must fail.
CHILD_ATTACKS = [
    ("blogs", lambda w: {"author_id": bob(w), "title": "t", "slug": uniq(), "persona_id": w.ids["persona"]}),
    ("blogs_to_tags", lambda w: {"blog_id": w.ids["blog"], "tag_id": w.ids["tag2"]}),
    ("blogs_to_tags", lambda w: {"blog_id": w.ids["blog_pub"], "tag_id": w.ids["tag2"]}),
    ("blogs_to_tags", lambda w: {"blog_id": w.ids["blog"], "tag_id": w.ids["tag2"], "author_id": bob(w)}),
    ("image_assets", lambda w: {"url": "https://x.example/a.png", "created_by": bob(w), "blog_id": w.ids["blog"]}),
    (
        "activities",
        lambda w: {"user_id": bob(w), "type": "t", "title": "t", "description": "d", "blog_id": w.ids["blog"]},
    ),
    ("ai_generation_logs", lambda w: {"user_id": bob(w), "blog_id": w.ids["blog"]}),
    ("ai_generation_logs", lambda w: {"user_id": bob(w), "persona_id": w.ids["persona"]}),
    ("chatbot_messages", lambda w: {"conversation_id": w.ids["conversation"], "role": "user", "content": "x"}),
    ("blog_ideas", lambda w: {"user_id": bob(w), "title": "t", "blog_id": w.ids["blog"]}),
    ("writers_block_sessions", lambda w: {"user_id": bob(w), "blog_id": w.ids["blog"]}),
    ("voice_recordings", lambda w: {"user_id": bob(w), "blog_id": w.ids["blog"]}),
    ("research_sources", lambda w: {"user_id": bob(w), "blog_id": w.ids["blog"]}),
    ("keyword_research", lambda w: {"user_id": bob(w), "keyword": "k", "blog_id": w.ids["blog"]}),
    ("content_calendar", lambda w: {"user_id": bob(w), "blog_id": w.ids["blog"]}),
    ("interactive_content", lambda w: {"user_id": bob(w), "content_type": "poll", "blog_id": w.ids["blog"]}),
    ("content_monetization", lambda w: {"user_id": bob(w), "monetization_type": "paywall", "blog_id": w.ids["blog"]}),
    ("email_newsletters", lambda w: {"user_id": bob(w), "blog_ids": [w.ids["bob_blog"], w.ids["blog"]]}),
    (
        "newsletter_deliveries",
        lambda w: {
            "user_id": bob(w),
            "newsletter_id": w.ids["email_newsletters"],
            "email": "x@example.com",
            "outcome": "sent",
            "message_id": "<m@x>",
        },  # fmt: skip
    ),
    ("content_freshness", lambda w: {"blog_id": w.ids["blog"]}),
    ("platform_republishing", lambda w: {"blog_id": w.ids["blog"], "platform": "dev_to"}),
    ("platform_republishing", lambda w: {"blog_id": w.ids["blog"], "author_id": bob(w), "platform": "dev_to"}),
    ("team_collaboration", lambda w: {"blog_id": w.ids["blog"], "role": "editor", "assigned_by": bob(w)}),
    ("serp_positions", lambda w: {"blog_id": w.ids["bob_blog"], "keyword_id": w.ids["keyword"]}),
    ("serp_positions", lambda w: {"blog_id": w.ids["blog"], "keyword_id": w.ids["bob_keyword"]}),
    (
        "social_media_posts",
        lambda w: {"blog_id": w.ids["bob_blog"], "social_profile_id": w.ids["social_profile"]},
    ),
    (
        "social_media_posts",
        lambda w: {"blog_id": w.ids["blog"], "social_profile_id": w.ids["bob_social_profile"]},
    ),
    (
        "social_media_posts",
        lambda w: {"blog_id": w.ids["blog"], "author_id": bob(w), "social_profile_id": w.ids["bob_social_profile"]},
    ),
]


@pytest.mark.parametrize(("name", "values"), CHILD_ATTACKS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CHILD_ATTACKS)])
def test_child_rows_cannot_point_at_someone_elses_parent(world, name, values):
    t = Table(name, values, ("id", None), {})
    with world.db.connect() as su:
        count = su.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(name))).fetchone()[0]
    statement, params = statement_for("insert", t, world)
    assert run_as(world, world.roles["other"], statement, params, commit=True) == "denied"
    with world.db.connect() as su:
        assert su.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(name))).fetchone()[0] == count


def test_an_insert_without_owner_defaults_to_the_actor(world):
    """Checklist 13: a row inserted without user_id belongs to whoever inserted it."""
    for name, values in (
        ("blogs", {"title": "Defaulted", "slug": uniq("d")}),
        ("personas", {"name": "Defaulted"}),
        ("blog_ideas", {"title": "Defaulted"}),
        ("chatbot_conversations", {}),
        ("ai_generation_logs", {"success": False}),
    ):
        owner_column = {"blogs": "author_id", "personas": "owner_id"}.get(name, "user_id")
        columns = sql.SQL(", ").join(map(sql.Identifier, values))
        statement = (
            sql.SQL("insert into {} ({}) values ({}) returning {}").format(
                sql.Identifier(name),
                columns,
                sql.SQL(", ").join(sql.Placeholder() * len(values)),
                sql.Identifier(owner_column),
            )
            if values
            else sql.SQL("insert into {} default values returning {}").format(
                sql.Identifier(name), sql.Identifier(owner_column)
            )
        )
        with world.db.connect() as conn, acting_transaction(conn, world.roles["owner"]):
            assert conn.execute(statement, list(values.values())).fetchone()[0] == world.users["alice"], name
            raise psycopg.Rollback()


def test_users_cannot_grant_themselves_rights(world):
    """Checklist 16: credits, tier, verified domains, subdomain owner and admin status are out of reach.

    (Switching role from inside a unit of work is covered by test_login_roles: on the embedded
    server the session user is the superuser, and the boundary there is that no CLI path runs
    user-supplied SQL.)
    """
    attempts = [
        "update user_subscriptions set credits_remaining = 1000",
        "update user_subscriptions set subscription_tier = 'team'",
        "update subdomain_settings set is_custom_domain_verified = true",
        "update subdomain_settings set user_id = %(bob)s",
        "update profiles set id = %(bob)s",
        "update personas set template = true",
        "insert into personas (name, template) values ('Sneaky', true)",
        "grant blogster_admin to current_user",
        "insert into user_notifications (user_id, type, title) values (%(alice)s, 'security', 'x')",
        "insert into blog_revisions (blog_id, revision_number) values (%(blog)s, 77)",
        "update blogs set word_count = 100000",
        "update blogs set author_id = %(bob)s",
        "insert into chatbot_conversations (user_id, initial_intent) values (%(alice)s, %(intent)s)",
        "update chatbot_conversations set user_id = %(bob)s",
        "update user_notifications set user_id = %(bob)s",
        "update user_notifications set delivery_status = 'sent', delivery_error = null",
        "insert into feature_flag_logs (action) values ('created')",
        "select * from procrastinate.procrastinate_jobs",
        "select procrastinate.procrastinate_defer_jobs_v1(array[]::procrastinate.procrastinate_job_to_defer_v1[])",
        "select internal.ensure_partitions(1)",
        "truncate blogs",
    ]
    params = {
        "alice": world.users["alice"],
        "bob": world.users["bob"],
        "blog": world.ids["blog"],
        "intent": world.ids["intent"],
    }
    with world.db.connect() as su:
        before = su.execute(
            "select (select to_jsonb(s) from user_subscriptions s where user_id = %(alice)s),"
            " (select to_jsonb(d) from subdomain_settings d where user_id = %(alice)s),"
            " pg_has_role(%(role)s, 'blogster_admin', 'member')",
            params | {"role": world.roles["owner"]},
        ).fetchone()
    for statement in attempts:
        outcome = run_as(world, world.roles["owner"], sql.SQL(statement), params, commit=True)  # type: ignore[arg-type]
        assert outcome in ("denied", "ok:0"), (statement, outcome)
    with world.db.connect() as su:
        after = su.execute(
            "select (select to_jsonb(s) from user_subscriptions s where user_id = %(alice)s),"
            " (select to_jsonb(d) from subdomain_settings d where user_id = %(alice)s),"
            " pg_has_role(%(role)s, 'blogster_admin', 'member')",
            params | {"role": world.roles["owner"]},
        ).fetchone()
    assert after == before


def test_anon_sees_only_public_content(world):
    """Checklist 5: anon gets published blogs, templates, tags and their links; nothing else."""
    readable = {"blogs", "blog_templates", "blog_tags", "blogs_to_tags", "image_assets"}
    with world.db.connect() as su:
        tables = [
            name
            for (name,) in su.execute(
                "select c.relname::text from pg_class c where c.relnamespace = 'public'::regnamespace"
                " and c.relkind in ('r', 'p', 'v')"
            )
        ]
    for name in tables:
        outcome = run_as(
            world, "anon", sql.SQL("select count(*) from {}").format(sql.Identifier(name)), [], commit=True
        )
        if name in readable:
            assert outcome == "ok:1", name
        else:
            assert outcome == "denied", name
    blogs = run_as(world, "anon", sql.SQL("select id from blogs"), [], commit=True)
    assert blogs == "ok:1"  # only the published one


def test_tag_links_are_visible_with_their_blog(db, make_user, superuser):
    """Links carry their blog's author for the owner's fast path; others see them only
    while the blog is published and not trashed."""
    alice, bob = make_user(), make_user()
    with db.connect() as conn, acting_transaction(conn, alice.role_name):
        published, draft = (
            conn.execute(
                "insert into blogs (title, slug, status) values (%s, %s, %s) returning id", (title, title, status)
            ).fetchone()[0]
            for title, status in (("out", "published"), ("in-progress", "draft"))
        )
        # A new tag is not readable until it is on a visible post: its id comes from tag_ids (0013).
        tag = conn.execute("select id from public.tag_ids(array[%s])", (uniq("tag"),)).fetchone()[0]
        conn.execute(
            "insert into blogs_to_tags (blog_id, tag_id) values (%s, %s), (%s, %s)", (published, tag, draft, tag)
        )

    def links_seen_by(actor) -> set:
        with db.connect() as conn, acting_transaction(conn, actor.role_name):
            return {row[0] for row in conn.execute("select blog_id from blogs_to_tags where tag_id = %s", (tag,))}

    assert links_seen_by(alice) == {published, draft}
    assert links_seen_by(bob) == {published}
    superuser.execute("update blogs set deleted_at = now() where id = %s", (published,))
    assert links_seen_by(bob) == set()
    assert links_seen_by(alice) == {published, draft}
