-- 0203: a published post whose slug or date changes keeps its former address, which the site
-- redirects to its page.
--
-- A post's address on the site is its slug (and date) in the site's permalink pattern: renaming a
-- published post (`posts edit`, `posts update --slug`, the TUI, sync, the account's own SQL) moved
-- its page, and the next `site build` removed the old one, so links, search results and feed
-- readers that had it found nothing. Every such change now records the slug and publication time
-- the post had, oldest first, in `former_addresses` (a JSON array of {"slug", "published_at"}),
-- which the build makes into redirect pages (`publish.pages.SitePlan`) and whose first entry names
-- the post in the feeds (the guid it was announced under). A trigger is the one place every path
-- that changes a slug goes through; the column is its alone: accounts have no grant on it (blogs'
-- grants name their columns), and what any other writer puts there is replaced by what the trigger
-- works out (a new post has none). It holds at most 50 entries: the first (the feeds' guid) and the
-- latest 49. The row is its author's, under the policies it has: a draft's is its author's to
-- read, a published post's anyone's, as its addresses were.

alter table public.blogs add column former_addresses jsonb not null default '[]'::jsonb;

create function public.keep_former_address() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  kept jsonb := '[]'::jsonb;
  former jsonb;
begin
  if tg_op = 'UPDATE' then
    kept := old.former_addresses;
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

create trigger keep_former_address before insert or update on public.blogs
  for each row execute function public.keep_former_address();
