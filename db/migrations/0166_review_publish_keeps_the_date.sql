-- `review approve --publish` keeps a post's publication date (new-user walk 9, left over).
--
-- `blogster publish` keeps the date of a post published before (unpublish keeps it) or dated in
-- the past by its imported file, so its address and its place in the feeds do not move; an
-- approver publishing the same post through review_publish redated it to now. Same rule here: a
-- publication date in the past is kept, none or a future one (a post scheduled later) becomes now.
-- The function is 0144's otherwise.

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
  -- A post published before (unpublish keeps the date) or dated in the past keeps its date, as
  -- `blogster publish` keeps it: its address and its place in the feeds stay where readers knew them.
  update public.blogs b
     set status = 'published',
         published_at = case when b.published_at <= pg_catalog.now() then b.published_at else pg_catalog.now() end
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
    -- assignment, to the author, with the title the trigger gave it (and its body: the approval's comment).
    update public.user_notifications n
       set title = internal.review_notice('Approved and published', me, assigned.role, post.title)
     where n.user_id = post.author_id and n.created_at = pg_catalog.now()
       and n.link = internal.review_link(assignment)
       and n.title = internal.review_notice('Approved', me, assigned.role, post.title);
    if not found then
      perform internal.notify_review(post.author_id, assignment,
        internal.review_notice('Published', me, assigned.role, post.title), internal.review_body(assignment, null));
    end if;
  end if;
  return post.id;
end
$$;

comment on function public.review_publish(uuid) is
  'An approver allowed to publish (can_publish) publishes an approved post, unchanged since the approval and not empty (0113); its author is notified (0130, 0144); a publication date in the past is kept (0166).';
