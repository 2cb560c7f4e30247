-- 0126: a cross-posted copy records the site it was made on.
--
-- A copy's remote id means something on one site only: WordPress numbers each site's posts
-- from 1, and any Forem community may stand in for dev.to. Copies recorded only their id, so
-- after `wordpress_url` (or `devto_url`, `hashnode_url`) named another site, the next run sent
-- the update for the old site's id to the new one, and overwrote whatever post has that id
-- there (a page of the site's owner, another author's article; red team 27, High); and a new
-- copy whose id equalled an old site's copy was refused as that copy's (a duplicate on the
-- next run).
--
-- platform_site holds the site (the API base URL, as configured) the copy's id belongs to,
-- written with the id. A copy made on another site is not updated: it is looked for on the
-- new site and made there if missing, and ids are compared within one site only. Rows from
-- before this migration have none: they count as made on the configured site, as they did.

alter table public.platform_republishing
  add column platform_site text,
  add constraint platform_republishing_platform_site_length check (length(platform_site) <= 2048);
grant update (platform_site) on public.platform_republishing to authenticated;
comment on column public.platform_republishing.platform_site is
  'The site (API base URL) platform_post_id belongs to; NULL: made before 0126, on the configured site (0126).';
