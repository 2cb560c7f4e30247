-- 1. One conversation's chatbot messages are answered one at a time, in the order sent. The reply
--    job (0080) now carries procrastinate's job lock `chatbot_conversation:<conversation id>`: a
--    worker takes no job while another of the same lock runs or an earlier one (lower id) waits,
--    a retry included (it keeps its id). Different conversations still run at once. Before, the
--    messages queued while no worker ran were answered together once one started, each from the
--    context stored before any of them ("yes" came before the reply it follows was stored).
--    Reply jobs queued before this migration get the lock too.
-- 2. A maintenance notification keeps the window it is about (window_start, window_end), so that
--    front ends show it in the reader's `timezone` setting, which lives in their profile, not
--    here. The text (content) is still written once, in UTC, and names UTC: what emails send and
--    what a front end shows when the window is not known (notifications from before: null).

create or replace function public.enqueue_chatbot_reply() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform procrastinate.procrastinate_defer_jobs_v1(array[
    row('chatbot', 'process_chatbot_message', 0, 'chatbot_conversation:' || new.conversation_id::text, null,
        pg_catalog.jsonb_build_object('message_id', new.id, 'created_at', new.created_at,
                                      'conversation_id', new.conversation_id),
        null)::procrastinate.procrastinate_job_to_defer_v1]);
  return null;
end
$$;
comment on function public.enqueue_chatbot_reply() is
  'Queues the worker''s reply to a user''s chatbot message (queue chatbot), one conversation''s in order (job lock).';

update procrastinate.procrastinate_jobs
set lock = 'chatbot_conversation:' || (args ->> 'conversation_id')
where task_name = 'process_chatbot_message' and status = 'todo' and lock is null and args ? 'conversation_id';

alter table public.user_notifications
  add column window_start timestamptz,
  add column window_end timestamptz;
comment on column public.user_notifications.window_start is
  'Start of the window a maintenance notification is about (its content names it in UTC); null on others.';
comment on column public.user_notifications.window_end is
  'End of the window a maintenance notification is about (its content names it in UTC); null on others.';

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
    insert into public.user_notifications (id, user_id, type, title, content, priority, expires_at, delivery_status,
                                           window_start, window_end)
    select r.notification_id, r.user_id, 'maintenance', message_title, message, prio, new.end_time,
           case when r.email then 'pending' else 'sent' end::public.notification_delivery_status,
           new.start_time, new.end_time
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
  'Fans a maintenance change out to users who want it: in-app notifications (with the window, for the reader''s zone) plus email jobs of up to 100 recipients (queue notifications).';
