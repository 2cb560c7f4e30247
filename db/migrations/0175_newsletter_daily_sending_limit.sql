-- 0175: each account's newsletters have a daily sending limit that only an administrator sets.
--
-- Red team 42 (F1): on a shared server the workers (`serve-workers`, cron's `workers
-- send-newsletters`) send every account's due newsletters through the operator's SMTP server.
-- Any account could schedule a newsletter to 2,000 made-up addresses (`newsletter send ID --to
-- readers.csv --at ...`) and the workers mailed them all (2,000 mails in 35 s), with no limit per
-- account. Now every send (the workers', cron's and an account's own) mails at most the account's
-- daily limit in any 24 hours; the rest of a newsletter stays due and goes out as the window
-- allows (services/newsletters.py asks public.newsletter_sending_allowance() before its first
-- mail and after each one the server accepted).
--
-- The count: internal.newsletter_sends, one row per mail the SMTP server accepted, written by a
-- definer trigger on newsletter_deliveries in the transaction that records the delivery, so a
-- killed send counts exactly what it recorded (a re-run mails nobody recorded again, and counts
-- nobody twice). No account reads or writes it: deleting a newsletter (its deliveries go with
-- it) leaves the count as it was. Insert-only with no unique key, and old rows are removed only
-- when no other transaction holds them (SKIP LOCKED): an account's own open transaction makes the
-- workers' record of its deliveries wait on nothing. Rows older than 24 hours are not needed.
--
-- The limit: internal.newsletter_daily_limits holds an account's own (null: unlimited), set by an
-- administrator (`blogster admin newsletters set-limit`); an account without one has the
-- default, internal.newsletter_default_daily_limit (`admin newsletters set-default`), 1,000 to
-- begin with; an administrator's account without one of its own is unlimited. 1,000 mails in 24
-- hours sends a weekly (or daily) issue to a list of a thousand readers whole, and cuts a flood
-- from one account to 1,000 a day, within what a small relay takes from all its senders.
--
-- Residue: two sends of one account at the same moment (two newsletters, one from cron and one
-- from a worker) each check before each mail, so together they may pass the limit by one mail
-- each.

create table internal.newsletter_sends (
  user_id uuid not null references auth.users (id) on delete cascade,
  sent_at timestamptz not null default pg_catalog.now()
);
create index newsletter_sends_user_id_sent_at_idx on internal.newsletter_sends (user_id, sent_at);
comment on table internal.newsletter_sends is
  'One row per newsletter mail the SMTP server accepted, by a definer trigger as its delivery is recorded; the last 24 hours count against the account''s daily sending limit (0175).';

create table internal.newsletter_daily_limits (
  user_id uuid primary key references auth.users (id) on delete cascade,
  daily_limit integer check (daily_limit between 0 and 10000000),
  set_at timestamptz not null default pg_catalog.now()
);
comment on table internal.newsletter_daily_limits is
  'An account''s own daily newsletter sending limit, set by an administrator (null: unlimited); without a row the default applies (0175).';

create table internal.newsletter_default_daily_limit (
  singleton boolean primary key default true check (singleton),
  daily_limit integer check (daily_limit between 0 and 10000000),
  set_at timestamptz not null default pg_catalog.now()
);
comment on table internal.newsletter_default_daily_limit is
  'The daily newsletter sending limit of every account that has none of its own but an administrator''s (null: unlimited); one row (0175).';
insert into internal.newsletter_default_daily_limit (daily_limit) values (1000);

alter table internal.newsletter_sends enable row level security;
alter table internal.newsletter_sends force row level security;
alter table internal.newsletter_daily_limits enable row level security;
alter table internal.newsletter_daily_limits force row level security;
alter table internal.newsletter_default_daily_limit enable row level security;
alter table internal.newsletter_default_daily_limit force row level security;
revoke all on internal.newsletter_sends, internal.newsletter_daily_limits, internal.newsletter_default_daily_limit
  from public, anon, authenticated, blogster_admin, service_role;
grant select, insert, update, delete on internal.newsletter_sends to blogster_definer;  -- update: its FOR UPDATE
grant select on internal.newsletter_daily_limits, internal.newsletter_default_daily_limit to blogster_definer;

-- What the last 24 hours already sent counts from the start (mails recorded before this migration).
insert into internal.newsletter_sends (user_id, sent_at)
select d.user_id, least(d.sent_at, pg_catalog.now())
from public.newsletter_deliveries d
where d.outcome = 'sent' and d.sent_at > pg_catalog.now() - interval '24 hours';

create function internal.count_newsletter_send() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  insert into internal.newsletter_sends (user_id, sent_at) values (new.user_id, pg_catalog.now());
  -- Rows out of the window, but none another transaction holds: this waits for nobody.
  delete from internal.newsletter_sends s
  where s.ctid = any (array(
    select o.ctid from internal.newsletter_sends o
    where o.user_id = new.user_id and o.sent_at <= pg_catalog.now() - interval '24 hours'
    for update skip locked));
  return null;
end
$$;
comment on function internal.count_newsletter_send() is
  'Counts a newsletter mail the SMTP server accepted against its account''s daily sending limit, in the transaction that records its delivery (0175).';
revoke all on function internal.count_newsletter_send() from public;
alter function internal.count_newsletter_send() owner to blogster_definer;

create trigger count_newsletter_send after insert on public.newsletter_deliveries
  for each row when (new.outcome = 'sent') execute function internal.count_newsletter_send();

-- An account's daily limit (null: unlimited): its own, else unlimited for an administrator, else
-- the default. An id that names no account gets 0: nothing goes unlimited by mistake.
create function internal.newsletter_daily_limit_of(account uuid) returns integer
language plpgsql stable
set search_path = ''
as $$
declare
  own internal.newsletter_daily_limits;
  role_name text;
begin
  select u.role_name into role_name from auth.users u where u.id operator(pg_catalog.=) account;
  if not found then
    return 0;
  end if;
  select l.* into own from internal.newsletter_daily_limits l where l.user_id operator(pg_catalog.=) account;
  if found then
    return own.daily_limit;
  end if;
  if exists (select 1 from pg_catalog.pg_roles r where r.rolname operator(pg_catalog.=) role_name)
     and pg_catalog.pg_has_role(role_name, 'blogster_admin', 'MEMBER') then
    return null;
  end if;
  return (select d.daily_limit from internal.newsletter_default_daily_limit d);
end
$$;
comment on function internal.newsletter_daily_limit_of(uuid) is
  'An account''s daily newsletter sending limit (null: unlimited): its own, else none for an administrator, else the default (0175).';
revoke all on function internal.newsletter_daily_limit_of(uuid) from public;
grant execute on function internal.newsletter_daily_limit_of(uuid) to blogster_definer;

-- The caller's own allowance: its limit, the mails counted in the last 24 hours, and, once they
-- reach the limit, when the next mail may go (null: not before an administrator raises a limit of 0).
create function public.newsletter_sending_allowance()
returns table (daily_limit integer, sent integer, frees_at timestamptz)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  me constant uuid := auth.uid();
  since constant timestamptz := pg_catalog.now() - interval '24 hours';
begin
  if me is null then
    raise exception 'permission denied for function newsletter_sending_allowance' using errcode = '42501';
  end if;
  daily_limit := internal.newsletter_daily_limit_of(me);
  select pg_catalog.count(*)::integer into sent
  from internal.newsletter_sends s where s.user_id operator(pg_catalog.=) me and s.sent_at > since;
  frees_at := null;
  if daily_limit is not null and sent >= daily_limit then
    -- The mail whose leaving the window brings the count under the limit.
    select s.sent_at + interval '24 hours' into frees_at
    from internal.newsletter_sends s where s.user_id operator(pg_catalog.=) me and s.sent_at > since
    order by s.sent_at offset sent - daily_limit limit 1;
  end if;
  return next;
end
$$;
comment on function public.newsletter_sending_allowance() is
  'The caller''s daily newsletter sending limit (null: unlimited), the mails of its newsletters the SMTP server accepted in the last 24 hours, and, at the limit, when the next may go (0175).';
revoke all on function public.newsletter_sending_allowance() from public;
grant execute on function public.newsletter_sending_allowance() to authenticated;
