-- What the workers record beside the queue, reachable only by service_role (workers' bookkeeping).
--
-- internal.email_deliveries: one row per notification email, written the moment the SMTP
-- server accepts it (or delivery is given up), and read before sending: a retried job
-- never sends twice. The Message-ID is derived from notification_id, so the one message in
-- flight when a worker is killed repeats with the same identity and the receiver drops it.
-- internal.job_failures: procrastinate keeps no error text; `workers status` shows these.
create table internal.email_deliveries (
  notification_id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  status public.notification_delivery_status not null,
  error text,
  recorded_at timestamptz not null default now()
);
create index email_deliveries_user_id_idx on internal.email_deliveries (user_id);
comment on table internal.email_deliveries is 'Notification emails delivered or given up; workers look here before sending.';

create table internal.job_failures (
  job_id bigint primary key references procrastinate.procrastinate_jobs (id) on delete cascade,
  task_name text not null,
  error text not null,
  failed_at timestamptz not null default now()
);
comment on table internal.job_failures is 'The last error of each failed job attempt (procrastinate keeps none).';

alter table internal.email_deliveries enable row level security;
alter table internal.email_deliveries force row level security;
alter table internal.job_failures enable row level security;
alter table internal.job_failures force row level security;
revoke all on internal.email_deliveries, internal.job_failures from public, anon, authenticated, blogster_admin;
grant select, insert, update, delete on internal.email_deliveries, internal.job_failures to service_role;
