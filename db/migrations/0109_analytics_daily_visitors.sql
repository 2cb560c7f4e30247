-- 0109: the site's unique visitors per day count each visitor once, however many posts they read.
--
-- `analytics report` and `analytics dashboard` summed blog_analytics.unique_visitors over an
-- account's posts, so one visitor who read two posts on a day counted twice in the day's and
-- the period's totals. GoAccess counts a unique visitor once per IP + day + user agent.
--
-- analytics_daily_visitors holds, per account and UTC date, the distinct visitors (the 64-bit
-- hash of IP and user agent the ingest already keeps, 0040/0046) over the page views of the
-- account's posts. `analytics ingest` recomputes it from every stored page view of the days
-- its new batches touched, in the transaction that rewrites those days' blog_analytics, so a
-- visitor seen in two runs (or two files, or a killed run and its rerun) counts once. Only the
-- count is kept: no IP, no visitor hash. Per post figures are unchanged.
--
-- Owner-only like its neighbours: the account reads and writes its own rows (the ingest runs
-- as the account); no DELETE (a removed account cascades). No identity column, so no row
-- number shared across accounts (0103).
--
-- Days already counted: recomputed below from the page views every ingest kept (the batches'
-- views, 0046, and the one-a-row views from before it), for the account's posts (a post id in
-- the text that is not a post of the row's author counts for none, as in the ingest). Lines
-- that are not well formed are left out, as the ingest's reader leaves them out.

create table public.analytics_daily_visitors (
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  date date not null,
  unique_visitors integer not null,
  primary key (author_id, date),
  constraint analytics_daily_visitors_nonnegative check (unique_visitors >= 0)
);
comment on table public.analytics_daily_visitors is 'Per account and UTC date: distinct visitors (IP + user agent) over the page views of the account''s posts, each visitor once whatever the posts they read; written by `analytics ingest` (0109).';

alter table public.analytics_daily_visitors enable row level security;
alter table public.analytics_daily_visitors force row level security;
revoke all on public.analytics_daily_visitors from public, anon, authenticated, blogster_admin;
grant select, insert (author_id, date, unique_visitors), update (unique_visitors)
  on public.analytics_daily_visitors to authenticated, service_role;

create policy "Users can view their own daily visitors" on public.analytics_daily_visitors
  for select to authenticated using (author_id = (select auth.uid()));
create policy "Users can record their own daily visitors" on public.analytics_daily_visitors
  for insert to authenticated with check (author_id = (select auth.uid()));
create policy "Users can update their own daily visitors" on public.analytics_daily_visitors
  for update to authenticated using (author_id = (select auth.uid())) with check (author_id = (select auth.uid()));

-- What is there today. The text is compared, never cast: an account's own malformed ledger
-- text cannot make this migration fail.
insert into public.analytics_daily_visitors (author_id, date, unique_visitors)
select seen.author_id, seen.date, pg_catalog.count(distinct seen.visitor)::integer
from (
  select r.author_id, pg_catalog.split_part(line, E'\t', 1) as post, pg_catalog.split_part(line, E'\t', 2) as visitor,
         (pg_catalog.to_timestamp(pg_catalog.split_part(line, E'\t', 3)::double precision) at time zone 'UTC')::date
           as date
  from public.analytics_ingest_ranges r, pg_catalog.string_to_table(r.views, E'\n') line
  where r.views is not null and line ~ '^[0-9a-f-]{36}\t-?[0-9]{1,19}\t[0-9]{1,11}\t[^\t]*\t[^\t]*$'
  union all
  select p.author_id, p.blog_id::text, p.visitor::text, (p.viewed_at at time zone 'UTC')::date
  from public.analytics_page_views p
  where p.blog_id is not null
) seen
join public.blogs b on b.id::text = seen.post and b.author_id = seen.author_id
group by seen.author_id, seen.date;
