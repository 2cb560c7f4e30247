-- 0149: review email for a recipient who turned in-app notifications off, and at most one review
-- email per read cycle, also for a step written while the previous step's email is being sent.
--
-- 1. Email and in-app are two channels, each with its own preference (the spec's
--    user_notification_preferences: email_notifications, in_app_notifications; a kind of
--    notification, here blog_interaction_notifications, goes by the channels that are on, as the
--    maintenance notices do since 0004). notify_review (0144) returned without writing anything
--    when in_app_notifications was off, and review email (0147, 0148) is driven by the
--    notification's rows, so a recipient who wanted email only got none. Now notify_review writes
--    the notification when blog_interaction_notifications and either channel is on; with
--    in_app_notifications off it is written for its email only: user_notifications.in_app is
--    false, and the app leaves it out (`notifications list`, the TUI, the dashboard's unread
--    count: repositories/notifications.py, dashboard.py). It is still its owner's row, read and
--    marked read under the same owner-only policies: `notifications read ID` (the id its email
--    names) marks it read, and so does `notifications read-all`. Why a row and not a job carrying
--    the text (as a maintenance email to an email-only recipient is): the once-per-read-cycle rule
--    of 0148 needs the notification to rewrite and to be read, and the worker reads the text as
--    the recipient under RLS (a forged job reads nothing), as for every review email.
--    - A notification keeps the channel it was written for: a step rewrites the recipient's unread
--      one of its lane (0140) written for the channels the preferences have now, else adds one.
--      So turning in_app_notifications off leaves the unread one in the app as it was (as turning
--      blog_interaction_notifications off does) and the next step adds one for email, mailed.
--      At most four unread per assignment and recipient (two lanes, two channels), two while the
--      preferences stay as they are.
--    - The read cycle is the same for both: mailed once, a notification's rewrites are not mailed
--      until its recipient reads it (0148). The email says how: `blogster notifications read ID`.
--    - in_app is written once, by notify_review (the definer: insert); accounts cannot change it
--      (their grant is read, read_at).
-- 2. 0148's one race: a step that rewrote the notification while the worker was sending the
--    previous version's email found no "mailed" row yet (it is recorded after the server accepts
--    the message), so its version was queued and mailed too: two emails in one read cycle. Now the
--    worker claims the read cycle before it sends: internal.claim_review_email, in the unit of work
--    that records the outcome and stays open across the SMTP call (a guard, as crossposting and
--    newsletters have): it writes the "mailed" row (the notification's own id in
--    internal.email_deliveries) unless that row says the notification was mailed since its
--    recipient last read it. A rewrite during the call still queues its job (the trigger reads
--    committed rows, and waits for no worker); that job's claim waits on the first one's row until
--    it commits, then finds the cycle mailed and sends nothing (its version's status is 'sent', as
--    0148's trigger marks a rewrite it does not mail). Should the first email fail (refused, the server gone), the worker rolls its claim
--    back and the next version may be mailed; a killed worker's claim ends with its connection.
--    A version rewritten before its claim is not sent (the newer one's job mails it), so the
--    email that goes is the newest version at the time of its claim.

alter table public.user_notifications add column in_app boolean not null default true;
comment on column public.user_notifications.in_app is
  'Shown in the app: false for a notification written for its email only (its recipient''s in_app_notifications was off), which the app''s lists and counts leave out; still its owner''s row, read and marked read as any (0149).';

create or replace function internal.notify_review(recipient uuid, assignment uuid, message text, body text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  about constant text := internal.review_link(assignment);
  comment_notice constant boolean := message like 'Comment by %';
  shown boolean;  -- written for the app (in_app_notifications), else for its email only
begin
  select p.in_app_notifications into shown
  from public.user_notification_preferences p
  join auth.users u on u.id = p.user_id and u.deleted_at is null
  where p.user_id = recipient and p.blog_interaction_notifications
    and (p.in_app_notifications or p.email_notifications);
  if not found then
    return;  -- no channel wants it
  end if;
  -- The recipient's unread one of the same lane (step or comment) and channel about this
  -- assignment (the newest, should there be several), unless its owner marks it read first (the
  -- row is then skipped as no longer unread).
  update public.user_notifications n
     set title = message, content = body, created_at = pg_catalog.now()
   where (n.id, n.created_at) = (select o.id, o.created_at from public.user_notifications o
                                 where o.user_id = recipient and o.type = 'blog_interaction'
                                   and o.link = about and not o.read and o.in_app = shown
                                   and (o.title like 'Comment by %') = comment_notice
                                 order by o.created_at desc, o.id desc limit 1)
     and n.user_id = recipient and not n.read;
  if not found then
    insert into public.user_notifications (user_id, type, title, content, link, priority, delivery_status, in_app)
    values (recipient, 'blog_interaction', message, body, about, 'medium', 'sent', shown);
  end if;
end
$$;
comment on function internal.notify_review(uuid, uuid, text, text) is
  'One blog_interaction notification about an assignment (link: its key), as the recipient''s preferences allow: in the app, or for its email only (in_app false) when in_app_notifications is off and email_notifications on; rewrites the recipient''s unread one about it of the same lane (a step''s or a comment''s) and channel (title, content, created_at), else one is added (0136, 0140, 0144, 0149).';

-- 0148's trigger function is unchanged: a version written while an earlier one's email is being
-- sent is queued too, and its job's claim decides.
comment on function internal.review_notification_email() is
  'Each version of a review notification (insert, or a rewrite of created_at), in the app or for its email only: BEFORE sets delivery_status (pending when the recipient wants review email and the notification was not mailed since they last read it, else sent); AFTER queues its notification_email job, held until the recipient''s quiet hours end; the job''s claim (internal.claim_review_email) sends at most one email per read cycle (0147, 0148, 0149).';

-- The worker's claim on a notification's read cycle, before it sends one version's email (run as
-- service_role, in the unit of work that records the outcome and stays open across the SMTP
-- call). Answers:
--   'claimed'   the "mailed" row is this transaction's now (inserted, or moved to now() from an
--               earlier cycle): send, then commit; roll it back if the email is not sent;
--   'replaced'  this version is no longer the notification's (rewritten or gone): send nothing,
--               the newer version's job mails it;
--   'mailed'    the notification was mailed since its recipient last read it: send nothing.
-- The conflict waits for another worker's uncommitted claim on the same notification, then its
-- WHERE reads the row as that worker committed it (a subquery would read this statement's older
-- snapshot, which does not hold it: hence the rule written out on `d`, not a call).
create function internal.claim_review_email(notification uuid, version timestamptz, recipient uuid) returns text
language plpgsql volatile
set search_path = ''
as $$
declare
  last_read timestamptz;
  claimed boolean;
begin
  select n.read_at into last_read
  from public.user_notifications n
  where n.id = notification and n.created_at = version and n.user_id = recipient and n.type = 'blog_interaction';
  if not found then
    return 'replaced';
  end if;
  insert into internal.email_deliveries as d (notification_id, user_id, status)
  values (notification, recipient, 'sent')
  on conflict (notification_id) do update set status = 'sent', error = null, recorded_at = pg_catalog.now()
    where d.user_id = recipient
      and not (d.status = 'sent' and (last_read is null or d.recorded_at > last_read))
  returning true into claimed;
  return case when claimed then 'claimed' else 'mailed' end;
end
$$;
revoke all on function internal.claim_review_email(uuid, timestamptz, uuid) from public;
grant execute on function internal.claim_review_email(uuid, timestamptz, uuid) to service_role;
comment on function internal.claim_review_email(uuid, timestamptz, uuid) is
  'The worker (service_role) claims a review notification''s read cycle for one version''s email before sending it: claimed (the "mailed" ledger row is this transaction''s), replaced (a newer version''s job mails it) or mailed (already mailed since its recipient last read it): at most one email per read cycle (0149).';
