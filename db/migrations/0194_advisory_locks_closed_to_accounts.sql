-- 0194: no account may take advisory locks (red team 61 F1).
--
-- PostgreSQL lets every role (PUBLIC) call pg_advisory_lock() and its kin, and a session-level
-- advisory lock lasts until its session ends. One connection of an account's own login took
-- ~12,000 of them (a generate_series a statement) and filled the server's lock table, which every
-- database shares (max_locks_per_transaction x max_connections): from then on every new
-- connection failed with "out of shared memory", other accounts', the workers' and the
-- superuser's alike, and a superuser session already open could not run pg_terminate_backend.
--
-- Nothing Blogster runs takes one: neither Blogster (its comments say why: any login could hold
-- one), nor procrastinate, nor the workers, nor the administrator. EXECUTE on every pg_catalog
-- function named pg_advisory% or pg_try_advisory% (each overload, session and transaction level,
-- shared or not, and the unlocks) is taken from PUBLIC and granted to no one; superusers keep them.
-- internal.advisory_lock_functions() lists them, and internal.secure_database(), which `db migrate`
-- runs after every run, now revokes them too, so overloads a newer server adds are covered at the
-- next migrate.
--
-- A function's privileges are each database's own: this closes Blogster's database only. In
-- another database of the server where PUBLIC may connect (`postgres` and `template1` by default)
-- an account's login can still fill the lock table: `doctor` names them (the embedded server's
-- `db migrate` takes CONNECT there from PUBLIC, and no login but the local superuser reaches it).
--
-- Only a superuser may revoke on pg_catalog's functions. A migrating login that is none (a managed
-- server's administrator) gets a notice instead of an error, and `doctor` flags the database, with
-- the statement a superuser runs to close it.

create or replace function internal.advisory_lock_functions()
returns table (name text, public_holds boolean)
language sql stable
set search_path = ''
as $$
  select p.oid::pg_catalog.regprocedure::text,
         p.proacl is null  -- the default: EXECUTE for PUBLIC
         or exists (select from pg_catalog.aclexplode(p.proacl) a where a.grantee operator(pg_catalog.=) 0)
  from pg_catalog.pg_proc p
  where p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace
    and (pg_catalog.starts_with(p.proname, 'pg_advisory') or pg_catalog.starts_with(p.proname, 'pg_try_advisory'))
$$;
comment on function internal.advisory_lock_functions() is
  'The server''s advisory lock functions, which no account may call (0194: one login''s session locks filled the server''s lock table), and whether PUBLIC still holds each; secure_database() revokes them.';
revoke all on function internal.advisory_lock_functions() from public;

create or replace function internal.secure_database() returns void
language plpgsql
set search_path = ''
as $$
declare
  target record;
  advisory text[];
begin
  execute pg_catalog.format('revoke temporary on database %I from public', pg_catalog.current_database());
  for target in select o.kind, o.name from internal.server_activity_objects() o where o.public_holds loop
    if target.kind operator(pg_catalog.=) 'view' then
      execute pg_catalog.format('revoke select on %s from public', target.name);
    else
      execute pg_catalog.format('revoke execute on function %s from public', target.name);
    end if;
  end loop;
  select pg_catalog.array_agg(f.name order by f.name) into advisory
  from internal.advisory_lock_functions() f where f.public_holds;
  if advisory is null then
    return;
  end if;
  if not (select r.rolsuper from pg_catalog.pg_roles r where r.rolname operator(pg_catalog.=) current_user) then
    raise notice 'any login may still take advisory locks in this database and fill the server''s lock table: a superuser revokes them (`blogster db migrate` as a superuser, or REVOKE EXECUTE ON FUNCTION % FROM PUBLIC)',
      pg_catalog.array_to_string(advisory, ', ');
    return;
  end if;
  execute pg_catalog.format('revoke execute on function %s from public', pg_catalog.array_to_string(advisory, ', '));
end
$$;
comment on function internal.secure_database() is
  'Revokes from PUBLIC: TEMP on the current database, the server''s activity statistics, lock and size views and functions (0096), and the advisory lock functions (0194, a superuser''s run only: a notice otherwise); run by `db migrate` after every run (copies of a database do not keep TEMP).';
revoke all on function internal.secure_database() from public;
select internal.secure_database();
