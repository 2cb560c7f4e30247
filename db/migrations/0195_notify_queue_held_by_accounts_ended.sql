-- 0195: an account that holds the server's NOTIFY queue back has its session ended (red team 61 F2).
--
-- Every role may LISTEN and NOTIFY (PostgreSQL has no privilege for either). A session that
-- LISTENs and then keeps a transaction open (`begin; select 1;` left idle, or one long
-- `select pg_sleep(600)`) reads no notification until the transaction ends, and the server keeps
-- every notification sent after that for it: the queue is one for the whole server (8 GB). Filled
-- from a second session of the same account at full speed (`pg_notify` with 8,000-byte payloads)
-- it is full in well under a minute, and every NOTIFY of every database then fails with "too many
-- notifications in the NOTIFY queue": procrastinate's job-insert trigger notifies, so no job is
-- queued for anyone (a review assignment, a chat message, a newsletter) until the transaction ends.
--
-- `serve-workers` watches the queue (workers/notify_queue_watch.py) and, once it is filling, ends
-- through this function the account sessions whose transaction began before the queue started to
-- grow: one of them is what holds it back. Only account logins (u_<32 hex>, members of
-- authenticated) are ended; never a superuser, an administrator (blogster_admin), a worker login
-- (service_role, blogster_job_runner) or any other program's role, whose session the function
-- leaves for the administrator. It acts only while the queue holds notifications not yet read, so
-- the workers' role cannot use it to end sessions at will. Sessions of every database are seen
-- (the queue is the server's); an account of another Blogster database is named by its role.
--
-- The function is blogster_definer's, as every SECURITY DEFINER function: to see when other roles'
-- transactions began and to end their sessions, that role is granted pg_read_all_stats and
-- pg_signal_backend (neither reaches a superuser's session). It holds BYPASSRLS on every table
-- already; these add less than that, and only Blogster's own definer functions act as it.

grant pg_read_all_stats, pg_signal_backend to blogster_definer;

create function internal.end_sessions_holding_notify_queue(started_before timestamptz)
returns table (pid integer, database text, role_name text, email text, xact_start timestamptz)
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  if pg_catalog.pg_notification_queue_usage() operator(pg_catalog.<=) 0 then
    return;  -- nothing held back: no session to end
  end if;
  return query
  with holding as materialized (
    select a.pid, a.datname::text as database, r.rolname::text as role_name, a.xact_start
    from pg_catalog.pg_stat_activity a
    join pg_catalog.pg_roles r on r.oid operator(pg_catalog.=) a.usesysid
    where a.backend_type operator(pg_catalog.=) 'client backend'
      and a.pid operator(pg_catalog.<>) pg_catalog.pg_backend_pid()
      and a.xact_start operator(pg_catalog.<) started_before
      and r.rolname operator(pg_catalog.~) '^u_[0-9a-f]{32}$'
      and not r.rolsuper and not r.rolbypassrls
      and pg_catalog.pg_has_role(r.oid, 'authenticated', 'MEMBER')
      and not pg_catalog.pg_has_role(r.oid, 'blogster_admin', 'MEMBER')
      and not pg_catalog.pg_has_role(r.oid, 'service_role', 'MEMBER')
      and not pg_catalog.pg_has_role(r.oid, 'blogster_job_runner', 'MEMBER')
  )
  select h.pid, h.database, h.role_name, u.email::text, h.xact_start
  from holding h
  left join auth.users u on u.role_name operator(pg_catalog.=) h.role_name
  where pg_catalog.pg_terminate_backend(h.pid)
  order by h.xact_start;
end
$$;
comment on function internal.end_sessions_holding_notify_queue(timestamptz) is
  'Ends the account sessions (u_ logins only) whose transaction began before started_before, while the NOTIFY queue holds unread notifications; the ended ones, with the account''s email when it is this database''s (0195).';
revoke all on function internal.end_sessions_holding_notify_queue(timestamptz) from public;
grant execute on function internal.end_sessions_holding_notify_queue(timestamptz) to service_role;
