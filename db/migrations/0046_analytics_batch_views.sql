-- 0046: a counted batch keeps its page views in its own ledger row.
--
-- Until now each page view was one row of analytics_page_views: two foreign-key checks, three
-- index entries and a row-level-security check per request made the database the largest cost
-- of `analytics ingest` (more CPU than the whole of GoAccess on the same log). A batch's views
-- are only ever read back together (to rebuild the visits of the days it touched), so they now
-- travel as one text value in the batch's analytics_ingest_ranges row, committed in the same
-- insert as the rest of the ledger row: a batch is still counted exactly once, all or nothing.
--
-- The rows are the ones analytics_page_views had: post id (empty for a page that is no post),
-- visitor hash, epoch seconds, referrer domain (empty when none) and device class, tab-separated,
-- one view a line. Views stored before 0046 stay in analytics_page_views and are read with these.
-- RLS is unchanged: the 0040 owner-only policies and grants cover the new column. A post id in
-- the text is not a foreign key: the ingest counts only ids of the acting user's own posts.

alter table public.analytics_ingest_ranges add column views text;

comment on column public.analytics_ingest_ranges.views is 'The batch''s counted page views, one a line: post id or empty, visitor hash, epoch seconds, referrer domain or empty, device or empty (tab-separated); null when none or stored before 0046 (then in analytics_page_views).';
