-- What every role gets from PUBLIC by default and an account does not need.
--
-- * TEMP on the database: an account could create temp tables and functions (shadows
--   for anything resolved through pg_temp) and fill the disk with them; no Blogster
--   command creates temporary objects as an account.
-- * Large objects: any role could create them (lo_creat/lo_create/lo_from_bytea, also
--   through psql's \lo_import, which calls lo_creat), and a role owning one cannot be
--   dropped, so an account could make its own purge fail. PostgreSQL has no privilege
--   for creating large objects; revoking EXECUTE on the creating functions is the way
--   (lo_compat_privileges stays off: no one reads or writes another role's objects).
--   Purging an account also runs DROP OWNED BY first (blogster_cli/repositories/accounts.py).
-- CREATE on schema public was revoked from PUBLIC in 0001.

-- A database's own privileges are not copied by CREATE DATABASE ... TEMPLATE nor by a
-- dump without --create, so the migration runner calls this after every run too.
create or replace function internal.secure_database() returns void
language plpgsql
set search_path = ''
as $$
begin
  execute pg_catalog.format('revoke temporary on database %I from public', pg_catalog.current_database());
end
$$;
comment on function internal.secure_database() is
  'Revokes TEMP on the current database from PUBLIC; run by `db migrate` after every run (copies of a database do not keep it).';
revoke all on function internal.secure_database() from public;
select internal.secure_database();

revoke execute on function pg_catalog.lo_creat(integer), pg_catalog.lo_create(oid),
  pg_catalog.lo_from_bytea(oid, bytea), pg_catalog.lo_import(text), pg_catalog.lo_import(text, oid)
  from public;
