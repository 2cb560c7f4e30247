-- 0040: access-log ingest (`blogster analytics ingest`) as the acting user.
--
-- analytics_ingest_ranges is the ledger: which bytes of which log were counted. A log is
-- known by its content, not its name (rotation renames and compresses files): file_key is
-- the SHA-256 of its first line, and each committed batch is one row (start_offset,
-- end_offset, range_hash = SHA-256 of those bytes). A re-run hashes the bytes again: what
-- matches is skipped, the rest is new. A batch's page views and its ledger row commit in
-- one transaction, so a killed run resumes exactly where the last commit left off.
-- summarised is false until blog_analytics has been recomputed for the batch's days.
--
-- analytics_page_views keeps each counted page view (a visitor is a 64-bit hash of IP and
-- user agent, never the IP itself), so per post per day figures (visitors, visits, time on
-- page, bounce) can be recomputed exactly when a later batch adds views to the same days.
-- blog_id is null for a page of the site that is no post (it still belongs to visits).
--
-- analytics_ingest_locks holds one row per account; an ingest keeps it locked for its whole
-- run on a second connection, so overlapping cron runs of one account wait for each other.
--
-- blog_analytics was written by workers only; the ingest now writes it as the author.
-- All three new tables are owner-only, with no DELETE (a removed account cascades).

create table public.analytics_ingest_ranges (
  id bigint generated always as identity primary key,
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  file_key text not null,
  start_offset bigint not null,
  end_offset bigint not null,
  range_hash text not null,
  lines integer not null,
  first_view timestamptz,
  last_view timestamptz,
  summarised boolean not null default false,
  created_at timestamptz not null default now(),
  constraint analytics_ingest_ranges_key unique (author_id, file_key, start_offset),
  constraint analytics_ingest_ranges_offsets check (start_offset >= 0 and end_offset > start_offset),
  constraint analytics_ingest_ranges_hashes check (file_key ~ '^[0-9a-f]{64}$' and range_hash ~ '^[0-9a-f]{64}$'),
  constraint analytics_ingest_ranges_lines check (lines >= 0),
  constraint analytics_ingest_ranges_views check (first_view <= last_view)
);
create index analytics_ingest_ranges_unsummarised_idx on public.analytics_ingest_ranges (author_id)
  where not summarised;
comment on table public.analytics_ingest_ranges is 'Ingest ledger: bytes [start_offset, end_offset) of the log whose first line hashes to file_key were counted; range_hash is their SHA-256.';

create table public.analytics_page_views (
  id bigint generated always as identity primary key,
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  blog_id uuid,
  visitor bigint not null,
  viewed_at timestamptz not null,
  referrer text,
  constraint analytics_page_views_blog_author_fkey foreign key (blog_id, author_id)
    references public.blogs (id, author_id) on update cascade on delete cascade,
  constraint analytics_page_views_referrer_length check (length(referrer) <= 255)
);
create index analytics_page_views_author_time_idx on public.analytics_page_views (author_id, viewed_at);
-- Deleting or re-owning a post checks this key: without an index that is a scan of every view.
create index analytics_page_views_blog_author_idx on public.analytics_page_views (blog_id, author_id);
comment on table public.analytics_page_views is 'Counted page views of the author''s site (crawlers, assets and errors left out); blog_id null for pages that are no post; visitor is a hash of IP and user agent.';

create table public.analytics_ingest_locks (
  author_id uuid primary key default auth.uid() references public.profiles (id) on delete cascade,
  locked_at timestamptz not null default now()
);
comment on table public.analytics_ingest_locks is 'One row per account, row-locked by a running ingest so runs of one account do not overlap.';

alter table public.analytics_ingest_ranges enable row level security;
alter table public.analytics_ingest_ranges force row level security;
alter table public.analytics_page_views enable row level security;
alter table public.analytics_page_views force row level security;
alter table public.analytics_ingest_locks enable row level security;
alter table public.analytics_ingest_locks force row level security;

revoke all on public.analytics_ingest_ranges, public.analytics_page_views, public.analytics_ingest_locks
  from public, anon, authenticated, blogster_admin;

grant select, insert on public.analytics_ingest_ranges, public.analytics_page_views, public.analytics_ingest_locks
  to authenticated, service_role;
grant update (summarised) on public.analytics_ingest_ranges to authenticated, service_role;
grant update (locked_at) on public.analytics_ingest_locks to authenticated, service_role;

create policy "Users can view their own ingest ledger" on public.analytics_ingest_ranges
  for select to authenticated using (author_id = (select auth.uid()));
create policy "Users can record their own ingest ledger" on public.analytics_ingest_ranges
  for insert to authenticated with check (author_id = (select auth.uid()));
create policy "Users can mark their own ingest ledger summarised" on public.analytics_ingest_ranges
  for update to authenticated using (author_id = (select auth.uid())) with check (author_id = (select auth.uid()));

-- The foreign key (blog_id, author_id) keeps blog_id on the author's own posts.
create policy "Users can view their own page views" on public.analytics_page_views
  for select to authenticated using (author_id = (select auth.uid()));
create policy "Users can record their own page views" on public.analytics_page_views
  for insert to authenticated with check (author_id = (select auth.uid()));

create policy "Users can view their own ingest lock" on public.analytics_ingest_locks
  for select to authenticated using (author_id = (select auth.uid()));
create policy "Users can create their own ingest lock" on public.analytics_ingest_locks
  for insert to authenticated with check (author_id = (select auth.uid()));
create policy "Users can take their own ingest lock" on public.analytics_ingest_locks
  for update to authenticated using (author_id = (select auth.uid())) with check (author_id = (select auth.uid()));

-- blog_analytics: internal.set_author_from_blog() sets author_id from the blog, so the
-- checks below hold only for the author's own posts.
grant insert (blog_id, date, views, unique_visitors, avg_time_on_page, bounce_rate, referrers),
  update (views, unique_visitors, avg_time_on_page, bounce_rate, referrers)
  on public.blog_analytics to authenticated;
create policy "Users can record analytics for their own blogs" on public.blog_analytics
  for insert to authenticated with check (author_id = (select auth.uid()));
create policy "Users can update analytics for their own blogs" on public.blog_analytics
  for update to authenticated using (author_id = (select auth.uid())) with check (author_id = (select auth.uid()));
