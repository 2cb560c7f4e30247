-- 0193: an AI credit a killed generation had reserved is free again at once (red team 55 F3).
--
-- A reservation (0020) stopped counting only an hour after it was made, so three `generate`
-- runs killed outright (SIGKILL, a crash, the machine switched off) left the free plan's 3
-- credits held for that hour: `credits` showed them held "by generations running now", none
-- was running, and the next run was refused with "no AI credits left".
--
-- A reservation now names the session that made it: its server process id and login. That is
-- the generating command's own connection, which its pool keeps as long as the command runs
-- and which the server ends when the command dies. A reservation whose session is gone is
-- dropped by the account's next reservation, and counted neither there, nor as held
-- (held_generation_credits), nor against a success logged without one (use_generation_credit).
-- The hour stays as the bound for a session that lives on without releasing (a long-running
-- process whose release failed) and for reservations made before this migration (no session).
--
-- The session is the function's own (pg_backend_pid(), session_user), never an argument: an
-- account names no other session, drops only its own reservations (under its subscription's
-- row lock, as before), and a reservation counts only for or against its own account. The
-- server's activity stays closed to accounts (0096): the definer only asks whether that process
-- is alive with that login, and returns no process ids.
--
-- Adding two nullable columns rewrites no row: no table lock is needed before it.

alter table internal.ai_credit_reservations
  add column holder_pid integer,
  add column holder_login oid;
comment on column internal.ai_credit_reservations.holder_pid is
  'The server process of the session that reserved (0193): the reservation ends with it. Null: made before 0193, held for the hour.';
comment on column internal.ai_credit_reservations.holder_login is
  'The login (pg_roles oid) of the session that reserved, so that a process id reused by another login does not keep it.';

-- Whether a reservation still holds its credit: younger than the hour, and its session alive.
create function internal.generation_credit_held(created_at timestamptz, holder_pid integer, holder_login oid)
returns boolean
language sql stable
set search_path = ''
as $$
  select created_at >= pg_catalog.now() - interval '1 hour'
     and (holder_pid is null
          or exists (select from pg_catalog.pg_stat_get_activity(holder_pid) a
                      where a.pid operator(pg_catalog.=) holder_pid
                        and a.usesysid operator(pg_catalog.=) holder_login))
$$;
comment on function internal.generation_credit_held(timestamptz, integer, oid) is
  'Whether an AI credit reservation still counts: younger than an hour and its session (process id and login) still connected (0193).';
revoke all on function internal.generation_credit_held(timestamptz, integer, oid) from public;
grant execute on function internal.generation_credit_held(timestamptz, integer, oid) to blogster_definer;

create or replace function public.reserve_generation_credit(request_id uuid) returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  me constant uuid := auth.uid();
  remaining integer;
  held integer;
begin
  if me is null then
    raise exception 'not signed in' using errcode = '42501';
  end if;
  if pg_catalog.current_setting('transaction_isolation') <> 'read committed' then
    raise exception 'reserve AI credits in a read committed transaction' using errcode = '25001';
  end if;
  select s.credits_remaining into remaining
    from public.user_subscriptions s
   where s.user_id = me and s.is_active
     for update;
  delete from internal.ai_credit_reservations r
   where r.user_id = me and not internal.generation_credit_held(r.created_at, r.holder_pid, r.holder_login);
  select pg_catalog.count(*) into held from internal.ai_credit_reservations r where r.user_id = me;
  if remaining is null or remaining - held <= 0 then
    raise exception 'no AI credits left'
      using errcode = 'P0001', hint = 'Upgrade the plan or wait for the next credit renewal.';
  end if;
  insert into internal.ai_credit_reservations (request_id, user_id, holder_pid, holder_login)
  values (reserve_generation_credit.request_id, me, pg_catalog.pg_backend_pid(),
          (select l.oid from pg_catalog.pg_roles l where l.rolname operator(pg_catalog.=) session_user));
  return remaining - held - 1;
end
$$;

create or replace function public.held_generation_credits() returns integer
language sql stable security definer
set search_path = ''
as $$
  select pg_catalog.count(*)::integer from internal.ai_credit_reservations r
  where r.user_id = auth.uid() and internal.generation_credit_held(r.created_at, r.holder_pid, r.holder_login)
$$;

create or replace function public.use_generation_credit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  charged uuid;
  reserved boolean;
  held integer := 0;
begin
  delete from internal.ai_credit_reservations r where r.request_id = new.request_id and r.user_id = new.user_id;
  reserved := found;
  if not reserved then
    select pg_catalog.count(*) into held from internal.ai_credit_reservations r
     where r.user_id = new.user_id and internal.generation_credit_held(r.created_at, r.holder_pid, r.holder_login);
  end if;
  update public.user_subscriptions s
     set credits_remaining = s.credits_remaining - 1, credits_used = s.credits_used + 1
   where s.user_id = new.user_id and s.is_active and s.credits_remaining > held
  returning s.id into charged;
  if charged is null then
    raise exception 'no AI credits left'
      using errcode = 'P0001', hint = 'Upgrade the plan or wait for the next credit renewal.';
  end if;
  return null;
end
$$;
