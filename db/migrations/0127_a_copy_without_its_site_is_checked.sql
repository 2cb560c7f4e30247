-- 0127: a copy recorded before 0126 (no platform_site) is not taken to be on the configured site.
--
-- 0126 let such a copy count as made on the site configured at the time of the run. After
-- `wordpress_url` (or `devto_url`, `hashnode_url`) named another site, its id was still sent to
-- the new site as an update, and overwrote whatever post has that id there (red team 28, F1); its
-- id also counted as taken there, so another post's copy given that id by the new site was refused.
--
-- Now such a copy's id is sent back only once the post with that id on the configured site is
-- found to be our copy of the post (its link to the original, as the lookup by canonical URL
-- tests); else the copy is looked up and made there as for a copy of another site. Its id holds
-- no id on any site until then. Only the column's description changes here.

comment on column public.platform_republishing.platform_site is
  'The site (API base URL) platform_post_id belongs to; NULL: made before 0126 on a site not recorded, so the id is checked on the configured site before it is used (0127).';
