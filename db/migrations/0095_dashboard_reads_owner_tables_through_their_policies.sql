-- dashboard_stats reads the account's own analytics totals and share figures through
-- those tables' policies alone (issue 20, bench/bench_rls.py).
--
-- blog_analytics_daily_totals, social_media_posts and platform_republishing each have
-- one SELECT policy, owner-only: author_id = (select auth.uid()). The view repeated that
-- filter as author_id = (select me.id from me). Under RLS the two comparisons fall into
-- one equivalence class with two different parameters, so the planner checks them
-- against each other in a Result node above every scan (a one-time filter every row
-- passes through) and evaluates auth.uid() twice per table. At 1,000,000 posts that made
-- the view 1.29x the owner's statement with the filter written out; without the repeated
-- filter, 1.18x on the same data, same figures.
--
-- What changes for whom: nothing for an account role or `authenticated` (the policies
-- admit the account's own rows, or none). The tables force row level security, so only
-- roles with BYPASSRLS read past the policies: blogster_definer loses SELECT on the view
-- (0010 granted it every table; no definer function reads the view), service_role never
-- had it, and a superuser reading the view now sums every account's views and shares (it
-- saw zeros: it has no account). tests/integration/test_schema_dashboard.py fails if one of
-- the three tables gains a SELECT policy other than the owner's, or if a role that
-- bypasses row level security may read the view.
--
-- blogs keeps its explicit author filter: its policies also admit other accounts'
-- published posts. The share figures still count only posts in `mine` (live, own).
create or replace view public.dashboard_stats with (security_invoker = true) as
with me as (
  select auth.uid() as id
),
bounds as (
  select today,
         (today - 29)::timestamp at time zone 'UTC' as window_start,
         (today - 59)::timestamp at time zone 'UTC' as previous_start,
         (today + 1)::timestamp at time zone 'UTC' as window_end
  from (select (pg_catalog.now() at time zone 'UTC')::date as today) t
),
mine as (
  select b.id, b.status, b.created_at
  from public.blogs b
  where b.author_id = (select me.id from me) and b.deleted_at is null
),
blog_counts as (
  select pg_catalog.count(*) as total_blogs,
         pg_catalog.count(*) filter (where m.status = 'published') as published_blogs,
         pg_catalog.count(*) filter (where m.created_at >= w.window_start and m.created_at < w.window_end) as new_blogs_30d,
         pg_catalog.count(*) filter (where m.created_at >= w.previous_start and m.created_at < w.window_start)
           as new_blogs_prev_30d
  from mine m cross join bounds w
),
view_counts as (
  -- the policy admits the account's own rows only
  select coalesce(pg_catalog.sum(t.views), 0)::bigint as total_views,
         coalesce(pg_catalog.sum(t.views) filter (where t.date between w.today - 29 and w.today), 0)::bigint as views_30d,
         coalesce(pg_catalog.sum(t.views) filter (where t.date between w.today - 59 and w.today - 30), 0)::bigint
           as views_prev_30d,
         (pg_catalog.sum(t.bounce_weighted) / nullif(pg_catalog.sum(t.bounce_views), 0))::double precision
           as avg_bounce_rate
  from public.blog_analytics_daily_totals t cross join bounds w
),
share_counts as (
  -- the policies admit the account's own rows only; `mine` leaves out trashed posts
  select coalesce(pg_catalog.sum(case when pg_catalog.jsonb_typeof(s.metrics -> 'shares') = 'number'
                                      then pg_catalog.floor((s.metrics ->> 'shares')::numeric) end), 0)::bigint
           as total_shares
  from (select p.engagement_metrics as metrics from public.social_media_posts p
        where p.blog_id in (select m.id from mine m)
        union all
        select r.engagement_metrics from public.platform_republishing r
        where r.blog_id in (select m.id from mine m)) s
)
select bc.total_blogs, bc.published_blogs, bc.new_blogs_30d, bc.new_blogs_prev_30d,
       vc.total_views, vc.views_30d, vc.views_prev_30d, vc.avg_bounce_rate, sc.total_shares
from blog_counts bc cross join view_counts vc cross join share_counts sc;

revoke select on public.dashboard_stats from blogster_definer;
