-- 0130: each review step notifies the other party, never the one who took it.
--
-- 0071's trigger notified only the assignee: of their assignment and of every status change,
-- their own steps included (`review start` told them their post "is now in_progress"), while the
-- post's author heard of nothing, not even the approver publishing her post (a red team's
-- finding). Now, in the app (user_notifications, type blog_interaction), one notification per step:
-- - the author, of each step her assignee takes: start, submit (for approval, or reviewed),
--   approve, reject (changes requested), comment, publish; the title names the step, the
--   assignee (by the email the author assigned) and their role, and the post. `review approve
--   --publish` (the approval and review_publish in one transaction) is one step: review_publish
--   turns the approval's notification into "Approved and published" instead of adding a second.
--   A step with a comment (`--comment`) is one notification, as the step.
-- - the assignee, of the assignment and of each status change someone else makes (the author
--   approving, or rejecting the post back to them), as before, but only while they can read the
--   post: not while it is in the trash (0097's policy hides it from them; a notification would
--   carry its title meanwhile). The author's comments notify no one: each assignment and each
--   step the author takes is bounded by the caps of 0102, her comments (500 per assignment, 0108)
--   are not, and the assignee reads them with `review show`.
-- - nobody, of their own step; a change made without an account (the administrator's own login,
--   restore, 0116's trigger taking a deleted account off the comments) notifies the assignee of a
--   status change as before, and the author of nothing (no reviewer's step).
-- Each recipient's preferences apply as to every notification: blog_interaction_notifications
-- and in_app_notifications, and not to an account being deleted (deleted_at). These notifications
-- are in the app only: no worker emails them (the workers' email jobs are the maintenance
-- notices, 0036), so they are stored 'sent', never 'pending', whatever email_notifications says.
-- The recipient reads them as any notification (the owner's policy, 0004); the assignment's id
-- is in `content`, for `review show`.

-- A review notification's title for the post's author: the step, who took it, their role, the post.
create function internal.review_notice(step text, actor uuid, actor_role public.collaboration_role, post_title text)
returns text
language sql stable
set search_path = ''
as $$
  select pg_catalog.format('%s by %s (%s): %s', step,
    coalesce((select u.email from auth.users u where u.id = actor), 'a deleted account'), actor_role, post_title)
$$;
revoke all on function internal.review_notice(text, uuid, public.collaboration_role, text) from public;
grant execute on function internal.review_notice(text, uuid, public.collaboration_role, text) to blogster_definer;
comment on function internal.review_notice(text, uuid, public.collaboration_role, text) is
  'The title of a review notification to the post''s author: "Approved by EMAIL (ROLE): TITLE" (0130).';

-- One in-app review notification, if the recipient wants blog interaction notifications in the app.
create function internal.notify_review(recipient uuid, assignment uuid, message text) returns void
language sql volatile security definer
set search_path = ''
as $$
  insert into public.user_notifications (user_id, type, title, content, priority, delivery_status)
  select p.user_id, 'blog_interaction', message, pg_catalog.format('assignment %s', assignment), 'medium', 'sent'
  from public.user_notification_preferences p
  join auth.users u on u.id = p.user_id and u.deleted_at is null
  where p.user_id = recipient and p.in_app_notifications and p.blog_interaction_notifications
$$;
revoke all on function internal.notify_review(uuid, uuid, text) from public;
comment on function internal.notify_review(uuid, uuid, text) is
  'Inserts one in-app blog_interaction notification about an assignment, as the recipient''s preferences allow (0130).';

create or replace function internal.notify_review_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  -- Who takes the step: the SET ROLE account, else the login's (as 0102 tells the writer).
  actor uuid := coalesce(auth.uid(), auth.session_uid());
  status_changed boolean;
  step text;
  post_title text;
  post_trashed boolean;
begin
  if tg_op = 'INSERT' then
    status_changed := true;
  else
    status_changed := new.status is distinct from old.status;
    if not status_changed
       and pg_catalog.jsonb_array_length(new.comments) <= pg_catalog.jsonb_array_length(old.comments) then
      return null;  -- no step (the status set to itself, a deleted account taken off the comments)
    end if;
  end if;
  select b.title, b.deleted_at is not null into post_title, post_trashed
  from public.blogs b where b.id = new.blog_id;

  -- The assignee: the assignment and others' status changes, while the post is theirs to read.
  if new.assigned_to is not null and new.assigned_to is distinct from actor and status_changed
     and not coalesce(post_trashed, true) then
    perform internal.notify_review(new.assigned_to, new.id,
      case when tg_op = 'INSERT' then pg_catalog.format('Assigned as %s: %s', new.role, post_title)
           else pg_catalog.format('%s is now %s', post_title, new.status) end);
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
    perform internal.notify_review(new.author_id, new.id, internal.review_notice(step, actor, new.role, post_title));
  end if;
  return null;
end
$$;
comment on function internal.notify_review_change() is
  'After an assignment or a review step: notifies the other party (the assignee of the assignment and of others'' status changes while the post is not trashed; the author of her assignee''s steps, comments included), never the one who took it (0130).';

drop trigger team_collaboration_notify on public.team_collaboration;
create trigger team_collaboration_notify after insert or update of status, comments on public.team_collaboration
  for each row execute function internal.notify_review_change();

-- review_publish (0113's body) tells the author too: the approval of the same transaction
-- (`review approve --publish`) becomes "Approved and published", else "Published" on its own.
create or replace function public.review_publish(assignment uuid) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  assigned public.team_collaboration;
  post public.blogs;
  -- What Python's str.strip() removes (content/rules.py's test for "no content"), every one of them.
  blank constant text := U&'\0009\000A\000B\000C\000D\001C\001D\001E\001F \0085\00A0\1680\2000\2001\2002\2003\2004\2005\2006\2007\2008\2009\200A\2028\2029\202F\205F\3000';
  me uuid := auth.uid();
begin
  select t.* into assigned from public.team_collaboration t where t.id = assignment and t.assigned_to = auth.uid() for update;
  if not found then
    raise exception 'no such assignment' using errcode = 'P0002';
  end if;
  if assigned.role <> 'approver' or not assigned.can_publish then
    raise exception 'the author has not allowed you to publish this post' using errcode = '42501';
  end if;
  if assigned.status <> 'approved' then
    raise exception 'approve the post before publishing it' using errcode = '23514';
  end if;
  if exists (select 1 from public.blogs b where b.id = assigned.blog_id
             and (pg_catalog.btrim(b.title, blank) = '' or pg_catalog.btrim(b.slug, blank) = ''
                  or pg_catalog.btrim(coalesce(b.content ->> 'markdown', ''), blank) = '')) then
    raise exception 'the post cannot be published: it has no title, slug or content' using errcode = '23514';
  end if;
  update public.blogs b set status = 'published', published_at = pg_catalog.now()
  where b.id = assigned.blog_id and b.deleted_at is null and b.status in ('draft', 'scheduled')
    and b.updated_at <= assigned.completed_at
  returning b.* into post;
  if not found then
    if exists (select 1 from public.blogs b where b.id = assigned.blog_id and b.deleted_at is null
               and b.status in ('draft', 'scheduled')) then
      raise exception 'the post changed after it was approved: its author can assign it again'
        using errcode = '23514';
    end if;
    raise exception 'the post is already published or gone' using errcode = '23514';
  end if;
  insert into public.activities (user_id, type, title, description, blog_id, metadata)
  values (post.author_id, 'published', post.title, pg_catalog.format('Published ''%s'' (approved)', post.title), post.id,
          pg_catalog.jsonb_build_object('slug', post.slug, 'approved_by', me, 'assignment', assignment));
  if post.author_id is distinct from me then
    -- The approval's notification: this transaction's (created_at is its start), about this
    -- assignment, to the author, with the title the trigger gave it.
    update public.user_notifications n
       set title = internal.review_notice('Approved and published', me, assigned.role, post.title)
     where n.user_id = post.author_id and n.created_at = pg_catalog.now()
       and n.content = pg_catalog.format('assignment %s', assignment)
       and n.title = internal.review_notice('Approved', me, assigned.role, post.title);
    if not found then
      perform internal.notify_review(post.author_id, assignment,
        internal.review_notice('Published', me, assigned.role, post.title));
    end if;
  end if;
  return post.id;
end
$$;
comment on function public.review_publish(uuid) is
  'An approver allowed to publish (can_publish) publishes an approved post, unchanged since the approval and not empty (0113); its author is notified (0130).';

-- review_publish renames the approval's notification (its title only); the partitions get the grant too.
grant update (title) on public.user_notifications to blogster_definer;
select internal.sync_partition_security('public.user_notifications');
