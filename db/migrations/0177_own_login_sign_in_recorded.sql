-- 0177: an account that signs in with its own login on a shared server (`auth login --login u_...`)
-- has its last sign-in recorded, as an email sign-in has (new-user walk 12, L2).
--
-- `admin users list` shows each account's last_sign_in_at so an administrator sees who is active,
-- but only the email sign-in (on the administrative connection) wrote it: accounts may not update
-- auth.users, so a team on a shared server, who all sign in with their own logins, showed never.
-- The caller's own row only, and nothing else of it; a deleted account's row is left alone.

create function auth.record_own_sign_in() returns void
language sql volatile security definer
set search_path = ''
as $$
  update auth.users set last_sign_in_at = pg_catalog.now()
  where id operator(pg_catalog.=) auth.uid() and deleted_at is null
$$;
comment on function auth.record_own_sign_in() is
  'Sets the caller''s own last_sign_in_at to now: `auth login --login` on a shared server (0177).';
revoke all on function auth.record_own_sign_in() from public;
grant execute on function auth.record_own_sign_in() to authenticated;
