-- 0148: a review notification is mailed once until its recipient reads it.
--
-- 0147 mailed every version of a review notification: each step or comment that rewrote the
-- recipient's unread notification (0136, 0140) was a new version with its own email. An assignee
-- commenting 500 times (the per-person cap, 0108), or an approver looping reject and start, sent
-- the author hundreds of emails, while the app showed them one unread notification. Email is now
-- bounded as the app is: once a version of a notification was mailed, its later rewrites are not
-- mailed while the recipient has not read it since. notify_review rewrites only unread
-- notifications, so reading it ends the cycle: the next step adds a new notification, which is
-- mailed. (Should the recipient mark it unread again, read_at stays: a rewrite after the mail
-- was read is mailed, once more.) A recipient gets at most one email per unread notification,
-- so at most two per assignment (the step lane and the comment lane, 0140) until they read.
--
-- - "Mailed" is the ledger's word: when the worker sends a version, it also records the
--   notification's own id in internal.email_deliveries (status sent, recorded_at the time of
--   sending; services/notifications.py, repositories/notification_delivery.py). A version's key
--   stays the ledger's key for its email (0147: exactly once per version, and its Message-ID).
-- - The BEFORE trigger sets 'sent' instead of 'pending' for a version of a notification mailed
--   after it was last read (read_at null, or earlier than the mail): no job is queued, the app
--   shows the text. It reads the notification's id, not the old row, so a rewrite that moves the
--   row to another month's partition (a delete and an insert: both BEFORE triggers fire) is
--   decided the same way twice.
-- - A version still waiting for its email (held by quiet hours, or not yet run) is not "mailed":
--   a rewrite of it gets its own job, as in 0147, and the older version's job finds it replaced.
--   So the email held by quiet hours goes with the newest text when they end; it is never lost
--   to a suppressed rewrite. The one race left: a rewrite written while the worker is sending the
--   older version's email is mailed too (two emails in that cycle, never more).
-- - A failed email (refused, opted out, no SMTP server) records no "mailed": the next rewrite is
--   mailed.

-- The trigger's function (owned by blogster_definer, BYPASSRLS) reads the ledger.
grant select on internal.email_deliveries to blogster_definer;

create or replace function internal.review_notification_email() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  quiet_start time;
  quiet_end time;
  zone text;
begin
  if tg_op = 'UPDATE' and new.created_at is not distinct from old.created_at then
    return new;  -- the same version (a second rewrite in one transaction): its job is queued already
  end if;
  if tg_when = 'BEFORE' then
    new.delivery_status := case
      when exists (
        select 1 from internal.email_deliveries d
        where d.notification_id = new.id and d.user_id = new.user_id and d.status = 'sent'
          and (new.read_at is null or d.recorded_at > new.read_at))
        then 'sent'  -- mailed already, and not read since: the app shows this version (0148)
      when exists (
        select 1 from public.user_notification_preferences p
        join auth.users u on u.id = p.user_id and u.deleted_at is null
        where p.user_id = new.user_id and p.email_notifications and p.blog_interaction_notifications)
        then 'pending'
      else 'sent' end;
    new.delivery_error := null;
    return new;
  end if;
  -- AFTER, for a version whose email is to be sent (the BEFORE trigger said so): one job, held
  -- until the recipient's quiet hours end.
  select p.quiet_hours_start, p.quiet_hours_end, p.timezone into quiet_start, quiet_end, zone
  from public.user_notification_preferences p where p.user_id = new.user_id;
  perform procrastinate.procrastinate_defer_jobs_v1(array[
    row('notifications', 'notification_email', 0, null, null,
        pg_catalog.jsonb_build_object('type', 'blog_interaction', 'recipients', pg_catalog.jsonb_build_array(
          pg_catalog.jsonb_build_object('user_id', new.user_id, 'notification_id', new.id,
                                        'created_at', new.created_at))),
        internal.quiet_hours_end(quiet_start, quiet_end, zone, pg_catalog.now())
    )::procrastinate.procrastinate_job_to_defer_v1]);
  return null;
end
$$;
comment on function internal.review_notification_email() is
  'Each version of a review notification (insert, or a rewrite of created_at): BEFORE sets delivery_status (pending when the recipient wants review email and the notification was not mailed since they last read it, else sent); AFTER queues its notification_email job, held until the recipient''s quiet hours end (0147, 0148).';
