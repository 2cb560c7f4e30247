-- "Did you mean" in each page's language: a query word as every configuration in use stems it.
-- The suggestion used to stem with English alone, so a word of a German page ("Wagen", indexed
-- as "wag") looked misspelt and drew a suggestion next to good results.

create or replace function public.documentation_word_forms(word text)
returns table (search_config regconfig, lexeme text)
language sql stable security definer
set search_path = ''
as $$
  -- The configurations in use: a loose index scan, one probe per configuration.
  with recursive found as (
    select pg_catalog.min(s.search_config::oid) as cfg from internal.documentation_search_docs s
    union all
    select (select pg_catalog.min(s.search_config::oid) from internal.documentation_search_docs s
            where s.search_config::oid > f.cfg)
    from found f where f.cfg is not null
  )
  select distinct f.cfg::regconfig, v.lexeme
  from found f
  cross join lateral pg_catalog.unnest(pg_catalog.to_tsvector(f.cfg::regconfig, pg_catalog.left(coalesce(word, ''), 100))) v
  where f.cfg is not null
$$;
comment on function public.documentation_word_forms(text) is
  'A word as each text search configuration used by documentation pages indexes it (none for a stop word).';
grant execute on function public.documentation_word_forms(text) to authenticated, service_role;
