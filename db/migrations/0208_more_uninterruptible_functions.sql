-- 0208: more statements no one can end: jsonb's ?|, ?& and - text[] closed to accounts (red team
-- 68 F2, as translate() in 0204).
--
-- jsonb_exists_any (`jsonb ?| text[]`), jsonb_exists_all (`jsonb ?& text[]`) and
-- jsonb_delete(jsonb, text[]) (`jsonb - text[]`) compare every string given with every element of a
-- jsonb array (?| and ?&: an object's keys are found by binary search) or every key or element of
-- the jsonb with every string given (-), and never check for interrupts: neither statement_timeout
-- nor pg_terminate_backend ends them, and their cost is one length times the other's.
--
-- Measured on PostgreSQL 18 as an account's login with statement_timeout 500 ms (red team 68):
--   jsonb_exists_any(jsonb, text[])  60,000 elements each: 17.4 s
--   jsonb_exists_all(jsonb, text[])  60,000 elements each: 10.1 s
--   jsonb_delete(jsonb, text[])      60,000 elements each:  5.1 s
-- all quadratic: about a day at 4 million elements (a jsonb and an array of some 30 MB each).
-- Here (PostgreSQL 18.4, loaded, statement_timeout 200 ms, cancelled only when done), 10,000 and
-- 20,000 elements each: ?| 0.40 and 1.37 s, ?& 0.21 and 0.71 s, - 0.09 and 0.32 s.
-- Blogster calls none of them: neither its functions, triggers and policies (which run as the
-- account), nor its queries, nor procrastinate. `jsonb - 'key'` (jsonb_delete(jsonb, text), one
-- key: linear) and `#-` (jsonb_delete_path) are other functions and stay.
--
-- Not revoked: jsonpath. Comparing two sequences (`jsonb_path_exists('{}', '$a[*] == $b[*]',
-- vars)`, and @?, @@ and the other jsonb_path_ functions, which share its executor) compares
-- every element of one with every element of the other without checking for interrupts: 40,000
-- elements each ran 12.2 s (here 10,000: 0.78 s; 20,000: 3.24 s). Documentation's text (0004,
-- 0141: jsonb_path_query), which runs as the writer, needs it: it joins the residue (README,
-- "Residue").
--
-- As in 0204, only a superuser's `db migrate` revokes them (internal.secure_database(), which
-- every migrate runs, restores' too); another migrating login gets the notice with the REVOKE a
-- superuser runs, and `doctor` fails the database until it is run (db/closed_functions.py, whose
-- list of them is this one's).

create or replace function internal.uninterruptible_functions()
returns table (name text, public_holds boolean)
language sql stable
set search_path = ''
as $$
  select p.oid::pg_catalog.regprocedure::text,
         p.proacl is null  -- the default: EXECUTE for PUBLIC
         or exists (select from pg_catalog.aclexplode(p.proacl) a where a.grantee operator(pg_catalog.=) 0)
  from pg_catalog.pg_proc p
  where p.oid operator(pg_catalog.=) any (array[
    'pg_catalog.translate(text, text, text)'::pg_catalog.regprocedure,  -- 60,000 x 60,000 chars: 33.8 s
    'pg_catalog.jsonb_exists_any(jsonb, text[])'::pg_catalog.regprocedure,  -- ?|, 60,000 each: 17.4 s
    'pg_catalog.jsonb_exists_all(jsonb, text[])'::pg_catalog.regprocedure,  -- ?&, 60,000 each: 10.1 s
    'pg_catalog.jsonb_delete(jsonb, text[])'::pg_catalog.regprocedure  -- jsonb - text[], 60,000 each: 5.1 s
  ]::pg_catalog.oid[])
$$;
comment on function internal.uninterruptible_functions() is
  'pg_catalog functions that run long, past statement_timeout and pg_terminate_backend, on inputs an account controls, and that Blogster does not call (0204: translate; 0208: jsonb ?|, ?& and - text[]), and whether PUBLIC still holds each; secure_database() revokes them.';
revoke all on function internal.uninterruptible_functions() from public;

select internal.secure_database();
