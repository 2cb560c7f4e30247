-- 0139: documentation search reads a page as its readers do, not its markdown.
--
-- What a real documentation set showed (hatch, pymdown-extensions and Textual's docs, imported
-- as they are):
-- * The body was indexed as raw markdown (documentation_text: the content's `markdown`): a
--   badge's alt text and URL, link targets, `{ loading=lazy .off-glb }` attribute lists and HTML
--   counted as words. hatch's home page, a table of shields.io badges (`[![types - Mypy](...)]`,
--   `PyPI - Version`), was the first result for `type checking mypy` and `publish package to pypi`.
--   Now the body is documentation_plain_text(markdown): link text without its target, no images
--   (an image's alt text stands in for a picture, no reader reads it as prose; badges are images),
--   no attribute lists, HTML tags or comments, reference definitions or footnote marks; an
--   admonition (`!!! note "Title"`) and a tab (`=== "macOS"`) show their title, a pymdown block
--   (`/// tab | macOS`) its title, a snippet include (`--8<-- "file"`) and icons nothing; heading,
--   quote, rule and table marks go; fenced code stays as written (its fences go). It is computed
--   here, by the triggers, from whatever the row holds: a page written by any path, raw SQL
--   included, is indexed from its text, and no stored copy can be forged or go stale.
-- * Section headings kept their attribute lists and link syntax (`7.0 Migration Notes {: #\7.0}`,
--   `[1.18.2](https://...) - 2026-10-27 ## {: #hatch-v1.18.2 }`): they are read the same way.
-- * Snippets were cut from the markdown (`=== "macOS"`, `-----`, `[text](https://...)`, fences):
--   they come from the plain text, kept per page in internal.documentation_search_docs.body_text
--   (written by index_documentation_page, read by search_documentation), in a window of 800
--   characters (1,000 of this denser text cost ts_headline a tenth more time per query).
-- * A page titled with the query's rarest word gained little over a page that mentions the words
--   in its headings (BM25F saturates the fields' weighted frequencies together): `superfences
--   configuration` ranked the short 7.0 release notes first and the SuperFences page not in the
--   top 3. A page now gains up to half again by the share of the query's weight (squared idf)
--   its title holds.
-- Titles taken from a page's first heading (`docs import`, no `title:` in front matter) lose a
-- trailing attribute list there (documentation/tree.py); pages imported before keep theirs
-- until re-imported, but for the ones fixed below. Every stored page is reindexed (its
-- updated_at kept, no revision taken: what it says did not change).

-- Blank lines and indents gone: snippets are cut from the text by length.
create or replace function public.documentation_collapsed_space(value text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select pg_catalog.btrim(pg_catalog.regexp_replace(value, '\n[[:space:]]+', pg_catalog.chr(10), 'g'), E' \t\r\n')
$$;

-- The prose of a markdown text as a reader reads it. Fenced code stands in it as a line holding
-- U+0001 alone (see documentation_plain_text), which no pass crosses or changes.
create or replace function public.documentation_plain_prose(markdown text) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  body text := coalesce(markdown, '');
begin
  -- Each pass runs only if the text holds a literal it needs, and captures nothing it can do
  -- without (capturing groups slow PostgreSQL's regex engine down: see 0124).
  if pg_catalog.strpos(body, '<!--') > 0 then
    body := pg_catalog.regexp_replace(body, '<!--[^\x01]*?-->', ' ', 'g');
  end if;
  if pg_catalog.strpos(body, '[') > 0 then
    -- Images (badges too) show no text: gone with their target.
    if pg_catalog.strpos(body, '![') > 0 then
      body := pg_catalog.regexp_replace(body,
        '!\[(?:[^][\x01]|\[[^][\x01]*\])*\](?:\([^)\x01\n]*\)|\[[^]\x01\n]*\])', ' ', 'g');
    end if;
    -- A link shows its text: `[text](target)`, `[text][label]` lose their target or label; the
    -- brackets go below. Footnote marks go; reference definitions too (a footnote's keeps its text).
    if pg_catalog.strpos(body, '](') > 0 then
      body := pg_catalog.regexp_replace(body, '\]\([^)\x01\n]*\)', ' ', 'g');
    end if;
    if pg_catalog.strpos(body, '][') > 0 then
      body := pg_catalog.regexp_replace(body, '\]\[[^]\x01\n]*\]', ' ', 'g');
    end if;
    if pg_catalog.strpos(body, '[^') > 0 then
      body := pg_catalog.regexp_replace(body, '\[\^[^]\x01\n]*\]:?', ' ', 'g');
    end if;
    if pg_catalog.strpos(body, ']:') > 0 then
      body := pg_catalog.regexp_replace(body, '^ {0,3}\[[^]]+\]:[ \t]*\S.*$', ' ', 'gn');
    end if;
    body := pg_catalog.replace(pg_catalog.replace(body, '[', ' '), ']', ' ');
  end if;
  if pg_catalog.strpos(body, '<') > 0 then
    body := pg_catalog.regexp_replace(body, '</?[a-z][a-z0-9-]*(?:[[:space:]/][^>\x01]*)?>', ' ', 'gi');
  end if;
  if pg_catalog.strpos(body, '{') > 0 then
    -- Attribute lists: `{: #id .class key=value }`, `{ loading=lazy .off-glb }`.
    body := pg_catalog.regexp_replace(body,
      '\{:?[ \t]*(?:[#.][^[:space:]{}]+|[[:alpha:]_:][-[:alnum:]_:.]*=(?:"[^"\x01\n]*"|''[^''\x01\n]*''|[^[:space:]{}"'']+))'
      '(?:[ \t]+(?:[#.][^[:space:]{}]+|[[:alpha:]_:][-[:alnum:]_:.]*=(?:"[^"\x01\n]*"|''[^''\x01\n]*''|[^[:space:]{}"'']+)))*'
      '[ \t]*\}', ' ', 'g');
  end if;
  -- Block markers (mkdocs-material, pymdown-extensions): an admonition or tab shows its title
  -- (an admonition without one its kind), a block's closing line nothing, a snippet include
  -- nothing, mkdocstrings' `::: name` the name.
  if pg_catalog.strpos(body, '!!!') > 0 or pg_catalog.strpos(body, '???') > 0 then
    body := pg_catalog.regexp_replace(body,
      '^[ \t]*(?:!!!|\?\?\?\+?)[ \t]*[^ \t"]+(?:[ \t]+[^ \t"]+)*[ \t]*(?:"([^"]*)")?[ \t]*$', '\1', 'gn');
  end if;
  if pg_catalog.strpos(body, '===') > 0 or pg_catalog.strpos(body, '///') > 0 then
    body := pg_catalog.regexp_replace(body,
      '^[ \t]*(?:===[!+]?[ \t]+"([^"]*)"|/{3,}[ \t]*[-[:alnum:]_]*[ \t]*(?:\|[ \t]*(.*?))?)[ \t]*$', '\1\2', 'gn');
  end if;
  if pg_catalog.strpos(body, ':::') > 0 or pg_catalog.strpos(body, '8<') > 0 then
    body := pg_catalog.regexp_replace(body, '^[ \t]*(?:;?-{1,2}8<-{1,2}.*$|:::[ \t]+)', '', 'gn');
  end if;
  -- Quotes' and headings' marks (a heading's closing #s), rules and setext underlines, table
  -- delimiter rows and cell bars.
  if pg_catalog.strpos(body, '>') > 0 then
    body := pg_catalog.regexp_replace(body, '^[ \t]*(?:>[ \t]?)+', '', 'gn');
  end if;
  if pg_catalog.strpos(body, '#') > 0 then
    body := pg_catalog.regexp_replace(body, '^ {0,3}#{1,6}(?:[ \t]+|$)', '', 'gn');
    if pg_catalog.strpos(body, ' #') > 0 or pg_catalog.strpos(body, E'\t#') > 0 then
      body := pg_catalog.regexp_replace(body, '[ \t]+#+[ \t]*$', '', 'gn');
    end if;
  end if;
  if pg_catalog.strpos(body, '---') > 0 or pg_catalog.strpos(body, '***') > 0 or pg_catalog.strpos(body, '___') > 0
     or pg_catalog.strpos(body, '===') > 0 or pg_catalog.strpos(body, '- -') > 0 or pg_catalog.strpos(body, '* *') > 0
     or pg_catalog.strpos(body, '_ _') > 0 then
    body := pg_catalog.regexp_replace(body, '^[ \t]*(?:[-*_=][ \t]*){3,}$', '', 'gn');
  end if;
  if pg_catalog.strpos(body, '|') > 0 then
    if pg_catalog.strpos(body, '--') > 0 then
      body := pg_catalog.regexp_replace(body, '^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?$', '', 'gn');
    end if;
    body := pg_catalog.replace(body, '|', ' ');
  end if;
  -- Icons (`:material-lock:`), strong emphasis, code spans' backticks, escapes, entities.
  if pg_catalog.strpos(body, ':material-') > 0 or pg_catalog.strpos(body, ':octicons-') > 0
     or pg_catalog.strpos(body, ':fontawesome-') > 0 or pg_catalog.strpos(body, ':simple-') > 0
     or pg_catalog.strpos(body, ':lucide-') > 0 then
    body := pg_catalog.regexp_replace(body, ':(?:material|octicons|fontawesome|simple|lucide)-[-a-z0-9]+:', '', 'g');
  end if;
  body := pg_catalog.replace(pg_catalog.replace(body, '**', ''), '`', '');
  if pg_catalog.strpos(body, '\') > 0 then
    body := pg_catalog.regexp_replace(body, '\\(?=[!-/:-@[-`{-~])', '', 'g');
  end if;
  if pg_catalog.strpos(body, '&') > 0 then
    body := pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
      body, '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&amp;', '&');
  end if;
  return body;
end
$$;

-- A markdown text as a reader reads it, for search and snippets.
create or replace function public.documentation_plain_text(markdown text) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  body text := pg_catalog.replace(coalesce(markdown, ''), pg_catalog.chr(1), ' ');  -- U+0001 stands for code below
  lines text[];
  fence_lines integer[];
  fence_texts text[];
  bounds integer[] := '{}';
  titles text[] := '{}';
  fence text;
  opening text[];
  prose text;
  code text[];
begin
  if pg_catalog.strpos(body, pg_catalog.chr(13)) > 0 then  -- lines end in LF alone, for the passes' `$`
    body := pg_catalog.replace(pg_catalog.replace(body, E'\r\n', E'\n'), E'\r', E'\n');
  end if;
  if pg_catalog.strpos(body, '```') = 0 and pg_catalog.strpos(body, '~~~') = 0 then
    return public.documentation_collapsed_space(public.documentation_plain_prose(body));
  end if;
  -- Fenced code, at any indentation (fences nest in lists, tabs, admonitions and quotes), is
  -- kept as written; its fence lines are dropped (but a `title="..."` of the opening one).
  lines := pg_catalog.string_to_array(body, pg_catalog.chr(10));
  select coalesce(pg_catalog.array_agg(u.n order by u.n), '{}'), coalesce(pg_catalog.array_agg(u.l order by u.n), '{}')
    into fence_lines, fence_texts
    from pg_catalog.unnest(lines) with ordinality as u(l, n)
   where pg_catalog.left(pg_catalog.ltrim(u.l, E' \t>'), 3) in ('```', '~~~');
  for k in 1 .. pg_catalog.cardinality(fence_lines) loop
    if fence is null then
      opening := pg_catalog.regexp_match(fence_texts[k], '^[ \t>]*(`{3,}|~{3,})(.*)$');
      continue when opening is null or (pg_catalog.left(opening[1], 1) = '`' and pg_catalog.strpos(opening[2], '`') > 0);
      fence := opening[1];
      bounds := bounds || fence_lines[k] || (fence_lines[k] + 1);
      titles := titles || (pg_catalog.regexp_match(opening[2], 'title="([^"]*)"'))[1];
    elsif fence_texts[k] ~ ('^[ \t>]*' || pg_catalog.left(fence, 1) || '{' || pg_catalog.length(fence) || ',}[ \t]*$') then
      fence := null;
      bounds := bounds || fence_lines[k] || (fence_lines[k] + 1);
    end if;
  end loop;
  if pg_catalog.cardinality(bounds) = 0 then
    return public.documentation_collapsed_space(public.documentation_plain_prose(body));
  end if;
  -- Each line's part is the number of bounds at or before it: 4n prose, 4n+1 the n+1th opening
  -- fence (its title stays), 4n+2 its code (a U+0001 line in the prose), 4n+3 its closing fence.
  select pg_catalog.string_agg(case g.part % 4 when 0 then g.text when 1 then coalesce(titles[g.part / 4 + 1], '')
                                                when 2 then pg_catalog.chr(1) else '' end,
                               pg_catalog.chr(10) order by g.part),
         pg_catalog.array_agg(g.text order by g.part) filter (where g.part % 4 = 2)
    into prose, code
    from (select pg_catalog.width_bucket(u.n::integer, bounds) as part,
                 pg_catalog.string_agg(u.l, pg_catalog.chr(10) order by u.n) as text
            from pg_catalog.unnest(lines) with ordinality as u(l, n)
           group by 1) g;
  select pg_catalog.string_agg(p.piece || coalesce(p.code, ''), '' order by p.n)
    into body
    from unnest(pg_catalog.string_to_array(public.documentation_plain_prose(prose), pg_catalog.chr(1)),
                code) with ordinality as p(piece, code, n);
  return public.documentation_collapsed_space(body);
end
$$;

-- The section headings of a markdown text as readers read them, one per line (empty ones dropped).
create or replace function public.documentation_section_headings(markdown text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select coalesce(pg_catalog.string_agg(h.text, pg_catalog.chr(10) order by u.n), '')
  from pg_catalog.unnest(pg_catalog.string_to_array(
         public.documentation_plain_prose(public.documentation_headings(markdown)), pg_catalog.chr(10)))
       with ordinality as u(line, n)
  cross join lateral (select pg_catalog.btrim(u.line, E' \t\r') as text) h
  where h.text <> ''
$$;

-- Title (A), excerpt and tags (B) and the body's plain text (C), in the page's own configuration.
-- The body is read from its first 250,000 characters; if its vector still exceeds the 1 MB limit
-- it is rebuilt from a shorter prefix, never failing the save.
create or replace function public.update_documentation_search_vector() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  head tsvector;
  body text := public.documentation_plain_text(pg_catalog.left(public.documentation_text(new.content), 250000));
  body_limit integer := 250000;
begin
  head := pg_catalog.setweight(pg_catalog.to_tsvector(new.search_config, coalesce(new.title, '')), 'A')
       || pg_catalog.setweight(pg_catalog.to_tsvector(new.search_config,
            coalesce(new.excerpt, '') || ' ' || coalesce(pg_catalog.array_to_string(new.tags, ' '), '')), 'B');
  loop
    begin
      new.search_vector := head || pg_catalog.setweight(
        pg_catalog.to_tsvector(new.search_config, pg_catalog.left(body, body_limit)), 'C');
      return new;
    exception when program_limit_exceeded then
      if body_limit <= 1000 then
        new.search_vector := head;
        return new;
      end if;
      body_limit := body_limit / 4;
    end;
  end loop;
end
$$;
comment on function public.update_documentation_search_vector() is 'Maintains documentation_pages.search_vector (A title, B excerpt+tags, C the body''s plain text) in search_config.';

alter table internal.documentation_search_docs add column body_text text not null default '';
comment on column internal.documentation_search_docs.body_text is
  'The page''s plain text (documentation_plain_text of its first 250,000 characters): what snippets are cut from.';

create or replace function public.index_documentation_page() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  -- Title (A), excerpt and tags (B) and body (C) as the search_vector trigger already parsed them.
  markdown text := pg_catalog.left(public.documentation_text(new.content), 250000);
  body text := public.documentation_plain_text(markdown);
  headings text := public.documentation_section_headings(markdown);
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
    (page_id, search_config, visible, len_title, len_heading, len_meta, len_body, title_norm, headings_norm, body_text)
  values (new.id, new.search_config, is_visible, public.tsvector_token_count(title_v),
          public.tsvector_token_count(heading_v), public.tsvector_token_count(meta_v),
          public.tsvector_token_count(body_v), public.documentation_normal_text(new.title),
          pg_catalog.chr(10) || pg_catalog.array_to_string(array(
            select public.documentation_normal_text(h)
            from pg_catalog.unnest(pg_catalog.string_to_array(headings, pg_catalog.chr(10))) h), pg_catalog.chr(10))
          || pg_catalog.chr(10), body)
  on conflict (page_id) do update set search_config = excluded.search_config, visible = excluded.visible,
    len_title = excluded.len_title, len_heading = excluded.len_heading, len_meta = excluded.len_meta,
    len_body = excluded.len_body, title_norm = excluded.title_norm, headings_norm = excluded.headings_norm,
    body_text = excluded.body_text;
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
comment on function public.index_documentation_page() is 'Keeps the documentation search index (field lengths, per-field term frequencies, the plain text snippets quote) of one page.';

-- 0119's search with the title share (see `ordered`) and snippets cut from the plain text.
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
  -- The snippet: the query's words highlighted in a window around their first occurrence. The
  -- text holds no markup, so 800 characters hold about as many words as 0061's 1,000 of markdown
  -- (and ts_headline's work grows with the words).
  select b.page_id, b.slug, b.title, b.content #>> '{source,path}', c.name, b.status, b.final_score,
         pg_catalog.ts_headline(b.search_config,
           pg_catalog.substr(body.text, greatest(1, coalesce(first_hit.at, 1) - 120), 800),
           case when b.search_config = configs[1] then highlight
                else pg_catalog.replace(pg_catalog.websearch_to_tsquery(b.search_config, query_text)::text,
                                        ' & ', ' | ')::tsquery end,
           'MaxFragments=2, MinWords=6, MaxWords=18, FragmentDelimiter=" … ", StartSel=⟦, StopSel=⟧')
  from boosted b
  left join public.documentation_categories c on c.id = b.category_id
  -- The page's text, looked up and detoasted once (offset 0 keeps it a per-row lookup).
  cross join lateral (select sd.body_text as text from internal.documentation_search_docs sd
                      where sd.page_id = b.page_id offset 0) body
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

grant execute on function public.documentation_plain_text(text), public.documentation_plain_prose(text),
  public.documentation_collapsed_space(text), public.documentation_section_headings(text)
  to authenticated, service_role, blogster_definer;

-- Titles an import took from a page's first heading, with the attribute list that heading ends
-- with: as an import of the same file now gives them (documentation/tree.py title_from), so
-- `docs export` writes the file back as it was and re-importing it changes nothing. Only where
-- the stored title is exactly that heading's text and the page's front matter gives none.
-- Every page is reindexed below, keeping its updated_at and taking no revision: what each says is
-- unchanged.
alter table public.documentation_pages disable trigger update_documentation_pages_updated_at;
alter table public.documentation_pages disable trigger on_documentation_update_revision;
with headed as (
  select p.id, p.title,
         pg_catalog.btrim(pg_catalog.rtrim(
           (pg_catalog.regexp_match(p.content ->> 'markdown', '^ {0,3}#{1,6}[ \t]+([^\n]+)$', 'n'))[1], E' \t#'),
           E' \t\r\n\f\v') as heading
  from public.documentation_pages p
  where p.content ? 'source' and pg_catalog.jsonb_typeof(p.content -> 'markdown') = 'string'
    and coalesce(pg_catalog.btrim(p.content #>> '{front_matter,title}'), '') = ''
    and pg_catalog.strpos(p.title, '{') > 0
), read as (
  select h.id, pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.regexp_replace(h.heading,
           '[ \t]*\{:?[ \t]*(?:[#.][^[:space:]{}]+|[[:alpha:]_:][-[:alnum:]_:.]*=(?:"[^"]*"|''[^'']*''|[^[:space:]{}"'']+))'
           '(?:[ \t]+(?:[#.][^[:space:]{}]+|[[:alpha:]_:][-[:alnum:]_:.]*=(?:"[^"]*"|''[^'']*''|[^[:space:]{}"'']+)))*'
           '[ \t]*\}$', ''), '[ \t]+#+$', ''), E' \t\r\n\f\v') as title
  from headed h
  where h.heading = h.title
)
update public.documentation_pages p
   set title = coalesce((select pg_catalog.left(r.title, 300) from read r where r.id = p.id and r.title <> ''), p.title);
alter table public.documentation_pages enable trigger on_documentation_update_revision;
alter table public.documentation_pages enable trigger update_documentation_pages_updated_at;
alter table internal.documentation_search_docs alter column body_text drop default;
