-- 0113: review_publish refuses an empty post, as every other way of publishing does.
--
-- `blogster review approve --publish` checks the post in Python (content/rules.py: a title, a
-- slug and some content) before calling review_publish, but an approver calling the function
-- with its own login published a post with no content. The function now refuses such a post
-- itself (23514), in the words of the other publishing paths, taking as blank exactly what the
-- Python rule strips (a red team published a post of no-break spaces, which [[:space:]] keeps).
-- The rest of the body is 0097's.

create or replace function public.review_publish(assignment uuid) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  assigned public.team_collaboration;
  post public.blogs;
  -- What Python's str.strip() removes (content/rules.py's test for "no content"), every one of them.
  blank constant text := U&'\0009\000A\000B\000C\000D\001C\001D\001E\001F \0085\00A0\1680\2000\2001\2002\2003\2004\2005\2006\2007\2008\2009\200A\2028\2029\202F\205F\3000';
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
          pg_catalog.jsonb_build_object('slug', post.slug, 'approved_by', auth.uid(), 'assignment', assignment));
  return post.id;
end
$$;

comment on function public.review_publish(uuid) is
  'An approver allowed to publish (can_publish) publishes an approved post, unchanged since the approval and not empty (0113).';
