-- 0133: what `analytics ingest` now records beyond page views (helper 197).
--
-- interactive_content.completion_count: the completions ("/_i/TRACKING-ID/complete" requests) counted
-- so far, beside participation_count (the starts). The ingest adds a batch's starts and completions to
-- them in the transaction that records the batch as counted (analytics_ingest_ranges), so each log line
-- counts once, whatever run or command reads it, and the counts accumulate across rotated logs;
-- completion_rate is completion_count / participation_count (at most 1). Rows counted by earlier
-- releases (`interactive stats --from-log` set the counts of one log) keep their figures: their
-- completions are taken back from the rate they stored.
--
-- blog_analytics.views_by_hour (0070, read by `calendar suggest`): the ingest now writes it, from the
-- same stored page views as `views` whenever it recomputes a day, so its 24 counts add up to `views`.

alter table public.interactive_content
  add column completion_count integer not null default 0,
  add constraint interactive_content_completion_count_nonnegative check (completion_count >= 0);
-- As every column of the owner's rows since 0010 (column-level UPDATE): RLS keeps it to the owner's rows.
grant update (completion_count) on public.interactive_content to authenticated;

comment on column public.interactive_content.completion_count is
  'Completions counted from access logs (analytics ingest, 0133); completion_rate is this over participation_count.';
comment on column public.interactive_content.participation_count is
  'Starts counted from access logs (analytics ingest, 0133): the first interaction with the widget.';

-- The backfill is no change a writer made: updated_at stays as it was.
alter table public.interactive_content disable trigger update_interactive_content_updated_at;
update public.interactive_content
   set completion_count = least(participation_count, round(completion_rate * participation_count))::integer
 where completion_rate is not null and completion_rate >= 0 and participation_count > 0;
alter table public.interactive_content enable trigger update_interactive_content_updated_at;

grant insert (views_by_hour), update (views_by_hour) on public.blog_analytics to authenticated;

comment on column public.blog_analytics.views_by_hour is
  'Views in each UTC hour of the day (24 counts, hour 0 first, adding up to views), written by analytics ingest'
  ' (0133) when it recomputes the day; null for days it has not recomputed since.';
