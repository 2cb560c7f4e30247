-- 0197: markdown_word_count gives the same number as 0142's for every body, with less work: the
-- import's metrics trigger spent some 0.5 ms of server time a post here, most of its insert.
--
-- PostgreSQL's regex engine builds its automaton's states anew for every match it finds, some
-- 0.2-0.3 us each, whatever the pattern. 0014's count made one match per word, more work than all
-- the passes before it together. The rule stays: a word is a run of letters, or runs joined by
-- single apostrophes. Each run begins the body or follows a character that is not a letter; where
-- that character is a space or a line end (most runs), the spaces and line ends are counted by
-- replace(), less the ones no letter follows (one match each, rarer: blank lines, indentation, a
-- space before punctuation); the other runs are one match each, but for those after an apostrophe
-- that follows a letter (they go on a word). The import benchmark's posts take some 57 matches
-- where 0142 made 990, the real corpora's 240 where it made 820: on a quiet 2-core machine the
-- former take 0.24 ms of server time a post instead of 0.43, the latter 0.39 instead of 0.50
-- (their fences, links and URLs cost more).
--
-- The link passes' regexes for a body whose brackets do not nest read link text as `[^][]*`:
-- without nesting no link text holds a `[` (what 0124's test says), so 0123's alternation for one
-- nested pair never matched, but cost the engine a capture through it.
--
-- Counts do not change, so no post is recounted. tests/integration/test_word_count_matches.py
-- compares this function with 0142's on the real corpora, the import benchmark's posts, every
-- character where words start, end and join, and generated markdown.

create or replace function public.markdown_word_count(markdown text) returns integer
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  -- Han (with extensions and compatibility), Hiragana, Katakana (with phonetic
  -- extensions and halfwidth forms), Hangul syllables and jamo.
  cjk constant text := '[\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3040-\u309f\u30a0-\u30ff\u3130-\u318f\u31f0-\u31ff'
    '\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\uff66-\uff9f\uffa0-\uffdc'
    '\u1100-\u11ff\U00020000-\U0003134f]';
  -- [[:alnum:]] is Unicode-aware on UTF-8 locales; the explicit ranges keep Latin,
  -- Greek, Cyrillic, Hebrew, Arabic, Indic and Thai letters words on a "C" locale too.
  letter constant text := '[[:alnum:]\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u037d\u037f-\u0386\u0388-\u03ff'
    '\u0400-\u052f\u0531-\u0587\u05d0-\u05ea\u0620-\u064a\u0660-\u0669\u0900-\u0963\u0966-\u0dff\u0e01-\u0e4e'
    '\u1e00-\u1fff]';
  body text := markdown;
  lines text[];
  line text;
  i int;
  last_line int;
  first_line int := 1;
  has_fence boolean;
  fence_lines int[];
  fence_texts text[];
  j int := 0;
  dropped_from int;
  fence text;
  opening text[];
  nested boolean;
  pass int;
  tokens text[];
  kind text;
  last_token int;
  closer int[];
  target_end int[];
  angle_end int[];
  opener int[];
  openers int;
  stack int[];
  stack_end int[];
  top int;
  waiter int[];
  waiting int;
  angle int[];
  angles int;
  inside_to int;
  dropped_to int;
  opening_at int;
  closing_at int;
  ending_at int;
  total int;
begin
  if body is null or body !~ '[^[:space:]]' then
    return 0;
  end if;

  -- The two tests of 0014, each behind a literal it needs.
  has_fence := (pg_catalog.strpos(body, '```') > 0 or pg_catalog.strpos(body, '~~~') > 0)
               and body ~ '(^|[\r\n]) {0,3}(```|~~~)';
  if has_fence
     or (pg_catalog.left(body, 1) in ('-', '+', E'\ufeff') and body ~ '^\ufeff?(---|\+\+\+)[ \t]*(\r?\n|\r)') then
    if pg_catalog.strpos(body, E'\r') > 0 then
      lines := pg_catalog.regexp_split_to_array(body, '\r\n|\r|\n');
    else
      lines := pg_catalog.string_to_array(body, E'\n');  -- body is not empty: at least one line
    end if;
    last_line := pg_catalog.cardinality(lines);
    -- Front matter: only at the very start, and only if it is closed.
    if lines[1] ~ '^\ufeff?(---|\+\+\+)[ \t]*$' then
      for i in 2 .. last_line loop
        line := pg_catalog.rtrim(lines[i], E' \t');
        if (pg_catalog.strpos(lines[1], '+++') > 0 and line = '+++')
           or (pg_catalog.strpos(lines[1], '---') > 0 and line in ('---', '...')) then
          first_line := i + 1;
          exit;
        end if;
      end loop;
    end if;
    -- A line left out of the text is set to NULL, which array_to_string skips. The variable
    -- holds the array expanded, so setting an element is done in place and reading one by
    -- its number is direct; a slice (lines[a:b]) would flatten the whole array first.
    for i in 1 .. first_line - 1 loop
      lines[i] := null;
    end loop;
    -- Fences: a line can open or close one only if it starts with up to three spaces and
    -- ``` or ~~~ (taking its first six characters and trimming the spaces tells exactly
    -- that); the query that finds them returns their text with their numbers. Every other
    -- line is kept outside a fence and dropped inside one.
    if has_fence then
      select coalesce(pg_catalog.array_agg(u.n order by u.n), '{}'), coalesce(pg_catalog.array_agg(u.l order by u.n), '{}')
        into fence_lines, fence_texts
        from pg_catalog.unnest(lines) with ordinality as u(l, n)
       where u.n >= first_line
         and pg_catalog.left(pg_catalog.ltrim(pg_catalog.left(u.l, 6), ' '), 3) in ('```', '~~~');
      foreach line in array fence_texts loop
        j := j + 1;
        if fence is null then
          opening := pg_catalog.regexp_match(line, '^ {0,3}(`{3,}|~{3,})(.*)$');
          -- A backtick fence's info string may not contain a backtick (that is inline code).
          if opening is not null and not (pg_catalog.left(opening[1], 1) = '`' and pg_catalog.strpos(opening[2], '`') > 0) then
            fence := opening[1];
            dropped_from := fence_lines[j];
          end if;
        elsif pg_catalog.starts_with((pg_catalog.regexp_match(line, '^ {0,3}(`+|~+)[ \t]*$'))[1], fence) then
          fence := null;
          for i in dropped_from .. fence_lines[j] loop
            lines[i] := null;
          end loop;
        end if;
      end loop;
      if fence is not null then
        for i in dropped_from .. last_line loop
          lines[i] := null;
        end loop;
      end if;
    end if;
    body := pg_catalog.array_to_string(lines, E'\n');
  end if;

  -- HTML comments are not read: template placeholders, editor notes.
  if pg_catalog.strpos(body, '<!--') > 0 then
    body := pg_catalog.regexp_replace(body, '<!--.*?-->', ' ', 'g');
  end if;

  -- Only the rendered text counts: a link or image shows its text, not its target; a
  -- reference definition shows nothing; an HTML tag shows nothing of its attributes; a
  -- bare URL (or autolink) reads as one word. The passes run in 0014's order, each on what
  -- the one before left, and only when the body holds a literal its regex needs.
  --
  -- The two link passes (inline links `[text](target)`, then reference links `[text][label]`;
  -- images open with `![`) read a link's opening `[` and its closing `](target)` or `][label]`
  -- as spaces and keep its text. A target runs to the first `)` (or is `<...>` then `)`, the
  -- longer), a label to the first `]`. While no `[` opens before the one before it has closed,
  -- no link text holds a bracket, and 0123's regex does the pass in one call (capturing the
  -- text only: every capturing group makes the engine work out where it matched); the walk
  -- below would find the same links. Otherwise link text may hold brackets at any depth and
  -- other links (`[![alt](img.png) caption](url)`), which no regex can pair: the body is split
  -- before each bracket and `)` (and `>` if a target opens with `<`), a walk pairs each `[`
  -- with its `]` on a stack, and a second walk takes the `[`s in order. A `[` opens a link when
  -- its `]` is followed by a target or label that ends within the text of the link the walk is
  -- in (or the body): the leftmost first, as the regex finds them. The target or label is
  -- dropped, and the `[`s of the link's text come next, within that text, so a link inside it
  -- opens in turn. Each token costs a constant: the time grows with the body, never with its
  -- nesting.
  --
  -- (0197) Where no `[` opens before the one before it has closed, no link text holds a `[`, so
  -- 0123's link text `(?:[^][]|\[[^][]*\])*` is `[^][]*`: the same links, without the alternation.
  for pass in 1 .. 2 loop
    continue when pg_catalog.strpos(body, case pass when 1 then '](' else '][' end) = 0;
    -- The inline pass leaves a body that did not nest unnested; one that did is tested again.
    if nested is null then
      nested := body ~ '\[[^]]*\[';
    end if;
    if not nested then
      if pass = 1 then
        body := pg_catalog.regexp_replace(body, '!?\[([^][]*)\]\((?:<[^>]*>|[^)]*)\)', ' \1 ', 'g');
      else
        body := pg_catalog.regexp_replace(body, '!?\[([^][]*)\]\[[^]]*\]', ' \1 ', 'g');
      end if;
      continue;
    end if;
    -- Each token is a bracket, `)` or `>` and the text up to the next one (the first token may
    -- be text alone): one regex call splits them, and a token's first characters say what it is.
    tokens := pg_catalog.regexp_split_to_array(
      body, case when pass = 2 then '(?=[][])' when pg_catalog.strpos(body, '](<') > 0 then '(?=[][)>])' else '(?=[][)])' end);
    last_token := pg_catalog.cardinality(tokens);
    closer := pg_catalog.array_fill(null::int, array[last_token]);
    target_end := closer;
    angle_end := closer;
    openers := 0;
    top := 0;
    waiting := 0;
    angles := 0;
    -- One walk gives each `[` the `]` that closes it, each `](` the first `)` after it and each
    -- `](<` the first `>`; in the reference pass, each `[` right after a `]` the first `]` after it.
    for k in 1 .. last_token loop
      kind := pg_catalog.left(tokens[k], 1);
      if kind = '[' then
        openers := openers + 1;
        opener[openers] := k;
        top := top + 1;
        stack[top] := k;
        if pass = 2 and tokens[k - 1] = ']' then
          waiting := waiting + 1;
          waiter[waiting] := k;
        end if;
      elsif kind = ']' then
        if top > 0 then
          closer[stack[top]] := k;
          top := top - 1;
        end if;
        if pass = 2 then
          for w in 1 .. waiting loop
            target_end[waiter[w]] := k;
          end loop;
          waiting := 0;
        elsif pg_catalog.left(tokens[k], 2) = '](' then
          waiting := waiting + 1;
          waiter[waiting] := k;
          if pg_catalog.left(tokens[k], 3) = '](<' then
            angles := angles + 1;
            angle[angles] := k;
          end if;
        end if;
      elsif kind = ')' then
        for w in 1 .. waiting loop
          target_end[waiter[w]] := k;
        end loop;
        waiting := 0;
      elsif kind = '>' then
        for w in 1 .. angles loop
          angle_end[angle[w]] := k;
        end loop;
        angles := 0;
      end if;
    end loop;
    -- The walk of the `[`s: inside_to is the `]` of the link whose text it is in (past the last
    -- token at first), the stack the links it is inside (their `]` and their target's end).
    top := 0;
    inside_to := last_token + 1;
    dropped_to := 0;
    for i in 1 .. openers loop
      opening_at := opener[i];
      while opening_at >= inside_to loop
        dropped_to := stack_end[top];
        top := top - 1;
        inside_to := case when top = 0 then last_token + 1 else stack[top] end;
      end loop;
      continue when opening_at < dropped_to;
      closing_at := closer[opening_at];
      continue when closing_at is null or closing_at >= inside_to;
      if pass = 2 then
        ending_at := target_end[closing_at + 1];
      elsif angle_end[closing_at] < inside_to - 1 and tokens[angle_end[closing_at]] = '>'
            and pg_catalog.left(tokens[angle_end[closing_at] + 1], 1) = ')' then
        ending_at := angle_end[closing_at] + 1;
      else
        ending_at := target_end[closing_at];
      end if;
      continue when ending_at is null or ending_at >= inside_to;
      -- The link: `[` (or `![`) and `](target)` (or `][label]`) become spaces, its text stays.
      tokens[opening_at] := ' ' || pg_catalog.substr(tokens[opening_at], 2);
      if pg_catalog.right(tokens[opening_at - 1], 1) = '!' then
        tokens[opening_at - 1] := pg_catalog.left(tokens[opening_at - 1], -1);
      end if;
      tokens[closing_at] := ' ';
      for k in closing_at + 1 .. ending_at - 1 loop
        tokens[k] := null;
      end loop;
      tokens[ending_at] := pg_catalog.substr(tokens[ending_at], 2);
      top := top + 1;
      stack[top] := closing_at;
      stack_end[top] := ending_at;
      inside_to := closing_at;
    end loop;
    body := pg_catalog.array_to_string(tokens, '');
    nested := null;
  end loop;
  if pg_catalog.strpos(body, ']:') > 0 then
    body := pg_catalog.regexp_replace(body, '^ {0,3}\[[^]]+\]:[ \t]*\S+.*$', ' ', 'gn');
  end if;
  if pg_catalog.strpos(body, '<') > 0 then
    body := pg_catalog.regexp_replace(body, '<[a-z][a-z0-9+.-]*:[^>[:space:]]*>', ' url ', 'gi');
    body := pg_catalog.regexp_replace(body, '</?[a-z][^>]*>', ' ', 'gi');
  end if;
  if pg_catalog.strpos(body, '://') > 0 then
    body := pg_catalog.regexp_replace(body, '[a-z][a-z0-9+.-]*://[^[:space:]<>()]*', ' url ', 'gi');
  end if;

  -- CJK characters are all outside ASCII.
  total := 0;
  if pg_catalog.octet_length(body) <> pg_catalog.length(body) then
    total := pg_catalog.regexp_count(body, cjk);
    if total > 0 then
      body := pg_catalog.regexp_replace(body, cjk, ' ', 'g');
    end if;
  end if;
  -- A word is a run of letters, or runs joined by single apostrophes (0014's
  -- letter+(['’]letter+)*). A regex match per word cost more than every pass above (each match
  -- builds the regex engine's automaton anew), so only the rarer places are matched. A run begins
  -- the body or follows a space, a line end or another character that is not a letter. The
  -- spaces and line ends are counted at once, less those no letter follows (a match each: blank
  -- lines, indentation, a space before a bracket); the other starts are a match each, but a
  -- letter after an apostrophe that follows a letter, which joins two runs into one word.
  total := total + (pg_catalog.octet_length(body) - pg_catalog.octet_length(pg_catalog.replace(body, ' ', '')))
                 + (pg_catalog.octet_length(body) - pg_catalog.octet_length(pg_catalog.replace(body, E'\n', '')))
                 - pg_catalog.regexp_count(body, '[ \n](?!' || letter || ')')
                 + pg_catalog.regexp_count(body, '(?:^|[^ \n''\u2019' || pg_catalog.substr(letter, 2) || ')' || letter
                                                 || '|(?:^|[^' || pg_catalog.substr(letter, 2) || ')[''\u2019]' || letter);
  return total;
end
$$;
