-- 0214: documentation search weighs words as written above their stems, and reads terms with
-- signs as written.
--
-- * Pages are indexed in an English configuration, which stems: `stop a worker gracefully` found
--   `grace` (how `gracefully` stems), the name of an example account in a setup guide, and ranked
--   that guide above the page about stopping workers. The index of each page's words as written
--   (internal.documentation_written_words, 0172) now weighs in: among the best results, the part
--   of a page's BM25F weight that comes from query words it holds only as another word of the same
--   stem (`grace` for `gracefully`, `stops` for `stop`) counts at half. No word is special-cased;
--   such a page still matches, and ranks as before against pages holding no word as written.
-- * The parser drops `+` and `#` and a leading dot: `C++` and `C#` were searched as `c`, which
--   `Ctrl-C` holds, `.NET` as `net`. A query word ending in `+` or `#` or starting with a dot is a
--   term the page must hold as written (any case, not inside a longer word: `C#` is not `C++`,
--   `.NET` not `net`); with OR in the query, any one of them. Dotted names (`node.js`) were
--   already read whole (host names). Ranking of other queries is unchanged but for the boost.
--
-- Bounded (red team 76): only the query's first 8 such terms are read as written (a query naming
-- more languages by their signs is searched for the others as the parser reads them), and a page's
-- text is scanned for one term after another only until one decides: missing (else), found (with
-- OR). With 64 such terms no page holds, every candidate page's whole text was scanned 64 times:
-- 4.6 s of the server's time over 10 MB of pages for one account's query.

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
  title_shares double precision[];
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
  -- Terms the parser splits or drops signs of (`C++`, `C#`, `F#`, `.NET`): written out, case-insensitively.
  symbol_terms text[];
  any_symbol boolean;
  -- The query's words as written (lower case), each with the place in word_list of a word it
  -- stems to; and for each word of word_list, whether a query word as written stems to it.
  exact_places integer[];
  exact_words text[];
  has_written boolean[];
begin
  if pg_catalog.btrim(query_text) = '' then
    return;
  end if;
  see_all := include_drafts and caller is not null
             and pg_catalog.pg_has_role(auth.role_name_for(caller), 'blogster_admin', 'MEMBER');
  -- Quotes, OR or a leading minus: the user wrote a boolean query, so it filters.
  strict_syntax := query_text ~ '"' or query_text ~* '(^|\s)or(\s|$)' or query_text ~ '(^|\s)-\S';
  -- Words the parser reads without their signs (`C++` and `C#` as `c`, `.NET` as `net`): a page
  -- must hold each as written (any of them for a query with OR), not a word of the same letters.
  select pg_catalog.array_agg(distinct
           '(?<![[:alnum:]_.+#])' || pg_catalog.regexp_replace(pg_catalog.lower(t.term), '([^[:alnum:]_])', '\\\1', 'g')
           || '(?![[:alnum:]_+#])')
    into symbol_terms
  from (select s.term
        from (select pg_catalog.rtrim(u.token, ',;:!?') as term, u.n
              from pg_catalog.regexp_split_to_table(query_text, '[[:space:]"()]+') with ordinality as u(token, n)
              where u.n <= 64) s
        where pg_catalog.length(s.term) <= 40
          and (s.term ~ '^[[:alnum:]]+[+#]+$' or s.term ~ '^\.[[:alpha:]][[:alnum:]]*$')
        order by s.n
        limit 8) t;  -- MAX_SYMBOL_TERMS: each is a scan of every candidate page's text
  any_symbol := query_text ~* '(^|\s)or(\s|$)';
  filtered := strict_syntax or in_category is not null or in_tag is not null or symbol_terms is not null;
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
  select coalesce(pg_catalog.array_agg(x.page_id), '{}') into title_pages
  from internal.documentation_search_docs x where x.title_norm = query_norm and (x.visible or see_all);
  select greatest(st.pages, 1), 0.5 / greatest(st.sum_title::float8 / greatest(st.pages, 1), 1),
         0.5 / greatest(st.sum_heading::float8 / greatest(st.pages, 1), 1),
         0.5 / greatest(st.sum_meta::float8 / greatest(st.pages, 1), 1),
         0.75 / greatest(st.sum_body::float8 / greatest(st.pages, 1), 1)
    into page_count, title_factor, heading_factor, meta_factor, body_factor
  from internal.documentation_search_collection(case when see_all then 'all' else 'visible' end) st;
  -- Inverse document frequencies, one index-only count per word, in word_list's order; and each
  -- word's share of the query's weight, by its squared idf (over the sum of its configuration's
  -- words'): a title holding the rarest word holds most of the query.
  select pg_catalog.array_agg(s.idf order by s.n), pg_catalog.array_agg(s.idf * s.idf / s.total order by s.n)
    into idfs, title_shares
  from (
    select w.n, i.idf, pg_catalog.sum(i.idf * i.idf) over (partition by w.cfg) as total
    from unnest(config_list, word_list) with ordinality w(cfg, lexeme, n)
    cross join lateral (select pg_catalog.count(*)::float8 as pages from internal.documentation_search_terms t
                        where t.lexeme = w.lexeme and t.search_config = w.cfg and (t.visible or see_all)) f
    cross join lateral (select pg_catalog.ln(1 + (page_count - f.pages + 0.5) / (f.pages + 0.5)) as idf) i
  ) s;
  -- The query's words as written, each with the words of word_list it stems to: a page holding a
  -- stem but none of the query's words that stem to it as written (internal.documentation_written_words)
  -- counts that word at a discount (see boosted).
  select coalesce(pg_catalog.array_agg(s.n), '{}'), coalesce(pg_catalog.array_agg(q.word), '{}')
    into exact_places, exact_words
  from (select distinct x.word
        from pg_catalog.regexp_split_to_table(pg_catalog.lower(query_text), '[^[:alnum:]_]+') as x(word)
        where pg_catalog.length(x.word) between 2 and 40) q
  cross join lateral unnest(config_list, word_list) with ordinality s(cfg, lexeme, n)
  where s.lexeme = any (pg_catalog.tsvector_to_array(pg_catalog.to_tsvector(s.cfg, q.word)));
  select pg_catalog.array_agg(w.n = any (exact_places) order by w.n) into has_written
  from pg_catalog.generate_series(1, pg_catalog.cardinality(word_list)) w(n);
  return query
  with scored as (
    -- BM25F: each field's frequency normalised by its length, weighted, then saturated once
    -- (k1 = 1.2: tf * 2.2 / (1.2 + tf) = 2.2 - 2.64 / (1.2 + tf)).
    -- Coordination: a page holding more of the query's words ranks above one holding fewer.
    -- A page titled exactly as the query counts double.
    -- title_share: the share of the query's weight its title holds (see ordered).
    select t.page_id,
           pg_catalog.sum(w.idf * (2.2::float8 - 2.64::float8 / (1.2::float8
             + 4.0::float8 * t.tf_title / (0.5::float8 + t.len_title * title_factor)
             + 2.5::float8 * t.tf_heading / (0.5::float8 + t.len_heading * heading_factor)
             + 1.5::float8 * t.tf_meta / (0.5::float8 + t.len_meta * meta_factor)
             + t.tf_body / (0.25::float8 + t.len_body * body_factor))))
             * least(pg_catalog.count(*)::float8 / word_count, 1::float8) as bm25f,
           pg_catalog.sum(w.idf * (2.2::float8 - 2.64::float8 / (1.2::float8
             + 4.0::float8 * t.tf_title / (0.5::float8 + t.len_title * title_factor)
             + 2.5::float8 * t.tf_heading / (0.5::float8 + t.len_heading * heading_factor)
             + 1.5::float8 * t.tf_meta / (0.5::float8 + t.len_meta * meta_factor)
             + t.tf_body / (0.25::float8 + t.len_body * body_factor)))) as weight,
           coalesce(pg_catalog.sum(w.share) filter (where t.tf_title > 0), 0) as title_share
    from unnest(config_list, word_list, idfs, title_shares) w(cfg, lexeme, idf, share)
    join internal.documentation_search_terms t
      on t.lexeme = w.lexeme and t.search_config = w.cfg and (t.visible or see_all)
    group by t.page_id
  ), ordered as (
    -- Best first. Without a filter the best `wanted` are all that can be shown (a bounded sort);
    -- with one, pages are checked in this order until `wanted` pass.
    -- A page whose title holds query words gains up to half again, by their share of the query's
    -- weight (title_shares): within one saturation a title hit is worth little more than a
    -- heading's, so a page titled with the query's rarest word lost to pages that merely mention
    -- the words in their headings.
    select sc.page_id, sc.weight,
           sc.bm25f * (1 + (sc.page_id = any (title_pages))::integer) * (1 + 0.5::float8 * sc.title_share) as rank_score
    from scored sc
    order by rank_score desc
    limit case when filtered then null else wanted end
  ), ranked as (
    select o.page_id, o.rank_score, o.weight, d.search_config, d.search_vector, d.content, d.slug, d.title,
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
        -- A page's text is scanned for one term after another until one decides: for
        -- every term with OR, until one is found; else until one is missing.
        and (symbol_terms is null or (
          select case when any_symbol
                      then exists (select from pg_catalog.unnest(symbol_terms) st(pattern) where h.text ~* st.pattern)
                      else not exists (select from pg_catalog.unnest(symbol_terms) st(pattern)
                                       where not (h.text ~* st.pattern)) end
          from (select p.title || pg_catalog.chr(10) || sd.body_text as text
                from internal.documentation_search_docs sd where sd.page_id = p.id) h))
      offset 0
    ) d
    order by o.rank_score desc
    limit wanted
  ), boosted as (
    -- Known items: the query is the page's title (in rank_score), or one of its section headings, as a whole.
    -- Proximity: the query's words next to each other, in order, count extra (for the best 20).
    -- Words as written: the part of a page's weight from words it holds only as stems (of another
    -- word: `grace` for `gracefully`) counts at half.
    select r.*,
           r.rank_score
             * (1 + 0.5::float8 * (pg_catalog.strpos(x.headings_norm,
                                   pg_catalog.chr(10) || query_norm || pg_catalog.chr(10)) > 0)::integer)
             * (1 + 0.5::float8 * (word_count > 1 and r.position <= 20
                           and r.search_vector @@ pg_catalog.phraseto_tsquery(r.search_config, query_text))::integer)
             * (1 - 0.5::float8 * least(stemmed.weight / greatest(r.weight, 1e-9::float8), 1::float8))
             as final_score
    from ranked r
    join internal.documentation_search_docs x on x.page_id = r.page_id
    -- The weight of the words the page holds only as stems: those of word_list that a query word
    -- as written stems to, none of which the page holds as written (one probe a query word, one a stem).
    cross join lateral (
      select coalesce(pg_catalog.array_agg(e.n), '{}') as places
      from unnest(exact_places, exact_words) e(n, word)
      where exists (select 1 from internal.documentation_written_words ww
                    where ww.page_id = r.page_id and ww.word = e.word)
    ) written
    cross join lateral (
      select coalesce(pg_catalog.sum(w.idf * (2.2::float8 - 2.64::float8 / (1.2::float8
               + 4.0::float8 * t.tf_title / (0.5::float8 + t.len_title * title_factor)
               + 2.5::float8 * t.tf_heading / (0.5::float8 + t.len_heading * heading_factor)
               + 1.5::float8 * t.tf_meta / (0.5::float8 + t.len_meta * meta_factor)
               + t.tf_body / (0.25::float8 + t.len_body * body_factor)))), 0) as weight
      from unnest(config_list, word_list, idfs, has_written) with ordinality w(cfg, lexeme, idf, stems, n)
      join internal.documentation_search_terms t
        on t.lexeme = w.lexeme and t.search_config = w.cfg and t.page_id = r.page_id
      where w.stems and not (w.n = any (written.places))
    ) stemmed
    order by final_score desc, r.title, r.page_id
    limit result_limit
  )
  -- The snippet: what matched, highlighted (internal.documentation_snippet).
  select b.page_id, b.slug, b.title, b.content #>> '{source,path}', c.name, b.status, b.final_score,
         internal.documentation_snippet(body.text, b.search_config, query_text)
  from boosted b
  left join public.documentation_categories c on c.id = b.category_id
  -- The page's text, looked up and detoasted once (offset 0 keeps it a per-row lookup).
  cross join lateral (select sd.body_text as text from internal.documentation_search_docs sd
                      where sd.page_id = b.page_id offset 0) body
  order by b.final_score desc, b.title, b.page_id;
end
$$;
comment on function public.search_documentation(text, text, text, integer, boolean) is
  'Documentation search (websearch syntax): BM25F over title, headings, metadata and body with a phrase boost, words held only as another word''s stem at half; terms with signs (C++, C#, .NET) as written, the first 8 (0214); published pages in visible categories, drafts too for admins who pass include_drafts.';
