-- 0206: a published post is not dated in the future.
--
-- Every command that publishes refuses a time still to come ('publish --at' schedules instead, an
-- edit or import whose date is ahead keeps or makes the post scheduled, `calendar run-due` refuses a
-- --now after the real time), but the rule lived only in Python: the account's own SQL
-- (`update public.blogs set status = 'published'` on a post scheduled for 2031, or an insert with
-- `published_at = '2031-01-01'` or 'infinity') published it at once, on the site, in the feeds and in
-- every `posts list --all-authors`. Now a trigger refuses a row that becomes published (an insert, or
-- an update that changes its status or time) dated after the database's clock plus five minutes, or at
-- infinity: 23514, constraint `blogs_published_not_ahead` ("a published post is not dated in the future"
-- in db/errors.py).
--
-- Five minutes: Blogster's commands take "now" from the computer they run on, whose clock may run a
-- little ahead of the database server's; five minutes is the skew Kerberos and most clock-checking
-- protocols tolerate, so an unsynced laptop still publishes, and a post going out five minutes early
-- is no one's secret. The database's clock is clock_timestamp(), not now(): a long transaction (an
-- import of many files) computes its own times minutes after the transaction began.
--
-- A restore and `account import` load rows with triggers off; they are copies of rows this rule
-- already held. The rows that break it now become scheduled at their time (infinity ones, which
-- could never come due, go back to draft), each with a `status` activity saying why; the table is
-- locked first, so no account's open transaction writes one between the mending and the trigger.

lock table public.blogs in share row exclusive mode;

create function public.refuse_published_ahead() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status = 'published' and new.published_at is not null
     and (tg_op = 'INSERT' or new.status is distinct from old.status
          or new.published_at is distinct from old.published_at)
     and (new.published_at = 'infinity'
          or new.published_at > pg_catalog.clock_timestamp() + interval '5 minutes') then
    raise exception 'a published post is not dated in the future'
      using errcode = '23514', constraint = 'blogs_published_not_ahead', table = 'blogs', schema = 'public';
  end if;
  return new;
end;
$$;

create trigger refuse_published_ahead before insert or update on public.blogs
  for each row execute function public.refuse_published_ahead();

with mended as (
  update public.blogs
  set status = case when published_at = 'infinity' then 'draft' else 'scheduled' end::public.blog_status
  where status = 'published' and published_at > pg_catalog.clock_timestamp() + interval '5 minutes'
  returning id, author_id, title, slug, status
)
insert into public.activities (user_id, type, title, description, blog_id, metadata)
select m.author_id, 'status', m.title,
       case when m.status = 'draft'
         then pg_catalog.format('Took ''%s'' back to draft: it was published dated at infinity, a time that never comes', m.title)
         else pg_catalog.format('Scheduled ''%s'' for its date: it was published dated in the future', m.title)
       end,
       m.id,
       pg_catalog.jsonb_build_object('slug', m.slug, 'from', 'published', 'to', m.status::text,
         'reason', 'published dated in the future', 'migration', '0206')
from mended m;
