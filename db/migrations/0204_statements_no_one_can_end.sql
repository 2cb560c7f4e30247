-- 0204: statements no one can end: translate() closed to accounts, and the NOTIFY queue's watch
-- goes past a session that does not end (red team 65 F1).
--
-- PostgreSQL's translate(text, from, to) looks every input character up in all of `from`, and
-- never checks for interrupts: `select translate(repeat('a', 100000), repeat('b', 100000), '')`
-- runs 45-80 s on one CPU, and neither statement_timeout nor pg_terminate_backend ends it (with
-- texts of 100 MB, days). Only a server restart in immediate mode, or the server's own user
-- killing the process (which restarts every session), ends it sooner. An account's own login used
-- it as a NOTIFY queue holder the watch could not end (it LISTENs and runs the call in its
-- transaction), or as an older decoy the watch's look stopped at, never reaching the real holder;
-- and 20 connections an account could pin the server's CPUs.
--
-- Measured on PostgreSQL 18.4 (this machine, loaded; statement_timeout 1 s; a statement that ran
-- past it could not be cancelled):
--   translate(text, text, text)  10,000 x 10,000 chars: 1.1 s; 60,000 x 60,000: 33.8 s. Revoked
--     (below). Blogster called it in one place, documentation's search vector (0146, for `<` and
--     `>`), which now reads them with replace().
--   text_position's kin: strpos, position, replace, split_part, string_to_array, string_to_table
--     with a needle of 'b' || repeat('a', 10000) in repeat('a', 1000000): 4.6-10.0 s (a needle
--     mismatching at its first character is compared whole at every position: 1 MB in 100 MB would
--     run about a day); btrim with a set of 100,000 characters over 100,000: 55.8 s (ltrim, rtrim:
--     the same code); array @> over 100,000 elements each: past 30 s; jsonb @> over 20,000: 10.5 s.
--     Not revoked: Blogster's own functions, triggers and policies, which run as the account,
--     call replace, strpos, split_part, string_to_array, btrim and @> throughout. The watch below
--     is what keeps one from shielding a queue holder (README, "Residue").
--   Cancelled within about a second, or done in it: LIKE, ILIKE and SIMILAR TO with 5,000 `%`,
--   regular expressions (backtracking, regexp_split_to_array), starts_with, bytea's position,
--   numeric *, /, sqrt, ^, exp and ln at their largest precision, factorial, to_tsvector (30 MB),
--   tsquery phrases, jsonb 100,000 deep (refused: stack depth), array_position over 100 million,
--   repeat, overlay, md5 and sha512 near the 1 GB value limit, lpad and rpad (refused past it).
--   (No levenshtein, similarity or xml: no extension is installed, the embedded server has no
--   libxml.)
--
-- Only a superuser may revoke on pg_catalog's functions. As with the advisory lock functions
-- (0194), internal.uninterruptible_functions() lists them, internal.secure_database() (run by every
-- `db migrate`, a restore's too) revokes them, and a migrating login that is no superuser (a
-- managed server's administrator) gets a notice with the statement a superuser runs instead.
--
-- The watch (services/notify_queue.py): 0200's function picked the oldest account transaction
-- again and again when its session did not end, and the look stopped there. It now takes the
-- sessions the watch has seen not end (pid and backend start, so a reused pid is not skipped) and
-- goes past them to the next oldest; internal.notify_queue_sessions_not_ended() tells the watch
-- which of them are still there, so it forgets those gone. Which accounts are ended, the guard
-- (only while the queue holds notifications not yet read) and the one-second wait are 0200's.

create function internal.uninterruptible_functions()
returns table (name text, public_holds boolean)
language sql stable
set search_path = ''
as $$
  select p.oid::pg_catalog.regprocedure::text,
         p.proacl is null  -- the default: EXECUTE for PUBLIC
         or exists (select from pg_catalog.aclexplode(p.proacl) a where a.grantee operator(pg_catalog.=) 0)
  from pg_catalog.pg_proc p
  where p.oid operator(pg_catalog.=) any (array[
    'pg_catalog.translate(text, text, text)'::pg_catalog.regprocedure  -- 60,000 x 60,000 chars: 33.8 s, uncancellable
  ]::pg_catalog.oid[])
$$;
comment on function internal.uninterruptible_functions() is
  'pg_catalog functions that run long, past statement_timeout and pg_terminate_backend, on inputs an account controls, and that Blogster does not call (0204), and whether PUBLIC still holds each; secure_database() revokes them.';
revoke all on function internal.uninterruptible_functions() from public;

create or replace function internal.secure_database() returns void
language plpgsql
set search_path = ''
as $$
declare
  target record;
  superuser_only text[];
begin
  execute pg_catalog.format('revoke temporary on database %I from public', pg_catalog.current_database());
  for target in select o.kind, o.name from internal.server_activity_objects() o where o.public_holds loop
    if target.kind operator(pg_catalog.=) 'view' then
      execute pg_catalog.format('revoke select on %s from public', target.name);
    else
      execute pg_catalog.format('revoke execute on function %s from public', target.name);
    end if;
  end loop;
  select pg_catalog.array_agg(f.name order by f.name) into superuser_only
  from (select a.name from internal.advisory_lock_functions() a where a.public_holds
        union all
        select u.name from internal.uninterruptible_functions() u where u.public_holds) f;
  if superuser_only is null then
    return;
  end if;
  if not (select r.rolsuper from pg_catalog.pg_roles r where r.rolname operator(pg_catalog.=) current_user) then
    raise notice 'any login may still take advisory locks in this database and fill the server''s lock table, or run statements no one can end: a superuser revokes them (`blogster db migrate` as a superuser, or REVOKE EXECUTE ON FUNCTION % FROM PUBLIC)',
      pg_catalog.array_to_string(superuser_only, ', ');
    return;
  end if;
  execute pg_catalog.format('revoke execute on function %s from public', pg_catalog.array_to_string(superuser_only, ', '));
end
$$;
comment on function internal.secure_database() is
  'Revokes from PUBLIC: TEMP on the current database, the server''s activity statistics, lock and size views and functions (0096), the advisory lock functions (0194) and the functions no one can end (0204; those two a superuser''s run only: a notice otherwise); run by `db migrate` after every run (copies of a database do not keep TEMP).';
revoke all on function internal.secure_database() from public;

-- 0146's search vector, with replace() for translate(): `<` and `>` read as spaces, as before.
create or replace function public.update_documentation_search_vector() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  head tsvector;
  body text := public.documentation_plain_text(pg_catalog.left(public.documentation_text(new.content), 250000));
  body_limit integer := 250000;
begin
  head := pg_catalog.setweight(pg_catalog.to_tsvector(new.search_config,
            pg_catalog.replace(pg_catalog.replace(coalesce(new.title, ''), '<', ' '), '>', ' ')), 'A')
       || pg_catalog.setweight(pg_catalog.to_tsvector(new.search_config, pg_catalog.replace(pg_catalog.replace(
            coalesce(new.excerpt, '') || ' ' || coalesce(pg_catalog.array_to_string(new.tags, ' '), ''),
            '<', ' '), '>', ' ')), 'B');
  loop
    begin
      new.search_vector := head || pg_catalog.setweight(
        pg_catalog.to_tsvector(new.search_config, pg_catalog.left(body, body_limit)), 'C');
      return new;
    exception when program_limit_exceeded then
      if body_limit <= 1000 then
        new.search_vector := head;
        return new;
      end if;
      body_limit := body_limit / 4;
    end;
  end loop;
end
$$;

drop function internal.end_oldest_session_holding_notify_queue(timestamptz);

create function internal.end_oldest_session_holding_notify_queue(
  begun_before timestamptz, passing integer[], passing_started timestamptz[])
returns table (pid integer, database text, role_name text, email text, xact_start timestamptz,
               backend_start timestamptz, gone boolean)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  oldest record;
  ended boolean;
begin
  if pg_catalog.pg_notification_queue_usage() operator(pg_catalog.<=) 0 then
    return;  -- nothing held back: no session to end
  end if;
  perform pg_catalog.pg_stat_clear_snapshot();
  select a.pid, a.datname::text as database, r.rolname::text as role_name, a.xact_start, a.backend_start
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
    and not exists (
      select from rows from (pg_catalog.unnest(passing), pg_catalog.unnest(passing_started)) p (pid, started)
      where p.pid operator(pg_catalog.=) a.pid and p.started operator(pg_catalog.=) a.backend_start)
  order by a.xact_start, a.pid
  limit 1;
  if not found then
    return;  -- no account session in a transaction but those passed
  end if;
  ended := pg_catalog.pg_terminate_backend(oldest.pid, 1000);
  if not ended then  -- still there, or it had ended on its own before it was told to (a warning, false)
    perform pg_catalog.pg_stat_clear_snapshot();
    ended := not exists (select from pg_catalog.pg_stat_activity a
                        where a.pid operator(pg_catalog.=) oldest.pid
                          and a.backend_start operator(pg_catalog.=) oldest.backend_start);
  end if;
  return query
  select oldest.pid, oldest.database, oldest.role_name,
    (select u.email::text from auth.users u where u.role_name operator(pg_catalog.=) oldest.role_name),
    oldest.xact_start, oldest.backend_start, ended;
end
$$;
comment on function internal.end_oldest_session_holding_notify_queue(timestamptz, integer[], timestamptz[]) is
  'Ends the account session (u_ logins only) whose transaction is oldest, if it began before begun_before, but those passed (pid and backend start: sessions seen not to end), while the NOTIFY queue holds unread notifications, and waits up to 1 s for it to be gone (gone); with the account''s email when it is this database''s (0200, 0204).';
revoke all on function internal.end_oldest_session_holding_notify_queue(timestamptz, integer[], timestamptz[]) from public;
grant execute on function internal.end_oldest_session_holding_notify_queue(timestamptz, integer[], timestamptz[]) to service_role;

create function internal.notify_queue_sessions_not_ended(pids integer[], backend_starts timestamptz[])
returns table (pid integer, backend_start timestamptz)
language sql volatile security definer
set search_path = ''
as $$
  select pg_catalog.pg_stat_clear_snapshot();  -- the watch asks in a transaction that read them before
  select a.pid, a.backend_start
  from pg_catalog.pg_stat_activity a
  join rows from (pg_catalog.unnest(pids), pg_catalog.unnest(backend_starts)) p (pid, started)
    on p.pid operator(pg_catalog.=) a.pid and p.started operator(pg_catalog.=) a.backend_start
$$;
comment on function internal.notify_queue_sessions_not_ended(integer[], timestamptz[]) is
  'Which of the sessions given (pid and backend start) are still there: those the NOTIFY queue''s watch told to end and that did not, which it goes past until they are gone (0204).';
revoke all on function internal.notify_queue_sessions_not_ended(integer[], timestamptz[]) from public;
grant execute on function internal.notify_queue_sessions_not_ended(integer[], timestamptz[]) to service_role;

select internal.secure_database();
