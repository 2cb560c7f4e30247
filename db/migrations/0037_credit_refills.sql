-- Monthly AI credit refills, once per month however many workers and cron entries run them.
--
-- internal.credit_refills holds one row per month refilled (the month's first day, UTC).
-- The refill inserts the month's row and tops the plans up in the same transaction, so a
-- second run in the month (another worker, a cron entry, a retry) finds the row and does
-- nothing; two at once: the second waits on the first's row, then finds it. Reachable by
-- service_role only (the workers); `admin credits refill` stays the administrator's manual top-up.
create table internal.credit_refills (
  period date primary key check (period = pg_catalog.date_trunc('month', period)::date),
  topped_up integer not null check (topped_up >= 0),
  refilled_at timestamptz not null default now()
);
comment on table internal.credit_refills is 'Months whose AI credit refill is done (one row each); workers look here first.';

alter table internal.credit_refills enable row level security;
alter table internal.credit_refills force row level security;
revoke all on internal.credit_refills from public, anon, authenticated, blogster_admin;
grant select, insert, update on internal.credit_refills to service_role;
