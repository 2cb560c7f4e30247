-- 0151: review email is bounded per recipient. No one person's review notifications are mailed while
-- two of their mailed ones are unread, and no one gets more than 50 review emails a day.
--
-- Red team 37 (F6): any account that knows another's email could have Blogster's mail server send
-- that account about 100 emails a day, each with a subject of up to 500 characters of its choosing
-- (its post's title): assign a post, withdraw it, assign the next (0102 allows 100 new assignments
-- a day per author and assignee). Each assignment is a new notification, so each was mailed. The
-- once-per-read-cycle rule (0148, 0149) held only within one notification, and there was no limit
-- per recipient at all. Email is on by default. Now the worker's claim (internal.claim_review_email,
-- 0149) also decides per recipient:
--
-- 1. At most two unread review emails from one person. A notification records the account whose
--    step wrote its current version (user_notifications.sender_id: notify_review writes it from
--    whoever acts, as notify_review_change reads its actor; null for a change made without an
--    account). A version from a sender is not mailed while two other notifications of that sender
--    to this recipient were mailed and not read since ('held'). It shows in the app as one
--    0148 does not mail ('sent'). Reading one of them (in the app, `notifications read ID`,
--    `read-all`) lets the next notification from that sender be mailed.
--    - Two, not one, so that what a team does today still arrives: an assignment's step and its
--      comment (two notifications, 0140), a step after in_app_notifications was turned off (an
--      email-only notification beside the unread one in the app, 0149), two posts assigned at once.
--    - The loop above mails two emails, then nothing until the recipient reads one of them; each
--      read lets one more through. Every other account is limited the same way, each on its own:
--      one sender's emails never hold back another's.
--    - Held versions are not mailed later (nothing waits on a read). In the app they are there as
--      any notification; a recipient with in_app_notifications off finds the assignments and their
--      status in `review list`, as the email says.
-- 2. At most 50 review emails a day (UTC) to one recipient, from everyone together
--    (internal.review_email_counts, one row per recipient): past it, a version is not mailed
--    ('capped': its notification is failed, with the reason, as a refused email is), and the
--    worker logs it. A teammate reading their review email gets far fewer; this bounds what several
--    accounts together can send, which rule 1 alone leaves at two per account per read.
--    The count goes into the later of the stored day and today (as 0114's caps), and the claim's
--    increment is rolled back with it when the email is not sent.
-- Race-safety: the claim locks the recipient's row of internal.review_email_counts first (an upsert:
-- a concurrent claim's uncommitted row is waited for), and holds it with the worker's unit of work
-- across the SMTP call (0149's guard). Each statement after the lock reads with a new snapshot (a
-- volatile function under READ COMMITTED), so it sees what the previous claim of this recipient
-- committed: its "mailed" row, its count. So claims for one recipient decide one at a time, and
-- two versions from one sender cannot both pass on the same free place. A killed worker's lock ends
-- with its connection. The lock is no account's to take: the table is service_role's alone; and
-- while it holds the lock, the worker waits on no row an account's transaction may hold (a sent
-- version's status is written after the lock is released when its notification's row is busy:
-- services/notifications.py), so no sender can hold back the recipient's email from others.
-- Stored notifications have no sender (null): only the versions written from now on are counted.

alter table public.user_notifications add column sender_id uuid references auth.users (id) on delete set null;
comment on column public.user_notifications.sender_id is
  'The account whose step wrote this version of a review notification (null: none, or a change made without an account); the worker mails at most two unread review emails from one sender (0151).';
-- An account's deletion sets its id to null here.
create index user_notifications_sender_id_idx on public.user_notifications (sender_id);

-- The definer rewrites the sender with the rest of a version; the partitions get the grant too.
grant update (sender_id) on public.user_notifications to blogster_definer;
select internal.sync_partition_security('public.user_notifications');

create table internal.review_email_counts (
  user_id uuid primary key references auth.users (id) on delete cascade,
  day date not null,
  mailed integer not null check (mailed >= 0)
);
comment on table internal.review_email_counts is
  'Review emails claimed for each recipient on its day (UTC): at most 50 a day; its row is the lock that makes a recipient''s claims decide one at a time (0151).';
alter table internal.review_email_counts enable row level security;
alter table internal.review_email_counts force row level security;
revoke all on internal.review_email_counts from public, anon, authenticated, blogster_admin;
grant select, insert, update on internal.review_email_counts to service_role;

-- 0149's notify_review, writing the sender: whoever acts (the SET ROLE account, else the login's).
create or replace function internal.notify_review(recipient uuid, assignment uuid, message text, body text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  about constant text := internal.review_link(assignment);
  comment_notice constant boolean := message like 'Comment by %';
  sender constant uuid := coalesce(auth.uid(), auth.session_uid());
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
     set title = message, content = body, created_at = pg_catalog.now(), sender_id = sender
   where (n.id, n.created_at) = (select o.id, o.created_at from public.user_notifications o
                                 where o.user_id = recipient and o.type = 'blog_interaction'
                                   and o.link = about and not o.read and o.in_app = shown
                                   and (o.title like 'Comment by %') = comment_notice
                                 order by o.created_at desc, o.id desc limit 1)
     and n.user_id = recipient and not n.read;
  if not found then
    insert into public.user_notifications (user_id, type, title, content, link, priority, delivery_status, in_app, sender_id)
    values (recipient, 'blog_interaction', message, body, about, 'medium', 'sent', shown, sender);
  end if;
end
$$;
comment on function internal.notify_review(uuid, uuid, text, text) is
  'One blog_interaction notification about an assignment (link: its key), as the recipient''s preferences allow: in the app, or for its email only (in_app false) when in_app_notifications is off and email_notifications on; rewrites the recipient''s unread one about it of the same lane (a step''s or a comment''s) and channel (title, content, created_at, sender_id), else one is added; sender_id is whoever acts (0136, 0140, 0144, 0149, 0151).';

-- The worker's claim (0149), deciding per recipient too. Answers:
--   'replaced'  this version is no longer the notification's (rewritten or gone): send nothing;
--   'mailed'    the notification was mailed since its recipient last read it: send nothing;
--   'held'      two other notifications from this version's sender were mailed to the recipient
--               and are unread since: send nothing (it shows in the app);
--   'capped'    the recipient was sent 50 review emails today: send nothing;
--   'claimed'   the notification's "mailed" row and the recipient's count are this transaction's:
--               send, then commit; roll them back if the email is not sent.
create or replace function internal.claim_review_email(notification uuid, version timestamptz, recipient uuid) returns text
language plpgsql volatile
set search_path = ''
as $$
declare
  today constant date := (pg_catalog.now() at time zone 'UTC')::date;
  most_unread constant integer := 2;  -- mailed and unread, from one sender (0151)
  most_a_day constant integer := 50;  -- review emails to one recipient a day (0151)
  counted_day date;
  counted integer;
  last_read timestamptz;
  sender uuid;
  claimed boolean;
begin
  -- A replaced (or forged) version writes nothing, and waits for no one.
  if not exists (select 1 from public.user_notifications n
                 where n.id = notification and n.created_at = version and n.user_id = recipient
                   and n.type = 'blog_interaction') then
    return 'replaced';
  end if;
  -- The recipient's claims decide one at a time: this row stays locked until the worker's unit of
  -- work ends (after its SMTP call). Each statement below reads with a new snapshot, taken after
  -- the lock: what the recipient's previous claim committed.
  insert into internal.review_email_counts as c (user_id, day, mailed)
  values (recipient, today, 0)
  on conflict (user_id) do update set day = c.day
  returning c.day, c.mailed into counted_day, counted;

  select n.read_at, n.sender_id into last_read, sender
  from public.user_notifications n
  where n.id = notification and n.created_at = version and n.user_id = recipient and n.type = 'blog_interaction';
  if not found then
    return 'replaced';
  end if;
  if exists (select 1 from internal.email_deliveries d
             where d.notification_id = notification and d.user_id = recipient and d.status = 'sent'
               and (last_read is null or d.recorded_at > last_read)) then
    return 'mailed';  -- 0148
  end if;
  if sender is not null and (
       select pg_catalog.count(*) from (
         select 1 from public.user_notifications n
         join internal.email_deliveries d on d.notification_id = n.id and d.user_id = n.user_id and d.status = 'sent'
         where n.user_id = recipient and n.type = 'blog_interaction' and n.sender_id = sender
           and n.id <> notification and not n.read and (n.read_at is null or n.read_at < d.recorded_at)
         limit most_unread) unread) >= most_unread then
    return 'held';
  end if;
  if counted_day >= today and counted >= most_a_day then
    return 'capped';
  end if;

  insert into internal.email_deliveries as d (notification_id, user_id, status)
  values (notification, recipient, 'sent')
  on conflict (notification_id) do update set status = 'sent', error = null, recorded_at = pg_catalog.now()
    where d.user_id = recipient
      and not (d.status = 'sent' and (last_read is null or d.recorded_at > last_read))
  returning true into claimed;
  if claimed is null then
    return 'mailed';
  end if;
  update internal.review_email_counts c
     set day = greatest(c.day, today), mailed = case when c.day >= today then c.mailed + 1 else 1 end
   where c.user_id = recipient;
  return 'claimed';
end
$$;
comment on function internal.claim_review_email(uuid, timestamptz, uuid) is
  'The worker (service_role) claims a review notification''s read cycle for one version''s email before sending it, one claim per recipient at a time (its internal.review_email_counts row locked): claimed (the "mailed" ledger row and the day''s count are this transaction''s), replaced (a newer version''s job mails it), mailed (already mailed since its recipient last read it), held (two other review emails from its sender are unread) or capped (50 review emails to the recipient today) (0149, 0151).';
