-- 0169: an assignee takes no step on an assignment whose post is in its author's trash (new-user
-- walk, h329 L8).
--
-- 0097 hid a trashed post from its assignee (the blogs policy) but left review_act taking their
-- steps on its assignment: `review comment` on it appended the comment, told the author, and
-- printed an empty title, while `review list` hid the assignment. Now review_act refuses the
-- assignee's steps (start, submit, approve, reject, comment) while the post is in the trash,
-- P0002 as for an assignment they cannot see, saying why; nothing is written, nobody is told.
-- Restoring the post restores them. The author's own steps are as before (she reads her post in
-- the trash; her assignee hears nothing of them meanwhile, 0130). The body is 0116's otherwise.

create or replace function public.review_act(assignment uuid, action text, note text default null)
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
  if not is_owner and exists (select 1 from public.blogs b where b.id = assigned.blog_id and b.deleted_at is not null) then
    raise exception 'the post of this assignment is in its author''s trash' using errcode = 'P0002';
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
  if action <> 'comment' and target = assigned.status then
    raise exception 'the assignment is already %', assigned.status using errcode = '23514';
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
