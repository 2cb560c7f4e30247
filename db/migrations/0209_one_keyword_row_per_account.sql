-- 0209: an account has one keyword_research row per keyword (ignoring case).
--
-- `seo import-keywords` and `seo import-positions` looked a keyword up, then inserted it when it was
-- missing: two imports of one file at once both found nothing and both inserted, so every keyword was
-- stored twice, listed twice, and each later import updated both copies (only a plain index on
-- (user_id, keyword) existed, 0005). A unique index on (user_id, lower(keyword)) now holds one row per
-- account and keyword as the imports compare them (ignoring case; they store a keyword with its runs
-- of blanks made one space), and the imports write with INSERT ... ON CONFLICT on it. The key holds
-- the owner: another account's keyword never conflicts with mine, so a violation tells no one
-- about another account's keywords (and RLS refuses a row for another owner before any key is checked).
--
-- The copies already stored are merged into the most recently updated row of each (account, keyword):
-- its figures are the ones the last import wrote, the ones `seo keywords` should show. The positions of
-- the other copies (`serp_positions`, by keyword_id) move to it; where it already has a position for
-- the same post, day, engine, device and locale (or two copies had one), the kept row's own is kept,
-- else the most recently created: the unique key of 0045 holds one. The moved series then get their
-- previous_position and change again, as `seo import-positions` computes them. Both tables are locked
-- first, so no account's open transaction adds a copy between the merge and the index.

lock table public.keyword_research, public.serp_positions in share row exclusive mode;

create temporary table keyword_copies as
  select id, kept from (
    select id, pg_catalog.first_value(id) over (
      partition by user_id, pg_catalog.lower(keyword) order by updated_at desc, created_at desc, id desc
    ) as kept
    from public.keyword_research
  ) ranked
  where id <> kept;

with placed as (
  select s.id, pg_catalog.row_number() over (
    partition by s.blog_id, coalesce(c.kept, s.keyword_id), s.check_date, s.search_engine, s.device_type,
      s.search_locale
    order by (c.kept is null) desc, s.created_at desc, s.id desc
  ) as rank
  from public.serp_positions s
  left join keyword_copies c on c.id = s.keyword_id
  where coalesce(c.kept, s.keyword_id) in (select kept from keyword_copies)
)
delete from public.serp_positions s using placed p where s.id = p.id and p.rank > 1;

update public.serp_positions s set keyword_id = c.kept from keyword_copies c where s.keyword_id = c.id;

delete from public.keyword_research k using keyword_copies c where k.id = c.id;

with series as (
  select id, pg_catalog.lag(rank_position) over (
    partition by blog_id, keyword_id, search_engine, device_type, search_locale order by check_date
  ) as previous
  from public.serp_positions
  where keyword_id in (select kept from keyword_copies)
)
update public.serp_positions s set previous_position = series.previous, change = series.previous - s.rank_position
from series
where s.id = series.id and s.previous_position is distinct from series.previous;

drop table keyword_copies;

create unique index keyword_research_keyword_key on public.keyword_research (user_id, pg_catalog.lower(keyword));
