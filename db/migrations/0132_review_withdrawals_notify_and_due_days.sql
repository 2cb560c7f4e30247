-- 0132: a withdrawn assignment tells its assignee; a due date is a day, the same for everyone.
--
-- 1. `review withdraw` (the post's author deleting her assignment, through delete_rows) told the
--    assignee nothing: the assignment left their `review list` without a word (a new user's
--    finding). The assignee now hears of it in the app, as of every step someone else takes
--    (0130): "Withdrawn: your assignment as editor on TITLE", by `internal.notify_review`, so the
--    same preferences apply (blog_interaction_notifications, in_app_notifications, not to an
--    account being deleted), stored 'sent', the assignment's id in `content`. Not when:
--    - the assignment was approved: it is finished, taking it back changes nothing for its
--      assignee (an author tidying her approved assignments would only make noise; a rejected
--      one is still theirs to rework, so they hear of it);
--    - the post is in the trash, or going (its permanent deletion or its author's account
--      deletion takes the assignments with it): its assignee cannot read it (0097), a
--      notification would carry its title;
--    - anyone but the post's author deletes it (an administrator's login, a restore, the
--      cascade of a deleted account): nobody withdrew it. The assignee never deletes one (only
--      the author's DELETE policy admits it), so nobody hears of their own step.
--    Each withdrawal is of an assignment 0102's caps bound (100 open, 100 new a day from one
--    account to another): withdrawing cannot flood an assignee either.
-- 2. A due date is a day (`review assign --due YYYY-MM-DD`), but it was stored as 23:59 of that
--    day in the author's timezone setting (a setting of her machine, unknown to the database and
--    to the assignee), so the assignee saw another time and, west of UTC, another day
--    (`2026-12-10 22:59 UTC` for one, `23:59 CET` for the other). The column stays the spec's
--    timestamptz; Blogster now stores a due day as the end of that day in UTC (23:59:59+00) and
--    shows the UTC date of whatever is stored, so everyone sees the same day. The rows stored
--    before (23:59 local: seconds 0 and, in UTC, minute 59, 44, 29 or 14) move to the end of
--    their day: their UTC time minus 10 hours falls on it for every offset from UTC-10 to UTC+13:45
--    (UTC-11 and UTC+14, where almost nobody lives, are a day off). Other values (written by
--    another client) are left as they are, and shown as their UTC date.

create function internal.notify_review_withdrawn() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  -- Who deletes: the SET ROLE account, else the login's (as 0130 tells the one who takes a step).
  actor uuid := coalesce(auth.uid(), auth.session_uid());
  post_title text;
begin
  if old.assigned_to is null or actor is null or actor is distinct from old.author_id
     or actor = old.assigned_to or old.status = 'approved' then
    return null;
  end if;
  -- The post as its assignee could read it until now: live, its author's account still there.
  select b.title into post_title
  from public.blogs b join auth.users u on u.id = b.author_id and u.deleted_at is null
  where b.id = old.blog_id and b.deleted_at is null;
  if not found then
    return null;
  end if;
  perform internal.notify_review(old.assigned_to, old.id,
    pg_catalog.format('Withdrawn: your assignment as %s on %s', old.role, post_title));
  return null;
end
$$;
comment on function internal.notify_review_withdrawn() is
  'After the post''s author deletes an assignment (review withdraw) that is not approved: tells the assignee in the app, as their preferences allow, unless the post is trashed or going (0132).';

create trigger team_collaboration_withdrawn after delete on public.team_collaboration
  for each row execute function internal.notify_review_withdrawn();

update public.team_collaboration t
   set due_date = ((((t.due_date at time zone 'UTC') - interval '10 hours')::date + time '23:59:59')
                   at time zone 'UTC')
 where t.due_date is not null
   and pg_catalog.date_part('second', t.due_date) = 0
   and pg_catalog.date_part('minute', t.due_date at time zone 'UTC') in (59, 44, 29, 14);

comment on column public.team_collaboration.due_date is
  'The day the assignment is due, as the end of that day in UTC (23:59:59+00); shown as its UTC date (0132).';
