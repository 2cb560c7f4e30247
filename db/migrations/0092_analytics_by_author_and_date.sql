-- A user's analytics rows over a date range are read by their author and date (issue 19).
--
-- The dashboard's top posts, `analytics report` and `analytics top` read "my rows in these
-- days" from blog_analytics. With only (blog_id, date) and (date) to choose from, the
-- planner scanned every account's rows of those days and filtered by author: 0.7-3.6 s for
-- the TUI's top posts over 30 days with 10,000 posts and 1,000,000 analytics rows in the
-- account (bench/bench_tui.py's data). This index reaches the author's days directly and,
-- carrying blog_id and views, answers the top posts by an index-only scan (~0.1 s there).
create index blog_analytics_author_date_idx on public.blog_analytics (author_id, date) include (blog_id, views);
