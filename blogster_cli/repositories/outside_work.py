"""What a restore carries over from the database it replaces: the records of work done outside
(mails, remote posts) since the backup, so that none of it is done again.

The backup's rows say a newsletter is due, a post has no copy on a platform, a social post is
scheduled, a notification is unmailed; the database being replaced knows they were done since.
`hold` stops more such work there (its tables locked until the restore's swap ends the session),
`carry` streams its records, row by row (COPY, only the columns the carry-over writes; a column an
older schema lacks as null), into temporary tables of the restored copy and adds them there by
their ids, each only where the copy has what it belongs to (the newsletter, the post, the
account), of the same account, and lacks it:

  newsletter_deliveries   who was mailed or refused, with the Message-ID (a re-send skips them),
                          and the newsletter's send state with them (status, count, audience)
  deleted_newsletters     a newsletter deleted after it mailed (how many, when; not whom: its
                          deliveries went with it): the backup's copy comes back sent, not due;
                          and one deleted since, mailed or not (0190): the backup's, still scheduled, is a draft
  newsletter_sends        the mails of the last 24 hours, which count towards the daily limit
  platform_republishing   a cross-post's remote id, URL and site (the next crosspost updates it)
  deleted_crossposts      the same, of a copy deleted since (its post purged: db/migrations/0183)
  social_media_posts      a social post posted since, with its remote id
  deleted_social_posts    the same, of a social post deleted since (0183): the backup's is not posted again;
                          and one deleted unposted since (0188): the backup's, still scheduled, is a draft
  email_deliveries        notification emails mailed (the worker looks there before mailing)

No record is gathered into one value (red team 48: a jsonb array of every account's rows, which
one account's could push past PostgreSQL's 256 MB, so nobody's came over), and a row that cannot be
read loses only its account's records of that kind, which `carry` names (`Carry.unread`). So does
a row the restored copy refuses (red team 49: two records of one account with one copy id broke the
copies' primary key, and with it everyone's): each kind is written in a savepoint and, when that
fails, again account by account (`Carry.unwritten`); each write also takes a repeated id once.

psycopg on the administrative (superuser) connections of a restore, as backup_data: each row is
moved as data (COPY), never as SQL text, with triggers off (the rows are final: their counts and
times as they were, cut to the restored copy's limits: db/migrations/0186, 0188).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    import psycopg
    from psycopg import sql

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


@dataclass(frozen=True)
class _Column:
    """A column a record's rows bring over, `alias` its name in the restored copy's temporary table."""

    name: str
    alias: str = ""
    cut: int | None = None
    """The length the restored copy's check allows: a longer value (a database older than 0186,
    where only an account's own SQL wrote one, or whose checks were dropped by hand) comes over cut
    to it, as 0186 cut those it held."""
    not_ahead: bool = False
    """A time an account could set ahead before 0186: read as at most the replaced database's now
    (a null stays null: `least` would make it now)."""

    def read(self, present: set[str]) -> str:
        """Its expression on the replaced database, whose table has the columns `present`."""
        if self.name not in present:
            return f"null as {self.alias or self.name}"
        value = f"x.{self.name}"
        if self.cut is not None:
            value = f"left({value}, {self.cut})"
        if self.not_ahead:
            value = f"case when {value} > pg_catalog.now() then pg_catalog.now() else {value} end"
        return f"{value} as {self.alias or self.name}"


@dataclass(frozen=True)
class _Kind:
    """One record: its table, whose each row is (`owner`), what of it comes over, which rows (since
    the backup: `%(since)s` null takes them all)."""

    table: str
    owner: str
    columns: tuple[_Column, ...]
    where: str
    needs: str = ""
    """Another table `where` reads (absent in an older schema: nothing of this kind to carry)."""


def _plain(*names: str) -> tuple[_Column, ...]:
    return tuple(_Column(name) for name in names)


_SINCE = "%(since)s::timestamptz is null or x.{} >= %(since)s"
_COPY = (
    *_plain("id", "blog_id", "author_id", "platform"),
    _Column("platform_post_id", cut=200),
    _Column("platform_url", cut=2048),
    _Column("platform_site", cut=2048),
    _Column("canonical_url", cut=8192),
    _Column("publication_status"),
    _Column("last_error", cut=1000),
    _Column("created_at", not_ahead=True),
)
KINDS = {
    # The lengths 0022 allows (a database whose checks were dropped by hand holds longer ones).
    "newsletter_deliveries": _Kind(
        "public.newsletter_deliveries",
        "user_id",
        (*_plain("id", "user_id", "newsletter_id"), _Column("email", cut=320), _Column("outcome"),
         _Column("message_id", cut=255), _Column("error", cut=1000), _Column("sent_at", not_ahead=True)),
        _SINCE.format("sent_at"),
    ),
    # Their send state: the newsletters of those deliveries (content holds the audience a send fixed;
    # one past 0188's bound, from an older database, is cut as 0188 cut those it held: WRITE_DELIVERIES).
    "email_newsletters": _Kind(
        "public.email_newsletters",
        "user_id",
        (*_plain("id", "user_id", "status", "recipient_count", "scheduled_time", "content"),
         _Column("updated_at", not_ahead=True)),
        "x.id in (select d.newsletter_id from public.newsletter_deliveries d"
        " where %(since)s::timestamptz is null or d.sent_at >= %(since)s)",
        needs="public.newsletter_deliveries",
    ),
    # Those deleted since the backup (mailed since too: a newsletter is deleted after its last mail),
    # mailed or not (0190; last_mailed_at null then).
    "deleted_newsletters": _Kind(
        "internal.deleted_newsletters",
        "user_id",
        (*_plain("user_id", "id", "mailed"), _Column("last_mailed_at", not_ahead=True),
         _Column("deleted_at", not_ahead=True)),
        _SINCE.format("deleted_at"),
    ),
    "newsletter_sends": _Kind(
        "internal.newsletter_sends", "user_id", _plain("user_id", "sent_at"),
        "x.sent_at > pg_catalog.now() - interval '24 hours'",
    ),
    "platform_republishing": _Kind(
        "public.platform_republishing",
        "author_id",
        (*_COPY, _Column("updated_at", not_ahead=True)),
        "x.platform_post_id is not null and (" + _SINCE.format("updated_at") + ")",
    ),
    # The columns named as in platform_republishing (the copy's updated_at as updated_at), with deleted_at.
    "deleted_crossposts": _Kind(
        "internal.deleted_crossposts",
        "author_id",
        (*_COPY, _Column("copy_updated_at", "updated_at", not_ahead=True), _Column("deleted_at", not_ahead=True)),
        _SINCE.format("copy_updated_at"),
    ),
    "social_media_posts": _Kind(
        "public.social_media_posts",
        "author_id",
        (*_plain("id", "author_id", "post_status"), _Column("platform_post_id", cut=200), _Column("error", cut=500),
         _Column("updated_at", not_ahead=True)),
        "x.post_status = 'published' and x.platform_post_id is not null and (" + _SINCE.format("updated_at") + ")",
    ),
    # Named as in social_media_posts (the post's updated_at as updated_at; no error), with deleted_at.
    # Those deleted since the backup, when posted too (one posted before it: the restored copy has its id).
    "deleted_social_posts": _Kind(
        "internal.deleted_social_posts",
        "author_id",
        (*_plain("id", "author_id", "post_status"), _Column("platform_post_id", cut=200),
         _Column("post_updated_at", "updated_at", not_ahead=True), _Column("deleted_at", not_ahead=True)),
        _SINCE.format("deleted_at"),
    ),
    "email_deliveries": _Kind(
        "internal.email_deliveries",
        "user_id",
        (*_plain("notification_id", "user_id", "status", "error"), _Column("recorded_at", not_ahead=True)),
        _SINCE.format("recorded_at"),
    ),
}  # fmt: skip

# Each writes a record's temporary table (pg_temp.carried_<kind>: `carry`) into the restored copy,
# the rows of one account when %(owner)s is not null (`_written`). ON CONFLICT DO NOTHING (no
# target) skips a row that any unique key of the table has, earlier rows of the same statement too.
# The send state goes with the deliveries (the replaced database's newsletter had them), in the same
# statement: the mails and the newsletters they came to, counted here.
WRITE_DELIVERIES = """
with added as (
  insert into public.newsletter_deliveries (id, user_id, newsletter_id, email, outcome, message_id, error, sent_at)
  select i.id, i.user_id, i.newsletter_id, i.email, i.outcome, i.message_id, i.error, i.sent_at
  from pg_temp.carried_newsletter_deliveries i
  where exists (select 1 from public.email_newsletters n where n.id = i.newsletter_id and n.user_id = i.user_id)
    and (%(owner)s::uuid is null or i.user_id = %(owner)s::uuid)
  on conflict do nothing
  returning newsletter_id
), sent as (
  update public.email_newsletters n
  set status = i.status, recipient_count = i.recipient_count, scheduled_time = i.scheduled_time,
      content = internal.newsletter_content_cut(i.content), updated_at = i.updated_at
  from pg_temp.carried_email_newsletters i
  where n.id = i.id and n.user_id = i.user_id and n.id in (select a.newsletter_id from added a)
  returning n.id
)
select (select count(*) from added), (select count(*) from sent)
"""
# A newsletter deleted after it mailed (db/migrations/0181): the backup's copy, where its ledger
# shows fewer mails, is sent (whom it mailed went with it: a `sent` newsletter mails nobody more).
WRITE_DELETED_NEWSLETTERS = """
update public.email_newsletters n
set status = 'sent', recipient_count = greatest(n.recipient_count, i.mailed)
from pg_temp.carried_deleted_newsletters i
where n.id = i.id and n.user_id = i.user_id and n.status <> 'sent'
  and (%(owner)s::uuid is null or i.user_id = %(owner)s::uuid)
  and i.mailed > (select count(*) from public.newsletter_deliveries d where d.newsletter_id = n.id and d.outcome = 'sent')
"""
# A newsletter deleted since the backup (0190), after WRITE_DELETED_NEWSLETTERS (one mailed since is
# sent): the same account's, still scheduled in the backup, is a draft, as `newsletter unschedule`
# makes one, so no due run mails it (readers it mailed before the backup stay in its ledger); nor
# does it say any longer that the daily limit holds readers of it (services.newsletters.HELD_KEY; a
# content that is no object, which an account's own SQL may write, is left as it is, never refused).
WRITE_UNSCHEDULED_NEWSLETTERS = """
update public.email_newsletters n
set status = 'draft', scheduled_time = null,
    content = case when pg_catalog.jsonb_typeof(n.content) = 'object' then n.content - 'held_by_limit' else n.content end
from pg_temp.carried_deleted_newsletters i
where n.id = i.id and n.user_id = i.user_id and n.status = 'scheduled'
  and (%(owner)s::uuid is null or i.user_id = %(owner)s::uuid)
"""
# And the records themselves, so that a later restore of that backup over this copy knows them too.
WRITE_DELETED_RECORDS = """
insert into internal.deleted_newsletters as k (user_id, id, mailed, last_mailed_at, deleted_at)
select i.user_id, i.id, i.mailed, i.last_mailed_at, i.deleted_at
from pg_temp.carried_deleted_newsletters i
where exists (select 1 from auth.users u where u.id = i.user_id)
  and (%(owner)s::uuid is null or i.user_id = %(owner)s::uuid)
on conflict (user_id, id) do update
set mailed = greatest(k.mailed, excluded.mailed), last_mailed_at = greatest(k.last_mailed_at, excluded.last_mailed_at),
    deleted_at = greatest(k.deleted_at, excluded.deleted_at)
"""
# The mails counted against the daily limit: each (account, time) as often as either database has
# it (the rows the backup holds are the replaced database's too: never counted twice).
WRITE_SENDS = """
with incoming as (
  select i.user_id, i.sent_at, row_number() over (partition by i.user_id, i.sent_at) as n
  from pg_temp.carried_newsletter_sends i
  where %(owner)s::uuid is null or i.user_id = %(owner)s::uuid
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
# Also run on the records of copies deleted since (carried_deleted_crossposts: the same columns),
# after the live copies, so that a newer live copy of the post is not replaced by an older record.
# Those records are keyed by post and platform, so an id can repeat there (an account that gave two
# of its copies one id by SQL, deleting each: red team 49); the newest of an id is taken, as the
# guard against another copy's id cannot see the rows this statement adds. (A post and platform
# cannot repeat: the copies' own unique key, and the records' with the post's author.)
WRITE_CROSSPOSTS = """
insert into public.platform_republishing as r
  (id, blog_id, author_id, platform, platform_post_id, platform_url, platform_site, canonical_url,
   publication_status, last_error, created_at, updated_at)
select distinct on (i.id)
       i.id, i.blog_id, b.author_id, i.platform, i.platform_post_id, i.platform_url, i.platform_site,
       i.canonical_url, i.publication_status, i.last_error, i.created_at, i.updated_at
from pg_temp.{rows} i
join public.blogs b on b.id = i.blog_id and b.author_id = i.author_id
where (%(owner)s::uuid is null or i.author_id = %(owner)s::uuid)
  and not exists (select 1 from public.platform_republishing o where o.id = i.id
                  and (o.blog_id, o.platform) <> (i.blog_id, i.platform))
order by i.id, i.updated_at desc
on conflict (blog_id, platform) do update
set platform_post_id = excluded.platform_post_id, platform_url = excluded.platform_url,
    platform_site = excluded.platform_site, canonical_url = excluded.canonical_url,
    publication_status = excluded.publication_status, last_error = excluded.last_error,
    updated_at = excluded.updated_at
where r.platform_post_id is null
   or (r.platform_post_id is distinct from excluded.platform_post_id and r.updated_at < excluded.updated_at)
"""
# The same account's social post (another may have made one with a deleted post's id since); also
# run on the records of social posts deleted since (carried_deleted_social_posts: no error), those
# posted (with a remote id: db/migrations/0188).
WRITE_SOCIAL_POSTS = """
update public.social_media_posts p
set post_status = i.post_status, platform_post_id = i.platform_post_id, error = {error}, updated_at = i.updated_at
from pg_temp.{rows} i
where p.id = i.id and p.author_id = i.author_id and i.platform_post_id is not null
  and (%(owner)s::uuid is null or i.author_id = %(owner)s::uuid)
  and (p.platform_post_id is null
       or (p.platform_post_id is distinct from i.platform_post_id and p.updated_at < i.updated_at))
"""
# A social post deleted unposted since (0188), after WRITE_SOCIAL_POSTS (a record of the id posted
# wins): the same account's, scheduled in the backup, is a draft, as `social schedule` without --at
# makes one, so nothing posts it.
WRITE_UNPOSTED_SOCIAL_POSTS = """
update public.social_media_posts p
set post_status = 'draft', scheduled_time = null
from pg_temp.carried_deleted_social_posts i
where p.id = i.id and p.author_id = i.author_id and i.platform_post_id is null and p.post_status = 'scheduled'
  and (%(owner)s::uuid is null or i.author_id = %(owner)s::uuid)
"""
# The records of copies and social posts deleted since, themselves, for a later restore of that
# backup over this copy (the newer where both have one).
WRITE_DELETED_CROSSPOST_RECORDS = """
insert into internal.deleted_crossposts as k
  (author_id, blog_id, platform, id, platform_post_id, platform_url, platform_site, canonical_url,
   publication_status, last_error, created_at, copy_updated_at, deleted_at)
select i.author_id, i.blog_id, i.platform, i.id, i.platform_post_id, i.platform_url, i.platform_site,
       i.canonical_url, i.publication_status, i.last_error, i.created_at, i.updated_at, i.deleted_at
from pg_temp.carried_deleted_crossposts i
where exists (select 1 from auth.users u where u.id = i.author_id)
  and (%(owner)s::uuid is null or i.author_id = %(owner)s::uuid)
on conflict (author_id, blog_id, platform) do update
set id = excluded.id, platform_post_id = excluded.platform_post_id, platform_url = excluded.platform_url,
    platform_site = excluded.platform_site, canonical_url = excluded.canonical_url,
    publication_status = excluded.publication_status, last_error = excluded.last_error,
    created_at = excluded.created_at, copy_updated_at = excluded.copy_updated_at, deleted_at = excluded.deleted_at
where k.copy_updated_at < excluded.copy_updated_at
"""
WRITE_DELETED_SOCIAL_RECORDS = """
insert into internal.deleted_social_posts as k (author_id, id, post_status, platform_post_id, post_updated_at, deleted_at)
select i.author_id, i.id, i.post_status, i.platform_post_id, i.updated_at, i.deleted_at
from pg_temp.carried_deleted_social_posts i
where exists (select 1 from auth.users u where u.id = i.author_id)
  and (%(owner)s::uuid is null or i.author_id = %(owner)s::uuid)
on conflict (author_id, id) do update
set post_status = excluded.post_status, platform_post_id = excluded.platform_post_id,
    post_updated_at = excluded.post_updated_at, deleted_at = excluded.deleted_at
where k.post_updated_at < excluded.post_updated_at
"""
WRITE_EMAIL_DELIVERIES = """
insert into internal.email_deliveries (notification_id, user_id, status, error, recorded_at)
select i.notification_id, i.user_id, i.status, i.error, i.recorded_at
from pg_temp.carried_email_deliveries i
where exists (select 1 from auth.users u where u.id = i.user_id)
  and (%(owner)s::uuid is null or i.user_id = %(owner)s::uuid)
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
    unscheduled_newsletters: int = 0
    """Newsletters scheduled in the backup and deleted since (without mailing since): back as drafts, not sent."""
    mails_counted: int = 0
    """Mails of the last 24 hours counted again towards their account's daily sending limit."""
    crossposts: int = 0
    """Copies on a platform (their remote id), those deleted since with their post too: the next
    crosspost updates them, none is made twice."""
    social_posts: int = 0
    """Social posts posted since the backup (deleted since too): not posted again."""
    deleted_social_posts: int = 0
    """Social posts scheduled in the backup and deleted unposted since: back as drafts, not posted."""
    notification_emails: int = 0
    """Notification emails mailed since the backup: not mailed again."""


@dataclass(frozen=True)
class Carry:
    """`carry`'s result: what came over, and whose records could not be read or written."""

    carried: Carried
    unread: dict[str, str] = field(default_factory=dict)
    """Each account (its email, else its id) some of whose records could not be read: why (the
    first); the others' came over."""
    unwritten: dict[str, str] = field(default_factory=dict)
    """Each account some of whose records the restored copy refused: which and why (the first);
    the others' came over."""


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


def carry(source: psycopg.Connection, target: psycopg.Connection, *, since: datetime | None) -> Carry:
    """Adds the records since `since` (None: all) of `source` (the database a restore replaces, in
    the transaction that holds it) to `target` (the restored copy, in the caller's transaction).

    Each record's rows stream from one COPY to another, whatever their number. When a kind's rows
    cannot be read (a damaged row), they are read again account by account: only the accounts whose
    own rows fail lose that kind, and are named."""
    columns = _columns(source, tuple(kind.table for kind in KINDS.values()))
    failed: dict[str, str] = {}
    for name, kind in KINDS.items():
        made = ", ".join(f"x.{column.name} as {column.alias or column.name}" for column in kind.columns)
        target.execute(
            f"create temp table carried_{name} on commit drop as select {made} from {kind.table} x with no data"
        )
        if kind.table in columns and (not kind.needs or kind.needs in columns):
            for owner, why in _streamed(source, target, name, kind, columns[kind.table], since=since).items():
                failed.setdefault(owner, why)
    refused: dict[str, str] = {}
    carried = _write(target, refused)
    return Carry(carried, _whose(source, failed), _whose(source, refused))


def _columns(conn: psycopg.Connection, tables: tuple[str, ...]) -> dict[str, set[str]]:
    """The columns of each of `tables` the database has (an older schema lacks some, or the table)."""
    rows = conn.execute(
        "select t.name, a.attname::text from unnest(%s::text[]) as t (name)"
        " join pg_catalog.pg_attribute a on a.attrelid = to_regclass(t.name) and a.attnum > 0 and not a.attisdropped",
        (list(tables),),
    ).fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def _streamed(
    source: psycopg.Connection,
    target: psycopg.Connection,
    name: str,
    kind: _Kind,
    present: set[str],
    *,
    since: datetime | None,
) -> dict[str, str]:
    """Copies `kind`'s rows into pg_temp.carried_<name>; when that fails, account by account: the
    accounts (their ids) whose rows could not be read, and why."""
    import psycopg

    read = ", ".join(column.read(present) for column in kind.columns)
    query = f"select {read} from {kind.table} x where ({kind.where})"
    into = f"copy pg_temp.carried_{name} from stdin"
    try:
        _copy(source, target, f"copy ({query}) to stdout", into, {"since": since})
        return {}
    except psycopg.Error:
        if source.broken or target.broken:
            raise
    failed: dict[str, str] = {}
    owners = source.execute(
        f"select distinct x.{kind.owner}::text from {kind.table} x where ({kind.where})", {"since": since}
    ).fetchall()
    for (owner,) in owners:
        try:
            _copy(source, target, f"copy ({query} and x.{kind.owner} = %(owner)s) to stdout", into,
                  {"since": since, "owner": owner})  # fmt: skip
        except psycopg.Error as exc:
            if source.broken or target.broken:
                raise
            failed[owner] = str(exc).strip().splitlines()[0]
    return failed


def _copy(
    source: psycopg.Connection, target: psycopg.Connection, out: str, into: str, params: dict[str, object]
) -> None:
    """`out`'s rows (COPY TO) into `into` (COPY FROM) as they come, each side in a savepoint."""
    with (
        source.transaction(),
        target.transaction(),
        source.cursor() as reading,
        target.cursor() as writing,
        reading.copy(out, params) as rows,
        writing.copy(into) as copy,
    ):
        for row in rows:
            copy.write(row)


def _whose(conn: psycopg.Connection, failed: dict[str, str]) -> dict[str, str]:
    """`failed` by the accounts' emails (an id whose account is not there stays an id)."""
    rows = conn.execute("select id::text, email from auth.users where id = any(%s::uuid[])", (list(failed),))
    emails: dict[str, str] = dict(rows.fetchall())
    return {emails.get(owner, owner): why for owner, why in failed.items()}


def _write(conn: psycopg.Connection, refused: dict[str, str]) -> Carried:
    """Adds the records `carry` copied to this database, in the caller's transaction, triggers off;
    the accounts whose records of a kind it refused (their ids) into `refused`, with which and why."""
    from psycopg import sql

    conn.execute("set local session_replication_role = replica")

    def count(name: str, what: str, statement: str | sql.Composed) -> int:
        return sum(cursor.rowcount for cursor in _written(conn, statement, name=name, what=what, refused=refused))

    def crossposts(name: str) -> sql.Composed:
        return sql.SQL(WRITE_CROSSPOSTS).format(rows=sql.Identifier(f"carried_{name}"))

    def social_posts(name: str, error: str) -> sql.Composed:
        return sql.SQL(WRITE_SOCIAL_POSTS).format(rows=sql.Identifier(f"carried_{name}"), error=sql.SQL(error))

    deliveries = _written(
        conn, WRITE_DELIVERIES, name="newsletter_deliveries", what="newsletter mails", refused=refused
    )
    sent = [row for cursor in deliveries for row in cursor]  # each run's (mails, newsletters)
    count("deleted_newsletters", "deleted newsletters", WRITE_DELETED_RECORDS)
    count("deleted_crossposts", "deleted cross-posts", WRITE_DELETED_CROSSPOST_RECORDS)
    count("deleted_social_posts", "deleted social posts", WRITE_DELETED_SOCIAL_RECORDS)
    copies = sum(
        count(name, "cross-posts", crossposts(name)) for name in ("platform_republishing", "deleted_crossposts")
    )
    posted = sum(
        count(name, "social posts", social_posts(name, error))
        for name, error in (("social_media_posts", "i.error"), ("deleted_social_posts", "null"))
    )
    unposted = count("deleted_social_posts", "deleted social posts", WRITE_UNPOSTED_SOCIAL_POSTS)
    mailed = count("deleted_newsletters", "deleted newsletters", WRITE_DELETED_NEWSLETTERS)
    unsent = count("deleted_newsletters", "deleted newsletters", WRITE_UNSCHEDULED_NEWSLETTERS)
    return Carried(
        newsletter_mails=sum(mails for mails, _ in sent),
        newsletters=sum(newsletters for _, newsletters in sent),
        deleted_newsletters=mailed,
        unscheduled_newsletters=unsent,
        mails_counted=count("newsletter_sends", "mails counted", WRITE_SENDS),
        crossposts=copies,
        social_posts=posted,
        deleted_social_posts=unposted,
        notification_emails=count("email_deliveries", "notification emails", WRITE_EMAIL_DELIVERIES),
    )


def _written(
    conn: psycopg.Connection, statement: str | sql.Composed, *, name: str, what: str, refused: dict[str, str]
) -> list[psycopg.Cursor[Any]]:
    """Runs `statement` (a write of pg_temp.carried_<name>) in a savepoint; when the restored copy
    refuses it, again account by account, each in its own: the accounts refused (their ids) into
    `refused`, with `what` and why. The cursors of the runs that were kept."""
    import psycopg

    try:
        with conn.transaction():
            return [conn.execute(statement, {"owner": None})]
    except psycopg.Error:
        if conn.broken:
            raise
    kept: list[psycopg.Cursor[Any]] = []
    owners = conn.execute(f"select distinct {KINDS[name].owner}::text from pg_temp.carried_{name}").fetchall()
    for (owner,) in owners:
        try:
            with conn.transaction():
                kept.append(conn.execute(statement, {"owner": owner}))
        except psycopg.Error as exc:
            if conn.broken:
                raise
            refused.setdefault(owner, f"{what}: {str(exc).strip().splitlines()[0]}")
    return kept
