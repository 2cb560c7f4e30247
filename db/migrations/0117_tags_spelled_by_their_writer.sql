-- 0117: each account's posts show the account's own spelling of a tag.
--
-- blog_tags is one table for every account, unique on lower(name), and a tag link's
-- `tag_name` (0094) was forced equal to the tag's name. So the first account to write a
-- spelling chose everyone's: a red team account tagged a post 'RuSt-LoL' and one with the
-- Kelvin sign (U+212A, which lower() turns into 'k') for 'kubernetes'; another account's
-- `rust-lol` and `kubernetes` posts then showed those spellings in `blogs show`, `tags list`,
-- its site's tag pages and feeds, its exports and sync files.
--
-- Now the link carries its writer's spelling, and the tag row stays shared (ids, the
-- blog_tags policies, 0112's count of new tags). internal.set_tag_link_name, on INSERT:
-- 1. the spelling of the author's links to that tag already stored, if any: one author shows
--    one spelling of a tag (a site's tag pages, `tags list` and exports never show `Rust` and
--    `rust` as two tags of one author; to change it, the author takes the tag off those posts
--    and tags them again);
-- 2. else the spelling the writer sent, trimmed and its inner whitespace collapsed (as
--    normalize_blog_tag does for the tag), when it equals the tag's name case-insensitively
--    (lower(), as the unique index): it is then as valid as the tag's name (length, no
--    control characters);
-- 3. else (nothing sent, or another name) the tag's name, as before.
-- An UPDATE (only rename_tag_links, an admin renaming the tag: accounts hold no UPDATE on
-- links) keeps 2 and 3: the rename still rewrites every link to the new name.
-- Links already stored keep the tag's name (their writers' spellings were not kept).
--
-- Step 1 reads the author's links to the tag through a new index on (tag_id, author_id),
-- which replaces the one on (tag_id) (its leading column serves the same lookups: the
-- foreign key's cascade, rename_tag_links, the tag policies): through (tag_id) alone, a tag
-- on 100,000 posts was 100,000 entries to look through for each link. It counts no more of
-- another account's hidden rows than the (author_id, blog_id) and (tag_id) indexes already
-- did together (README "Residue").
-- No lock is taken for step 1 (an advisory lock any login could hold, see 0024): two
-- transactions of the same account that link one tag to two posts at once under two spellings
-- can both keep theirs, on that account's own posts only; the CLI never does so (one command,
-- one spelling per tag). Within one statement, the rows already inserted are seen.

create index blogs_to_tags_tag_author_idx on public.blogs_to_tags (tag_id, author_id);
drop index public.blogs_to_tags_tag_id_idx;

create or replace function internal.set_tag_link_name() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  shared text;
  own text;
  given text := pg_catalog.regexp_replace(pg_catalog.btrim(new.tag_name, E' \t\r\n'), '\s+', ' ', 'g');
begin
  select t.name into shared
  from public.blog_tags t where t.id operator(pg_catalog.=) new.tag_id
  for share;
  if tg_op operator(pg_catalog.=) 'INSERT' then
    select bt.tag_name into own
    from public.blogs_to_tags bt
    where bt.tag_id operator(pg_catalog.=) new.tag_id and bt.author_id operator(pg_catalog.=) new.author_id
    limit 1;
  end if;
  new.tag_name := case
    when own is not null then own
    when pg_catalog.lower(given) operator(pg_catalog.=) pg_catalog.lower(shared) then given
    else shared
  end;
  return new;
end
$$;
comment on function internal.set_tag_link_name() is
  'Sets blogs_to_tags.tag_name: the author''s spelling of the tag on their other links, else the writer''s when it matches the tag case-insensitively, else the tag''s name (0117).';
grant select (author_id) on public.blogs_to_tags to blogster_definer;

comment on column public.blogs_to_tags.tag_name is
  'How this post''s author spells the tag: equal to blog_tags.name case-insensitively, one spelling per author and tag (0117); rewritten when an admin renames the tag.';
