-- 0071: team review workflow on team_collaboration.
-- The blog's author assigns a post to another account with a role; the assignee reads
-- that post (not the author's other posts), comments, and moves the status along
--   assigned -> in_progress -> awaiting_review (author, editor) | reviewed (reviewer)
--   -> approved | rejected (by the post's author, or by an assignee whose role is approver);
--   rejected -> in_progress (rework).
-- Assignees change nothing directly: public.review_act and public.review_publish (definer
-- functions) check who may do what; the transition trigger holds for every writer. An
-- approver may publish the post only when the author allowed it (can_publish).
-- The assignee gets an in-app notification (user_notifications) when assigned and on
-- every status change.

alter table public.team_collaboration
  add column can_publish boolean not null default false,
  add constraint team_collaboration_publish_only_approver check (not can_publish or role = 'approver'),
  add constraint team_collaboration_comments_array check (jsonb_typeof(comments) = 'array');
comment on column public.team_collaboration.can_publish is 'The author lets this approver publish the post once approved.';
grant update (can_publish) on public.team_collaboration to authenticated;

-- The posts assigned to the calling account (definer: the assignment rows are not readable
-- through the blog's policies, and reading them there would make the policies recurse).
create function public.assigned_blog_ids() returns uuid[]
language sql stable security definer
set search_path = ''
as $$
  select coalesce(pg_catalog.array_agg(t.blog_id), '{}')
  from public.team_collaboration t where t.assigned_to = auth.uid()
$$;
revoke all on function public.assigned_blog_ids() from public;
grant execute on function public.assigned_blog_ids() to authenticated;

create policy "Assignees can view posts assigned to them" on public.blogs
  for select to authenticated using (id = any ((select public.assigned_blog_ids())::uuid[]));
create policy "Assignees can view their assignments" on public.team_collaboration
  for select to authenticated using (assigned_to = (select auth.uid()));

-- Legal status changes, whoever writes (the author through the table, assignees through review_act).
create function internal.check_review_transition() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status is distinct from old.status then
    if not ((old.status, new.status) in (
        ('assigned'::public.collaboration_status, 'in_progress'::public.collaboration_status),
        ('in_progress', 'awaiting_review'), ('in_progress', 'reviewed'),
        ('awaiting_review', 'approved'), ('awaiting_review', 'rejected'), ('awaiting_review', 'reviewed'),
        ('reviewed', 'approved'), ('reviewed', 'rejected'), ('rejected', 'in_progress'))
      or (new.role = 'approver' and old.status = 'in_progress' and new.status in ('approved', 'rejected'))) then
      raise exception 'an assignment cannot go from % to %', old.status, new.status using errcode = '23514';
    end if;
    new.completed_at := case when new.status in ('approved', 'rejected') then pg_catalog.now() end;
  end if;
  -- assigned_to may only become null: ON DELETE SET NULL when the assignee's account is deleted.
  if new.blog_id is distinct from old.blog_id
     or (new.assigned_to is distinct from old.assigned_to and new.assigned_to is not null) then
    raise exception 'an assignment keeps its post and assignee' using errcode = '23514';
  end if;
  return new;
end
$$;
create trigger team_collaboration_transition before update on public.team_collaboration
  for each row execute function internal.check_review_transition();

-- In-app notification to the assignee on assignment and on each status change.
create function internal.notify_review_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  post_title text;
begin
  if new.assigned_to is null or (tg_op = 'UPDATE' and new.status is not distinct from old.status) then
    return null;
  end if;
  select b.title into post_title from public.blogs b where b.id = new.blog_id;
  insert into public.user_notifications (user_id, type, title, content, priority, delivery_status)
  select new.assigned_to, 'blog_interaction',
    case when tg_op = 'INSERT' then pg_catalog.format('Assigned as %s: %s', new.role, post_title)
         else pg_catalog.format('%s is now %s', post_title, new.status) end,
    pg_catalog.format('assignment %s', new.id), 'medium', 'sent'
  from public.user_notification_preferences p
  where p.user_id = new.assigned_to and p.in_app_notifications and p.blog_interaction_notifications;
  return null;
end
$$;
create trigger team_collaboration_notify after insert or update of status on public.team_collaboration
  for each row execute function internal.notify_review_change();

-- Assigns my post to the account with this email (the author only).
create function public.review_assign(post uuid, assignee_email text, assignee_role public.collaboration_role,
  due timestamptz default null, publish_allowed boolean default false) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  assignee uuid;
  created uuid;
begin
  if not exists (select 1 from public.blogs b where b.id = post and b.author_id = auth.uid() and b.deleted_at is null) then
    raise exception 'no such post of yours' using errcode = 'P0002';
  end if;
  select u.id into assignee from auth.users u
  where pg_catalog.lower(u.email) = pg_catalog.lower(assignee_email) and u.deleted_at is null;
  if assignee is null then
    raise exception 'no account with that email' using errcode = 'P0002';
  end if;
  if assignee = auth.uid() then
    raise exception 'assign the post to someone else' using errcode = '23514';
  end if;
  insert into public.team_collaboration (blog_id, assigned_to, assigned_by, role, due_date, can_publish)
  values (post, assignee, auth.uid(), assignee_role, due, publish_allowed)
  returning id into created;
  return created;
end
$$;

-- One step of the workflow by the assignee or the post's author: start, submit, approve,
-- reject, or comment (note appended with its author and time). Returns the new status.
create function public.review_act(assignment uuid, action text, note text default null)
returns public.collaboration_status
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  assigned public.team_collaboration;
  is_owner boolean;
  is_assignee boolean;
  target public.collaboration_status;
  me uuid := auth.uid();
begin
  select t.* into assigned from public.team_collaboration t where t.id = assignment for update;
  if not found then
    raise exception 'no such assignment' using errcode = 'P0002';
  end if;
  is_owner := exists (select 1 from public.blogs b where b.id = assigned.blog_id and b.author_id = me);
  is_assignee := assigned.assigned_to = me;
  if not (is_owner or is_assignee) then
    raise exception 'no such assignment' using errcode = 'P0002';
  end if;
  target := case action
    when 'start' then 'in_progress'
    when 'submit' then case when assigned.role = 'reviewer' then 'reviewed' else 'awaiting_review' end
    when 'approve' then 'approved'
    when 'reject' then 'rejected'
    when 'comment' then assigned.status::text
  end::public.collaboration_status;
  if target is null then
    raise exception 'unknown action %', action using errcode = '22023';
  end if;
  if action in ('start', 'submit') and not is_assignee then
    raise exception 'only the assignee can %', action using errcode = '42501';
  end if;
  if action in ('approve', 'reject') and not (is_owner or (is_assignee and assigned.role = 'approver')) then
    raise exception 'only the author or an approver can %', action using errcode = '42501';
  end if;
  if action = 'comment' and pg_catalog.length(pg_catalog.btrim(coalesce(note, ''))) = 0 then
    raise exception 'a comment needs text' using errcode = '22023';
  end if;
  update public.team_collaboration t set
    status = target,
    comments = case when note is null or pg_catalog.btrim(note) = '' then t.comments
      else t.comments || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
        'author', me, 'author_email', (select u.email from auth.users u where u.id = me),
        'at', pg_catalog.now(), 'action', action, 'text', note)) end
  where t.id = assignment;
  return target;
end
$$;

-- An approver publishes the approved post, if its author allowed it; one `published` activity.
create function public.review_publish(assignment uuid) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  assigned public.team_collaboration;
  post public.blogs;
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
  update public.blogs b set status = 'published', published_at = pg_catalog.now()
  where b.id = assigned.blog_id and b.deleted_at is null and b.status in ('draft', 'scheduled')
  returning b.* into post;
  if not found then
    raise exception 'the post is already published or gone' using errcode = '23514';
  end if;
  insert into public.activities (user_id, type, title, description, blog_id, metadata)
  values (post.author_id, 'published', post.title, pg_catalog.format('Published ''%s'' (approved)', post.title), post.id,
          pg_catalog.jsonb_build_object('slug', post.slug, 'approved_by', auth.uid(), 'assignment', assignment));
  return post.id;
end
$$;

revoke all on function public.review_assign(uuid, text, public.collaboration_role, timestamptz, boolean),
  public.review_act(uuid, text, text), public.review_publish(uuid) from public;
grant execute on function public.review_assign(uuid, text, public.collaboration_role, timestamptz, boolean),
  public.review_act(uuid, text, text), public.review_publish(uuid) to authenticated;
grant select, update on public.team_collaboration to blogster_definer;
grant insert on public.team_collaboration to blogster_definer;
grant update (status, published_at) on public.blogs to blogster_definer;
grant insert on public.activities to blogster_definer;
