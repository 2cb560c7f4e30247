-- 0172 (helper 333): documentation_spellings costs index probes, not scans of the pages' text
-- (red team h321 F5).
--
-- documentation_spellings (0156, 0163) said in how many of the first 20 pages holding a word's
-- stem the word is written as it is with a case-insensitive regular expression over each page's
-- whole text: 2,000 words cost 40,000 scans. Any account could call it: 2,000 words of the docs
-- took 4.2 s of server time on 63 pages of 3 KB, and minutes on pages of 100 KB.
--
-- Each page's words as written now have an index of their own, internal.documentation_written_words
-- (the distinct words of its title and text, in lower case, of 2 to 40 characters: the words
-- documentation_spellings reads), kept by a trigger when the search index's row of the page is
-- written, and filled here for the pages already indexed. "Written" is one probe of it per page:
-- the same count for a word of letters, digits and `_` (the "did you mean" of `docs search` asks
-- only words of letters and digits); a word of other characters is never counted as written.

create table internal.documentation_written_words (
  page_id uuid not null references internal.documentation_search_docs (page_id) on delete cascade,
  word text not null,
  primary key (page_id, word)
);
comment on table internal.documentation_written_words is
  'Each indexed page''s distinct words as written (title and text, lower case, 2 to 40 characters): documentation_spellings'' "written" (0172).';

-- The words of a title and text as documentation_spellings reads them: runs of letters, digits and
-- `_` (what `\m...\M` bounds), in lower case, those of 2 to 40 characters, each once.
create function internal.documentation_written_words_of(title_norm text, body_text text) returns setof text
language sql immutable parallel safe
set search_path = ''
as $$
  select distinct w.word
  from pg_catalog.regexp_split_to_table(pg_catalog.lower(title_norm || ' ' || body_text), '[^[:alnum:]_]+') as w(word)
  where pg_catalog.length(w.word) between 2 and 40
$$;

create function internal.index_documentation_written_words() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' then
    if old.title_norm is not distinct from new.title_norm and old.body_text is not distinct from new.body_text then
      return null;
    end if;
    delete from internal.documentation_written_words where page_id = new.page_id;
  end if;
  insert into internal.documentation_written_words (page_id, word)
  select new.page_id, w from internal.documentation_written_words_of(new.title_norm, new.body_text) w;
  return null;
end
$$;
comment on function internal.index_documentation_written_words() is
  'Keeps internal.documentation_written_words with a page''s row of the search index (0172).';
create trigger index_documentation_written_words
  after insert or update of title_norm, body_text on internal.documentation_search_docs
  for each row execute function internal.index_documentation_written_words();

grant select, insert, delete on internal.documentation_written_words to blogster_definer;
revoke all on function internal.documentation_written_words_of(text, text),
  internal.index_documentation_written_words() from public;
grant execute on function internal.documentation_written_words_of(text, text) to blogster_definer;

-- The pages indexed before this migration.
insert into internal.documentation_written_words (page_id, word)
select d.page_id, w from internal.documentation_search_docs d
cross join lateral internal.documentation_written_words_of(d.title_norm, d.body_text) w;

-- Reached only through definer functions (BYPASSRLS), as the rest of the search index.
alter table internal.documentation_written_words enable row level security;
alter table internal.documentation_written_words force row level security;

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
    where exists (select 1 from internal.documentation_written_words ww where ww.page_id = p.page_id and ww.word = h.word)
  ) w
  where h.pages > 0
  group by h.word;
end
$$;
comment on function public.documentation_spellings(text[], boolean) is
  'Of these words, those whose stem pages the caller may read hold: how many pages (to 1,000), and in how many of the first 20 the word is written as it is (internal.documentation_written_words).';
