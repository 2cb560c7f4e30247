-- `review approve --publish` leaves a post its author scheduled for later scheduled (new-user walk 12, M1).
--
-- 0166 published a post scheduled for a time to come at once, dated now: an approver allowed to
-- publish overrode the author's schedule, usually an embargo, without a word to either of them.
-- Now such a post is approved and stays scheduled: it goes live at its time through the scheduled
-- publishing every scheduled post goes through (`calendar run-due`, the workers' minute job, as its
-- author), which marks its calendar entry then, as for any scheduled post. The author's notification
-- says so, with the time in the zone her notifications are read in: "Approved by EMAIL (approver),
-- goes live as scheduled at 2027-03-01 09:00 CET: TITLE". A draft is published now, and a post
-- dated in the past (published before, or scheduled for a time already come) keeps its date, as in
-- 0166. The post's row is locked first, so the author's own change (unpublish, a new time) waits
-- for the decision rather than slipping between it and the update. The function is 0166's otherwise.

-- A time as a notification tells it to its recipient: in the zone of their notification
-- preferences (which follows their `timezone` setting, 0162), UTC without one or with a zone
-- PostgreSQL does not know; labelled as the CLI labels times ("2027-03-01 09:00 CET").
create function internal.notice_time(moment timestamptz, recipient uuid) returns text
language plpgsql stable
set search_path = ''
set "TimeZone" = 'UTC'
as $$
declare
  zone text;
begin
  select p.timezone into zone from public.user_notification_preferences p where p.user_id = recipient;
  if zone is not null and public.is_time_zone(zone) then
    perform pg_catalog.set_config('TimeZone', zone, true);  -- this call's only: its SET restores the setting
  end if;
  return pg_catalog.to_char(moment, 'YYYY-MM-DD HH24:MI TZ');
end
$$;
revoke all on function internal.notice_time(timestamptz, uuid) from public;
grant execute on function internal.notice_time(timestamptz, uuid) to blogster_definer;
comment on function internal.notice_time(timestamptz, uuid) is
  'A time as a notification tells it: in the zone of the recipient''s notification preferences (UTC without a known one), "2027-03-01 09:00 CET" (0176).';

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
  scheduled text;
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
  -- The author's schedule is hers (often an embargo): a post scheduled for a time to come stays
  -- scheduled and goes live then, as every scheduled post does. Locked, so her own change waits.
  select b.* into post from public.blogs b where b.id = assigned.blog_id and b.deleted_at is null for update;
  if found and post.status = 'scheduled' and post.published_at > pg_catalog.now() then
    if post.author_id is distinct from me then
      scheduled := pg_catalog.format('Approved by %s (%s), goes live as scheduled at %s: %s',
        coalesce((select u.email from auth.users u where u.id = me), 'a deleted account'), assigned.role,
        internal.notice_time(post.published_at, post.author_id), post.title);
      -- The approval's notification of this transaction says so (its body: the approval's comment);
      -- approved before, a new one (or the unread one rewritten, 0136) does.
      update public.user_notifications n
         set title = scheduled
       where n.user_id = post.author_id and n.created_at = pg_catalog.now()
         and n.link = internal.review_link(assignment)
         and n.title = internal.review_notice('Approved', me, assigned.role, post.title);
      if not found then
        perform internal.notify_review(post.author_id, assignment, scheduled, internal.review_body(assignment, null));
      end if;
    end if;
    return post.id;
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
  'An approver allowed to publish (can_publish) publishes an approved post, unchanged since the approval and not empty (0113); its author is notified (0130, 0144); a publication date in the past is kept (0166); a post scheduled for a time to come stays scheduled, and the author''s notification says when it goes live (0176).';
