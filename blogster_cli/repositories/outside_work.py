"""What a restore carries over from the database it replaces: the records of work done outside
(mails, remote posts) since the backup, so that none of it is done again.

The backup's rows say a newsletter is due, a post has no copy on a platform, a social post is
scheduled, a notification is unmailed; the database being replaced knows they were done since.
`hold` stops more such work there (its tables locked until the restore's swap ends the session),
`read` takes its records as JSON (each row whole, `to_jsonb`, so an older schema reads too) and
`write` adds them to the restored copy by their ids, each only where the copy has what it
belongs to (the newsletter, the post, the account), of the same account, and lacks it:

  newsletter_deliveries   who was mailed or refused, with the Message-ID (a re-send skips them),
                          and the newsletter's send state with them (status, count, audience)
  deleted_newsletters     a newsletter deleted after it mailed (how many, when; not whom: its
                          deliveries went with it): the backup's copy comes back sent, not due
  newsletter_sends        the mails of the last 24 hours, which count towards the daily limit
  platform_republishing   a cross-post's remote id, URL and site (the next crosspost updates it)
  deleted_crossposts      the same, of a copy deleted since (its post purged: db/migrations/0183)
  social_media_posts      a social post posted since, with its remote id
  deleted_social_posts    the same, of a social post deleted since (0183): the backup's is not posted again
  email_deliveries        notification emails mailed (the worker looks there before mailing)

psycopg on the administrative (superuser) connections of a restore, as backup_data: each row is
moved as data (jsonb_populate_recordset), never as SQL text, with triggers off (the rows are
final: their counts and times as they were).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from blogster_cli.db.rows import scalar

if TYPE_CHECKING:
    from datetime import datetime

    import psycopg

# Locked in this order, the tables whose row locks guard a send first (a newsletter's, a copy's,
# a social post's, a notification's), then the records: a wait for the first holds nothing else.
# (internal.deleted_newsletters, deleted_crossposts and deleted_social_posts are written as a
# newsletter, a copy or a social post is deleted, which their locks hold.)
HELD_TABLES = (
    "public.email_newsletters",
    "public.platform_republishing",
    "public.social_media_posts",
    "internal.notification_outbox",
    "public.newsletter_deliveries",
    "internal.newsletter_sends",
    "internal.email_deliveries",
)

# Each record's rows, as one jsonb array; %(since)s null reads them all.
READS = {
    "newsletter_deliveries": "select to_jsonb(d) from public.newsletter_deliveries d"
    " where %(since)s::timestamptz is null or d.sent_at >= %(since)s",
    "email_newsletters": "select to_jsonb(n) from public.email_newsletters n where n.id in"
    " (select d.newsletter_id from public.newsletter_deliveries d"
    "  where %(since)s::timestamptz is null or d.sent_at >= %(since)s)",
    "deleted_newsletters": "select to_jsonb(x) from internal.deleted_newsletters x"
    " where %(since)s::timestamptz is null or x.last_mailed_at >= %(since)s",
    "newsletter_sends": "select to_jsonb(s) from internal.newsletter_sends s"
    " where s.sent_at > pg_catalog.now() - interval '24 hours'",
    "platform_republishing": "select to_jsonb(r) from public.platform_republishing r"
    " where r.platform_post_id is not null and (%(since)s::timestamptz is null or r.updated_at >= %(since)s)",
    "deleted_crossposts": "select to_jsonb(x) || jsonb_build_object('updated_at', x.copy_updated_at)"
    " from internal.deleted_crossposts x where %(since)s::timestamptz is null or x.copy_updated_at >= %(since)s",
    "social_media_posts": "select to_jsonb(p) from public.social_media_posts p"
    " where p.post_status = 'published' and p.platform_post_id is not null"
    " and (%(since)s::timestamptz is null or p.updated_at >= %(since)s)",
    "deleted_social_posts": "select to_jsonb(x) || jsonb_build_object('updated_at', x.post_updated_at)"
    " from internal.deleted_social_posts x where %(since)s::timestamptz is null or x.post_updated_at >= %(since)s",
    "email_deliveries": "select to_jsonb(e) from internal.email_deliveries e"
    " where %(since)s::timestamptz is null or e.recorded_at >= %(since)s",
}
NEEDED = {  # the table each read needs: absent (an older schema), there is nothing of it to carry
    "newsletter_deliveries": "public.newsletter_deliveries",
    "email_newsletters": "public.newsletter_deliveries",
    "deleted_newsletters": "internal.deleted_newsletters",
    "newsletter_sends": "internal.newsletter_sends",
    "platform_republishing": "public.platform_republishing",
    "deleted_crossposts": "internal.deleted_crossposts",
    "social_media_posts": "public.social_media_posts",
    "deleted_social_posts": "internal.deleted_social_posts",
    "email_deliveries": "internal.email_deliveries",
}

WRITE_DELIVERIES = """
insert into public.newsletter_deliveries (id, user_id, newsletter_id, email, outcome, message_id, error, sent_at)
select i.id, i.user_id, i.newsletter_id, i.email, i.outcome, i.message_id, i.error, i.sent_at
from jsonb_populate_recordset(null::public.newsletter_deliveries, %s::jsonb) i
where exists (select 1 from public.email_newsletters n where n.id = i.newsletter_id and n.user_id = i.user_id)
on conflict do nothing
returning newsletter_id
"""
# The send state goes with the deliveries: the replaced database's newsletter had them.
WRITE_NEWSLETTERS = """
update public.email_newsletters n
set status = i.status, recipient_count = i.recipient_count, scheduled_time = i.scheduled_time,
    content = i.content, updated_at = i.updated_at
from jsonb_populate_recordset(null::public.email_newsletters, %s::jsonb) i
where n.id = i.id and n.user_id = i.user_id and n.id = any(%s::uuid[])
"""
# A newsletter deleted after it mailed (db/migrations/0181): the backup's copy, where its ledger
# shows fewer mails, is sent (whom it mailed went with it: a `sent` newsletter mails nobody more).
WRITE_DELETED_NEWSLETTERS = """
update public.email_newsletters n
set status = 'sent', recipient_count = greatest(n.recipient_count, i.mailed)
from jsonb_populate_recordset(null::internal.deleted_newsletters, %s::jsonb) i
where n.id = i.id and n.user_id = i.user_id and n.status <> 'sent'
  and i.mailed > (select count(*) from public.newsletter_deliveries d where d.newsletter_id = n.id and d.outcome = 'sent')
"""
# And the records themselves, so that a later restore of that backup over this copy knows them too.
WRITE_DELETED_RECORDS = """
insert into internal.deleted_newsletters as k (user_id, id, mailed, last_mailed_at, deleted_at)
select i.user_id, i.id, i.mailed, i.last_mailed_at, i.deleted_at
from jsonb_populate_recordset(null::internal.deleted_newsletters, %s::jsonb) i
where exists (select 1 from auth.users u where u.id = i.user_id)
on conflict (user_id, id) do update
set mailed = greatest(k.mailed, excluded.mailed), last_mailed_at = greatest(k.last_mailed_at, excluded.last_mailed_at),
    deleted_at = greatest(k.deleted_at, excluded.deleted_at)
"""
# The mails counted against the daily limit: each (account, time) as often as either database has
# it (the rows the backup holds are the replaced database's too: never counted twice).
WRITE_SENDS = """
with incoming as (
  select i.user_id, i.sent_at, row_number() over (partition by i.user_id, i.sent_at) as n
  from jsonb_populate_recordset(null::internal.newsletter_sends, %s::jsonb) i
), present as (
  select s.user_id, s.sent_at, row_number() over (partition by s.user_id, s.sent_at) as n
  from internal.newsletter_sends s
)
insert into internal.newsletter_sends (user_id, sent_at)
select i.user_id, i.sent_at from incoming i
where exists (select 1 from auth.users u where u.id = i.user_id)
  and not exists (select 1 from present p where (p.user_id, p.sent_at, p.n) = (i.user_id, i.sent_at, i.n))
"""
# A copy the restored one does not know, or knows without this remote id and from before; of a
# post of the same author (another account may have made a post with a deleted post's id since).
# Also run on the records of copies deleted since (internal.deleted_crossposts: the same columns, its
# copy_updated_at read as updated_at), after the live copies, so that a newer live copy of the post
# is not replaced by an older record.
WRITE_CROSSPOSTS = """
insert into public.platform_republishing as r
  (id, blog_id, author_id, platform, platform_post_id, platform_url, platform_site, canonical_url,
   publication_status, last_error, created_at, updated_at)
select i.id, i.blog_id, b.author_id, i.platform, i.platform_post_id, i.platform_url, i.platform_site,
       i.canonical_url, i.publication_status, i.last_error, i.created_at, i.updated_at
from jsonb_populate_recordset(null::public.platform_republishing, %s::jsonb) i
join public.blogs b on b.id = i.blog_id and b.author_id = i.author_id
where true
  and not exists (select 1 from public.platform_republishing o where o.id = i.id
                  and (o.blog_id, o.platform) <> (i.blog_id, i.platform))
on conflict (blog_id, platform) do update
set platform_post_id = excluded.platform_post_id, platform_url = excluded.platform_url,
    platform_site = excluded.platform_site, canonical_url = excluded.canonical_url,
    publication_status = excluded.publication_status, last_error = excluded.last_error,
    updated_at = excluded.updated_at
where r.platform_post_id is null
   or (r.platform_post_id is distinct from excluded.platform_post_id and r.updated_at < excluded.updated_at)
"""
# The same account's social post (another may have made one with a deleted post's id since); also
# run on the records of social posts deleted since (internal.deleted_social_posts: the same columns,
# its post_updated_at read as updated_at).
WRITE_SOCIAL_POSTS = """
update public.social_media_posts p
set post_status = i.post_status, platform_post_id = i.platform_post_id, error = i.error, updated_at = i.updated_at
from jsonb_populate_recordset(null::public.social_media_posts, %s::jsonb) i
where p.id = i.id and p.author_id = i.author_id
  and (p.platform_post_id is null
       or (p.platform_post_id is distinct from i.platform_post_id and p.updated_at < i.updated_at))
"""
# The records of copies and social posts deleted since, themselves, for a later restore of that
# backup over this copy (the newer where both have one).
WRITE_DELETED_CROSSPOST_RECORDS = """
insert into internal.deleted_crossposts as k
  (author_id, blog_id, platform, id, platform_post_id, platform_url, platform_site, canonical_url,
   publication_status, last_error, created_at, copy_updated_at, deleted_at)
select i.author_id, i.blog_id, i.platform, i.id, i.platform_post_id, i.platform_url, i.platform_site,
       i.canonical_url, i.publication_status, i.last_error, i.created_at, i.copy_updated_at, i.deleted_at
from jsonb_populate_recordset(null::internal.deleted_crossposts, %s::jsonb) i
where exists (select 1 from auth.users u where u.id = i.author_id)
on conflict (author_id, blog_id, platform) do update
set id = excluded.id, platform_post_id = excluded.platform_post_id, platform_url = excluded.platform_url,
    platform_site = excluded.platform_site, canonical_url = excluded.canonical_url,
    publication_status = excluded.publication_status, last_error = excluded.last_error,
    created_at = excluded.created_at, copy_updated_at = excluded.copy_updated_at, deleted_at = excluded.deleted_at
where k.copy_updated_at < excluded.copy_updated_at
"""
WRITE_DELETED_SOCIAL_RECORDS = """
insert into internal.deleted_social_posts as k (author_id, id, post_status, platform_post_id, post_updated_at, deleted_at)
select i.author_id, i.id, i.post_status, i.platform_post_id, i.post_updated_at, i.deleted_at
from jsonb_populate_recordset(null::internal.deleted_social_posts, %s::jsonb) i
where exists (select 1 from auth.users u where u.id = i.author_id)
on conflict (author_id, id) do update
set post_status = excluded.post_status, platform_post_id = excluded.platform_post_id,
    post_updated_at = excluded.post_updated_at, deleted_at = excluded.deleted_at
where k.post_updated_at < excluded.post_updated_at
"""
WRITE_EMAIL_DELIVERIES = """
insert into internal.email_deliveries (notification_id, user_id, status, error, recorded_at)
select i.notification_id, i.user_id, i.status, i.error, i.recorded_at
from jsonb_populate_recordset(null::internal.email_deliveries, %s::jsonb) i
where exists (select 1 from auth.users u where u.id = i.user_id)
on conflict do nothing
"""


@dataclass(frozen=True)
class Carried:
    """What a restore carried over from the database it replaced (counts of rows added or updated)."""

    newsletter_mails: int = 0
    """Readers mailed (or refused) since the backup: a send skips them."""
    newsletters: int = 0
    """Newsletters whose send state (sent, how far) came with those mails."""
    deleted_newsletters: int = 0
    """Newsletters deleted after they mailed (since the backup): back as sent, so they mail nobody again."""
    mails_counted: int = 0
    """Mails of the last 24 hours counted again towards their account's daily sending limit."""
    crossposts: int = 0
    """Copies on a platform (their remote id), those deleted since with their post too: the next
    crosspost updates them, none is made twice."""
    social_posts: int = 0
    """Social posts posted since the backup (deleted since too): not posted again."""
    notification_emails: int = 0
    """Notification emails mailed since the backup: not mailed again."""


def existing(conn: psycopg.Connection, tables: tuple[str, ...]) -> list[str]:
    """Which of `tables` the database has (an older schema lacks the newer ones), in their order."""
    rows = conn.execute(
        "select t.name from unnest(%s::text[]) with ordinality as t (name, at)"
        " where to_regclass(t.name) is not null order by t.at",
        (list(tables),),
    ).fetchall()
    return [name for (name,) in rows]


def hold(conn: psycopg.Connection, *, tables: list[str], wait_ms: int) -> None:
    """Locks `tables` (EXCLUSIVE: reads go on; a send's row lock, a record, waits) until the
    transaction ends, waiting at most `wait_ms` (psycopg's LockNotAvailable past it)."""
    from psycopg import sql

    conn.execute("select set_config('lock_timeout', %s, true)", (f"{wait_ms}ms",))
    targets = sql.SQL(", ").join(sql.Identifier(*name.split(".", 1)) for name in tables)
    conn.execute(sql.SQL("lock table {} in exclusive mode").format(targets))


def read(conn: psycopg.Connection, *, since: datetime | None) -> dict[str, str]:
    """Each record's rows since `since` (None: all) as a JSON array's text, by READS' names."""
    present = set(existing(conn, tuple(NEEDED.values())))
    found = {}
    for name, query in READS.items():
        if NEEDED[name] in present:
            wrapped = f"select coalesce(jsonb_agg(r.row), '[]')::text from ({query}) as r (row)"
            found[name] = scalar(conn.execute(wrapped, {"since": since}), str)
    return found


def write(conn: psycopg.Connection, records: dict[str, str]) -> Carried:
    """Adds `records` (read's) to this database, in the caller's transaction, triggers off."""
    conn.execute("set local session_replication_role = replica")
    empty = "[]"
    newsletter_ids = [row[0] for row in conn.execute(WRITE_DELIVERIES, (records.get("newsletter_deliveries", empty),))]
    mails = len(newsletter_ids)
    ids = sorted(set(newsletter_ids))
    newsletters = conn.execute(WRITE_NEWSLETTERS, (records.get("email_newsletters", empty), ids)).rowcount if ids else 0
    deleted = records.get("deleted_newsletters", empty)
    conn.execute(WRITE_DELETED_RECORDS, (deleted,))
    deleted_copies, deleted_social = (
        records.get("deleted_crossposts", empty),
        records.get("deleted_social_posts", empty),
    )
    conn.execute(WRITE_DELETED_CROSSPOST_RECORDS, (deleted_copies,))
    conn.execute(WRITE_DELETED_SOCIAL_RECORDS, (deleted_social,))
    crossposts = sum(
        conn.execute(WRITE_CROSSPOSTS, (found,)).rowcount
        for found in (records.get("platform_republishing", empty), deleted_copies)
    )
    social_posts = sum(
        conn.execute(WRITE_SOCIAL_POSTS, (found,)).rowcount
        for found in (records.get("social_media_posts", empty), deleted_social)
    )
    return Carried(
        newsletter_mails=mails,
        newsletters=newsletters,
        deleted_newsletters=conn.execute(WRITE_DELETED_NEWSLETTERS, (deleted,)).rowcount,
        mails_counted=conn.execute(WRITE_SENDS, (records.get("newsletter_sends", empty),)).rowcount,
        crossposts=crossposts,
        social_posts=social_posts,
        notification_emails=conn.execute(WRITE_EMAIL_DELIVERIES, (records.get("email_deliveries", empty),)).rowcount,
    )
