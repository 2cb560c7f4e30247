-- 0119: documentation search statistics without a shared row updated per page.
--
-- 0060 kept the collection statistics (pages and field-length sums, for scope 'visible' and
-- 'all') in two rows of internal.documentation_search_stats, updated by a per-row trigger on
-- internal.documentation_search_docs: every page indexed updated the same two rows. In one
-- transaction (a `docs import` is one) none of those row versions can be pruned before commit,
-- so each update walked all the versions before it: importing 8 x 1,000 pages in one
-- transaction, each thousand took longer than the last, and a 50,000-page import spent most of
-- its time there. It also held both rows locked until commit, so any other documentation write
-- waited for the whole import.
--
-- Now:
-- * The per-row trigger appends the page's net change (per scope: +/- 1 page and its field
--   lengths; nothing when neither changed) to internal.documentation_search_stat_changes, an
--   insert-only table: a new row with a new key, no row of anyone else's is updated or waited for.
-- * A deferred constraint trigger on that table folds the pending changes into the two stats rows
--   once, at commit (the first of the transaction's changes to fire folds them all; the others
--   find their row gone, one index probe each): a transaction updates each stats row at most
--   once, however many pages it writes, and holds its lock only while committing. Every writer
--   of documentation_search_docs is covered (page triggers, a category's visibility, a page's
--   cascade delete), since the fold hangs on the changes table, not on who wrote them. Changes
--   undone by a rolled-back savepoint take their queued fold with them.
-- * Readers take the stats row plus the changes not folded yet
--   (internal.documentation_search_collection), so they are exact at every moment: in the
--   writing transaction before its commit, and should a fold ever not have run (a restore loads
--   the table as it was, with triggers off).
-- Upgrading changes no figure: the stats rows stay as they are and the changes table starts empty.

create table internal.documentation_search_stat_changes (
  id bigint generated always as identity primary key,
  scope text not null check (scope in ('visible', 'all')),
  pages bigint not null,
  sum_title bigint not null,
  sum_heading bigint not null,
  sum_meta bigint not null,
  sum_body bigint not null
);
comment on table internal.documentation_search_stat_changes is
  'Changes to internal.documentation_search_stats not folded into it yet (insert-only; folded at each writer''s commit).';

create or replace function internal.count_documentation_search_docs() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- The row's net change per scope (an update that keeps lengths and visibility adds nothing).
  insert into internal.documentation_search_stat_changes (scope, pages, sum_title, sum_heading, sum_meta, sum_body)
  select s.scope, pg_catalog.sum(c.pages), pg_catalog.sum(c.len_title), pg_catalog.sum(c.len_heading),
         pg_catalog.sum(c.len_meta), pg_catalog.sum(c.len_body)
  from (values ('all'), ('visible')) s(scope)
  join (
    select -1, -old.len_title, -old.len_heading, -old.len_meta, -old.len_body, old.visible where tg_op <> 'INSERT'
    union all
    select 1, new.len_title, new.len_heading, new.len_meta, new.len_body, new.visible where tg_op <> 'DELETE'
  ) c(pages, len_title, len_heading, len_meta, len_body, visible) on s.scope = 'all' or c.visible
  group by s.scope
  having pg_catalog.sum(c.pages) <> 0 or pg_catalog.sum(c.len_title) <> 0 or pg_catalog.sum(c.len_heading) <> 0
      or pg_catalog.sum(c.len_meta) <> 0 or pg_catalog.sum(c.len_body) <> 0;
  return null;
end
$$;
comment on function internal.count_documentation_search_docs() is
  'Appends a search row''s change to the collection statistics to internal.documentation_search_stat_changes.';

-- At commit: the transaction's changes (and any other committed ones) into the stats rows, once.
create or replace function internal.fold_documentation_search_stat_changes() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from internal.documentation_search_stat_changes c where c.id = new.id) then
    return null;  -- an earlier change of this transaction folded it
  end if;
  -- Both rows in one order, for every folding transaction.
  perform from internal.documentation_search_stats s order by s.scope for update;
  with folded as (
    delete from internal.documentation_search_stat_changes c
    returning c.scope, c.pages, c.sum_title, c.sum_heading, c.sum_meta, c.sum_body
  )
  update internal.documentation_search_stats s
     set pages = s.pages + f.pages, sum_title = s.sum_title + f.sum_title, sum_heading = s.sum_heading + f.sum_heading,
         sum_meta = s.sum_meta + f.sum_meta, sum_body = s.sum_body + f.sum_body
    from (select g.scope, pg_catalog.sum(g.pages)::bigint as pages, pg_catalog.sum(g.sum_title)::bigint as sum_title,
                 pg_catalog.sum(g.sum_heading)::bigint as sum_heading, pg_catalog.sum(g.sum_meta)::bigint as sum_meta,
                 pg_catalog.sum(g.sum_body)::bigint as sum_body
          from folded g group by g.scope) f
   where s.scope = f.scope;
  return null;
end
$$;
comment on function internal.fold_documentation_search_stat_changes() is
  'Folds the pending documentation search statistics changes into internal.documentation_search_stats (deferred to commit).';
create constraint trigger fold_documentation_search_stat_changes
  after insert on internal.documentation_search_stat_changes
  deferrable initially deferred
  for each row execute function internal.fold_documentation_search_stat_changes();

-- What readers use: the stats row plus the changes not folded yet, exact at every moment.
create or replace function internal.documentation_search_collection(in_scope text)
returns internal.documentation_search_stats
language sql stable
set search_path = ''
as $$
  select in_scope, coalesce(pg_catalog.sum(x.pages), 0)::bigint, coalesce(pg_catalog.sum(x.sum_title), 0)::bigint,
         coalesce(pg_catalog.sum(x.sum_heading), 0)::bigint, coalesce(pg_catalog.sum(x.sum_meta), 0)::bigint,
         coalesce(pg_catalog.sum(x.sum_body), 0)::bigint
  from (
    select s.pages, s.sum_title, s.sum_heading, s.sum_meta, s.sum_body
    from internal.documentation_search_stats s where s.scope = in_scope
    union all
    select c.pages, c.sum_title, c.sum_heading, c.sum_meta, c.sum_body
    from internal.documentation_search_stat_changes c where c.scope = in_scope
  ) x
$$;
comment on function internal.documentation_search_collection(text) is
  'Documentation search collection statistics of a scope (visible, all): the folded row plus pending changes.';

-- 0061's search, reading the statistics through documentation_search_collection (nothing else changed).
create or replace function public.search_documentation(
  query text,
  in_category text default null,
  in_tag text default null,
  result_limit integer default 10,
  include_drafts boolean default false
) returns table (
  page_id uuid, slug text, title text, path text, category text, status public.documentation_status,
  score double precision, snippet text
)
language plpgsql stable security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  caller uuid := auth.uid();
  see_all boolean;
  query_text text := pg_catalog.left(coalesce(query, ''), 1000);
  strict_syntax boolean;
  filtered boolean;
  configs regconfig[];
  config_list regconfig[] := '{}';
  word_list text[] := '{}';
  idfs double precision[];
  page_count double precision;
  -- BM25F length normalisation per field: tf / (1 - b + b * length / average) with b = 0.5
  -- (title, headings, metadata) and b = 0.75 (body); these hold b / average.
  title_factor double precision;
  heading_factor double precision;
  meta_factor double precision;
  body_factor double precision;
  query_norm text;
  word_count integer;
  wanted integer;
  title_pages uuid[];
  highlight tsquery;
begin
  if pg_catalog.btrim(query_text) = '' then
    return;
  end if;
  see_all := include_drafts and caller is not null
             and pg_catalog.pg_has_role(auth.role_name_for(caller), 'blogster_admin', 'MEMBER');
  -- Quotes, OR or a leading minus: the user wrote a boolean query, so it filters.
  strict_syntax := query_text ~ '"' or query_text ~* '(^|\s)or(\s|$)' or query_text ~ '(^|\s)-\S';
  filtered := strict_syntax or in_category is not null or in_tag is not null;
  result_limit := least(greatest(coalesce(result_limit, 10), 1), 100);
  wanted := greatest(result_limit * 3, 30);
  -- The configurations in use: a loose index scan, one probe per configuration.
  with recursive found as (
    select pg_catalog.min(s.search_config::oid) as cfg from internal.documentation_search_docs s
    union all
    select (select pg_catalog.min(s.search_config::oid) from internal.documentation_search_docs s
            where s.search_config::oid > f.cfg)
    from found f where f.cfg is not null
  )
  select pg_catalog.array_agg(f.cfg::regconfig) into configs from found f where f.cfg is not null;
  -- The query's positive words, as each configuration in use indexes them.
  select coalesce(pg_catalog.array_agg(w.cfg), '{}'), coalesce(pg_catalog.array_agg(w.lexeme), '{}')
    into config_list, word_list
  from (
    select distinct c.cfg, pg_catalog.replace(m[2], '''''', '''') as lexeme
    from pg_catalog.unnest(configs) c(cfg),
         pg_catalog.regexp_matches(pg_catalog.websearch_to_tsquery(c.cfg, query_text)::text,
                                   '(!?)''((?:[^'']|'''')*)''', 'g') m
    where m[1] = ''
  ) w;
  if pg_catalog.cardinality(word_list) = 0 then
    return;
  end if;
  word_count := (select pg_catalog.count(distinct w) from pg_catalog.unnest(word_list) w);
  query_norm := public.documentation_normal_text(query_text);
  -- Snippets highlight any of the words (parsed once for the first configuration).
  highlight := pg_catalog.replace(pg_catalog.websearch_to_tsquery(configs[1], query_text)::text, ' & ', ' | ')::tsquery;
  select coalesce(pg_catalog.array_agg(x.page_id), '{}') into title_pages
  from internal.documentation_search_docs x where x.title_norm = query_norm and (x.visible or see_all);
  select greatest(st.pages, 1), 0.5 / greatest(st.sum_title::float8 / greatest(st.pages, 1), 1),
         0.5 / greatest(st.sum_heading::float8 / greatest(st.pages, 1), 1),
         0.5 / greatest(st.sum_meta::float8 / greatest(st.pages, 1), 1),
         0.75 / greatest(st.sum_body::float8 / greatest(st.pages, 1), 1)
    into page_count, title_factor, heading_factor, meta_factor, body_factor
  from internal.documentation_search_collection(case when see_all then 'all' else 'visible' end) st;
  -- Inverse document frequencies, one index-only count per word, in word_list's order.
  select pg_catalog.array_agg(pg_catalog.ln(1 + (page_count - f.pages + 0.5) / (f.pages + 0.5)) order by w.n)
    into idfs
  from unnest(config_list, word_list) with ordinality w(cfg, lexeme, n)
  cross join lateral (select pg_catalog.count(*)::float8 as pages from internal.documentation_search_terms t
                      where t.lexeme = w.lexeme and t.search_config = w.cfg and (t.visible or see_all)) f;
  return query
  with scored as (
    -- BM25F: each field's frequency normalised by its length, weighted, then saturated once
    -- (k1 = 1.2: tf * 2.2 / (1.2 + tf) = 2.2 - 2.64 / (1.2 + tf)).
    -- Coordination: a page holding more of the query's words ranks above one holding fewer.
    -- A page titled exactly as the query counts double.
    select t.page_id,
           pg_catalog.sum(w.idf * (2.2::float8 - 2.64::float8 / (1.2::float8
             + 4.0::float8 * t.tf_title / (0.5::float8 + t.len_title * title_factor)
             + 2.5::float8 * t.tf_heading / (0.5::float8 + t.len_heading * heading_factor)
             + 1.5::float8 * t.tf_meta / (0.5::float8 + t.len_meta * meta_factor)
             + t.tf_body / (0.25::float8 + t.len_body * body_factor))))
             * least(pg_catalog.count(*)::float8 / word_count, 1::float8) as bm25f
    from unnest(config_list, word_list, idfs) w(cfg, lexeme, idf)
    join internal.documentation_search_terms t
      on t.lexeme = w.lexeme and t.search_config = w.cfg and (t.visible or see_all)
    group by t.page_id
  ), ordered as (
    -- Best first. Without a filter the best `wanted` are all that can be shown (a bounded sort);
    -- with one, pages are checked in this order until `wanted` pass.
    select sc.page_id, sc.bm25f, sc.page_id = any (title_pages) as title_match,
           sc.bm25f * (1 + (sc.page_id = any (title_pages))::integer) as rank_score
    from scored sc
    order by rank_score desc
    limit case when filtered then null else wanted end
  ), ranked as (
    select o.page_id, o.bm25f, o.title_match, d.search_config, d.search_vector, d.content, d.slug, d.title,
           d.status, d.category_id, pg_catalog.row_number() over (order by o.rank_score desc) as position
    from ordered o
    -- One page at a time (offset 0 keeps it a per-row lookup), so a filter stops at `wanted` passes.
    cross join lateral (
      select p.search_config, p.search_vector, p.content, p.slug, p.title, p.status, p.category_id
      from public.documentation_pages p
      left join public.documentation_categories c on c.id = p.category_id
      where p.id = o.page_id
        and (not strict_syntax or p.search_vector @@ pg_catalog.websearch_to_tsquery(p.search_config, query_text))
        and (in_category is null or c.slug = in_category or pg_catalog.lower(c.name) = pg_catalog.lower(in_category))
        and (in_tag is null or in_tag = any (p.tags))
      offset 0
    ) d
    order by o.rank_score desc
    limit wanted
  ), boosted as (
    -- Known items: the query is the page's title, or one of its section headings, as a whole.
    -- Proximity: the query's words next to each other, in order, count extra (for the best 20).
    select r.*,
           r.bm25f * (1 + 1.0::float8 * r.title_match::integer)
             * (1 + 0.5::float8 * (pg_catalog.strpos(x.headings_norm,
                                   pg_catalog.chr(10) || query_norm || pg_catalog.chr(10)) > 0)::integer)
             * (1 + 0.5::float8 * (word_count > 1 and r.position <= 20
                           and r.search_vector @@ pg_catalog.phraseto_tsquery(r.search_config, query_text))::integer)
             as final_score
    from ranked r
    join internal.documentation_search_docs x on x.page_id = r.page_id
    order by final_score desc, r.title, r.page_id
    limit result_limit
  )
  -- The snippet: the query's words highlighted in a window around their first occurrence.
  select b.page_id, b.slug, b.title, b.content #>> '{source,path}', c.name, b.status, b.final_score,
         pg_catalog.ts_headline(b.search_config,
           pg_catalog.substr(body.text, greatest(1, coalesce(first_hit.at, 1) - 150), 1000),
           case when b.search_config = configs[1] then highlight
                else pg_catalog.replace(pg_catalog.websearch_to_tsquery(b.search_config, query_text)::text,
                                        ' & ', ' | ')::tsquery end,
           'MaxFragments=2, MinWords=6, MaxWords=18, FragmentDelimiter=" … ", StartSel=⟦, StopSel=⟧')
  from boosted b
  left join public.documentation_categories c on c.id = b.category_id
  cross join lateral (select public.documentation_text(b.content) as text offset 0) body  -- detoasted once
  cross join lateral (
    -- Each word as written in lower case, capitalised or in capitals: lowering a long page
    -- costs far more than these searches.
    select pg_catalog.min(nullif(pg_catalog.strpos(body.text, f.form), 0)) as at
    from pg_catalog.unnest(word_list) w,
         pg_catalog.unnest(array[w, pg_catalog.initcap(w), pg_catalog.upper(w)]) f(form)
  ) first_hit
  order by b.final_score desc, b.title, b.page_id;
end
$$;
comment on function public.search_documentation(text, text, text, integer, boolean) is
  'Documentation search (websearch syntax): BM25F over title, headings, metadata and body with a phrase boost; published pages in visible categories, drafts too for admins who pass include_drafts.';

revoke all on function internal.count_documentation_search_docs(), internal.fold_documentation_search_stat_changes(),
  internal.documentation_search_collection(text) from public;
grant execute on function internal.documentation_search_collection(text) to blogster_definer;

-- Reached only through the definer functions above (BYPASSRLS), as 0060's index tables: no
-- policy, row security forced, nothing for user roles.
revoke all on internal.documentation_search_stat_changes from public, anon, authenticated, blogster_admin;
grant select, insert, delete on internal.documentation_search_stat_changes to blogster_definer;
alter table internal.documentation_search_stat_changes enable row level security;
alter table internal.documentation_search_stat_changes force row level security;
