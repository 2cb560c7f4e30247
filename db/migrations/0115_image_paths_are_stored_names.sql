-- 0115: an image row names a stored file, never a path.
--
-- image_assets.path is the name of the picture's file in the media folder, and every writer
-- of Blogster stores `<sha256 hex>.<ext>` there (`images add`, `generate image`, imported
-- pictures: media_files.store_media). Nothing in the schema said so, and every account writes
-- the column of its own rows: a row on one's own published post with path `../credentials.json`
-- or `/etc/passwd` (and the URL of another account's picture) was read by that account's
-- `site build`, which copied the file into its public site, and `images rm` unlinked it. The
-- code now reads and unlinks only stored names (media_files.is_stored_name) and a build uses
-- only the account's own rows; this CHECK makes such a row impossible to write at all
-- (23514), with the same pattern as the code and as a backup's `media/` members.
--
-- The constraint is added NOT VALID, so new writes obey it from here; the rows that break it
-- keep their description (url, alt text, caption) but lose the path (NULL, as an image with no
-- stored file): no Blogster version wrote one, so such a path was written by hand or forged,
-- and its file was never Blogster's to serve or delete. Then it is validated. No other column
-- names a file in the media folder: `url` and `blogs.featured_image` are links, served only
-- through a row's path.

alter table public.image_assets
  add constraint image_assets_path_is_stored_name check (path ~ '^[0-9a-f]{64}\.[a-z0-9]{1,5}$') not valid;

update public.image_assets set path = null
where path is not null and path !~ '^[0-9a-f]{64}\.[a-z0-9]{1,5}$';

alter table public.image_assets validate constraint image_assets_path_is_stored_name;
