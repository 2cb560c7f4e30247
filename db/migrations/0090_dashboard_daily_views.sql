-- 0090: the dashboard reads a per-account daily rollup of blog_analytics.
--
-- dashboard_stats summed every blog_analytics row of the account at each read: with
-- 1,000,000 rows that read took longer than all of `blogster tui`'s start-up. The
-- rollup holds one row per account and UTC date (a few thousand rows in ten years),
-- kept exact by triggers in the same transaction as each change:
--
-- * blog_analytics insert/update/delete (statement triggers with transition tables:
--   an ingest of many rows costs one upsert per account and day, not one per row);
-- * a blog moving into or out of the trash (its figures leave or rejoin the totals:
--   dashboard_stats leaves trashed posts out);
-- * a live blog deleted (its analytics go by cascade after the blog row is gone, so
--   the blog's own BEFORE DELETE trigger takes them out first; the cascade then finds
--   no live blog and changes nothing).
--
-- Only live (untrashed) blogs count. bounce_weighted is numeric so that adding and
-- taking away the same rows gives back exactly what was there. The rollup is private
-- to its account like its source: users read their own rows and write none (only the
-- definer triggers do). dashboard_stats keeps its columns and reads the rollup.

create table public.blog_analytics_daily_totals (
  author_id uuid not null references auth.users (id) on delete cascade,
  date date not null,
  views bigint not null default 0,
  bounce_weighted numeric not null default 0,
  bounce_views bigint not null default 0,
  primary key (author_id, date)
);
comment on table public.blog_analytics_daily_totals is 'Per account and UTC date: blog_analytics of the account''s live (untrashed) blogs, summed; kept by triggers (0090), read by dashboard_stats.';
comment on column public.blog_analytics_daily_totals.bounce_weighted is 'Sum of bounce_rate * views over rows with a bounce_rate.';
comment on column public.blog_analytics_daily_totals.bounce_views is 'Sum of views over rows with a bounce_rate (the divisor of the weighted bounce rate).';

alter table public.blog_analytics_daily_totals enable row level security;
alter table public.blog_analytics_daily_totals force row level security;
revoke all on public.blog_analytics_daily_totals from public, anon, authenticated, blogster_admin;
grant select on public.blog_analytics_daily_totals to authenticated;
grant select, insert, update, delete on public.blog_analytics_daily_totals to service_role;
grant select, insert, update on public.blog_analytics_daily_totals to blogster_definer;
grant select (id, author_id, deleted_at) on public.blogs to blogster_definer;
grant select (blog_id, author_id, date, views, bounce_rate) on public.blog_analytics to blogster_definer;
create policy "Users can view their own daily analytics totals" on public.blog_analytics_daily_totals
  for select to authenticated using (author_id = (select auth.uid()));

-- One function for the three statement triggers: the changed rows of live blogs, summed
-- per account and day, taken away (old rows) and added (new rows). EXECUTE reads the
-- trigger's transition tables by name; rows are upserted in one order so concurrent
-- ingests of one account cannot deadlock.
create or replace function internal.roll_up_analytics() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  changed record;
begin
  for changed in
    select v.rel, v.sign from (values ('old_rows', -1), ('new_rows', 1)) v(rel, sign)
    where (v.rel = 'old_rows' and tg_op <> 'INSERT') or (v.rel = 'new_rows' and tg_op <> 'DELETE')
  loop
    execute pg_catalog.format($sql$
      insert into public.blog_analytics_daily_totals as t (author_id, date, views, bounce_weighted, bounce_views)
      select r.author_id, r.date, pg_catalog.sum(r.views) * $1,
             coalesce(pg_catalog.sum(r.bounce_rate::numeric * r.views) filter (where r.bounce_rate is not null), 0) * $1,
             coalesce(pg_catalog.sum(r.views) filter (where r.bounce_rate is not null), 0) * $1
      from %I r
      where exists (select 1 from public.blogs b where b.id = r.blog_id and b.deleted_at is null)
      group by r.author_id, r.date
      order by r.author_id, r.date
      on conflict (author_id, date) do update
        set views = t.views operator(pg_catalog.+) excluded.views,
            bounce_weighted = t.bounce_weighted operator(pg_catalog.+) excluded.bounce_weighted,
            bounce_views = t.bounce_views operator(pg_catalog.+) excluded.bounce_views
      $sql$, changed.rel) using changed.sign;
  end loop;
  return null;
end
$$;
comment on function internal.roll_up_analytics() is 'Keeps blog_analytics_daily_totals equal to the sums of blog_analytics of live blogs, per changed statement.';
revoke all on function internal.roll_up_analytics() from public;

create trigger roll_up_blog_analytics_insert after insert on public.blog_analytics
  referencing new table as new_rows for each statement execute function internal.roll_up_analytics();
create trigger roll_up_blog_analytics_update after update on public.blog_analytics
  referencing old table as old_rows new table as new_rows
  for each statement execute function internal.roll_up_analytics();
create trigger roll_up_blog_analytics_delete after delete on public.blog_analytics
  referencing old table as old_rows for each statement execute function internal.roll_up_analytics();

-- A blog's analytics leave the totals when it goes to the trash (or is deleted while
-- live) and come back when it is restored.
create or replace function internal.roll_up_blog_liveness() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  blog uuid := case when tg_op = 'DELETE' then old.id else new.id end;
  sign integer := case when tg_op = 'UPDATE' and new.deleted_at is null then 1 else -1 end;
begin
  insert into public.blog_analytics_daily_totals as t (author_id, date, views, bounce_weighted, bounce_views)
  select a.author_id, a.date, pg_catalog.sum(a.views) * sign,
         coalesce(pg_catalog.sum(a.bounce_rate::numeric * a.views) filter (where a.bounce_rate is not null), 0) * sign,
         coalesce(pg_catalog.sum(a.views) filter (where a.bounce_rate is not null), 0) * sign
  from public.blog_analytics a
  where a.blog_id = blog
    -- an account being deleted takes its totals with it (its cascade reaches the blogs too)
    and exists (select from auth.users u where u.id = a.author_id)
  group by a.author_id, a.date
  order by a.author_id, a.date
  on conflict (author_id, date) do update
    set views = t.views operator(pg_catalog.+) excluded.views,
        bounce_weighted = t.bounce_weighted operator(pg_catalog.+) excluded.bounce_weighted,
        bounce_views = t.bounce_views operator(pg_catalog.+) excluded.bounce_views;
  return case when tg_op = 'DELETE' then old else new end;
end
$$;
comment on function internal.roll_up_blog_liveness() is 'Takes a blog''s analytics out of blog_analytics_daily_totals when it is trashed or deleted live, and back when restored.';
revoke all on function internal.roll_up_blog_liveness() from public;

create trigger roll_up_blog_trash after update of deleted_at on public.blogs
  for each row when ((old.deleted_at is null) is distinct from (new.deleted_at is null))
  execute function internal.roll_up_blog_liveness();
create trigger roll_up_blog_delete before delete on public.blogs
  for each row when (old.deleted_at is null)
  execute function internal.roll_up_blog_liveness();

-- What is there today.
insert into public.blog_analytics_daily_totals (author_id, date, views, bounce_weighted, bounce_views)
select a.author_id, a.date, pg_catalog.sum(a.views),
       coalesce(pg_catalog.sum(a.bounce_rate::numeric * a.views) filter (where a.bounce_rate is not null), 0),
       coalesce(pg_catalog.sum(a.views) filter (where a.bounce_rate is not null), 0)
from public.blog_analytics a join public.blogs b on b.id = a.blog_id and b.deleted_at is null
group by a.author_id, a.date;

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
  select coalesce(pg_catalog.sum(t.views), 0)::bigint as total_views,
         coalesce(pg_catalog.sum(t.views) filter (where t.date between w.today - 29 and w.today), 0)::bigint as views_30d,
         coalesce(pg_catalog.sum(t.views) filter (where t.date between w.today - 59 and w.today - 30), 0)::bigint
           as views_prev_30d,
         (pg_catalog.sum(t.bounce_weighted) / nullif(pg_catalog.sum(t.bounce_views), 0))::double precision
           as avg_bounce_rate
  from public.blog_analytics_daily_totals t cross join bounds w
  where t.author_id = (select me.id from me)
),
share_counts as (
  select coalesce(pg_catalog.sum(case when pg_catalog.jsonb_typeof(s.metrics -> 'shares') = 'number'
                                      then pg_catalog.floor((s.metrics ->> 'shares')::numeric) end), 0)::bigint
           as total_shares
  from (select p.engagement_metrics as metrics from public.social_media_posts p
        where p.author_id = (select me.id from me) and p.blog_id in (select m.id from mine m)
        union all
        select r.engagement_metrics from public.platform_republishing r
        where r.author_id = (select me.id from me) and r.blog_id in (select m.id from mine m)) s
)
select bc.total_blogs, bc.published_blogs, bc.new_blogs_30d, bc.new_blogs_prev_30d,
       vc.total_views, vc.views_30d, vc.views_prev_30d, vc.avg_bounce_rate, sc.total_shares
from blog_counts bc cross join view_counts vc cross join share_counts sc;
