-- 0070: what `blogster calendar` needs beyond content_calendar's original columns.
-- timezone: scheduled_date + scheduled_time are a local wall time in this zone (an IANA
-- name), so 09:00 stays 09:00 across a DST change. uid: the entry's iCalendar UID, stable
-- across exports (ours: '<id>@blogster'; imported events keep theirs), unique per owner.
-- sequence: the iCalendar SEQUENCE, raised by the database whenever the event changes.
-- blog_analytics.views_by_hour: views per UTC hour of the day (24 counts), written by
-- workers, read by `calendar suggest`.

alter table public.content_calendar
  add column timezone text not null default 'UTC',
  add column uid text,
  add column sequence integer not null default 0,
  add constraint content_calendar_timezone_length check (length(timezone) between 1 and 64),
  add constraint content_calendar_uid_length check (length(uid) between 1 and 255),
  add constraint content_calendar_sequence_nonnegative check (sequence >= 0);

update public.content_calendar set uid = id::text || '@blogster' where uid is null;
alter table public.content_calendar alter column uid set not null;
create unique index content_calendar_user_uid_key on public.content_calendar (user_id, uid);
-- Owners change an entry's zone (moving it while in another one); uid and sequence are the trigger's.
grant update (timezone) on public.content_calendar to authenticated;
-- run-due's reconciliation reads only entries not yet published that belong to a post.
create index content_calendar_pending_blog_idx on public.content_calendar (blog_id)
  where status <> 'published' and blog_id is not null;

comment on column public.content_calendar.timezone is 'IANA zone in which scheduled_date and scheduled_time are local wall time.';
comment on column public.content_calendar.uid is 'iCalendar UID, stable across exports; imports match on it (per owner).';
comment on column public.content_calendar.sequence is 'iCalendar SEQUENCE: raised by content_calendar_track_changes on every change of the event.';

-- Fills uid on insert; keeps uid fixed and raises sequence when the event changes.
create function public.content_calendar_track_changes() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    new.uid := coalesce(new.uid, new.id::text || '@blogster');
    return new;
  end if;
  new.uid := old.uid;
  if (new.title, new.description, new.scheduled_date, new.scheduled_time, new.timezone, new.status,
      new.content_type, new.blog_id, new.topic_category, new.target_audience)
     is distinct from
     (old.title, old.description, old.scheduled_date, old.scheduled_time, old.timezone, old.status,
      old.content_type, old.blog_id, old.topic_category, old.target_audience) then
    new.sequence := greatest(old.sequence + 1, new.sequence);
  else
    new.sequence := greatest(old.sequence, new.sequence);
  end if;
  return new;
end
$$;

create trigger content_calendar_track_changes before insert or update on public.content_calendar
  for each row execute function public.content_calendar_track_changes();

alter table public.blog_analytics
  add column views_by_hour integer[],
  add constraint blog_analytics_views_by_hour_shape check (
    views_by_hour is null or (cardinality(views_by_hour) = 24 and array_position(views_by_hour, null) is null
      and 0 <= all (views_by_hour)));

comment on column public.blog_analytics.views_by_hour is 'Views in each UTC hour of the day (24 counts, hour 0 first); null when not collected.';
