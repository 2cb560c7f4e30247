-- 0171: the assignee's review notifications name the step first, as the author's do (new-user walk, h330 L3).
--
-- The author reads "Approved by EMAIL (editor): TITLE" (0130), the step first; her assignee read
-- "TITLE is now approved by EMAIL" (0144), the step last, where a narrow list (the studio's
-- Notifications at 80 columns) cut it off behind a long title. Now the assignee's step titles
-- start with the step too: "Approved by EMAIL: TITLE", "Rejected by EMAIL: TITLE"; a change made
-- without an account: "Approved: TITLE", "Moved to in_progress: TITLE". The assignment's titles
-- ("Assigned as editor by EMAIL: TITLE") and the withdrawal's are as they were. Stored
-- notifications keep their titles (the next step rewrites an unread one, 0136, in the new
-- wording). The function is 0144's otherwise.

create or replace function internal.notify_review_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  -- Who takes the step: the SET ROLE account, else the login's (as 0102 tells the writer).
  actor uuid := coalesce(auth.uid(), auth.session_uid());
  status_changed boolean;
  note text;
  by_author text;
  step text;
  post_title text;
  post_trashed boolean;
begin
  if tg_op = 'INSERT' then
    status_changed := true;
  else
    status_changed := new.status is distinct from old.status;
    if pg_catalog.jsonb_array_length(new.comments) > pg_catalog.jsonb_array_length(old.comments) then
      note := new.comments -> -1 ->> 'text';  -- the comment this step added (review_act appends one)
    elsif not status_changed then
      return null;  -- no step (the status set to itself, a deleted account taken off the comments)
    end if;
  end if;
  select b.title, b.deleted_at is not null into post_title, post_trashed
  from public.blogs b where b.id = new.blog_id;

  -- The assignee: the assignment and others' status changes, while the post is theirs to read;
  -- named, the post's author when she took the step (who else did is no one the assignee knows).
  if new.assigned_to is not null and new.assigned_to is distinct from actor and status_changed
     and not coalesce(post_trashed, true) then
    if actor is not distinct from new.author_id then
      select u.email into by_author from auth.users u where u.id = actor;
    end if;
    -- the step first, as the author's titles have it (0171): the author approves or rejects (review_act)
    step := case new.status
      when 'approved' then 'Approved'
      when 'rejected' then 'Rejected'
      else pg_catalog.format('Moved to %s', new.status) end;
    perform internal.notify_review(new.assigned_to, new.id,
      case when tg_op = 'INSERT' and by_author is not null
             then pg_catalog.format('Assigned as %s by %s: %s', new.role, by_author, post_title)
           when tg_op = 'INSERT' then pg_catalog.format('Assigned as %s: %s', new.role, post_title)
           when by_author is not null then pg_catalog.format('%s by %s: %s', step, by_author, post_title)
           else pg_catalog.format('%s: %s', step, post_title) end,
      internal.review_body(new.id, note));
  end if;

  -- The author: each step of her assignee (review_act; the author's own steps tell her nothing).
  if tg_op = 'UPDATE' and actor is not null and actor = new.assigned_to and actor is distinct from new.author_id then
    step := case
      when not status_changed then 'Comment'
      when new.status = 'in_progress' and old.status = 'rejected' then 'Rework started'
      when new.status = 'in_progress' then 'Started'
      when new.status = 'awaiting_review' then 'Submitted for approval'
      when new.status = 'reviewed' then 'Reviewed'
      when new.status = 'approved' then 'Approved'
      when new.status = 'rejected' then 'Changes requested'
      else pg_catalog.format('Moved to %s', new.status) end;
    perform internal.notify_review(new.author_id, new.id, internal.review_notice(step, actor, new.role, post_title),
      internal.review_body(new.id, note));
  end if;
  return null;
end
$$;
comment on function internal.notify_review_change() is
  'After an assignment or a review step: notifies the other party (the assignee of the assignment and of others'' status changes while the post is not trashed, naming the author who took it; the author of her assignee''s steps, comments included), never the one who took it; every title names the step first (0171); the body names the command and the step''s comment (0130, 0144).';
