-- Word counts skip HTML comments. A scaffolded draft (blogster blogs new --template)
-- holds one placeholder comment per section, so an untouched draft showed ~100 words
-- and a minute of reading before a word was written.
-- A comment runs from <!-- to the first -->, across lines, outside fenced code (fences
-- are removed first, so a comment opened inside code cannot swallow prose); an
-- unclosed <!-- is ordinary text. The function is restated whole: a forward-only
-- migration cannot patch a function body.

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

  total := pg_catalog.regexp_count(body, cjk);
  if total > 0 then
    body := pg_catalog.regexp_replace(body, cjk, ' ', 'g');
  end if;
  total := total + pg_catalog.regexp_count(body, letter || '+([''\u2019]' || letter || '+)*');
  return total;
end
$$;
comment on function public.markdown_word_count(text) is
  'Words in a markdown body (front matter, fenced code and HTML comments skipped, CJK characters one word each); never NULL or negative.';

-- Recount the posts this changes, keeping their updated_at: nothing the writer did changed.
alter table public.blogs disable trigger update_blogs_updated_at;
update public.blogs b
   set word_count = counted.words, reading_time = public.reading_time_minutes(counted.words)
  from (select c.id, public.markdown_word_count(c.content ->> 'markdown') as words
        from public.blogs c where pg_catalog.strpos(c.content ->> 'markdown', '<!--') > 0) counted
 where b.id = counted.id;
alter table public.blogs enable trigger update_blogs_updated_at;
