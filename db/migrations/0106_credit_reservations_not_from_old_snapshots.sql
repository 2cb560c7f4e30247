-- 0106: AI credits cannot be reserved twice from a REPEATABLE READ transaction.
--
-- reserve_generation_credit locks the caller's subscription row, then counts the credits its
-- other requests hold. In READ COMMITTED that count sees every reservation committed before the
-- lock was granted; a REPEATABLE READ transaction whose snapshot is older counted without the
-- reservation another session committed meanwhile (only locked, the row was not changed, so
-- PostgreSQL raised no serialization failure), and two requests held the last credit. The
-- charge then failed for one of them after its AI call had run. A reservation is now made in a
-- READ COMMITTED transaction only (25001 otherwise), as Blogster's own always are.

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
