-- AI credits are reserved before a provider is called, so concurrent generations can
-- never make more (paid) provider calls than the account has credits for.
--
-- A reservation holds one credit for one request id. The charge-on-success trigger
-- (use_generation_credit, restated whole below: a forward-only migration cannot patch
-- a function body) consumes the request's reservation as it charges, so a reservation
-- and a logged success make exactly one charge. A failed call releases its
-- reservation. Reservations left by a crashed command stop counting after one hour.

create table internal.ai_credit_reservations (
  request_id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now()
);
create index ai_credit_reservations_user_idx on internal.ai_credit_reservations (user_id, created_at);
comment on table internal.ai_credit_reservations is 'One AI credit held for one generation request until it is logged (charged) or released. No user privileges: reached through reserve_/release_generation_credit.';
alter table internal.ai_credit_reservations enable row level security;
alter table internal.ai_credit_reservations force row level security;
revoke all on internal.ai_credit_reservations from public;
grant select, insert, delete on internal.ai_credit_reservations to blogster_definer;
grant select, insert, update, delete on internal.ai_credit_reservations to service_role;

-- Reserves one credit of the caller's active subscription for `request_id`, or raises
-- P0001 'no AI credits left'. The subscription row lock serialises concurrent
-- reservations of one account. Returns the credits still free after this one.
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
  select s.credits_remaining into remaining
    from public.user_subscriptions s
   where s.user_id = me and s.is_active
     for update;
  delete from internal.ai_credit_reservations r
   where r.user_id = me and r.created_at < pg_catalog.now() - interval '1 hour';
  select pg_catalog.count(*) into held from internal.ai_credit_reservations r where r.user_id = me;
  if remaining is null or remaining - held <= 0 then
    raise exception 'no AI credits left'
      using errcode = 'P0001', hint = 'Upgrade the plan or wait for the next credit renewal.';
  end if;
  insert into internal.ai_credit_reservations (request_id, user_id) values (reserve_generation_credit.request_id, me);
  return remaining - held - 1;
end
$$;
comment on function public.reserve_generation_credit(uuid) is 'Holds one AI credit of the caller for one generation request; raises P0001 "no AI credits left" when none is free.';
revoke all on function public.reserve_generation_credit(uuid) from public;
grant execute on function public.reserve_generation_credit(uuid) to authenticated;

-- Gives back the caller's reservation for a request that failed; false if none was held.
create or replace function public.release_generation_credit(request_id uuid) returns boolean
language plpgsql security definer
set search_path = ''
as $$
begin
  delete from internal.ai_credit_reservations r
   where r.request_id = release_generation_credit.request_id and r.user_id = auth.uid();
  return found;
end
$$;
comment on function public.release_generation_credit(uuid) is 'Releases the caller''s AI credit reservation for a failed generation request.';
revoke all on function public.release_generation_credit(uuid) from public;
grant execute on function public.release_generation_credit(uuid) to authenticated;

-- A success charges one credit and consumes its request's reservation. Without a
-- reservation it may only use a credit nobody has reserved, so a reserved call that
-- succeeds can always be charged.
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
    select pg_catalog.count(*) into held from internal.ai_credit_reservations r where r.user_id = new.user_id;
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
comment on function public.use_generation_credit() is 'Charges one AI credit per successful generation, consuming its reservation; raises P0001 "no AI credits left" when no unreserved credit remains.';

-- `blogster ai logs -q TEXT` searches prompts and completions.
create index ai_generation_logs_search_idx on public.ai_generation_logs
  using gin (to_tsvector('simple'::regconfig, coalesce(prompt, '') || ' ' || coalesce(completion, '')));
