-- Monthly AI credit refills per account, each in its own transaction.
--
-- 0037 refilled every active plan in one UPDATE, under one ledger row per month. An account
-- that held a lock on its own subscription row (a generation's credit reservation, in a
-- transaction its login keeps open) made that UPDATE, and so the month's refill of every
-- account, fail after lock_timeout; skipping the locked row (SKIP LOCKED) would have recorded
-- the month as done without that account, which then never got its credits.
--
-- internal.credit_refills now holds one row per account: the last month (its first day, UTC)
-- whose refill the account received, and the credits that refill added (0 when the plan
-- already held its tier's monthly credits). The refill (`workers refill-credits`, the workers'
-- daily job, `admin credits refill`) does each account in a transaction of its own, one
-- statement: lock the account's active subscription, move its row here to this month (only
-- from an earlier one, or insert it), and top the plan up. The row and the credits commit
-- together or not at all, so a run killed at any point leaves each account done or not done,
-- and the next run does only the accounts not done (never one twice). Two runs at once: the
-- second waits for the first's lock on the subscription, then finds the row at this month. An
-- account whose subscription stays locked fails alone after lock_timeout and is done by a later run.
--
-- The month 0037 refilled last counts as received by every account with an active plan now
-- (what that refill topped up); the older month rows go. Service_role only, as before; the row
-- goes with its account (on delete cascade).

alter table internal.credit_refills drop constraint credit_refills_pkey;
alter table internal.credit_refills add column user_id uuid references auth.users (id) on delete cascade;

insert into internal.credit_refills (period, topped_up, refilled_at, user_id)
select last.period, 0, last.refilled_at, s.user_id
from (select r.period, r.refilled_at from internal.credit_refills r order by r.period desc limit 1) last
cross join public.user_subscriptions s
where s.is_active;
delete from internal.credit_refills where user_id is null;

alter table internal.credit_refills alter column user_id set not null;
alter table internal.credit_refills add primary key (user_id);
alter table internal.credit_refills
  alter column period set default pg_catalog.date_trunc('month', pg_catalog.now() at time zone 'UTC')::date;

comment on table internal.credit_refills is
  'Per account, the last month whose AI credit refill it received (one row each); the refill looks here first.';
comment on column internal.credit_refills.period is 'The month (its first day, UTC) of the account''s last refill.';
comment on column internal.credit_refills.topped_up is 'Credits that refill added to the account''s plan (0: it held its monthly credits).';
