-- Word counts count the rendered text only. A link counted every part of its URL, an
-- HTML tag its attributes: a Rust post with ~16,900 words of prose showed 25,057.
-- Now a link or image counts its text (not its target), reference definitions and HTML
-- tags count nothing, and a bare URL or autolink counts as one word. Same rules as 0009
-- otherwise; the function is restated whole (a forward-only migration cannot patch it).

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
  kept text[] := '{}';
  line text;
  first_line int := 1;
  fence text;
  opening text[];
  total int;
begin
  if body is null or body !~ '[^[:space:]]' then
    return 0;
  end if;

  if body ~ '^\ufeff?(---|\+\+\+)[ \t]*(\r?\n|\r)' or body ~ '(^|[\r\n]) {0,3}(```|~~~)' then
    lines := pg_catalog.regexp_split_to_array(body, '\r\n|\r|\n');
    -- Front matter: only at the very start, and only if it is closed.
    if lines[1] ~ '^\ufeff?(---|\+\+\+)[ \t]*$' then
      for i in 2 .. pg_catalog.cardinality(lines) loop
        if (lines[1] ~ '\+\+\+' and lines[i] ~ '^\+\+\+[ \t]*$')
           or (lines[1] ~ '---' and lines[i] ~ '^(---|\.\.\.)[ \t]*$') then
          first_line := i + 1;
          exit;
        end if;
      end loop;
    end if;
    for i in first_line .. coalesce(pg_catalog.cardinality(lines), 0) loop
      line := lines[i];
      if fence is null then
        opening := pg_catalog.regexp_match(line, '^ {0,3}(`{3,}|~{3,})(.*)$');
        -- A backtick fence's info string may not contain a backtick (that is inline code).
        if opening is not null and not (pg_catalog.left(opening[1], 1) = '`' and pg_catalog.strpos(opening[2], '`') > 0) then
          fence := opening[1];
        else
          kept := kept || line;
        end if;
      elsif line ~ ('^ {0,3}' || case when pg_catalog.left(fence, 1) = '`' then '`' else '~' end
                    || '{' || pg_catalog.length(fence) || ',}[ \t]*$') then
        fence := null;
      end if;
    end loop;
    body := pg_catalog.array_to_string(kept, E'\n');
  end if;

  -- HTML comments are not read: template placeholders, editor notes.
  if pg_catalog.strpos(body, '<!--') > 0 then
    body := pg_catalog.regexp_replace(body, '<!--.*?-->', ' ', 'g');
  end if;

  -- Only the rendered text counts: a link or image shows its text, not its target; a
  -- reference definition shows nothing; an HTML tag shows nothing of its attributes; a
  -- bare URL (or autolink) reads as one word. Link text may hold one level of brackets
  -- (`[the `#![attr]` attribute](url)`).
  if body ~ '[]<]|://' then
    body := pg_catalog.regexp_replace(body, '(!?)\[((?:[^][]|\[[^][]*\])*)\]\((<[^>]*>|[^)]*)\)', ' \2 ', 'g');
    body := pg_catalog.regexp_replace(body, '(!?)\[((?:[^][]|\[[^][]*\])*)\]\[[^]]*\]', ' \2 ', 'g');
    body := pg_catalog.regexp_replace(body, '^ {0,3}\[[^]]+\]:[ \t]*\S+.*$', ' ', 'gn');
    body := pg_catalog.regexp_replace(body, '<[a-z][a-z0-9+.-]*:[^>[:space:]]*>', ' url ', 'gi');
    body := pg_catalog.regexp_replace(body, '</?[a-z][^>]*>', ' ', 'gi');
    body := pg_catalog.regexp_replace(body, '[a-z][a-z0-9+.-]*://[^[:space:]<>()]*', ' url ', 'gi');
  end if;

  total := pg_catalog.regexp_count(body, cjk);
  if total > 0 then
    body := pg_catalog.regexp_replace(body, cjk, ' ', 'g');
  end if;
  total := total + pg_catalog.regexp_count(body, letter || '+([''\u2019]' || letter || '+)*');
  return total;
end
$$;
comment on function public.markdown_word_count(text) is
  'Words of a markdown body as rendered: front matter, fenced code, HTML comments and tags, link and image targets skipped; a bare URL one word; CJK characters one word each; never NULL or negative.';

-- Recount the posts this can change, keeping their updated_at: nothing the writer did changed.
alter table public.blogs disable trigger update_blogs_updated_at;
update public.blogs b
   set word_count = counted.words, reading_time = public.reading_time_minutes(counted.words)
  from (select c.id, public.markdown_word_count(c.content ->> 'markdown') as words
        from public.blogs c where (c.content ->> 'markdown') ~ '[]<]|://') counted
 where b.id = counted.id and b.word_count is distinct from counted.words;
alter table public.blogs enable trigger update_blogs_updated_at;
