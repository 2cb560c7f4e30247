-- Another account's activity, watched through the server's own statistics (issue 20:
-- "learning about B's rows through ... pg_stat_*").
--
-- PostgreSQL lets every role (PUBLIC) read, in every database:
--   * pg_stat_activity: the login of every session, so which accounts (u_<id>) are
--     connected right now (not what they run);
--   * pg_stat_{all,user,xact}_{tables,indexes} and pg_statio_*: exact per-table counts of
--     rows inserted, updated, deleted and alive, flushed within a second of each commit.
--     Watching n_tup_ins on blogs or ai_generation_logs while one other account is
--     connected tells when it writes and how much; on user_notifications' monthly
--     partitions, for which month;
--   * pg_locks (and pg_blocking_pids): which rows (page and tuple) other sessions lock;
--     pg_prepared_xacts;
--   * pg_relation_size and the other size functions: each table's size, live.
-- No Blogster command needs any of it as an account or as a worker; administrators use
-- the superuser login. internal.server_activity_objects() lists them (the views, and the
-- functions behind them, which a role could call directly), and internal.secure_database()
-- now also revokes them from PUBLIC in this database. `db migrate` runs it after every run, so views a newer server adds are
-- covered at the next migrate; it revokes only what PUBLIC still holds, so a run with
-- nothing to do costs two catalog reads (the tests run it on every database they copy).
-- Superusers and members of pg_read_all_stats keep them.
--
-- What stays readable (README, "Residue"): role names in pg_roles (every account's id;
-- `oid::regrole` names any role, so no grant can hide them), approximate table-wide row
-- counts in pg_class.reltuples as of the last VACUUM or ANALYZE, and ids of running
-- transactions (pg_current_snapshot).
--
-- An account deleting itself on a shared server ends its own other sessions
-- (blogster_cli/repositories/accounts.py): it used to find them in pg_stat_activity; it
-- now asks auth.my_other_sessions(), which lists only sessions of the caller's own login.

create or replace function internal.server_activity_objects()
returns table (kind text, name text, public_holds boolean)
language sql stable
set search_path = ''
as $$
  select 'view', c.oid::pg_catalog.regclass::text,
         exists (select from pg_catalog.aclexplode(c.relacl) a where a.grantee operator(pg_catalog.=) 0)
  from pg_catalog.pg_class c
  where c.relnamespace = 'pg_catalog'::pg_catalog.regnamespace
    and c.relkind = 'v'
    and (c.relname operator(pg_catalog.~) '^pg_stat(io)?_' or c.relname in ('pg_locks', 'pg_prepared_xacts'))
  union all
  select 'function', p.oid::pg_catalog.regprocedure::text,
         p.proacl is null  -- the default: EXECUTE for PUBLIC
         or exists (select from pg_catalog.aclexplode(p.proacl) a where a.grantee operator(pg_catalog.=) 0)
  from pg_catalog.pg_proc p
  where p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace
    and (p.proname operator(pg_catalog.~) '^pg_stat_'
         or p.proname in ('pg_lock_status', 'pg_blocking_pids', 'pg_safe_snapshot_blocking_pids',
                          'pg_isolation_test_session_is_blocked', 'pg_prepared_xact',
                          'pg_relation_size', 'pg_total_relation_size', 'pg_table_size',
                          'pg_indexes_size', 'pg_database_size', 'pg_tablespace_size'))
$$;
comment on function internal.server_activity_objects() is
  'The server''s activity statistics, lock and size views and functions that no account may use (0096), and whether PUBLIC still holds each; secure_database() revokes them, tests/security checks them.';
revoke all on function internal.server_activity_objects() from public;

create or replace function internal.secure_database() returns void
language plpgsql
set search_path = ''
as $$
declare
  target record;
begin
  execute pg_catalog.format('revoke temporary on database %I from public', pg_catalog.current_database());
  for target in select o.kind, o.name from internal.server_activity_objects() o where o.public_holds loop
    if target.kind operator(pg_catalog.=) 'view' then
      execute pg_catalog.format('revoke select on %s from public', target.name);
    else
      execute pg_catalog.format('revoke execute on function %s from public', target.name);
    end if;
  end loop;
end
$$;
comment on function internal.secure_database() is
  'Revokes from PUBLIC: TEMP on the current database, and the server''s activity statistics, lock and size views and functions (0096); run by `db migrate` after every run (copies of a database do not keep TEMP).';
revoke all on function internal.secure_database() from public;
select internal.secure_database();

grant select on pg_catalog.pg_stat_activity to blogster_definer;
grant execute on function pg_catalog.pg_stat_get_activity(integer) to blogster_definer;

create or replace function auth.my_other_sessions() returns setof integer
language sql stable security definer
set search_path = ''
as $$
  select a.pid from pg_catalog.pg_stat_activity a
  where pg_catalog.starts_with(session_user, 'u_')
    and a.usename operator(pg_catalog.=) session_user and a.pid operator(pg_catalog.<>) pg_catalog.pg_backend_pid()
$$;
comment on function auth.my_other_sessions() is
  'Process ids of the other sessions logged in as the caller''s own account login (session_user u_...), which it may end with pg_terminate_backend; nothing for any other login (the embedded CLI''s, which switches role per unit of work), nothing about any other login.';
revoke all on function auth.my_other_sessions() from public;
grant execute on function auth.my_other_sessions() to authenticated;
