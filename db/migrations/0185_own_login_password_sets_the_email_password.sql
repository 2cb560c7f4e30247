-- 0185: `auth passwd` on an account's own login changes its email sign-in's password too.
--
-- An account that signs in with its own login (a shared server) changed only its role's password:
-- the argon2 hash in auth.users, which an email sign-in checks (on a machine with the
-- administrator's superuser URL), kept the old password, and the old password still signed in by
-- email. An email session's `auth passwd` and `admin users reset-password` set both, on the
-- administrative login; an account's own login may not write auth.users.
--
-- auth.set_own_password_hash() sets the caller's own hash, nothing else of it, and ends the
-- caller's email sessions, as the other two do. It takes no id: the one row it writes is
-- auth.uid()'s. It runs in the transaction that alters the role's password (a role may alter its
-- own), so both change or neither does. The hash is computed by the client (the password never
-- reaches the server) and must look like one Blogster makes: an argon2id PHC string of bounded
-- length, salt and costs, so an account cannot store a hash whose check by a later email sign-in
-- would take unbounded memory or time. A deleted account (awaiting its purge) changes nothing.

create function auth.set_own_password_hash(password_hash text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  me constant uuid := auth.uid();
  costs text[];
begin
  if me is null then
    raise exception 'permission denied for function set_own_password_hash' using errcode = '42501';
  end if;
  -- The length first: the pattern never reads a long value.
  if password_hash is not null and pg_catalog.length(password_hash) operator(pg_catalog.<=) 256 then
    costs := pg_catalog.regexp_match(password_hash,
      '^\$argon2id\$v=19\$m=([1-9][0-9]{0,6}),t=([1-9][0-9]?),p=([1-9][0-9]?)\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{16,128}$');
  end if;
  -- At most argon2's high-memory profile (RFC 9106: 2 GiB), 16 passes, 16 lanes.
  if costs is null
     or costs[1]::integer operator(pg_catalog.>) 2097152
     or costs[2]::integer operator(pg_catalog.>) 16
     or costs[3]::integer operator(pg_catalog.>) 16 then
    raise exception 'not a password hash Blogster makes (argon2id)' using errcode = '22023';
  end if;
  update auth.users set encrypted_password = password_hash
  where id operator(pg_catalog.=) me and deleted_at is null;
  if not found then
    raise exception 'this account is deleted: its password cannot change' using errcode = 'P0002';
  end if;
  update auth.sessions set revoked_at = pg_catalog.now()
  where user_id operator(pg_catalog.=) me and revoked_at is null;
end
$$;
comment on function auth.set_own_password_hash(text) is
  'Sets the caller''s own argon2id password hash (checked for its form and costs) and ends its email sessions: `auth passwd` on an own login, with the role''s password in one transaction (0185).';
revoke all on function auth.set_own_password_hash(text) from public;
grant execute on function auth.set_own_password_hash(text) to authenticated;
