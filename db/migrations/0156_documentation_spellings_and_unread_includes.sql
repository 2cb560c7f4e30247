-- 0156 (helper 301): documentation search's "did you mean" finds a word one typo away as readers
-- write it, and include lines the import could not read leave the search text.
--
-- 1. "Did you mean" compared the query's word with the index's stemmed words: "animation" is
--    indexed as `anim`, 4 edits from "animaton", so `animaton`, `reactvity` and `datatabel` got
--    no suggestion (only words whose stem is most of them did: `widgit`), and the closest stem
--    shown as a page writes it gave `bind` for `bindngs` and `contains` for `containr`.
--    documentation_spellings(words, include_drafts) takes words as written (the service passes
--    the query's word and every word one edit from it: a letter left out, added, changed, or two
--    swapped) and gives those the index holds in some page language in use: each word's stem in
--    each configuration pages use, with how many pages the caller may read hold it (counted to
--    1,000), and in how many of the first 20 of those pages the word itself is written, as a
--    whole word of the title or text, any case (a word one edit away may stem like a page's word
--    without being one: "window" for "windos", where the pages write "Windows"). Like
--    documentation_vocabulary_near it reads the index as the caller may: published pages in
--    visible categories, drafts too for admins who ask. It reads no other text than those pages'
--    and gives no text but the words it was given; it takes at most 2,000 words of 2 to 40
--    characters, each indexed as one word (one the parser splits, `e-mail`, is left out).
-- 2. A pymdown snippet include (`--8<-- "docs/examples/app.py"`) that the import could not read
--    stays in the page as written, and search read it as the page's text wherever it stood in a
--    code fence (Textual's examples: `--8<--` lines in their snippets). documentation_text gives
--    the text of every include the import read in its line's place, so such a line left is one
--    it could not: documentation_plain_text now reads it as nothing, in code too (pymdown reads
--    includes before fences, as documentation/includes.py does). A MyST `{include}` or
--    `{literalinclude}` directive (no import reads the file it names) shows nothing either: a
--    `{literalinclude}` read as code showed its option lines (`:language: python`).
--    The pages whose search text holds such a line are reindexed, keeping their updated_at and
--    taking no revision: what they say did not change.

create or replace function public.documentation_plain_text(markdown text) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  body text := pg_catalog.replace(coalesce(markdown, ''), pg_catalog.chr(1), ' ');  -- U+0001 stands for code below
  lines text[];
  fence_lines integer[];
  fence_texts text[];
  -- The parts of the text, each from its bound (a line number) to the next: kinds[j] is the part
  -- from bounds[j] ('p' prose, 'o' a directive's first prose, whose option lines go, 'c' code,
  -- 't' a fence line, showing titles[j], 'x' an include directive's, showing nothing); the lines
  -- before the first bound are prose.
  bounds integer[] := '{}';
  kinds text[] := '{}';
  titles text[] := '{}';
  parts integer := 0;  -- set by element (in place, the arrays expanded): appending copied each array
  -- The fences open, outermost first: their runs, and whether each holds code (else prose).
  runs text[] := '{}';
  codes boolean[] := '{}';
  depth integer := 0;
  at integer;
  closing text;
  opening text[];
  info text;
  directive text;
  prose text;
  code text[];
begin
  if pg_catalog.strpos(body, pg_catalog.chr(13)) > 0 then  -- lines end in LF alone, for the passes' `$`
    body := pg_catalog.replace(pg_catalog.replace(body, E'\r\n', E'\n'), E'\r', E'\n');
  end if;
  -- A snippet include line still in the text is one the import could not read (documentation_text
  -- gives the text of each it read in its place): it shows nothing, in code too (pymdown reads
  -- includes before fences, as documentation/includes.py does). An escaped one (`;--8<--`) stays.
  if pg_catalog.strpos(body, '8<') > 0 then
    body := pg_catalog.regexp_replace(body,
      '^[ \t]*-+8<-+[ \t]+(?:"(?:\\"|[^"\n])+"|''(?:\\''|[^''\n])+'')$', '', 'gn');
  end if;
  if pg_catalog.strpos(body, '```') = 0 and pg_catalog.strpos(body, '~~~') = 0 then
    return public.documentation_collapsed_space(public.documentation_plain_prose(body));
  end if;
  -- Fences, at any indentation (fences nest in lists, tabs, admonitions and quotes).
  lines := pg_catalog.string_to_array(body, pg_catalog.chr(10));
  select coalesce(pg_catalog.array_agg(u.n order by u.n), '{}'), coalesce(pg_catalog.array_agg(u.l order by u.n), '{}')
    into fence_lines, fence_texts
    from pg_catalog.unnest(lines) with ordinality as u(l, n)
   where pg_catalog.left(pg_catalog.ltrim(u.l, E' \t>'), 3) in ('```', '~~~');
  for k in 1 .. pg_catalog.cardinality(fence_lines) loop
    -- A closing fence (a run alone, of the opening's character, at least as long) closes the
    -- outermost open fence it can, and every fence inside that one.
    if depth > 0 then
      closing := (pg_catalog.regexp_match(fence_texts[k], '^[ \t>]*(`+|~+)[ \t]*$'))[1];
      if closing is not null then
        at := 1;
        while at <= depth and not pg_catalog.starts_with(closing, runs[at]) loop
          at := at + 1;
        end loop;
        if at <= depth then
          depth := at - 1;
          bounds[parts + 1] := fence_lines[k];
          bounds[parts + 2] := fence_lines[k] + 1;
          kinds[parts + 1] := 't';
          kinds[parts + 2] := 'p';  -- what is around a fence holds prose
          titles[parts + 1] := '';
          parts := parts + 2;
          continue;
        end if;
      end if;
      continue when codes[depth];  -- code: no fence opens in it
    end if;
    opening := pg_catalog.regexp_match(fence_texts[k], '^[ \t>]*(`{3,}|~{3,})(.*)$');
    continue when opening is null or (pg_catalog.left(opening[1], 1) = '`' and pg_catalog.strpos(opening[2], '`') > 0);
    info := pg_catalog.btrim(opening[2], E' \t');
    directive := case when pg_catalog.left(info, 1) = '{' and pg_catalog.strpos(info, '}') > 0
                      then pg_catalog.lower(pg_catalog.btrim(pg_catalog.split_part(pg_catalog.substr(info, 2), '}', 1), E' \t')) end;
    depth := depth + 1;
    runs[depth] := opening[1];
    codes[depth] := directive is null or depth > 8 or directive in (
      'code', 'code-block', 'sourcecode', 'code-cell', 'literalinclude', 'eval-rst', 'eval_rst', 'raw', 'math',
      'mermaid', 'graphviz');
    bounds[parts + 1] := fence_lines[k];
    bounds[parts + 2] := fence_lines[k] + 1;
    kinds[parts + 1] := 't';
    kinds[parts + 2] := case when directive in ('include', 'literalinclude') then 'x'
                             when codes[depth] then 'c' else 'o' end;
    titles[parts + 1] := case
      when directive in ('include', 'literalinclude') then null
      when codes[depth] then (pg_catalog.regexp_match(opening[2], 'title="([^"]*)"'))[1]
      when directive in ('admonition', 'attention', 'caution', 'danger', 'error', 'hint', 'important', 'note',
                         'seealso', 'tip', 'warning', 'dropdown', 'tab-item', 'tab', 'card', 'grid-item-card',
                         'topic', 'sidebar', 'rubric', 'margin', 'table', 'list-table', 'csv-table')
        then pg_catalog.btrim(pg_catalog.substr(info, pg_catalog.strpos(info, '}') + 1), E' \t')
      end;
    parts := parts + 2;
  end loop;
  if parts = 0 then
    return public.documentation_collapsed_space(public.documentation_plain_prose(body));
  end if;
  -- Each line's part is the number of bounds at or before it (width_bucket): code stands in the
  -- prose as a U+0001 line, put back after the prose is read.
  select pg_catalog.string_agg(case coalesce(b.kind, 'p')
                                 when 'p' then g.text
                                 when 'o' then pg_catalog.regexp_replace(g.text,
                                   '^(?:[ \t>]*:[-[:alnum:]_]+:(?:[ \t][^\n]*)?(?:\n|$))+', '')
                                 when 't' then coalesce(b.title, '')
                                 when 'x' then ''
                                 else pg_catalog.chr(1) end,
                               pg_catalog.chr(10) order by g.part),
         pg_catalog.array_agg(g.text order by g.part) filter (where b.kind = 'c')
    into prose, code
    from (select pg_catalog.width_bucket(u.n::integer, bounds) as part,
                 pg_catalog.string_agg(u.l, pg_catalog.chr(10) order by u.n) as text
            from pg_catalog.unnest(lines) with ordinality as u(l, n)
           group by 1) g
    left join rows from (pg_catalog.unnest(kinds), pg_catalog.unnest(titles)) with ordinality as b(kind, title, part)
      on b.part = g.part;
  select pg_catalog.string_agg(p.piece || coalesce(p.code, ''), '' order by p.n)
    into body
    from unnest(pg_catalog.string_to_array(public.documentation_plain_prose(prose), pg_catalog.chr(1)),
                code) with ordinality as p(piece, code, n);
  return public.documentation_collapsed_space(body);
end
$$;


create or replace function public.documentation_spellings(words text[], include_drafts boolean default false)
returns table (word text, pages bigint, written integer)
language plpgsql stable security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  see_all boolean := include_drafts and auth.uid() is not null
                     and pg_catalog.pg_has_role(auth.role_name_for(auth.uid()), 'blogster_admin', 'MEMBER');
begin
  return query
  with recursive found as (  -- the configurations in use: a loose index scan, one probe each
    select pg_catalog.min(s.search_config::oid) as cfg from internal.documentation_search_docs s
    union all
    select (select pg_catalog.min(s.search_config::oid) from internal.documentation_search_docs s
            where s.search_config::oid > f.cfg)
    from found f where f.cfg is not null
  ), asked as (
    select distinct pg_catalog.lower(w) as word
    from pg_catalog.unnest(words[1:2000]) w
    where pg_catalog.length(w) between 2 and 40
  ), stems as (  -- each word as each configuration indexes it, when it is one token
    select a.word, f.cfg::regconfig as cfg, (pg_catalog.tsvector_to_array(v.vector))[1] as lexeme
    from asked a
    cross join found f
    cross join lateral (select pg_catalog.to_tsvector(f.cfg::regconfig, a.word) as vector) v
    where f.cfg is not null and pg_catalog.length(v.vector) = 1
  ), held as materialized (
    select s.word, s.cfg, s.lexeme,
           (select pg_catalog.count(*) from (
              select 1 from internal.documentation_search_terms t
              where t.lexeme = s.lexeme and t.search_config = s.cfg and (t.visible or see_all) limit 1000) x) as pages
    from stems s
  )
  select h.word, pg_catalog.max(h.pages), pg_catalog.max(w.written)::integer
  from held h
  cross join lateral (
    select pg_catalog.count(*) as written
    from (select t.page_id from internal.documentation_search_terms t
          where t.lexeme = h.lexeme and t.search_config = h.cfg and (t.visible or see_all) limit 20) p
    join internal.documentation_search_docs d on d.page_id = p.page_id
    where pg_catalog.strpos(' ' || d.title_norm || ' ', ' ' || h.word || ' ') > 0
       or d.body_text ~* ('\m' || pg_catalog.regexp_replace(h.word, '([^[:alnum:]_])', '\\\1', 'g') || '\M')
  ) w
  where h.pages > 0
  group by h.word;
end
$$;
comment on function public.documentation_spellings(text[], boolean) is
  'Of these words, those whose stem pages the caller may read hold: how many pages (to 1,000), and in how many of the first 20 the word is written as it is.';
grant execute on function public.documentation_spellings(text[], boolean) to authenticated, service_role;

alter table public.documentation_pages disable trigger update_documentation_pages_updated_at;
alter table public.documentation_pages disable trigger on_documentation_update_revision;

-- Reindexed: the pages whose search text holds a snippet include line or an include directive.
update public.documentation_pages p
   set title = p.title
 where pg_catalog.regexp_like(public.documentation_text(p.content), '^[ \t]*-+8<-+[ \t]+["'']', 'n')
    or pg_catalog.regexp_like(public.documentation_text(p.content),
                              '^[ \t>]*(?:```|~~~)[`~]*[ \t]*\{[ \t]*(?:literal)?include[ \t]*\}', 'in');

alter table public.documentation_pages enable trigger on_documentation_update_revision;
alter table public.documentation_pages enable trigger update_documentation_pages_updated_at;
