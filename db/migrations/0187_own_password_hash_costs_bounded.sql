-- 0187: an account's own email sign-in hash takes at most 256 MiB, 8 passes and 8 lanes.
--
-- 0185 took costs up to argon2's high-memory profile (RFC 9106: 2 GiB) with 16 passes and 16 lanes:
-- an account's own login could store a hash whose every later email sign-in costs the machine that
-- checks it (the administrator's, on a shared server) about a minute and 2 GiB. Blogster hashes with
-- argon2-cffi's defaults, RFC 9106's low-memory profile (m=65536, t=3, p=4), and the tests with m=8,
-- t=1, p=1; argon2-cffi's defaults before 21.2 were m=102400, t=2, p=8. The bounds take all of these
-- with room (4x the memory, about 2x the passes and lanes) and refuse the high-memory profile: one
-- check costs at most 256 MiB and a few seconds (about 4 s measured, against 0.4 s for Blogster's
-- own). Hashes already stored are left as they are: 0185 was never released.
--
-- auth.set_own_password_hash() is restated whole; only its bounds change.

create or replace function auth.set_own_password_hash(password_hash text) returns void
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
  -- At most 256 MiB, 8 passes, 8 lanes: 4x Blogster's memory (RFC 9106's low-memory profile), and
  -- every hash Blogster or an older argon2-cffi makes, without a minute's check on a shared server.
  if costs is null
     or costs[1]::integer operator(pg_catalog.>) 262144
     or costs[2]::integer operator(pg_catalog.>) 8
     or costs[3]::integer operator(pg_catalog.>) 8 then
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
  'Sets the caller''s own argon2id password hash (argon2id, at most m=262144, t=8, p=8) and ends its email sessions: `auth passwd` on an own login, with the role''s password in one transaction (0185, bounds 0187).';
revoke all on function auth.set_own_password_hash(text) from public;
grant execute on function auth.set_own_password_hash(text) to authenticated;
