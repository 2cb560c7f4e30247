-- `review approve --publish` on a scheduled post: the approval covers only the post as approved,
-- and a repeat tells its author nothing new; notification zones are names of places (red team 43b,
-- F5 and F6).
--
-- 1. review_publish refused a draft its author changed after the approval ("the post changed after
--    it was approved", 0097) but left a post scheduled for later scheduled whatever she had changed
--    since (0176), and the author's notification named the new title as approved. Now a scheduled
--    post changed after the approval is refused the same way, same error. Nothing went live early.
-- 2. Each review_publish on such a post (the approver's own login may call it again and again)
--    told its author again: a new in-app notification each time she had read the last. Now a
--    repeat whose notice she already has (same assignment, same words, since the approval) adds
--    none. The function is 0176's otherwise.
-- 3. internal.notice_time read a preferences zone PostgreSQL knows but that names no place as that
--    zone: "Factory" labelled every time "-00". It reads the names planning/times.zone refuses
--    (Factory, posixrules, localtime, posix/..., right/...) as UTC, as it reads unknown ones.
-- 4. user_notification_preferences.timezone took text of any length (raw SQL as the account): at
--    most 64 characters now, as content_calendar.timezone (0070); the longest zone name has 32. A
--    row outside that names no zone and was read as UTC: it is set to 'UTC' first.

create or replace function internal.notice_time(moment timestamptz, recipient uuid) returns text
language plpgsql stable
set search_path = ''
set "TimeZone" = 'UTC'
as $$
declare
  zone text;
begin
  select p.timezone into zone from public.user_notification_preferences p where p.user_id = recipient;
  -- What planning/times.zone refuses though PostgreSQL opens it: no place a writer is in.
  if zone is not null and public.is_time_zone(zone)
     and zone <> all (array['Factory', 'posixrules', 'localtime'])
     and zone !~ '^(posix|right)/' then
    perform pg_catalog.set_config('TimeZone', zone, true);  -- this call's only: its SET restores the setting
  end if;
  return pg_catalog.to_char(moment, 'YYYY-MM-DD HH24:MI TZ');
end
$$;
comment on function internal.notice_time(timestamptz, uuid) is
  'A time as a notification tells it: in the zone of the recipient''s notification preferences (UTC without a known one, or with one that names no place: Factory, posixrules, localtime, posix/, right/), "2027-03-01 09:00 CET" (0176, 0178).';

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
    -- The approval is of the post as it stood, scheduled as a draft is (0178).
    if post.updated_at > assigned.completed_at then
      raise exception 'the post changed after it was approved: its author can assign it again'
        using errcode = '23514';
    end if;
    if post.author_id is distinct from me then
      scheduled := pg_catalog.format('Approved by %s (%s), goes live as scheduled at %s: %s',
        coalesce((select u.email from auth.users u where u.id = me), 'a deleted account'), assigned.role,
        internal.notice_time(post.published_at, post.author_id), post.title);
      -- The approval's notification of this transaction says so (its body: the approval's comment);
      -- approved before, a new one (or the unread one rewritten, 0136) does, unless the author
      -- already has these words about this approval (a repeat, 0178).
      update public.user_notifications n
         set title = scheduled
       where n.user_id = post.author_id and n.created_at = pg_catalog.now()
         and n.link = internal.review_link(assignment)
         and n.title = internal.review_notice('Approved', me, assigned.role, post.title);
      if not found and not exists (
           select 1 from public.user_notifications n
            where n.user_id = post.author_id and n.link = internal.review_link(assignment)
              and n.title = scheduled and n.created_at >= assigned.completed_at) then
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
  'An approver allowed to publish (can_publish) publishes an approved post, unchanged since the approval and not empty (0113); its author is notified (0130, 0144); a publication date in the past is kept (0166); a post scheduled for a time to come stays scheduled, and the author''s notification says when it goes live (0176), unless it changed since the approval; a repeat tells her nothing new (0178).';

update public.user_notification_preferences set timezone = 'UTC'
 where pg_catalog.length(timezone) not between 1 and 64;
alter table public.user_notification_preferences
  add constraint user_notification_preferences_timezone_length check (length(timezone) between 1 and 64);
