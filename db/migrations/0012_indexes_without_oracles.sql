-- Indexes another account cannot probe for the contents of rows it may not see.
--
-- EXPLAIN ANALYZE shows how many rows an index scan returned and how many the policy
-- then removed ("Rows Removed by Filter"). Leakproof conditions (=, <, > on text and
-- uuid) go into the index condition before the policy runs, so an index over a hidden
-- column let any account count hidden rows in any range of it and binary-search their
-- values: another author's draft slugs through (author_id, slug) (PostgreSQL 18's skip
-- scan does not even need the author), every image's stored path, every activity type.
--
-- The unique slug rule and the stored-file lookup now use an index on an expression
-- (a function in `internal`, where accounts have no USAGE): no account's query can name
-- it, so no account's condition can reach those index entries (writing a row only needs
-- EXECUTE, granted below). The owner's own lookups by slug walk
-- the (author_id, ...) indexes, a few hundred rows at most.
-- activities_type_idx is dropped: no query filters activities by type across accounts.
--
-- What remains (db/README.md, README "Security model"): through the indexes that lead
-- with an owner column, another account can still count a user's hidden rows and see
-- their times (updated_at, created_at); through the primary keys, whether a given id
-- exists; through global indexes (status, scheduled and trashed dates), global totals.

create or replace function internal.blog_slug_key(author_id uuid, slug text) returns text
language sql immutable parallel safe
set search_path = ''
as $$ select author_id::text || '/' || slug $$;
comment on function internal.blog_slug_key(uuid, text) is
  'Key of the unique slug index: an expression accounts cannot name (no USAGE on internal), so their conditions never reach its entries. Not inlinable (pinned search_path) on purpose.';

create or replace function internal.image_path_key(path text) returns text
language sql immutable parallel safe
set search_path = ''
as $$ select path $$;
comment on function internal.image_path_key(text) is
  'Key of the stored-file index, reachable only by public.image_file_in_use(); see internal.blog_slug_key.';

revoke all on function internal.blog_slug_key(uuid, text), internal.image_path_key(text) from public;
-- Writing a row (and CREATE INDEX, as the table owner) evaluates the index expression, which
-- checks EXECUTE; naming the function
-- in a query needs USAGE on `internal` as well, which accounts never get.
grant execute on function internal.blog_slug_key(uuid, text), internal.image_path_key(text)
  to authenticated, service_role, blogster_definer, blogster_owner;

drop index public.blogs_author_slug_key;
create unique index blogs_author_slug_key on public.blogs (internal.blog_slug_key(author_id, slug));

drop index public.image_assets_path_idx;
create index image_assets_path_idx on public.image_assets (internal.image_path_key(path));

drop index public.activities_type_idx;

grant usage on schema internal to blogster_definer;
create or replace function public.image_file_in_use(path text) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (select 1 from public.image_assets i
                 where internal.image_path_key(i.path) operator(pg_catalog.=) internal.image_path_key(image_file_in_use.path))
$$;
