-- 0098: an account's login may hold at most 20 connections at once.
--
-- Account roles had no connection limit (rolconnlimit -1): one account's login could open
-- connections until the server's slots ran out ("remaining connection slots are reserved"),
-- and then no other account, and no worker login, could connect until it let go. Blogster
-- holds one or two connections per command and the studio a few more. New roles get the
-- limit when they are made (repositories/accounts.py, ACCOUNT_CONNECTION_LIMIT); this sets it
-- on the account roles made before. The embedded server's superuser login and worker logins
-- are not account roles and keep theirs.

do $$
declare
  account record;
begin
  for account in
    select r.rolname from pg_catalog.pg_roles r
    where r.rolname ~ '^u_[0-9a-f]{32}$' and r.rolconnlimit = -1
      and pg_catalog.pg_has_role(r.oid, 'authenticated', 'member')
  loop
    execute pg_catalog.format('alter role %I connection limit 20', account.rolname);
  end loop;
end
$$;
