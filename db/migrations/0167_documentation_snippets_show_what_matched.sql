-- 0167 (helper 327): documentation search's snippet shows what matched, highlighted.
--
-- A new user's walk (finding M2): `docs search '"time zone"'` gave "Show this message and exit.
-- Commands", and with Textual's docs `"key bindings"` gave "Input This chapter will discuss how",
-- `datatable -cursor` "Textual 0.11.0 adds a beautiful Markdown", `markdwn viewer`
-- "MarkdownViewer Added in version 0.11.0 A": no highlight, not the part of the page that
-- matched. 0139 cut an 800-character window at the first place any single query word appeared,
-- written in lower case, capitalised or in capitals: `DataTable` was never found, `viewer` was
-- found inside `MarkdownViewer`, a phrase's words anywhere (not next to each other) placed it,
-- and when the window held no match ts_headline gave its first words.
--
-- internal.documentation_snippet places the window where the page's text matches as the index
-- reads it. The text is scanned in windows of 800 bytes, overlapping by 200 (sliced from its
-- UTF-8 bytes: slicing a text by characters costs time in proportion to the offset), a word cut
-- at a window's end left out; the first window whose words, parsed in the page's configuration,
-- hold a quoted phrase (its words next to each other), else one of the single words, else one
-- of a phrase's words (the page matched the phrase in its title or headings) is shown: any case,
-- whole words, stemmed forms. The units are the query's positive part (querytree): an excluded
-- word or phrase (`-cursor`, `-"key bindings"`) never places the window nor is highlighted. A
-- hyphenated word (`key-bindings`, a phrase of the whole and its parts) is sought as its parts,
-- as the ranking found the page. Only windows where a unit's first word (and a phrase's last)
-- begins a word, as a prefix, are parsed, at most 16 a pass, and what lies ahead of a window
-- without one is checked 8,000 bytes at a time: a 1 MB page of near misses or of no match costs
-- milliseconds. Nothing located (the page matched by its title, headings or path: `markdwn
-- viewer` finds the MarkdownViewer page by `viewer` in its path; search corrects no word, "did
-- you mean" only offers a query) gives the page's start, as before. Ranking is unchanged: only
-- the snippet column is computed anew, one ts_headline of 800 bytes a page as before (and for a
-- phrase a to_tsvector of one).

-- The bytes [at, at + size) of a UTF-8 text (0-based) as text: whole characters, and a word cut
-- at either end left out (it is no word of the page: `Viewer` of `MarkdownViewer`). Bytes of a
-- word: ASCII letters and digits, and any byte of a character beyond ASCII.
create or replace function internal.documentation_text_window(bytes bytea, at integer, size integer)
returns text
language plpgsql stable parallel safe
set search_path = ''
as $$
declare
  longest_cut constant integer := 64;  -- a cut word longer than this (no prose) is kept, from a character's start
  total integer := pg_catalog.octet_length(bytes);
  upto integer;
  moved integer;
  b integer;
begin
  at := least(greatest(at, 0), total);
  upto := least(at + size, total);
  if at > 0 then
    b := pg_catalog.get_byte(bytes, at - 1);
    if b >= 128 or b between 48 and 57 or b between 65 and 90 or b between 97 and 122 then
      moved := at;
      loop
        exit when moved >= upto or moved - at >= longest_cut;
        b := pg_catalog.get_byte(bytes, moved);
        exit when not (b >= 128 or b between 48 and 57 or b between 65 and 90 or b between 97 and 122);
        moved := moved + 1;
      end loop;
      if moved < upto and moved - at < longest_cut then
        at := moved;
      else
        while at < upto and pg_catalog.get_byte(bytes, at) between 128 and 191 loop  -- a continuation byte
          at := at + 1;
        end loop;
      end if;
    end if;
  end if;
  if upto < total then
    b := pg_catalog.get_byte(bytes, upto);
    if b >= 128 or b between 48 and 57 or b between 65 and 90 or b between 97 and 122 then
      moved := upto;
      loop
        exit when moved <= at or upto - moved >= longest_cut;
        b := pg_catalog.get_byte(bytes, moved - 1);
        exit when not (b >= 128 or b between 48 and 57 or b between 65 and 90 or b between 97 and 122);
        moved := moved - 1;
      end loop;
      if moved > at and upto - moved < longest_cut then
        upto := moved;
      else
        while upto > at and pg_catalog.get_byte(bytes, upto) between 128 and 191 loop
          upto := upto - 1;
        end loop;
      end if;
    end if;
  end if;
  return pg_catalog.convert_from(pg_catalog.substr(bytes, at + 1, upto - at), 'UTF8');
end
$$;

-- The snippet of a page's plain text for a query, in the page's configuration: ts_headline of an
-- 800-byte window that holds what matched (see above).
create or replace function internal.documentation_snippet(body text, config regconfig, query text)
returns text
language plpgsql stable parallel safe
set search_path = ''
as $$
declare
  options constant text := 'MaxFragments=2, MinWords=6, MaxWords=18, FragmentDelimiter=" … ", StartSel=⟦, StopSel=⟧';
  size constant integer := 800;  -- a window's bytes: 0139's 800 characters of this mostly ASCII text
  step constant integer := 600;  -- windows overlap by 200 bytes: a phrase one cuts is whole in the next
  span constant integer := 8000;  -- how far ahead of a window without a candidate is checked at once
  most_parsed constant integer := 16;  -- windows parsed per pass: a page of near misses stays cheap
  bytes bytea := pg_catalog.convert_to(coalesce(body, ''), 'UTF8');  -- sliced in constant time, unlike text
  total integer := pg_catalog.octet_length(bytes);
  units text;
  -- Per pass (1 phrases, 2 single words, 3 the phrases' words one by one): the units sought as
  -- tsquery text, and their first words (and a phrase's last) as a pattern of prefixes.
  wanted text[] := array[null, null, null];
  firsts text[] := array[null, null, null];
  lasts text[] := array[null, null, null];
  unit text;
  token text[];
  held text;
  held_before text;
  relaxed text;
  words text[];
  prefixes text[];
  word text;
  highlight tsquery;
  sought tsquery;
  first_words text;
  last_words text;
  parsed integer;
  at integer;
  checked integer;
  piece text;
  shown text;
begin
  -- The query's positive part (querytree drops what it excludes), unit by unit: a phrase
  -- (quoted: `'key' <-> 'bind'`) or a single word. A hyphenated word is a phrase of its whole and
  -- its parts (`'key-bind' <-> 'key' <-> 'bind'`): its parts alone here, so that "key bindings"
  -- is found for `key-bindings`, as the ranking found the page, by the parts.
  for unit in
    select m[1] from pg_catalog.regexp_matches(pg_catalog.querytree(pg_catalog.websearch_to_tsquery(config, query)),
                                               '(''(?:[^'']|'''')*''(?:\s*<(?:-|\d+)>\s*''(?:[^'']|'''')*'')*)', 'g') m
  loop
    relaxed := '';
    words := '{}';
    held := null;
    held_before := null;
    for token in select t from pg_catalog.regexp_matches(unit, '(?:(<(?:-|\d+)>) )?(''(?:[^'']|'''')*'')', 'g') t loop
      if held is null then
        held_before := token[1];
      elsif pg_catalog.strpos(held, '-') = 0 then
        relaxed := relaxed || coalesce(' ' || held_before || ' ', '') || held;
        words := words || held;
        held_before := token[1];
      end if;  -- else a whole followed by its parts: dropped, its first part in its place
      held := token[2];
    end loop;
    relaxed := relaxed || coalesce(' ' || held_before || ' ', '') || held;
    words := words || held;
    -- Each word's stem less its last letter (`datat` finds DataTable, `pon` pony, stemmed
    -- `poni`), as a pattern: looked for case-insensitively, at a word's start.
    prefixes := '{}';
    foreach word in array words loop
      word := pg_catalog.replace(pg_catalog.replace(pg_catalog.substr(word, 2, pg_catalog.length(word) - 2),
                                                    '''''', ''''), '\\', '\');
      prefixes := prefixes || pg_catalog.regexp_replace(
        case when pg_catalog.length(word) > 3 then pg_catalog.left(word, -1) else word end, '([^[:alnum:]])', '\\\1', 'g');
    end loop;
    units := coalesce(units || ' | ', '') || relaxed;
    if pg_catalog.cardinality(words) > 1 then
      wanted[1] := coalesce(wanted[1] || ' | ', '') || relaxed;
      firsts[1] := coalesce(firsts[1] || '|', '') || prefixes[1];
      lasts[1] := coalesce(lasts[1] || '|', '') || prefixes[pg_catalog.cardinality(prefixes)];
      wanted[3] := coalesce(wanted[3] || ' | ', '') || pg_catalog.array_to_string(words, ' | ');
      firsts[3] := coalesce(firsts[3] || '|', '') || pg_catalog.array_to_string(prefixes, '|');
    else
      wanted[2] := coalesce(wanted[2] || ' | ', '') || relaxed;
      firsts[2] := coalesce(firsts[2] || '|', '') || prefixes[1];
    end if;
  end loop;
  highlight := coalesce(units, '')::tsquery;
  -- Phrases first (the reader asked for those words together), then single words, then a
  -- phrase's words one by one (the page matched the phrase elsewhere: title, headings, path):
  -- the window is the first whose words, parsed as the index parses the page (stems, any case,
  -- whole words), hold one. Only windows where a unit's first word (and a phrase's last) begins
  -- a word are parsed, at most most_parsed a pass.
  for pass in 1 .. 3 loop
    continue when wanted[pass] is null;
    sought := wanted[pass]::tsquery;
    first_words := '(?<![[:alnum:]])(?:' || firsts[pass] || ')';
    last_words := '(?<![[:alnum:]])(?:' || lasts[pass] || ')';  -- null but for phrases
    parsed := 0;
    at := 0;
    checked := 0;
    while at < total and parsed < most_parsed loop
      piece := internal.documentation_text_window(bytes, at, size);
      if piece ~* first_words and (last_words is null or piece ~* last_words) then
        parsed := parsed + 1;
        if pass = 2 and wanted[1] is null and pg_catalog.strpos(piece, '⟦') = 0 then
          -- Only single words sought: a highlight shows one matched (the text holds no ⟦ of its
          -- own), and the headline is the snippet: no parse besides.
          shown := pg_catalog.ts_headline(config, piece, highlight, options);
          if pg_catalog.strpos(shown, '⟦') > 0 then
            return shown;
          end if;
        elsif pg_catalog.to_tsvector(config, piece) @@ sought then
          return pg_catalog.ts_headline(config, piece, highlight || sought, options);  -- a cover for what placed it
        end if;
      elsif at + size < total and at >= checked then
        -- No candidate here: nor, perhaps, for a long way ahead, skipped at once.
        piece := internal.documentation_text_window(bytes, at, span);
        if not (piece ~* first_words and (last_words is null or piece ~* last_words)) then
          at := at + span - size + 1;
          continue;
        end if;
        checked := at + span - size;
      end if;
      exit when at + size >= total;
      at := at + step;
    end loop;
  end loop;
  -- Nothing located (the words are in the title, headings or path only): the page's start.
  return pg_catalog.ts_headline(config, internal.documentation_text_window(bytes, 0, size), highlight, options);
end
$$;

-- 0139's search, its snippet from internal.documentation_snippet (nothing else changed).
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
    select sc.page_id,
           sc.bm25f * (1 + (sc.page_id = any (title_pages))::integer) * (1 + 0.5::float8 * sc.title_share) as rank_score
    from scored sc
    order by rank_score desc
    limit case when filtered then null else wanted end
  ), ranked as (
    select o.page_id, o.rank_score, d.search_config, d.search_vector, d.content, d.slug, d.title,
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
    -- Known items: the query is the page's title (in rank_score), or one of its section headings, as a whole.
    -- Proximity: the query's words next to each other, in order, count extra (for the best 20).
    select r.*,
           r.rank_score
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
  'Documentation search (websearch syntax): BM25F over title, headings, metadata and body with a phrase boost; published pages in visible categories, drafts too for admins who pass include_drafts.';
comment on function internal.documentation_snippet(text, regconfig, text) is
  'Documentation search''s snippet of a page''s plain text: ts_headline of the first 800-byte window holding what the query matched (phrases first), else of its start.';
comment on function internal.documentation_text_window(bytea, integer, integer) is
  'A byte range of a UTF-8 text as text: whole characters, without a word cut at either end.';

revoke all on function internal.documentation_text_window(bytea, integer, integer),
  internal.documentation_snippet(text, regconfig, text) from public;
grant execute on function internal.documentation_text_window(bytea, integer, integer),
  internal.documentation_snippet(text, regconfig, text) to blogster_definer;
