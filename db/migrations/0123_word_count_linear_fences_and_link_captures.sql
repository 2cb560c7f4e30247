-- 0123: markdown_word_count's fence pass takes time in proportion to the body, not its square,
-- and its link passes capture only the link text.
--
-- The metrics trigger counts the words of every post saved. 0120 kept the text outside fences
-- as slices of the array of lines (lines[a:b]), one per fenced block, appended to an array of
-- pieces. A plpgsql array variable is held expanded, and slicing one flattens the whole array
-- first: a copy of every line of the body for every fenced block. A red team's post of 40,000
-- times "```\nab\n" (280 KB) took 4.6 s to save, 80,000 times 18.6 s, and a 1.8 MB one passed
-- the 60 s statement timeout (posts may be 4 MiB). Now the query that finds the lines able to
-- open or close a fence returns their text as well, the loop over them sets each dropped line
-- (front matter, fences and what they hold) to NULL in place, and one array_to_string, which
-- skips NULLs, joins the rest. 10k/20k/40k/80k times "```\nab\n" take 26/55/126/271 ms instead
-- of 0.43/1.6/6.1/22 s on PostgreSQL 18 (15: 46/58/127/267 ms instead of 0.32/1.3/5.6/21 s); the
-- worst 4 MiB bodies found take under 3 s. The 354 real posts with fences in
-- ../shared/data/blog_md spend the same time in this section (55 and 53 ms on 18), and all
-- 1,255 (10 MB) the same in the whole function (843 and 823 ms, within the noise).
-- 0014's inline-link and reference-link regexes also captured the optional `!` and the link's
-- target, which their replacement never uses, and PostgreSQL's regex engine works out the place
-- of every capturing group of every match: on link-dense markdown (a link every 60 characters)
-- the inline-link pass took 400 us a post of 2 KB, 100 us capturing the text alone; on the
-- 1,550 real posts of ../shared/data the whole function went from 890 to 857 ms.
-- Counts do not change, so no post is recounted: tests/integration/test_word_count.py
-- compares this function with 0014's on the real corpora, on edge cases and on generated
-- markdown, and times it on N and 4N fences.

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
        elsif line ~ ('^ {0,3}' || case when pg_catalog.left(fence, 1) = '`' then '`' else '~' end
                      || '{' || pg_catalog.length(fence) || ',}[ \t]*$') then
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
  -- bare URL (or autolink) reads as one word. Link text may hold one level of brackets
  -- (`[the `#![attr]` attribute](url)`). The passes run in 0014's order, each on what
  -- the one before left, and only when the body holds a literal its regex needs. The
  -- link passes capture the link text only: every capturing group makes the regex engine
  -- work out where it matched, at a price that grows with the link's length.
  if pg_catalog.strpos(body, '](') > 0 then
    body := pg_catalog.regexp_replace(body, '!?\[((?:[^][]|\[[^][]*\])*)\]\((?:<[^>]*>|[^)]*)\)', ' \1 ', 'g');
  end if;
  if pg_catalog.strpos(body, '][') > 0 then
    body := pg_catalog.regexp_replace(body, '!?\[((?:[^][]|\[[^][]*\])*)\]\[[^]]*\]', ' \1 ', 'g');
  end if;
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
  total := total + pg_catalog.regexp_count(body, letter || '+([''\u2019]' || letter || '+)*');
  return total;
end
$$;
comment on function public.markdown_word_count(text) is
  'Words of a markdown body as rendered: front matter, fenced code, HTML comments and tags, link and image targets skipped; a bare URL one word; CJK characters one word each; never NULL or negative.';
