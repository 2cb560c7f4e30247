-- 0180: two sends of one account at once no longer pass its daily newsletter sending limit.
--
-- 0175's residue: a send read the allowance, mailed the next reader, then recorded the mail (the
-- trigger counting it) in the commit that claims the reader's delivery. Two sends of one account at
-- the same moment (two newsletters: cron's and a worker's, or two shells) each read the count
-- before the other's mail was committed, so together they passed the limit: by one mail for each
-- send running beside the first.
--
-- Now the check and the claim are one step. The transaction that claims a reader's delivery first
-- takes the account's sending turn, public.newsletter_take_sending_turn(), which then answers the
-- allowance; the turn is held until that transaction commits the delivery (counted by 0175's
-- trigger) or gives it up (refused, deferred, rolled back, or its session killed). Another send of
-- the account waits for the turn and then counts the first one's mail: however many sends run at
-- once, the account's mails stop at its limit. An account without a limit takes no turn, so an
-- administrator's sends go side by side as before.
--
-- The turn is a row lock on the account's own row of internal.newsletter_sending_turns, which no
-- login reaches but through this function, for its own account; not an advisory lock, which any
-- login could take in another account's name (see 0024). An account holding its own turn in an
-- open transaction delays its own sends only: a send that waits past lock_timeout for the turn
-- stops there and leaves the rest due (services/newsletters.py).

create table internal.newsletter_sending_turns (
  user_id uuid primary key references auth.users (id) on delete cascade
);
comment on table internal.newsletter_sending_turns is
  'One row per account that sent with a daily limit: its row lock is the account''s sending turn, held from the allowance''s check to the commit of the delivery it allows (0180).';

alter table internal.newsletter_sending_turns enable row level security;
alter table internal.newsletter_sending_turns force row level security;
revoke all on internal.newsletter_sending_turns from public, anon, authenticated, blogster_admin, service_role;
grant select, insert, update on internal.newsletter_sending_turns to blogster_definer;  -- update: its FOR UPDATE

-- The caller's sending turn (where it has a limit), then its allowance as
-- public.newsletter_sending_allowance() answers it, counted after the turn is taken.
create function public.newsletter_take_sending_turn()
returns table (daily_limit integer, sent integer, frees_at timestamptz)
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  me constant uuid := auth.uid();
begin
  if me is null then
    raise exception 'permission denied for function newsletter_take_sending_turn' using errcode = '42501';
  end if;
  if internal.newsletter_daily_limit_of(me) is not null then
    insert into internal.newsletter_sending_turns (user_id) values (me) on conflict (user_id) do nothing;
    perform 1 from internal.newsletter_sending_turns t where t.user_id operator(pg_catalog.=) me for update;
  end if;
  -- A statement after the lock (a volatile function's own snapshot): it counts the mails another
  -- send committed while this one waited for the turn.
  return query select a.daily_limit, a.sent, a.frees_at from public.newsletter_sending_allowance() a;
end
$$;
comment on function public.newsletter_take_sending_turn() is
  'Takes the caller''s newsletter sending turn until the transaction ends (where it has a daily limit), then answers its allowance: a send checks and claims its next mail in one step (0180).';
revoke all on function public.newsletter_take_sending_turn() from public;
grant execute on function public.newsletter_take_sending_turn() to authenticated;
