-- 0146: documentation titles are text: `<integer>` is searched by its word, and titles an import
-- took from a first heading read its character references (`&lt;integer&gt;` is `<integer>`).
--
-- `docs import` names a page without a `title:` by its first heading. A heading is markdown, so
-- `# &lt;integer&gt;` (Textual's css_types pages) reads `<integer>`, and `# Smoother scrolling
-- &mdash; a feature` reads with a dash; the import stored the references as written, and every
-- front end showed them (`&lt;integer&gt;` in `docs search`, `docs list`, the TUI). It now reads
-- them (documentation/tree.py title_from, content/entities.py), as CommonMark does.
--
-- A title is indexed by to_tsvector, whose parser reads `<integer>` as an XML tag and drops it:
-- the page titled `<integer>` would lose the word from its title (`integer type` scored it 8.1,
-- not 12.1), and a front matter's `title: The <Static> widget` never had it. The title, excerpt
-- and tags are plain text, not markup: their `<` and `>` are read as spaces for the index (the
-- title as stored and shown keeps them).
--
-- The titles stored before are read here as a new import of their file reads them, where that is
-- certain: pages imported from a folder whose front matter gives no title and whose markdown holds
-- the stored title (its first heading's text), not cut at 300 characters, every reference in it
-- one this migration knows (the numeric ones of printable characters, the named ones below).
-- Others keep theirs until their folder's next import (`updated`). Pages rewritten here, and those
-- whose title, excerpt or tags hold `<` or `>`, are reindexed, keeping their updated_at and taking
-- no revision: what they say did not change.

create or replace function public.update_documentation_search_vector() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  head tsvector;
  body text := public.documentation_plain_text(pg_catalog.left(public.documentation_text(new.content), 250000));
  body_limit integer := 250000;
begin
  head := pg_catalog.setweight(pg_catalog.to_tsvector(new.search_config,
            pg_catalog.translate(coalesce(new.title, ''), '<>', '  ')), 'A')
       || pg_catalog.setweight(pg_catalog.to_tsvector(new.search_config, pg_catalog.translate(
            coalesce(new.excerpt, '') || ' ' || coalesce(pg_catalog.array_to_string(new.tags, ' '), ''),
            '<>', '  ')), 'B');
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
comment on function public.update_documentation_search_vector() is 'Maintains documentation_pages.search_vector (A title, B excerpt+tags, both as text: `<` and `>` read as spaces; C the body''s plain text) in search_config.';

-- A title's character references as content/entities.py reads them, for the named ones below and
-- the numeric ones of printable characters (U+0020 to U+007E, U+00A0 to U+D7FF, U+E000 to
-- U+10FFFF); null when it holds any other (left for its folder's next import).
create function pg_temp.read_references(title text) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  named constant jsonb := pg_catalog.jsonb_build_object(
    'lt', '<', 'gt', '>', 'amp', '&', 'quot', '"', 'apos', '''', 'nbsp', pg_catalog.chr(160),
    'mdash', pg_catalog.chr(8212), 'ndash', pg_catalog.chr(8211), 'hellip', pg_catalog.chr(8230),
    'lsquo', pg_catalog.chr(8216), 'rsquo', pg_catalog.chr(8217), 'ldquo', pg_catalog.chr(8220),
    'rdquo', pg_catalog.chr(8221), 'laquo', pg_catalog.chr(171), 'raquo', pg_catalog.chr(187),
    'copy', pg_catalog.chr(169), 'reg', pg_catalog.chr(174), 'trade', pg_catalog.chr(8482),
    'times', pg_catalog.chr(215), 'middot', pg_catalog.chr(183), 'bull', pg_catalog.chr(8226),
    'rarr', pg_catalog.chr(8594), 'larr', pg_catalog.chr(8592), 'harr', pg_catalog.chr(8596),
    'rArr', pg_catalog.chr(8658), 'deg', pg_catalog.chr(176), 'plusmn', pg_catalog.chr(177),
    'le', pg_catalog.chr(8804), 'ge', pg_catalog.chr(8805), 'ne', pg_catalog.chr(8800),
    'minus', pg_catalog.chr(8722), 'euro', pg_catalog.chr(8364), 'pound', pg_catalog.chr(163),
    'sect', pg_catalog.chr(167), 'para', pg_catalog.chr(182), 'check', pg_catalog.chr(10003),
    'infin', pg_catalog.chr(8734));
  rest text := title;
  done text := '';
  found text[];
  code bigint;
  value text;
begin
  loop
    found := pg_catalog.regexp_match(rest,
      '^(.*?)&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});(.*)$', 's');
    exit when found is null;
    code := case
      when found[2] ~ '^#[xX]' then ('x' || pg_catalog.lpad(pg_catalog.substr(found[2], 3), 8, '0'))::bit(32)::bigint
      when found[2] ~ '^#' then pg_catalog.substr(found[2], 2)::bigint
    end;
    value := case
      when code is null then named ->> found[2]
      when code between 32 and 126 or code between 160 and 55295 or code between 57344 and 1114111
        then pg_catalog.chr(code::integer)
    end;
    if value is null then
      return null;
    end if;
    done := done || found[1] || value;
    rest := found[3];
  end loop;
  -- Python's str.strip() after reading: the blanks a reference may give at either end.
  return pg_catalog.btrim(done || rest, E' \t\n\r\f\v' || pg_catalog.chr(160) || pg_catalog.chr(8194)
                          || pg_catalog.chr(8195) || pg_catalog.chr(8201));
end
$$;

alter table public.documentation_pages disable trigger update_documentation_pages_updated_at;
alter table public.documentation_pages disable trigger on_documentation_update_revision;

update public.documentation_pages p
   set title = r.title
  from (
    select s.id, pg_temp.read_references(s.title) as title
    from public.documentation_pages s
    where s.content ? 'source' and pg_catalog.jsonb_typeof(s.content -> 'markdown') = 'string'
      and coalesce(pg_catalog.btrim(s.content #>> '{front_matter,title}'), '') = ''
      and s.title ~ '&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});'
      and pg_catalog.char_length(s.title) < 300
      and pg_catalog.strpos(s.content ->> 'markdown', s.title) > 0
  ) r
 where r.id = p.id and r.title <> '';

-- Reindexed as text: the titles, excerpts and tags that hold `<` or `>`.
update public.documentation_pages p
   set title = p.title
 where p.title ~ '[<>]' or coalesce(p.excerpt, '') ~ '[<>]' or pg_catalog.array_to_string(p.tags, ' ') ~ '[<>]';

alter table public.documentation_pages enable trigger on_documentation_update_revision;
alter table public.documentation_pages enable trigger update_documentation_pages_updated_at;

drop function pg_temp.read_references(text);
