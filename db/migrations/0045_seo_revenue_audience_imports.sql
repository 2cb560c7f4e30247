-- 0045: idempotent CSV imports of search positions, competitor pages and revenue, kept
-- audience segments, and the device class of counted page views.
--
-- Each import upserts on its rows' natural key, so a second import of the same file (or an
-- overlapping one) updates rows instead of adding them. Nothing wrote these four tables
-- before this release, but duplicates are merged first (the newest row kept) so the unique
-- indexes can always be built.
--   serp_positions: one row per post, keyword, day, engine, device and locale (a missing
--     locale is one value: NULLS NOT DISTINCT, PostgreSQL 15+); clicks, impressions and ctr
--     keep the Search Console figures the spec's columns have no room for.
--   competitor_content: one row per account and page URL.
--   reader_profiles: one row per account and segment name (`audience segments` rewrites them).
--   content_monetization: one row per account, provider and reference id.
-- analytics_page_views.device is the visitor's device class from the user agent (null for
-- views counted before this release). RLS is unchanged: the 0005 and 0040 owner-only
-- policies cover the new columns.

delete from public.serp_positions a using public.serp_positions b
  where a.blog_id = b.blog_id and a.keyword_id = b.keyword_id and a.check_date = b.check_date
    and a.search_engine = b.search_engine and a.device_type = b.device_type
    and a.search_locale is not distinct from b.search_locale
    and (a.created_at, a.id) < (b.created_at, b.id);
alter table public.serp_positions
  add column clicks integer,
  add column impressions integer,
  add column ctr double precision,
  add constraint serp_positions_figures check (clicks >= 0 and impressions >= 0 and ctr between 0 and 1),
  add constraint serp_positions_rank check (rank_position >= 1 and previous_position >= 1);
-- User roles hold UPDATE column by column since 0010: the new columns join them.
grant update (clicks, impressions, ctr) on public.serp_positions to authenticated;
create unique index serp_positions_daily_key on public.serp_positions
  (blog_id, keyword_id, check_date, search_engine, device_type, search_locale) nulls not distinct;

delete from public.competitor_content a using public.competitor_content b
  where a.user_id = b.user_id and a.content_url = b.content_url and (a.updated_at, a.id) < (b.updated_at, b.id);
create unique index competitor_content_url_key on public.competitor_content (user_id, content_url);

delete from public.reader_profiles a using public.reader_profiles b
  where a.user_id = b.user_id and a.segment_name = b.segment_name and (a.updated_at, a.id) < (b.updated_at, b.id);
create unique index reader_profiles_segment_key on public.reader_profiles (user_id, segment_name);

delete from public.content_monetization a using public.content_monetization b
  where a.user_id = b.user_id and a.provider is not distinct from b.provider
    and a.reference_id is not distinct from b.reference_id and (a.updated_at, a.id) < (b.updated_at, b.id);
create unique index content_monetization_reference_key on public.content_monetization
  (user_id, provider, reference_id) nulls not distinct;

alter table public.analytics_page_views
  add column device text,
  add constraint analytics_page_views_device check (device in ('desktop', 'mobile', 'tablet'));

comment on column public.serp_positions.ctr is 'Click-through rate 0-1 from the Search Console export (clicks / impressions).';
comment on column public.analytics_page_views.device is 'desktop, mobile or tablet from the user agent; null when not known.';
