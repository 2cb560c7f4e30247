-- 0163 (helper 314): deleting an account never fails on a deeply nested flag; documentation search
-- reads a page of many fences in time linear in its length; documentation_spellings' 2,000 words
-- are 2,000 whatever the array's shape (red team round 39, h305 F4-F6).
--
-- 1. 0159's internal.jsonb_marking_account (the account written "deleted account" in the flag
--    log's entry of a change its deletion makes) recursed once per JSON level in PL/pgSQL: a flag
--    whose conditions nest about 1,000 levels deep (raw SQL only: the CLI refuses more than 16)
--    made deleting any account it names fail with "stack depth limit exceeded", the account's own
--    `account delete` included. It now reads 64 levels (a `when` the evaluator reads nests fewer
--    than 40) and keeps what is deeper as it is: 0121 takes the id out of the entry's rules in the
--    same deletion, however deep. 0118's internal.condition_without_account (the id out of a
--    flag's `when`, for the rules and the log) failed the same way on `not`s or `all`s nested
--    1,000 deep: it now walks the condition with a stack of its own and gives the same value at
--    any depth, writing each changed part back with internal.jsonb_set_deep (jsonb_set in steps
--    of 500 keys: it ran out of stack on a path of 9,000, where such a value is stored at 14,000).
-- 2. documentation_plain_text (0156) put each line in its part with width_bucket(line, bounds):
--    once PostgreSQL planned that statement generically (from the sixth call in a session, as
--    the reindex of every page makes), each line read the whole bounds array again, so a page of
--    16,000 fence pairs took 35 s and one of 50,000 include directives more than a minute. A
--    running count of the bounds over the lines gives the same parts in one pass.
-- 3. documentation_spellings (0156) read `words[1:2000]`: of a two-dimensional array, the first
--    2,000 rows with all their columns (400,000 words in one call). It reads the first 2,000
--    elements, whatever the array's dimensions.

-- `target` with the value at `path` set to `new_value` (as jsonb_set, but an empty path gives
-- `new_value`), in steps of at most 500 keys: jsonb_set recurses once per key of its path, and ran
-- out of stack at about 9,000 keys where a value nested 14,000 deep reads and is stored.
create function internal.jsonb_set_deep(target jsonb, path text[], new_value jsonb) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
declare
  step constant integer := 500;
  total integer := coalesce(pg_catalog.cardinality(path), 0);
  -- above[i]: the value at the path's first (i - 1) * step keys.
  above jsonb[] := array[target];
  steps integer := 1;
  result jsonb;
begin
  if total = 0 then
    return new_value;
  end if;
  while steps * step < total loop
    above[steps + 1] := pg_catalog.jsonb_extract_path(above[steps], variadic path[(steps - 1) * step + 1 : steps * step]);
    steps := steps + 1;
  end loop;
  result := pg_catalog.jsonb_set(above[steps], path[(steps - 1) * step + 1 : total], new_value);
  for i in reverse steps - 1 .. 1 loop
    result := pg_catalog.jsonb_set(above[i], path[(i - 1) * step + 1 : i * step], result);
  end loop;
  return result;
end
$$;
revoke all on function internal.jsonb_set_deep(jsonb, text[], jsonb) from public;
comment on function internal.jsonb_set_deep(jsonb, text[], jsonb) is
  'jsonb_set(target, path, new_value) at any depth (the whole value for an empty path), in steps of 500 keys (0163).';

-- 0118's, walked with a stack of its own: the same value (every user_id `eq` naming the account an
-- empty `in`, the account out of every user_id `in`, through `all`, `any` and `not` at any depth).
create or replace function internal.condition_without_account(condition jsonb, account uuid) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
declare
  -- The walk's nodes (the root is 1): each one's parent node and its key or index there.
  parents integer[] := array[0];
  keys text[] := array[null::text];
  nodes integer := 1;
  -- The conditions still to read, each with its node.
  pending jsonb[] := array[condition];
  pending_nodes integer[] := array[1];
  waiting integer := 1;
  -- The conditions that change, and what they become.
  changed integer[] := '{}';
  changes jsonb[] := '{}';
  part jsonb;
  node integer;
  key text;
  rewritten jsonb;
  element record;
  path text[];
  at integer;
  result jsonb := condition;
begin
  while waiting > 0 loop
    part := pending[waiting];
    node := pending_nodes[waiting];
    pending[waiting] := null;
    waiting := waiting - 1;
    continue when pg_catalog.jsonb_typeof(part) is distinct from 'object';
    if part ? 'all' or part ? 'any' then
      key := case when part ? 'all' then 'all' else 'any' end;
      continue when pg_catalog.jsonb_typeof(part -> key) <> 'array';
      nodes := nodes + 1;  -- the list
      parents[nodes] := node;
      keys[nodes] := key;
      node := nodes;
      for element in
        select e.value, e.n from pg_catalog.jsonb_array_elements(part -> key) with ordinality as e(value, n)
      loop
        continue when pg_catalog.jsonb_typeof(element.value) <> 'object';
        nodes := nodes + 1;
        parents[nodes] := node;
        keys[nodes] := (element.n - 1)::text;
        waiting := waiting + 1;
        pending[waiting] := element.value;
        pending_nodes[waiting] := nodes;
      end loop;
    elsif part ? 'not' then
      continue when pg_catalog.jsonb_typeof(part -> 'not') <> 'object';
      nodes := nodes + 1;
      parents[nodes] := node;
      keys[nodes] := 'not';
      waiting := waiting + 1;
      pending[waiting] := part -> 'not';
      pending_nodes[waiting] := nodes;
    elsif part ->> 'attr' is distinct from 'user_id' then
      continue;
    elsif internal.names_account(part -> 'eq', account) then
      changed[pg_catalog.cardinality(changed) + 1] := node;
      changes[pg_catalog.cardinality(changes) + 1] := (part - 'eq') || pg_catalog.jsonb_build_object('in', '[]'::jsonb);
    elsif pg_catalog.jsonb_typeof(part -> 'in') = 'array' then
      rewritten := pg_catalog.jsonb_set(part, '{in}', internal.ids_without_account(part -> 'in', account));
      if rewritten <> part then
        changed[pg_catalog.cardinality(changed) + 1] := node;
        changes[pg_catalog.cardinality(changes) + 1] := rewritten;
      end if;
    end if;
  end loop;
  for i in 1 .. pg_catalog.cardinality(changed) loop
    path := '{}';
    at := changed[i];
    while at > 1 loop  -- from the condition up: reversed below
      path[pg_catalog.cardinality(path) + 1] := keys[at];
      at := parents[at];
    end loop;
    path := array(select path[j] from pg_catalog.generate_subscripts(path, 1) as j order by j desc);
    result := internal.jsonb_set_deep(result, path, changes[i]);
  end loop;
  return result;
end
$$;

-- 0159's, read at most `levels` containers deep: past that a value is kept as it is (PL/pgSQL's
-- recursion ran out of stack at a few hundred levels).
create function internal.jsonb_marking_account(value jsonb, account uuid, levels integer) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
begin
  case pg_catalog.jsonb_typeof(value)
    when 'string' then
      return case when internal.names_account(value, account) then '"deleted account"'::jsonb else value end;
    when 'array' then
      if levels < 1 then
        return value;
      end if;
      return coalesce((select pg_catalog.jsonb_agg(internal.jsonb_marking_account(e.value, account, levels - 1) order by e.n)
                         from pg_catalog.jsonb_array_elements(value) with ordinality e(value, n)), '[]'::jsonb);
    when 'object' then
      if levels < 1 then
        return value;
      end if;
      return coalesce((select pg_catalog.jsonb_object_agg(e.key, internal.jsonb_marking_account(e.value, account, levels - 1))
                         from pg_catalog.jsonb_each(value) e), '{}'::jsonb);
    else
      return value;
  end case;
end
$$;
revoke all on function internal.jsonb_marking_account(jsonb, uuid, integer) from public;
comment on function internal.jsonb_marking_account(jsonb, uuid, integer) is
  'A JSON value with each string naming `account` written "deleted account", read `levels` containers deep (0163).';

create or replace function internal.jsonb_marking_account(value jsonb, account uuid) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
begin
  return internal.jsonb_marking_account(value, account, 64);
end
$$;

grant execute on function internal.jsonb_set_deep(jsonb, text[], jsonb),
  internal.jsonb_marking_account(jsonb, uuid, integer) to blogster_definer;

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
  -- Each line's part is the number of bounds at or before it, counted in one pass over the lines
  -- (a running sum; width_bucket(line, bounds) read the whole array again for each line once the
  -- plan was generic: 0163): code stands in the prose as a U+0001 line, put back after the prose
  -- is read.
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
    from (select p.part, pg_catalog.string_agg(p.l, pg_catalog.chr(10) order by p.n) as text
            from (select u.l, u.n, pg_catalog.sum(coalesce(m.marks, 0)) over (order by u.n)::bigint as part
                    from pg_catalog.unnest(lines) with ordinality as u(l, n)
                    left join (select b.line, pg_catalog.count(*) as marks
                                 from pg_catalog.unnest(bounds) as b(line)
                                group by b.line) m on m.line = u.n) p
           group by p.part) g
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
    select distinct pg_catalog.lower(u.w) as word
    from pg_catalog.unnest(words) with ordinality as u(w, n)  -- every element, whatever the dimensions
    where u.n <= 2000 and pg_catalog.length(u.w) between 2 and 40
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
