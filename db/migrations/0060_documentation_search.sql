-- Documentation search that uses the page's structure: a field-weighted BM25 (BM25F)
-- over title, headings, metadata (excerpt, tags, source path) and body, computed from
-- an inverted index kept by trigger, so a query reads only the postings of its words.
--
-- internal.documentation_search_docs: one row per page (field lengths, configuration,
--   whether non-admins may see it); internal.documentation_search_terms: one row per
--   (lexeme, page) with the term's frequency in each field. No user role reaches
--   `internal`; public.search_documentation (SECURITY DEFINER) reads them and applies
--   the same visibility as the RLS policies on documentation_pages: published pages in
--   visible categories, everything for members of blogster_admin who ask for it. The
--   collection statistics (page count, average lengths, document frequencies) are taken
--   over the pages the caller may see, so drafts never change a non-admin's scores.

create table internal.documentation_search_docs (
  page_id uuid primary key references public.documentation_pages (id) on delete cascade,
  search_config regconfig not null,
  visible boolean not null,
  len_title integer not null,
  len_heading integer not null,
  len_meta integer not null,
  len_body integer not null,
  title_norm text not null,
  headings_norm text not null
);
create index documentation_search_docs_title_norm_idx on internal.documentation_search_docs (title_norm);
create index documentation_search_docs_config_idx on internal.documentation_search_docs (search_config);

-- Postings carry their page's lengths and configuration, so scoring reads only the index.
create table internal.documentation_search_terms (
  lexeme text not null,
  page_id uuid not null references public.documentation_pages (id) on delete cascade,
  visible boolean not null,
  search_config regconfig not null,
  tf_title smallint not null,
  tf_heading smallint not null,
  tf_meta smallint not null,
  tf_body smallint not null,
  len_title integer not null,
  len_heading integer not null,
  len_meta integer not null,
  len_body integer not null,
  primary key (lexeme, page_id) include (visible, search_config, tf_title, tf_heading, tf_meta, tf_body,
                                         len_title, len_heading, len_meta, len_body)
);
create index documentation_search_terms_page_id_idx on internal.documentation_search_terms (page_id);

-- Collection statistics, kept by trigger: for visible pages (what readers search) and all.
create table internal.documentation_search_stats (
  scope text primary key check (scope in ('visible', 'all')),
  pages bigint not null default 0,
  sum_title bigint not null default 0,
  sum_heading bigint not null default 0,
  sum_meta bigint not null default 0,
  sum_body bigint not null default 0
);
insert into internal.documentation_search_stats (scope) values ('visible'), ('all');

create or replace function internal.count_documentation_search_docs() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    update internal.documentation_search_stats set pages = pages - 1, sum_title = sum_title - old.len_title,
      sum_heading = sum_heading - old.len_heading, sum_meta = sum_meta - old.len_meta, sum_body = sum_body - old.len_body
    where scope = 'all' or (scope = 'visible' and old.visible);
  end if;
  if tg_op in ('UPDATE', 'INSERT') then
    update internal.documentation_search_stats set pages = pages + 1, sum_title = sum_title + new.len_title,
      sum_heading = sum_heading + new.len_heading, sum_meta = sum_meta + new.len_meta, sum_body = sum_body + new.len_body
    where scope = 'all' or (scope = 'visible' and new.visible);
  end if;
  return null;
end
$$;
create trigger count_documentation_search_docs after insert or update or delete on internal.documentation_search_docs
  for each row execute function internal.count_documentation_search_docs();

-- Text reduced to lower-case words separated by single spaces, to compare a query with a title or heading.
create or replace function public.documentation_normal_text(value text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.lower(coalesce(value, '')), '[^[:alnum:]]+', ' ', 'g'))
$$;

-- The markdown headings of a body (ATX `#` lines outside fenced code), one per line.
create or replace function public.documentation_headings(markdown text) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  line text;
  fence text;
  found text[] := '{}';
begin
  foreach line in array pg_catalog.string_to_array(coalesce(markdown, ''), pg_catalog.chr(10)) loop
    if fence is not null then
      if line ~ ('^ {0,3}' || fence) then
        fence := null;
      end if;
    elsif line ~ '^ {0,3}(```|~~~)' then
      fence := (pg_catalog.regexp_match(line, '^ {0,3}(```|~~~)'))[1];
    elsif line ~ '^ {0,3}#{1,6}[ \t]' then
      found := found || pg_catalog.regexp_replace(line, '^ {0,3}#{1,6}[ \t]+|[ \t#]*\r?$', '', 'g');
    end if;
  end loop;
  return pg_catalog.array_to_string(found, pg_catalog.chr(10));
end
$$;
comment on function public.documentation_headings(text) is 'ATX headings of a markdown text, outside fenced code, one per line.';

-- Number of positions in a tsvector (a lexeme without positions counts once).
create or replace function public.tsvector_token_count(vector tsvector) returns integer
language sql immutable parallel safe
set search_path = ''
as $$
  select coalesce(pg_catalog.sum(coalesce(pg_catalog.array_length(u.positions, 1), 1)), 0)::integer
  from pg_catalog.unnest(vector) u
$$;

create or replace function public.index_documentation_page() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  -- Title (A), excerpt and tags (B) and body (C) as the search_vector trigger already parsed them.
  body text := pg_catalog.left(public.documentation_text(new.content), 250000);
  headings text := public.documentation_headings(body);
  title_v tsvector := pg_catalog.ts_filter(coalesce(new.search_vector, ''), '{a}');
  heading_v tsvector := pg_catalog.to_tsvector(new.search_config, headings);
  meta_v tsvector := pg_catalog.ts_filter(coalesce(new.search_vector, ''), '{b}') || pg_catalog.to_tsvector(
    new.search_config, pg_catalog.regexp_replace(coalesce(new.content #>> '{source,path}', ''), '[/_.-]+', ' ', 'g'));
  body_v tsvector := pg_catalog.ts_filter(coalesce(new.search_vector, ''), '{c}');
  is_visible boolean;
begin
  is_visible := new.status = 'published' and (new.category_id is null or exists (
    select 1 from public.documentation_categories c where c.id = new.category_id and c.is_visible));
  delete from internal.documentation_search_terms where page_id = new.id;
  insert into internal.documentation_search_docs as d
    (page_id, search_config, visible, len_title, len_heading, len_meta, len_body, title_norm, headings_norm)
  values (new.id, new.search_config, is_visible, public.tsvector_token_count(title_v),
          public.tsvector_token_count(heading_v), public.tsvector_token_count(meta_v),
          public.tsvector_token_count(body_v), public.documentation_normal_text(new.title),
          pg_catalog.chr(10) || pg_catalog.array_to_string(array(
            select public.documentation_normal_text(h)
            from pg_catalog.unnest(pg_catalog.string_to_array(headings, pg_catalog.chr(10))) h), pg_catalog.chr(10))
          || pg_catalog.chr(10))
  on conflict (page_id) do update set search_config = excluded.search_config, visible = excluded.visible,
    len_title = excluded.len_title, len_heading = excluded.len_heading, len_meta = excluded.len_meta,
    len_body = excluded.len_body, title_norm = excluded.title_norm, headings_norm = excluded.headings_norm;
  insert into internal.documentation_search_terms (lexeme, page_id, visible, search_config, tf_title, tf_heading,
                                                   tf_meta, tf_body, len_title, len_heading, len_meta, len_body)
  select u.lexeme, new.id, is_visible, new.search_config,
         coalesce(pg_catalog.sum(u.n) filter (where u.field = 1), 0),
         coalesce(pg_catalog.sum(u.n) filter (where u.field = 2), 0),
         coalesce(pg_catalog.sum(u.n) filter (where u.field = 3), 0),
         coalesce(pg_catalog.sum(u.n) filter (where u.field = 4), 0),
         d.len_title, d.len_heading, d.len_meta, d.len_body
  from (
    select 1 as field, t.lexeme, coalesce(pg_catalog.array_length(t.positions, 1), 1) as n from pg_catalog.unnest(title_v) t
    union all
    select 2, t.lexeme, coalesce(pg_catalog.array_length(t.positions, 1), 1) from pg_catalog.unnest(heading_v) t
    union all
    select 3, t.lexeme, coalesce(pg_catalog.array_length(t.positions, 1), 1) from pg_catalog.unnest(meta_v) t
    union all
    select 4, t.lexeme, coalesce(pg_catalog.array_length(t.positions, 1), 1) from pg_catalog.unnest(body_v) t
  ) u
  cross join internal.documentation_search_docs d
  where d.page_id = new.id
  group by u.lexeme, d.len_title, d.len_heading, d.len_meta, d.len_body;
  return null;
end
$$;
comment on function public.index_documentation_page() is 'Keeps the documentation search index (field lengths and per-field term frequencies) of one page.';

create trigger index_documentation_page after insert or update on public.documentation_pages
  for each row execute function public.index_documentation_page();

-- A category shown or hidden changes which pages non-admins may find.
create or replace function public.reindex_documentation_category_visibility() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.is_visible is distinct from old.is_visible then
    update internal.documentation_search_docs d
       set visible = p.status = 'published' and new.is_visible
      from public.documentation_pages p where p.id = d.page_id and p.category_id = new.id;
    update internal.documentation_search_terms t
       set visible = p.status = 'published' and new.is_visible
      from public.documentation_pages p where p.id = t.page_id and p.category_id = new.id;
  end if;
  return null;
end
$$;
create trigger reindex_documentation_category_visibility after update on public.documentation_categories
  for each row execute function public.reindex_documentation_category_visibility();

-- A deleted category sets its pages' category_id to NULL (ON DELETE SET NULL), which
-- fires the page trigger, so no trigger is needed for deletes.

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
  configs regconfig[];
  config_list regconfig[] := '{}';
  word_list text[] := '{}';
  page_count double precision;
  avg_title double precision;
  avg_heading double precision;
  avg_meta double precision;
  avg_body double precision;
  query_norm text;
  word_count integer;
  title_pages uuid[];
  frequencies double precision[];
  highlight tsquery;
begin
  if pg_catalog.btrim(query_text) = '' then
    return;
  end if;
  see_all := include_drafts and caller is not null
             and pg_catalog.pg_has_role(auth.role_name_for(caller), 'blogster_admin', 'MEMBER');
  -- Quotes, OR or a leading minus: the user wrote a boolean query, so it filters.
  strict_syntax := query_text ~ '"' or query_text ~* '(^|\s)or(\s|$)' or query_text ~ '(^|\s)-\S';
  result_limit := least(greatest(coalesce(result_limit, 10), 1), 100);
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
  select pg_catalog.array_agg(x.page_id) into title_pages
  from internal.documentation_search_docs x where x.title_norm = query_norm and (x.visible or see_all);
  -- Document frequencies, one index-only count per word, in word_list's order.
  select pg_catalog.array_agg((select pg_catalog.count(*) from internal.documentation_search_terms t
                               where t.lexeme = w.lexeme and t.search_config = w.cfg and (t.visible or see_all))
                              order by w.n)
    into frequencies
  from unnest(config_list, word_list) with ordinality w(cfg, lexeme, n);
  select greatest(st.pages, 1), greatest(st.sum_title::float8 / greatest(st.pages, 1), 1),
         greatest(st.sum_heading::float8 / greatest(st.pages, 1), 1),
         greatest(st.sum_meta::float8 / greatest(st.pages, 1), 1), greatest(st.sum_body::float8 / greatest(st.pages, 1), 1)
    into page_count, avg_title, avg_heading, avg_meta, avg_body
  from internal.documentation_search_stats st where st.scope = case when see_all then 'all' else 'visible' end;
  return query
  with words as (
    select w.cfg, w.lexeme, pg_catalog.ln(1 + (page_count - frequencies[w.n] + 0.5) / (frequencies[w.n] + 0.5)) as idf
    from unnest(config_list, word_list) with ordinality w(cfg, lexeme, n)
  ), hits as (
    select t.page_id, t.tf_title, t.tf_heading, t.tf_meta, t.tf_body, t.len_title, t.len_heading, t.len_meta,
           t.len_body, w.idf
    from words w
    join internal.documentation_search_terms t
      on t.lexeme = w.lexeme and t.search_config = w.cfg and (t.visible or see_all)
  ), scored as (
    -- BM25F: each field's frequency normalised by its length, weighted, then saturated once.
    -- Coordination: a page holding more of the query's words ranks above one holding fewer.
    select h.page_id,
           pg_catalog.sum(h.idf * x.tf * 2.2 / (1.2 + x.tf))
             * least(pg_catalog.count(*)::float8 / word_count, 1) as bm25f
    from hits h
    cross join lateral (select
        4.0::float8 * h.tf_title / (0.5 + 0.5 * h.len_title / avg_title)
      + 2.5::float8 * h.tf_heading / (0.5 + 0.5 * h.len_heading / avg_heading)
      + 1.5::float8 * h.tf_meta / (0.5 + 0.5 * h.len_meta / avg_meta)
      + 1.0::float8 * h.tf_body / (0.25 + 0.75 * h.len_body / avg_body) as tf) x
    group by h.page_id
  ), candidates as (
    -- Without filters the best few are enough to rerank; with them every scored page may be needed.
    -- A page titled exactly as the query always competes.
    (select sc.* from scored sc order by sc.bm25f desc
     limit case when strict_syntax or in_category is not null or in_tag is not null then null
                else greatest(result_limit * 3, 30) end)
    union
    select sc.* from scored sc where sc.page_id = any (title_pages)
  ), ranked as (
    select sc.page_id, sc.bm25f, d.search_config, d.search_vector, d.content, d.slug, d.title, d.status,
           d.category_id, x.title_norm = query_norm as title_match,
           pg_catalog.strpos(x.headings_norm, pg_catalog.chr(10) || query_norm || pg_catalog.chr(10)) > 0
             as heading_match,
           pg_catalog.row_number() over (order by sc.bm25f * (1 + (x.title_norm = query_norm)::integer) desc)
             as position
    from candidates sc
    join internal.documentation_search_docs x on x.page_id = sc.page_id
    join public.documentation_pages d on d.id = sc.page_id
    left join public.documentation_categories c on c.id = d.category_id
    where (not strict_syntax or d.search_vector @@ pg_catalog.websearch_to_tsquery(d.search_config, query_text))
      and (in_category is null or c.slug = in_category or pg_catalog.lower(c.name) = pg_catalog.lower(in_category))
      and (in_tag is null or in_tag = any (d.tags))
    order by (sc.bm25f * (1 + (x.title_norm = query_norm)::integer)) desc
    limit greatest(result_limit * 3, 30)
  ), boosted as (
    -- Known items: the query is the page's title, or one of its section headings, as a whole.
    -- Proximity: the query's words next to each other, in order, count extra (for the best 20).
    select r.*,
           r.bm25f * (1 + 1.0 * r.title_match::integer) * (1 + 0.5 * r.heading_match::integer)
             * (1 + 0.5 * (word_count > 1 and r.position <= 20
                           and r.search_vector @@ pg_catalog.phraseto_tsquery(r.search_config, query_text))::integer)
             as final_score
    from ranked r
    order by final_score desc, r.title, r.page_id
    limit result_limit
  )
  -- The snippet: the query's words highlighted in a window around their first occurrence.
  select b.page_id, b.slug, b.title, b.content #>> '{source,path}', c.name, b.status, b.final_score,
         pg_catalog.ts_headline(b.search_config,
           pg_catalog.substr(body.text, greatest(1, coalesce(first_hit.at, 1) - 200), 1500),
           case when b.search_config = configs[1] then highlight
                else pg_catalog.replace(pg_catalog.websearch_to_tsquery(b.search_config, query_text)::text,
                                        ' & ', ' | ')::tsquery end,
           'MaxFragments=2, MinWords=6, MaxWords=18, FragmentDelimiter=" … ", StartSel=⟦, StopSel=⟧')
  from boosted b
  left join public.documentation_categories c on c.id = b.category_id
  cross join lateral (select public.documentation_text(b.content) as text) body
  cross join lateral (
    select pg_catalog.min(nullif(pg_catalog.strpos(pg_catalog.lower(body.text), w), 0)) as at
    from pg_catalog.unnest(word_list) w
  ) first_hit
  order by b.final_score desc, b.title, b.page_id;
end
$$;
comment on function public.search_documentation(text, text, text, integer, boolean) is
  'Documentation search (websearch syntax): BM25F over title, headings, metadata and body with a phrase boost; published pages in visible categories, drafts too for admins who pass include_drafts.';

-- Words of the visible index close to `word` (same first letter, similar length), for
-- "did you mean"; just `word` itself when the index holds it (one index probe).
create or replace function public.documentation_vocabulary_near(word text, include_drafts boolean default false)
returns table (lexeme text, pages bigint)
language plpgsql stable security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  see_all boolean := include_drafts and auth.uid() is not null
                     and pg_catalog.pg_has_role(auth.role_name_for(auth.uid()), 'blogster_admin', 'MEMBER');
  first_letter text := pg_catalog.left(coalesce(word, ''), 1);
begin
  if pg_catalog.length(word) not between 3 and 40 then
    return;
  end if;
  if exists (select 1 from internal.documentation_search_terms t where t.lexeme = word and (t.visible or see_all)) then
    return query select word, 1::bigint;
    return;
  end if;
  return query
  select t.lexeme, pg_catalog.count(*)
  from internal.documentation_search_terms t
  where t.lexeme >= first_letter and t.lexeme < first_letter || pg_catalog.chr(1114111)
    and pg_catalog.length(t.lexeme) between pg_catalog.length(word) - 2 and pg_catalog.length(word) + 2
    and (t.visible or see_all)
  group by t.lexeme;
end
$$;
comment on function public.documentation_vocabulary_near(text, boolean) is
  'Indexed words that could be the intended spelling of `word`, with how many visible pages hold each.';

grant usage on schema internal to blogster_definer;
grant select, insert, update, delete on internal.documentation_search_docs, internal.documentation_search_terms,
  internal.documentation_search_stats to blogster_definer;
grant execute on function public.documentation_headings(text), public.tsvector_token_count(tsvector),
  public.documentation_normal_text(text)
  to authenticated, service_role, blogster_definer;
grant execute on function public.search_documentation(text, text, text, integer, boolean),
  public.documentation_vocabulary_near(text, boolean) to authenticated, service_role;

-- Pages that existed before this migration enter the index (their updated_at kept).
alter table public.documentation_pages disable trigger update_documentation_pages_updated_at;
update public.documentation_pages set title = title;
alter table public.documentation_pages enable trigger update_documentation_pages_updated_at;

-- The index is reached only through the definer functions above (BYPASSRLS): no policy, so
-- with row security forced nobody else, not even the tables' owner, reads a posting.
alter table internal.documentation_search_docs enable row level security;
alter table internal.documentation_search_docs force row level security;
alter table internal.documentation_search_terms enable row level security;
alter table internal.documentation_search_terms force row level security;
alter table internal.documentation_search_stats enable row level security;
alter table internal.documentation_search_stats force row level security;
