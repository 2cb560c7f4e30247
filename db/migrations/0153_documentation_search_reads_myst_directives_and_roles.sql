-- 0153: documentation search reads a MyST directive's content as markdown, and a MyST role as its text.
--
-- MyST (Sphinx's markdown: the docs of attrs, structlog, scikit-build-core) writes a directive as a
-- fence whose info string names it (```` ```{note} ````): its content is markdown, targets and all
-- (documentation/targets.py reads it so since 0150's helper). Search read every fence as code, kept as
-- written: a `(label)=` target line inside a `{note}` stayed in the search text and its snippets
-- (0150 drops those outside fences only), and so did the note's links' targets, emphasis marks and
-- the like. And a role (`` {class}`Foo` ``, `` {ref}`the text <label>` ``) showed in snippets raw,
-- `{class}Foo` once the backticks went.
--
-- documentation_plain_text now reads a directive's fence as documentation/targets.py and
-- content/fences.py read it: a fence whose info string is `{name}` with a name other than a code
-- directive's (code, code-block, sourcecode, code-cell, literalinclude, eval-rst, eval_rst, raw,
-- math, mermaid, graphviz) holds prose, read as the page's prose is (its target lines dropped), and
-- the fences in it are read in turn (a ```` ```python ```` in a note is code, kept as written). A
-- closing fence closes the outermost open fence it can (the text around a directive is read before
-- its content, as markdown-it and MyST read it); a fence nested more than 8 directives deep holds
-- code, as content/fences.py's MAX_DEPTH. The directive's fence lines show nothing but the title an
-- admonition, dropdown, tab, card, topic, sidebar, rubric or table gives after its name
-- (```` ```{admonition} A title ````); its leading option lines (`:class: tip`, `:name: a-label`)
-- show nothing. Code fences read as before (the fence lines gone but a `title="..."`).
-- documentation_plain_prose (0150's but for the pass) shows a role's text: `` {class}`Foo` `` reads
-- `Foo`, `` {ref}`the text <label>` `` reads `the text`, `` {class}`~a.b.Foo` `` reads `Foo`.
--
-- Fences are found as before: a line whose first characters but blanks and a quote's `>` are
-- ``` or ~~~ (a list item's `- ```` ` line is not read as one here; content/fences.py reads it).
--
-- The pages whose search text holds a directive's fence or a role are reindexed, keeping their
-- updated_at and taking no revision: what they say did not change.

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
  -- MyST target lines (`(name)=`) show nothing.
  if pg_catalog.strpos(body, ')=') > 0 then
    body := pg_catalog.regexp_replace(body, '^[ \t>]*\([^\x01]+\)=[ \t]*$', '', 'gn');
  end if;
  -- MyST roles show their content (helper 296): {class}`Foo` reads Foo, {ref}`the text <label>` its
  -- text, {class}`~a.b.Foo` the last name (as Sphinx shows them); the role's backticks go below.
  if pg_catalog.strpos(body, '}`') > 0 then
    body := pg_catalog.regexp_replace(body,
      '\{[-[:alnum:]_+:.]{1,36}\}`([^`<\x01\n]*[^`<\x01\n[:space:]])[ \t]*<[^`<>\x01\n]*>`', '\1', 'g');
    body := pg_catalog.regexp_replace(body, '\{[-[:alnum:]_+:.]{1,36}\}`~(?:[^`\x01\n]*\.)?([^`.\x01\n]*)`', '\1', 'g');
    body := pg_catalog.regexp_replace(body, '\{[-[:alnum:]_+:.]{1,36}\}`!?', '`', 'g');
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
  -- 't' a fence line, showing titles[j]); the lines before the first bound are prose.
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
    kinds[parts + 2] := case when codes[depth] then 'c' else 'o' end;
    titles[parts + 1] := case
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

alter table public.documentation_pages disable trigger update_documentation_pages_updated_at;
alter table public.documentation_pages disable trigger on_documentation_update_revision;

-- Reindexed: the pages whose search text holds a directive's fence or a role.
update public.documentation_pages p
   set title = p.title
 where pg_catalog.strpos(public.documentation_text(p.content), '}`') > 0
    or pg_catalog.regexp_like(public.documentation_text(p.content), '^[ \t>]*(?:```|~~~)[`~]*[ \t]*\{', 'n');

alter table public.documentation_pages enable trigger on_documentation_update_revision;
alter table public.documentation_pages enable trigger update_documentation_pages_updated_at;
