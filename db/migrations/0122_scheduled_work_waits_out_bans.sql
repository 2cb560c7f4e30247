-- 0122: a banned account's scheduled work waits for its ban to end.
--
-- The workers' minute jobs (and `workers publish-due | post-social | send-newsletters`) find
-- the accounts with due posts, social posts and newsletters as service_role, then do each
-- account's share as that account. A ban ended the account's logins and sessions, yet its
-- already-scheduled newsletters were still mailed, its social posts posted and its posts
-- published, every minute of the ban; so was the work of an account awaiting its purge
-- (deleted_at set by `account delete`).
--
-- service_role may not read auth.users, and needs no more of it than this: of the accounts it
-- names, those neither banned right now nor awaiting their purge. Nothing else (no email, no
-- ban's end) comes back, and no user role may call it. The held work stays scheduled: the first
-- run after the ban ends (or is lifted) does it.

create function internal.accounts_in_good_standing(accounts uuid[]) returns setof uuid
language sql stable security definer
set search_path = ''
as $$
  select u.id from auth.users u
  where u.id operator(pg_catalog.=) any(accounts)
    and u.deleted_at is null
    and (u.banned_until is null or u.banned_until operator(pg_catalog.<=) pg_catalog.now())
$$;
revoke all on function internal.accounts_in_good_standing(uuid[]) from public;
grant execute on function internal.accounts_in_good_standing(uuid[]) to service_role;
comment on function internal.accounts_in_good_standing(uuid[]) is
  'Of `accounts`, those not banned right now and not awaiting their purge: whose due work the workers do (service_role).';
