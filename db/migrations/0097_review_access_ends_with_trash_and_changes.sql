-- 0097: what an assignment lets its assignee do ends where the author's intent does.
--
-- 1. A trashed post is invisible to everyone but its author (db/README.md), but the
--    assignee policy on blogs (0071, 0091, 0093) did not look at deleted_at: an assignee
--    kept reading a post its author had moved to the trash, body included. The policy now
--    admits only assigned posts that are not in the trash; restoring the post restores the
--    assignee's view. review_act still records comments and status on the assignment.
-- 2. An approver the author allowed to publish (can_publish) could publish again and again:
--    after the author unpublished the post, and with whatever the author had written since
--    the approval. The approval is of the post as it stood: review_publish now refuses when
--    the post changed after it (blogs.updated_at, which every UPDATE sets, is later than the
--    assignment's completed_at, set when it was approved). Publishing is such a change, so
--    each approval publishes at most once; unpublishing or editing ends it, and the author
--    assigns the post again for another round.

alter policy "Assignees can view posts assigned to them" on public.blogs
  using (deleted_at is null and id = any (array(
    select t.blog_id from public.team_collaboration t where t.assigned_to = (select auth.uid()))));

create or replace function public.review_publish(assignment uuid) returns uuid
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
          pg_catalog.jsonb_build_object('slug', post.slug, 'approved_by', auth.uid(), 'assignment', assignment));
  return post.id;
end
$$;
