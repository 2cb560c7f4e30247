-- The maintenance fan-out in fewer rows and cheaper ids (100,000 recipients in one change).
--
-- 1. One `notification_email` job per batch of up to 100 email recipients who share a send
--    time (the end of their quiet hours, or now), not one job per recipient: the job rows,
--    their events and the workers' claims shrink a hundredfold. args: the schedule id, the
--    message, and `recipients`: [{user_id, notification_id, in_app}]. The worker reads the
--    ledger (internal.email_deliveries) for the whole batch and sends each email at most
--    once, so a retried batch resumes where the last attempt stopped.
-- 2. Notification ids are md5(one random nonce per change || user id) as a uuid: unique per
--    change and recipient, unguessable without the nonce, and about a tenth of the cost of
--    a gen_random_uuid() call per recipient.
-- Email jobs queued before this migration are rewritten to the batch shape (one recipient each).

create or replace function public.handle_maintenance_notification() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  change text;
  message_title text;
  message text;
  prio public.notification_priority := new.severity::text::public.notification_priority;
  nonce text := pg_catalog.gen_random_uuid()::text;
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
           pg_catalog.md5(nonce || p.user_id::text)::uuid as notification_id,
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
  ),
  numbered as (
    select r.*, (pg_catalog.row_number() over (partition by r.send_at order by r.user_id) - 1) / 100 as batch
    from recipients r where r.email
  ),
  batches as (
    select n.send_at, pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
             'user_id', n.user_id, 'notification_id', n.notification_id, 'in_app', n.in_app) order by n.user_id) as recipients
    from numbered n group by n.send_at, n.batch
  )
  select procrastinate.procrastinate_defer_jobs_v1(pg_catalog.array_agg(
    row('notifications', 'notification_email', 0, null, null,
        pg_catalog.jsonb_build_object('maintenance_schedule_id', new.id, 'title', message_title,
          'content', message, 'recipients', b.recipients),
        b.send_at)::procrastinate.procrastinate_job_to_defer_v1))
  into job_ids
  from batches b;
  return null;
end
$$;
comment on function public.handle_maintenance_notification() is
  'Fans a maintenance change out to users who want it: in-app notifications plus email jobs of up to 100 recipients (queue notifications).';

update procrastinate.procrastinate_jobs
set args = pg_catalog.jsonb_build_object(
  'maintenance_schedule_id', args->'maintenance_schedule_id', 'title', args->'title', 'content', args->'content',
  'recipients', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
    'user_id', args->'user_id', 'notification_id', args->'notification_id', 'in_app', args->'in_app')))
where task_name = 'notification_email' and args ? 'user_id';
