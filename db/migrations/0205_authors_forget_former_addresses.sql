-- 0205: a post's author can forget its former addresses (red team 66 F2).
--
-- 0203 kept every slug a published post had, for good: an author who renamed `layoffs-at-acme`
-- because the slug said too much still had it published as a redirect page and as the post's id
-- in the feeds, and readable by anyone who can read the post (anon too). The author may now
-- remove entries (`posts addresses POST --forget SLUG`), and only remove them: accounts get UPDATE
-- on the column, and the trigger keeps a value written there only when each of its entries is one
-- the list holds (entries removed, none added or changed; the order and each entry's fields are
-- the list's). Any other value keeps the list as it was, as every write to the column did before.
-- Which rows an account updates is blogs' UPDATE policy's: its author's only (an assignee or
-- reviewer reads the post, and writes no column of it but through review_act, which writes its
-- status and time).

create or replace function public.keep_former_address() returns trigger
language plpgsql
set search_path = ''
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
      former := pg_catalog.jsonb_build_object('slug', old.slug, 'published_at', old.published_at);
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

grant update (former_addresses) on public.blogs to authenticated;
