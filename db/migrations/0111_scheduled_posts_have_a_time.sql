-- 0111: a scheduled post has a time.
--
-- A post goes out at its published_at when scheduled; every command that schedules one
-- (`publish --at`, a status change, `new`/`edit --from`) refuses 'scheduled' without a time,
-- but nothing in the schema said so: a row written otherwise (an older version, SQL by hand)
-- stayed scheduled with published_at null, never came due, and `schedule list` and `calendar
-- run-due` could only skip it with a note. Now a CHECK says so (23514, "a scheduled post
-- needs a time" in db/errors.py).
--
-- The constraint is added NOT VALID, so new writes obey it from here; the rows that break it
-- go back to draft (they could never run: their authors schedule them again with `blogster
-- publish SLUG --at TIME`), each with a `status` activity saying why, as `unpublish` records
-- one; then it is validated. A post moved back to draft is changed (updated_at), so an
-- approval given before ends as any edit ends it (0097).

alter table public.blogs
  add constraint blogs_scheduled_has_time check (status <> 'scheduled' or published_at is not null) not valid;

with moved as (
  update public.blogs set status = 'draft'
  where status = 'scheduled' and published_at is null
  returning id, author_id, title, slug
)
insert into public.activities (user_id, type, title, description, blog_id, metadata)
select m.author_id, 'status', m.title,
       pg_catalog.format('Took ''%s'' back to draft: it was scheduled with no time, so it could never go out', m.title),
       m.id,
       pg_catalog.jsonb_build_object('slug', m.slug, 'from', 'scheduled', 'to', 'draft', 'reason', 'scheduled with no time')
from moved m;

alter table public.blogs validate constraint blogs_scheduled_has_time;
