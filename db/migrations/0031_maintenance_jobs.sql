-- Maintenance emails go through the job queue (0030) instead of internal.notification_outbox.
--
-- The fan-out stays in exactly one place, the trigger on maintenance_schedules, in the
-- admin's transaction: in-app user_notifications as before, plus one
-- `notification_email` job per recipient who wants email, deferred to the end of the
-- recipient's quiet hours (in their time zone). procrastinate's own NOTIFY wakes the
-- workers; the old blogster_outbox channel and the outbox table are gone (pending
-- outbox rows become jobs), so there is one queue, not two.

-- When `at` falls inside the quiet hours [quiet_start, quiet_end) in time zone `tz`,
-- the moment they end; otherwise null. An unknown time zone counts as UTC.
create or replace function internal.quiet_hours_end(quiet_start time, quiet_end time, tz text, at timestamptz)
returns timestamptz
language plpgsql stable
set search_path = ''
as $$
declare
  zone text := tz;
  local_now timestamp;
  local_end timestamp;
begin
  if quiet_start is null or quiet_end is null or quiet_start = quiet_end then
    return null;
  end if;
  begin
    local_now := at at time zone zone;
  exception when invalid_parameter_value then
    zone := 'UTC';
    local_now := at at time zone zone;
  end;
  if (quiet_start < quiet_end and local_now::time >= quiet_start and local_now::time < quiet_end)
     or (quiet_start > quiet_end and (local_now::time >= quiet_start or local_now::time < quiet_end)) then
    local_end := local_now::date + quiet_end;
    if local_end <= local_now then
      local_end := local_end + interval '1 day';
    end if;
    return local_end at time zone zone;
  end if;
  return null;
end
$$;
revoke all on function internal.quiet_hours_end(time, time, text, timestamptz) from public;
grant execute on function internal.quiet_hours_end(time, time, text, timestamptz) to blogster_definer;

-- One job per email recipient. args carry only ids: the worker reads the notification
-- as its user. `notification_id` is the in-app row (or, for email-only recipients, a
-- fresh id) and names the email's Message-ID, so a repeat can be dropped downstream.
create or replace function public.handle_maintenance_notification() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  change text;
  message_title text;
  message text;
  prio public.notification_priority := new.severity::text::public.notification_priority;
  job_ids bigint[];
begin
  if tg_op = 'INSERT' then
    change := 'scheduled';
  elsif (new.title, new.description, new.start_time, new.end_time, new.status, new.severity, new.affected_services)
        is not distinct from
        (old.title, old.description, old.start_time, old.end_time, old.status, old.severity, old.affected_services) then
    return null;  -- bookkeeping (notification_sent, updated_at): nothing to tell users
  elsif new.status = 'cancelled' then
    change := 'cancelled';
  else
    change := 'updated';
  end if;

  message_title := case change
    when 'scheduled' then 'Scheduled maintenance: ' || new.title
    when 'cancelled' then 'Maintenance cancelled: ' || new.title
    else 'Maintenance updated: ' || new.title end;
  message := pg_catalog.format('%s (%s to %s UTC)%s', coalesce(new.description, new.title),
    pg_catalog.to_char(new.start_time at time zone 'UTC', 'YYYY-MM-DD HH24:MI'),
    pg_catalog.to_char(new.end_time at time zone 'UTC', 'YYYY-MM-DD HH24:MI'),
    case when pg_catalog.cardinality(new.affected_services) > 0
         then '; affected: ' || pg_catalog.array_to_string(new.affected_services, ', ') else '' end);

  -- Recipients: live accounts that want maintenance notices on at least one channel.
  with recipients as (
    select p.user_id, p.in_app_notifications as in_app, p.email_notifications as email,
           gen_random_uuid() as notification_id,
           internal.quiet_hours_end(p.quiet_hours_start, p.quiet_hours_end, p.timezone, pg_catalog.now()) as send_at
    from public.user_notification_preferences p
    join auth.users u on u.id = p.user_id and u.deleted_at is null
    where p.maintenance_notifications and (p.in_app_notifications or p.email_notifications)
  ),
  in_app as (
    insert into public.user_notifications (id, user_id, type, title, content, priority, expires_at, delivery_status)
    select r.notification_id, r.user_id, 'maintenance', message_title, message, prio, new.end_time,
           case when r.email then 'pending' else 'sent' end::public.notification_delivery_status
    from recipients r where r.in_app
  )
  select procrastinate.procrastinate_defer_jobs_v1(pg_catalog.array_agg(
    row('notifications', 'notification_email', 0, null, null,
        pg_catalog.jsonb_build_object('user_id', r.user_id, 'notification_id', r.notification_id,
          'maintenance_schedule_id', new.id, 'in_app', r.in_app, 'title', message_title, 'content', message),
        r.send_at)::procrastinate.procrastinate_job_to_defer_v1))
  into job_ids
  from recipients r where r.email;
  return null;
end
$$;
comment on function public.handle_maintenance_notification() is
  'Fans a maintenance change out to users who want it: in-app notifications plus one email job each (queue notifications).';

-- The definer functions may enqueue (and only that): no user role reaches the schema.
grant usage on schema procrastinate to blogster_definer;
grant execute on function procrastinate.procrastinate_defer_jobs_v1(procrastinate.procrastinate_job_to_defer_v1[])
  to blogster_definer;
-- RETURNING id needs SELECT on the jobs table.
grant select, insert on procrastinate.procrastinate_jobs to blogster_definer;
grant insert on procrastinate.procrastinate_events to blogster_definer;
grant usage on sequence procrastinate.procrastinate_jobs_id_seq, procrastinate.procrastinate_events_id_seq
  to blogster_definer;

-- Pending outbox rows become jobs, then the outbox goes.
insert into procrastinate.procrastinate_jobs (queue_name, task_name, args, scheduled_at)
select 'notifications', 'notification_email',
       pg_catalog.jsonb_build_object('user_id', o.user_id, 'notification_id', coalesce(o.notification_id, gen_random_uuid()),
         'maintenance_schedule_id', o.payload->'maintenance_schedule_id', 'in_app', o.notification_id is not null,
         'title', o.payload->'title', 'content', o.payload->'content'),
       o.available_at
from internal.notification_outbox o
where o.processed_at is null and 'email' = any (o.channels);
drop table internal.notification_outbox;
