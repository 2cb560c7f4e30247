-- 0207: a post's former addresses are dated in UTC, as its page is (red team 68 F1).
--
-- 0203's trigger wrote each former address's publication time as jsonb renders a timestamptz: in
-- the writing session's TimeZone. A rename under PGTZ=Pacific/Kiritimati stored a post published
-- 2026-01-05 20:00 UTC as "2026-01-06T10:00:00+14:00", and `site build` put its redirect page (and
-- `analytics ingest` its visits, the feeds its id) at /2026/01/06/..., while its old page had been
-- /2026/01/05/...; and one time written with two offsets was two entries, the trigger comparing
-- text. The trigger now runs in UTC (its own TimeZone setting), so every entry it writes reads
-- "...+00:00", and comparing text compares times again. The build and ingest date each entry in
-- UTC whatever its offset (`publish.urls.permalink`).
--
-- Entries written before are rewritten in UTC, those that become one already met (the same slug
-- and time) dropped, the first kept: the order stays. Only lists holding another offset change,
-- with the triggers that would refuse or count the write off (0205's keeps a written list only
-- where each entry is one it holds; updated_at and the synced folders' change counts: nothing the
-- author did), and the table locked first, so no account writes an entry in its own zone between
-- the rewrite and the new trigger. An author's `posts addresses --forget` writes back entries as
-- stored (0205), so it matches rewritten lists and new entries alike.

lock table public.blogs in share row exclusive mode;

create or replace function public.keep_former_address() returns trigger
language plpgsql
set search_path = ''
set timezone = 'UTC'
as $$
declare
  kept jsonb := '[]'::jsonb;
  former jsonb;
begin
  if tg_op = 'UPDATE' then
    kept := old.former_addresses;
    -- Entries forgotten: the list less those the new value leaves out, if it names none the list lacks.
    if new.former_addresses is distinct from old.former_addresses
       and pg_catalog.jsonb_typeof(new.former_addresses) = 'array'
       and not exists (
         select from pg_catalog.jsonb_array_elements(new.former_addresses) given(entry)
         where not exists (
           select from pg_catalog.jsonb_array_elements(old.former_addresses) had(entry) where had.entry = given.entry))
    then
      kept := (
        select coalesce(pg_catalog.jsonb_agg(had.entry order by had.n), '[]'::jsonb)
        from pg_catalog.jsonb_array_elements(old.former_addresses) with ordinality had(entry, n)
        where exists (
          select from pg_catalog.jsonb_array_elements(new.former_addresses) given(entry) where given.entry = had.entry));
    end if;
    if old.status = 'published' and old.published_at is not null
       and (new.slug is distinct from old.slug or new.published_at is distinct from old.published_at) then
      former := pg_catalog.jsonb_build_object('slug', old.slug, 'published_at', old.published_at);  -- in UTC
      if not kept @> pg_catalog.jsonb_build_array(former) then
        kept := kept || pg_catalog.jsonb_build_array(former);
      end if;
      if pg_catalog.jsonb_array_length(kept) > 50 then
        kept := kept - 1;  -- the first kept, the oldest after it dropped
      end if;
    end if;
  end if;
  new.former_addresses := kept;
  return new;
end;
$$;

-- A stored time as the trigger now writes it; text that is no time (none written so) as it was.
create function pg_temp.in_utc(published text) returns text
language plpgsql stable
set timezone = 'UTC'
as $$
begin
  return pg_catalog.to_jsonb(published::timestamptz) #>> '{}';
exception when data_exception then
  return published;
end
$$;

alter table public.blogs disable trigger keep_former_address;
alter table public.blogs disable trigger update_blogs_updated_at;
alter table public.blogs disable trigger blogs_sync_wake_up;

-- The lists holding a time at another offset than UTC's (found by a jsonpath, no list taken apart),
-- and in them each such time.
with elsewhere as (
  select b.id, b.former_addresses from public.blogs b
  where b.former_addresses @? '$[*].published_at ? (@.type() == "string" && !(@ like_regex "(\\+00:00( BC)?|infinity)$"))'
), entries as (
  select w.id, e.n,
         case when pg_catalog.jsonb_typeof(e.entry -> 'published_at') = 'string'
                   and (e.entry ->> 'published_at') !~ '(\+00:00( BC)?|infinity)$'
           then e.entry || pg_catalog.jsonb_build_object('published_at', pg_temp.in_utc(e.entry ->> 'published_at'))
           else e.entry
         end as entry
  from elsewhere w,
       pg_catalog.jsonb_array_elements(
         case pg_catalog.jsonb_typeof(w.former_addresses) when 'array' then w.former_addresses else '[]'::jsonb end
       ) with ordinality e(entry, n)
), firsts as (
  select id, n, entry, pg_catalog.row_number() over (partition by id, entry order by n) as nth from entries
), repaired as (
  select id, pg_catalog.jsonb_agg(entry order by n) as former_addresses from firsts where nth = 1 group by id
)
update public.blogs b set former_addresses = r.former_addresses
from repaired r
where b.id = r.id and b.former_addresses is distinct from r.former_addresses;

alter table public.blogs enable trigger keep_former_address;
alter table public.blogs enable trigger update_blogs_updated_at;
alter table public.blogs enable trigger blogs_sync_wake_up;

drop function pg_temp.in_utc(text);
