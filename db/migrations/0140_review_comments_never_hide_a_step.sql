-- 0140: a review comment never rewrites the notification of a review step.
--
-- 0136 made each review notification rewrite its recipient's newest unread one about the same
-- assignment. A comment rewrote a step's notification too: after `review approve --publish`,
-- one `review comment` by the approver turned the author's unread "Approved and published by..."
-- into "Comment by...", and a rejection followed by a comment hid "Changes requested by..." (red
-- team 33, F4): the author never learnt of the step. Now steps and comments are two lanes: a
-- comment (its notice is 'Comment by ...', internal.review_notice; a step's starts with the step,
-- so no post title can make a step read as a comment) rewrites only an unread comment notice
-- about the assignment, a step only an unread step notice, else one is added. A recipient
-- therefore holds at most two unread notifications per assignment: the latest step and the
-- latest comment.

create or replace function internal.notify_review(recipient uuid, assignment uuid, message text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  about constant text := pg_catalog.format('assignment %s', assignment);
  comment_notice constant boolean := message like 'Comment by %';
begin
  if not exists (select 1 from public.user_notification_preferences p
                 join auth.users u on u.id = p.user_id and u.deleted_at is null
                 where p.user_id = recipient and p.in_app_notifications and p.blog_interaction_notifications) then
    return;
  end if;
  -- The recipient's unread one of the same lane (step or comment) about this assignment (the
  -- newest, should there be several), unless its owner
  -- marks it read first (the row is then skipped as no longer unread).
  update public.user_notifications n
     set title = message, created_at = pg_catalog.now()
   where (n.id, n.created_at) = (select o.id, o.created_at from public.user_notifications o
                                 where o.user_id = recipient and o.type = 'blog_interaction'
                                   and o.content = about and not o.read
                                   and (o.title like 'Comment by %') = comment_notice
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
  'One in-app blog_interaction notification about an assignment, as the recipient''s preferences allow: rewrites the recipient''s unread one about it of the same lane, a step''s or a comment''s (title, created_at), else one is added: at most two unread per assignment and recipient (0136, 0140).';
