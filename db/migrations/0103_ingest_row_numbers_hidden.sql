-- 0103: accounts no longer read the row numbers of the ingest ledger and page views.
--
-- analytics_ingest_ranges.id and analytics_page_views.id are identities shared by every
-- account: an account that ingests twice and compares its new rows' ids learns how many rows
-- everyone else ingested in between (a sequence as a side channel on other accounts' work).
-- Nothing of Blogster's reads them as an account, so accounts (and service_role, which runs
-- as them) now read every column of the two tables but `id`. The administrator's own login
-- (backup, restore) keeps the whole table. Columns added later need adding here too: the
-- catalog test fails when an account cannot read a column other than `id` of these tables.

revoke select on public.analytics_ingest_ranges, public.analytics_page_views from authenticated, service_role;
grant select (author_id, file_key, start_offset, end_offset, range_hash, lines, first_view, last_view, summarised,
              created_at, views)
  on public.analytics_ingest_ranges to authenticated, service_role;
grant select (author_id, blog_id, visitor, viewed_at, referrer, device)
  on public.analytics_page_views to authenticated, service_role;
