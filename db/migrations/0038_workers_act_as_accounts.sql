-- Worker logins act for accounts through each account's own role, never as a superuser.
--
-- blogster_job_runner is a member of every account role (u_<hex>), and every worker login
-- (`admin workers add`) is a member of it: a worker on a shared server does all its work
-- on its own login, switching per unit of work to service_role (queue bookkeeping) or to
-- the job's account (SET LOCAL ROLE, so RLS and the account's privileges apply). NOINHERIT:
-- the login holds none of the accounts' privileges until it switches to one.
do $$
begin
  create role blogster_job_runner nologin noinherit nobypassrls;
exception when duplicate_object or unique_violation then
  alter role blogster_job_runner nologin noinherit nobypassrls;
end
$$;
comment on role blogster_job_runner is 'Blogster: member of every account role, so worker logins can act as the job''s account.';

-- Account roles that exist already (new ones are created with this membership).
do $$
declare
  account record;
begin
  for account in
    select u.role_name from auth.users u join pg_catalog.pg_roles r on r.rolname = u.role_name
  loop
    execute pg_catalog.format('grant %I to blogster_job_runner', account.role_name);
  end loop;
  for account in
    select r.rolname as role_name from pg_catalog.pg_roles r
    where pg_catalog.starts_with(r.rolname, 'blogster_worker_') and r.rolcanlogin
      and pg_catalog.pg_has_role(r.oid, 'service_role', 'MEMBER')
  loop
    execute pg_catalog.format('grant blogster_job_runner to %I', account.role_name);
  end loop;
end
$$;
