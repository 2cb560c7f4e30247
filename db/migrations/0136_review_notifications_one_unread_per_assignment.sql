-- 0136: a review notification replaces its recipient's unread one about the same assignment.
--
-- Each review step added a notification to the other party (0130, 0132), and nothing bounds how
-- many steps an assignee takes: an approver repeating `review reject ID; review start ID` added
-- two to the author's notifications a round ("Changes requested by...", "Rework started by..."),
-- without end, and the 500 comments one person may leave on an assignment (0108) 500 more; nobody
-- can delete their notifications (a red team's finding, L2). Now a recipient holds at most one
-- unread notification about an assignment:
-- - internal.notify_review rewrites the recipient's unread notification about the assignment
--   (user_id, type blog_interaction and content `assignment ID`, the key 0130 writes) instead of
--   adding one: the newest step's title, and the step's time as created_at, so `notifications list`
--   (newest first) shows it first and when it happened; it stays unread, keeps its id, and moves to
--   the partition of its new month if it has to. Without one (none yet, or the last one read) it
--   adds one, as before.
-- - A read notification is never changed: it stays as it was read (history). Repeating steps
--   therefore adds to a list only as often as its owner reads it. A notification marked read while
--   a step rewrites it is either read first (then left read, and a new one added) or rewritten
--   first (then marked read as rewritten; if the rewrite moved it to another month's partition,
--   the marking fails as a concurrent change, 40001, "try again"). Concurrent steps on one
--   assignment cannot both add one: each holds the assignment's row lock (review_act,
--   review_publish: FOR UPDATE; the triggers run in the statement that changes or deletes the row).
-- - The author and the assignee each have their own (their user_id); other notifications, and
--   another assignment's, are never touched. The same preferences decide as before: with
--   blog_interaction_notifications or in_app_notifications off, or the account being deleted,
--   nothing is written (an unread one stays as it was).
-- - Review comments notify through the same function (the assignee's comment tells the author,
--   0130), so they are bounded alike.
-- - `review approve --publish` stays one notification: review_publish finds this transaction's
--   approval by created_at = now() and its title, as before (the rewritten one has both), and makes
--   it "Approved and published"; publishing later rewrites an unread "Approved" into "Published".
-- Notifications already stored stay as they are (a flood sent before this migration included):
-- nothing stored is deleted; the next step rewrites the newest unread one.

create or replace function internal.notify_review(recipient uuid, assignment uuid, message text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  about constant text := pg_catalog.format('assignment %s', assignment);
begin
  if not exists (select 1 from public.user_notification_preferences p
                 join auth.users u on u.id = p.user_id and u.deleted_at is null
                 where p.user_id = recipient and p.in_app_notifications and p.blog_interaction_notifications) then
    return;
  end if;
  -- The recipient's unread one about this assignment (the newest, should there be several),
  -- unless its owner marks it read first (the row is then skipped as no longer unread).
  update public.user_notifications n
     set title = message, created_at = pg_catalog.now()
   where (n.id, n.created_at) = (select o.id, o.created_at from public.user_notifications o
                                 where o.user_id = recipient and o.type = 'blog_interaction'
                                   and o.content = about and not o.read
                                 order by o.created_at desc, o.id desc limit 1)
     and n.user_id = recipient and not n.read;
  if not found then
    insert into public.user_notifications (user_id, type, title, content, priority, delivery_status)
    values (recipient, 'blog_interaction', message, about, 'medium', 'sent');
  end if;
end
$$;
revoke all on function internal.notify_review(uuid, uuid, text) from public;
comment on function internal.notify_review(uuid, uuid, text) is
  'One in-app blog_interaction notification about an assignment, as the recipient''s preferences allow: rewrites the recipient''s unread one about it (title, created_at) or adds one, so each recipient holds at most one unread per assignment (0136).';

-- The definer rewrites a notification's title (0130) and now its time; the partitions get the grant too.
grant update (title, created_at) on public.user_notifications to blogster_definer;
select internal.sync_partition_security('public.user_notifications');
