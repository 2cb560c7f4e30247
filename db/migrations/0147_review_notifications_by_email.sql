-- 0147: review notifications by email too, as maintenance notices are (0031, 0036).
--
-- Review notifications (user_notifications of type blog_interaction, written by
-- internal.notify_review: 0130, 0136, 0140, 0144) stayed in the app although the recipient's
-- preferences had email_notifications and blog_interaction_notifications on; serve-workers mailed
-- only maintenance notices. Now each step is mailed too, through the maintenance email's path:
-- the `notification_email` job (queue notifications), the ledger internal.email_deliveries, the
-- same SMTP client, retries and configuration errors, the recipient's quiet hours.
--
-- - A step is a version of the recipient's notification: its id and its created_at. notify_review
--   adds a notification (a version) or rewrites the recipient's unread one (title, content and
--   created_at: a new version, 0136). Each version whose recipient wants review email gets one
--   job, queued by the triggers below in the transaction that wrote it: on insert, and on an
--   update that changes created_at. An update that moves the row to another month's partition
--   runs as a delete and an insert, so it fires the AFTER INSERT trigger (once), not the AFTER
--   UPDATE one; the BEFORE triggers of both fire, and set the same status twice. A second
--   rewrite in the same transaction (created_at = now() again) is no new version: the job already
--   queued reads the text as it is when it runs (so does `review approve --publish`'s title).
-- - The job carries ids only: {type: blog_interaction, recipients: [{user_id, notification_id,
--   created_at}]}, the recipients' shape of 0036's batches (so 0118's cleanup of a deleted
--   account's queued jobs takes these too). The worker reads the notification's text as the
--   recipient (RLS: their own row, that version; a version rewritten since is left to the newer
--   one's job), and their address if they still want review email.
-- - Exactly once per version: the ledger's key is derived from the notification id and that
--   created_at (a UUIDv5, services/notifications.py), and so is the email's Message-ID: a retried
--   or re-run job sends nothing twice, and the one message in flight when a worker is killed
--   repeats with the same Message-ID. No new table, no new column.
-- - The recipient's quiet hours hold the email back until they end, in the preferences' time
--   zone (internal.quiet_hours_end, as for maintenance email): the job's scheduled_at.
-- - delivery_status says what became of the email, as for maintenance notices: 'pending' while one
--   is to be sent (set with each version), then 'sent' or 'failed' with delivery_error; 'sent'
--   (delivered in the app) when no email is wanted.
-- Notifications already stored are not mailed: only the versions written from now on.
-- With in_app_notifications off, notify_review writes no notification, so no email either.

create function internal.review_notification_email() returns trigger
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
    new.delivery_status := case when exists (
        select 1 from public.user_notification_preferences p
        join auth.users u on u.id = p.user_id and u.deleted_at is null
        where p.user_id = new.user_id and p.email_notifications and p.blog_interaction_notifications)
      then 'pending' else 'sent' end;
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
revoke all on function internal.review_notification_email() from public;
-- Each new monthly partition clones the triggers, which its creator (create_range_partition, run
-- for blogster_owner) may do only with EXECUTE on the function (as 0080's chatbot triggers).
grant execute on function internal.review_notification_email() to blogster_owner;
comment on function internal.review_notification_email() is
  'Each version of a review notification (insert, or a rewrite of created_at): BEFORE sets delivery_status (pending when the recipient wants review email, else sent); AFTER queues its notification_email job, held until the recipient''s quiet hours end (0147).';

create trigger review_notification_email_status
  before insert or update of created_at on public.user_notifications
  for each row when (new.type = 'blog_interaction')
  execute function internal.review_notification_email();
create trigger review_notification_email
  after insert or update of created_at on public.user_notifications
  for each row when (new.type = 'blog_interaction' and new.delivery_status = 'pending')
  execute function internal.review_notification_email();
