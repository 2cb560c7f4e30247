-- Roles, the auth schema and auth.uid(): the identity every policy builds on.
--
-- Identity is the database role. Each account has its own role u_<32 hex of its id>,
-- a member of `authenticated`. On the embedded server the CLI (local superuser) does
-- SET LOCAL ROLE u_... per unit of work; on a shared server the account logs in as
-- that role. Either way auth.uid() reads the id back from the role name.

-- Cluster-wide roles. CREATE ROLE has no IF NOT EXISTS, and several databases of one
-- cluster (tests, restores) may run this at once, so duplicates are tolerated.
do $$
declare
  wanted constant text[][] := array[
    ['anon',             'nologin nobypassrls'],
    ['authenticated',    'nologin nobypassrls'],
    ['blogster_admin',   'nologin nobypassrls'],
    ['service_role',     'nologin bypassrls'],
    ['blogster_owner',   'nologin nobypassrls'],
    ['blogster_definer', 'nologin bypassrls']
  ];
  i int;
begin
  for i in 1 .. array_length(wanted, 1) loop
    begin
      execute format('create role %I %s', wanted[i][1], wanted[i][2]);
    exception when duplicate_object or unique_violation then
      execute format('alter role %I %s', wanted[i][1], wanted[i][2]);
    end;
  end loop;
end
$$;

comment on role authenticated is 'Blogster: group of every account role (u_<hex>).';
comment on role blogster_admin is 'Blogster: administrators are members of this role.';
comment on role service_role is 'Blogster: workers doing queue bookkeeping; bypasses RLS.';
comment on role blogster_owner is 'Blogster: owns the tables; never used for a login.';
comment on role blogster_definer is 'Blogster: owns SECURITY DEFINER functions; BYPASSRLS so FORCE RLS does not blind them.';

-- Nothing a user can reach may create objects in public.
revoke create on schema public from public;
grant usage on schema public to anon, authenticated, service_role, blogster_definer, blogster_owner;
grant create on schema public to blogster_owner;

-- Internal bookkeeping (migrations, outbox helpers): no privileges for user roles.
create schema if not exists internal;
revoke all on schema internal from public;

create schema if not exists auth;
revoke all on schema auth from public;
grant usage on schema auth to anon, authenticated, service_role, blogster_definer, blogster_owner;
grant usage on schema internal to blogster_owner;

-- The acting user's id, read from the role name. Inside a SECURITY DEFINER function
-- current_user is the owner, but the `role` setting still names the caller, so audit
-- columns filled from auth.uid() name the real actor. Anything not u_<hex> gives NULL.
create or replace function auth.uid() returns uuid
language sql stable parallel safe
set search_path = ''
as $$
  select case when acting ~ '^u_[0-9a-f]{32}$' then substr(acting, 3)::uuid end
  from (select coalesce(nullif(pg_catalog.current_setting('role'), 'none'), session_user::text) as acting) s
$$;
comment on function auth.uid() is 'Id of the acting account, derived from its role name (u_<hex>); NULL for any other role.';

create or replace function auth.role_name_for(user_id uuid) returns text
language sql immutable parallel safe
set search_path = ''
as $$ select 'u_' || pg_catalog.replace(user_id::text, '-', '') $$;

create table auth.users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  encrypted_password text,
  raw_user_meta_data jsonb not null default '{}'::jsonb,
  raw_app_meta_data jsonb not null default '{}'::jsonb,
  role_name text not null generated always as ('u_' || replace(id::text, '-', '')) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_sign_in_at timestamptz,
  banned_until timestamptz,
  deleted_at timestamptz,
  constraint users_email_format check (email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 320)
);
create unique index users_email_key on auth.users (lower(email));
comment on table auth.users is 'Accounts. Each row has a database role named role_name; deleted_at marks a shared-server account awaiting an admin purge.';

create table auth.sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  token_hash bytea not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  user_agent text
);
create index sessions_user_id_idx on auth.sessions (user_id);
comment on table auth.sessions is 'Embedded-server login sessions: only the SHA-256 of the token is stored; the token lives in the OS keyring.';

alter table auth.users enable row level security;
alter table auth.users force row level security;
alter table auth.sessions enable row level security;
alter table auth.sessions force row level security;
revoke all on auth.users, auth.sessions from public, anon, authenticated;
grant select, insert, update, delete on auth.users, auth.sessions to blogster_definer;
create policy "Definer functions manage accounts" on auth.users for all to blogster_definer using (true) with check (true);
create policy "Definer functions manage sessions" on auth.sessions for all to blogster_definer using (true) with check (true);

-- The caller's own account, for roles that may not read auth.users.
create or replace function auth.me()
returns table (id uuid, email text, role_name text, created_at timestamptz, last_sign_in_at timestamptz, is_admin boolean)
language sql stable security definer
set search_path = ''
as $$
  select u.id, u.email, u.role_name, u.created_at, u.last_sign_in_at,
         pg_catalog.pg_has_role(u.role_name, 'blogster_admin', 'MEMBER')
  from auth.users u
  where u.id = auth.uid() and u.deleted_at is null
$$;
revoke all on function auth.me() from public;
grant execute on function auth.me() to authenticated;
-- Shared-server accounts cannot drop their own role (no CREATEROLE for users), so
-- deleting an account marks it; an admin's `blogster admin users purge` completes it.
create or replace function auth.request_account_deletion() returns void
language sql volatile security definer
set search_path = ''
as $$
  update auth.users set deleted_at = pg_catalog.now() where id = auth.uid() and deleted_at is null
$$;
revoke all on function auth.request_account_deletion() from public;
grant execute on function auth.request_account_deletion() to authenticated;

grant execute on function auth.uid() to anon, authenticated, service_role, blogster_definer;
grant execute on function auth.role_name_for(uuid) to anon, authenticated, service_role, blogster_definer;

-- Gives each object its intended owner after a migration: relations and types to
-- blogster_owner, SECURITY DEFINER functions to blogster_definer (BYPASSRLS, so FORCE
-- RLS does not blind them), other functions to blogster_owner. The migration runner
-- calls it after every file, so migrations can simply CREATE as the superuser.
create or replace function internal.normalize_ownership() returns void
language plpgsql
set search_path = ''
as $$
declare
  obj record;
begin
  for obj in
    select c.oid::regclass::text as name, c.relkind
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'auth')
      and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
      and c.relowner <> 'blogster_owner'::regrole
      and not exists (  -- sequences owned by a column follow their table
        select 1 from pg_catalog.pg_depend d
        where d.objid = c.oid and d.deptype in ('a', 'i') and c.relkind = 'S')
  loop
    execute pg_catalog.format('alter %s %s owner to blogster_owner',
      case obj.relkind when 'v' then 'view' when 'm' then 'materialized view'
                       when 'S' then 'sequence' when 'f' then 'foreign table' else 'table' end,
      obj.name);
  end loop;

  for obj in
    select t.oid::regtype::text as name
    from pg_catalog.pg_type t
    join pg_catalog.pg_namespace n on n.oid = t.typnamespace
    where n.nspname in ('public', 'auth') and t.typtype in ('e', 'd', 'c')
      and t.typowner <> 'blogster_owner'::regrole
      and (t.typtype <> 'c' or exists (select 1 from pg_catalog.pg_class c where c.oid = t.typrelid and c.relkind = 'c'))
  loop
    execute pg_catalog.format('alter type %s owner to blogster_owner', obj.name);
  end loop;

  for obj in
    select p.oid::regprocedure::text as name, p.prosecdef, p.prokind
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'auth')
      and p.proowner <> case when p.prosecdef then 'blogster_definer'::regrole else 'blogster_owner'::regrole end
  loop
    execute pg_catalog.format('alter %s %s owner to %I',
      case obj.prokind when 'p' then 'procedure' else 'function' end,
      obj.name,
      case when obj.prosecdef then 'blogster_definer' else 'blogster_owner' end);
  end loop;

  -- Functions are executable by PUBLIC by default; every grant here is explicit.
  for obj in
    select p.oid::regprocedure::text as name, p.prokind
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'auth')
      and (p.proacl is null or exists (select 1 from pg_catalog.aclexplode(p.proacl) a where a.grantee = 0))
  loop
    execute pg_catalog.format('revoke execute on %s %s from public',
      case obj.prokind when 'p' then 'procedure' else 'function' end, obj.name);
  end loop;
end
$$;
revoke all on function internal.normalize_ownership() from public;
