-- 0200: the NOTIFY queue's holder is ended however the hold was handed on, one session at a time
-- (red team 63 F1, F2).
--
-- 0195's function ended, at once, every account session whose transaction began before the queue
-- started to grow. Two flaws. The hold can be relayed: Bob's session H1 LISTENs in a transaction,
-- the queue grows, H2 (listening too) opens a transaction, H1 lets go; H2 now holds the queue, but
-- its transaction began after the growth, so it was never ended and the queue filled. And every
-- account session in a transaction begun before the growth was ended with it (Alice's, whom Bob
-- could hit at will).
--
-- This function ends one session: the account session whose transaction is oldest (if it began
-- before `begun_before`: the watch's look, which so ends a finite number), and waits (up to a
-- second) for it to be gone. `serve-workers` (services/notify_queue.py) asks the queue's usage
-- again after each, and stops as soon as the queue falls: the ended session held it. Only
-- PostgreSQL knows which sessions LISTEN; the holder is a listener in a transaction (one that keeps
-- a transaction open, runs one long statement, or reads the queue, in a transaction of its own, to
-- a client that does not read its socket: pg_stat_activity shows it idle with a transaction start,
-- waiting on ClientWrite), and the queue's tail is the oldest holder's. Oldest first, what is ended
-- before the holder is only sessions whose transaction is older than the hold. The accounts ended
-- and the function's guard (it acts only while the queue holds notifications not yet read) are
-- 0195's. The stats snapshot is cleared first: the watch asks several times in one transaction,
-- and pg_stat_activity would otherwise show the sessions as its transaction first saw them
-- (pg_stat_clear_snapshot is closed to PUBLIC since 0096; the definer role may clear its own).
--
-- 0195's function goes: nothing calls it, and it could end every account session at once.

drop function internal.end_sessions_holding_notify_queue(timestamptz);

grant execute on function pg_catalog.pg_stat_clear_snapshot() to blogster_definer;

create function internal.end_oldest_session_holding_notify_queue(begun_before timestamptz)
returns table (pid integer, database text, role_name text, email text, xact_start timestamptz, gone boolean)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  oldest record;
begin
  if pg_catalog.pg_notification_queue_usage() operator(pg_catalog.<=) 0 then
    return;  -- nothing held back: no session to end
  end if;
  perform pg_catalog.pg_stat_clear_snapshot();
  select a.pid, a.datname::text as database, r.rolname::text as role_name, a.xact_start
  into oldest
  from pg_catalog.pg_stat_activity a
  join pg_catalog.pg_roles r on r.oid operator(pg_catalog.=) a.usesysid
  where a.backend_type operator(pg_catalog.=) 'client backend'
    and a.pid operator(pg_catalog.<>) pg_catalog.pg_backend_pid()
    and a.xact_start operator(pg_catalog.<) begun_before
    and r.rolname operator(pg_catalog.~) '^u_[0-9a-f]{32}$'
    and not r.rolsuper and not r.rolbypassrls
    and pg_catalog.pg_has_role(r.oid, 'authenticated', 'MEMBER')
    and not pg_catalog.pg_has_role(r.oid, 'blogster_admin', 'MEMBER')
    and not pg_catalog.pg_has_role(r.oid, 'service_role', 'MEMBER')
    and not pg_catalog.pg_has_role(r.oid, 'blogster_job_runner', 'MEMBER')
  order by a.xact_start, a.pid
  limit 1;
  if not found then
    return;  -- no account session in a transaction
  end if;
  return query
  select oldest.pid, oldest.database, oldest.role_name,
    (select u.email::text from auth.users u where u.role_name operator(pg_catalog.=) oldest.role_name),
    oldest.xact_start, pg_catalog.pg_terminate_backend(oldest.pid, 1000);
end
$$;
comment on function internal.end_oldest_session_holding_notify_queue(timestamptz) is
  'Ends the account session (u_ logins only) whose transaction is oldest, if it began before begun_before, while the NOTIFY queue holds unread notifications, and waits up to 1 s for it to be gone (gone); with the account''s email when it is this database''s (0200).';
revoke all on function internal.end_oldest_session_holding_notify_queue(timestamptz) from public;
grant execute on function internal.end_oldest_session_holding_notify_queue(timestamptz) to service_role;
