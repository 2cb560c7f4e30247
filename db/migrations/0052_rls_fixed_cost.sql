-- Less fixed cost per statement under row level security (issue 20, bench/bench_rls.py).
--
-- EXPLAIN (ANALYZE, BUFFERS) of the benchmark's statements as the user and as the owner
-- shows the same scans, indexes and row counts on both sides: what RLS adds is a fixed
-- cost per statement, paid while the executor starts (every expression of the plan is
-- compiled, whether it runs or not), mostly by auth.uid().
--
-- auth.uid() is inlined into every policy as an initplan, so a statement compiles its
-- body once per table it reads (up to six times for `blogs show`). The branch for a
-- session that logged in as an account role without SET ROLE (a shared-server login
-- running its own SQL: the CLI, TUI and workers always SET ROLE) was half of that
-- body (its comparison, two casts, a prefix test, a substring and the uuid input). It
-- moves into auth.session_uid(), which is not inlined (its search_path is pinned), so a
-- compiled policy holds one call to it, run only when the role is 'none'. Same result
-- for every role: the SET ROLE role when it is u_<hex>; with no SET ROLE, the session
-- user when it is u_<hex>; NULL for any other role. Eight `(select auth.uid())` in one
-- statement went from ~30 to ~16 us over eight `(select 1)` (PostgreSQL 18, loaded
-- machine). A direct login now pays one SQL function call per initplan instead.

create function auth.session_uid() returns uuid
language sql stable parallel safe
set search_path = ''
as $$
  select case when pg_catalog.starts_with(session_user, 'u_') then pg_catalog.substr(session_user, 3)::pg_catalog.uuid end
$$;
comment on function auth.session_uid() is
  'Id of the session user when it is an account role u_<hex>, else NULL: auth.uid()''s branch for a session without SET ROLE, kept out of line so that policies do not compile it.';

-- Whoever may call auth.uid() must be able to call the function it calls.
do $$
declare
  grantee text;
begin
  for grantee in
    select pg_catalog.quote_ident(r.rolname)
    from pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
    join pg_catalog.pg_roles r on r.oid = a.grantee
    where p.oid = 'auth.uid()'::pg_catalog.regprocedure and a.privilege_type = 'EXECUTE'
  loop
    execute pg_catalog.format('grant execute on function auth.session_uid() to %s', grantee);
  end loop;
end
$$;

create or replace function auth.uid() returns uuid
language sql stable parallel safe
as $$
  select case
    when pg_catalog.starts_with(pg_catalog.current_setting('role'), 'u_')
      then pg_catalog.substr(pg_catalog.current_setting('role'), 3)::pg_catalog.uuid
    when pg_catalog.current_setting('role') operator(pg_catalog.=) 'none'
      then auth.session_uid()
  end
$$;
comment on function auth.uid() is 'Id of the acting account (the SET ROLE role, else the session user through auth.session_uid()), derived from its role name u_<hex>; NULL for any other role. Inlinable: no search_path, every name qualified.';
