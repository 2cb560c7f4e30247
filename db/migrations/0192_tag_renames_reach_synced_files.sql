-- 0192: an administrator's rename of a tag reaches the accounts' synced files.
--
-- A rename (`update blog_tags set name`, the "Admins can rename blog tags" policy) changes no post
-- row: rename_tag_links (0094) rewrites the links' tag_name. Sync missed it twice over: the links'
-- sync_wake_up trigger (0051) fires on INSERT and DELETE only, so no synced file's post_changed
-- moved (0081) and `sync --watch` was not woken; and a post's version hashed its updated_at and its
-- tags' ids, not their names, so even a full read saw "nothing to do". The files kept the old name
-- for good, and the next edit of one of them put the old name back on its post.
--
-- Now the links' trigger also fires on a change of tag_name (only rename_tag_links makes one:
-- accounts hold no UPDATE on links), and the version sync computes (blogster_cli/repositories/sync.py
-- `_VERSION`) hashes each tag's id with the name its link carries. A post's updated_at is left as it
-- was: the post did not change, only the name of a tag shared by every account.
--
-- The versions recorded before this migration are turned into the new ones where they are still the
-- post's (its updated_at and tags as recorded), in the conflict column too: a post read again after
-- the upgrade (a folder moved, a change counted and undone) is not taken for changed, which with an
-- edited file would be a conflict. One that no longer matches (the post changed since) stays, as
-- unequal to the new version as it was to the old. Both are computed as the sync's session computes
-- them (updated_at as text in the session's time zone, the server's unless the client sets PGTZ).

create trigger blogs_to_tags_sync_wake_up_on_rename after update of tag_name on public.blogs_to_tags
  for each row when (old.tag_name is distinct from new.tag_name)
  execute function internal.sync_wake_up();
comment on trigger blogs_to_tags_sync_wake_up_on_rename on public.blogs_to_tags is
  'An administrator''s rename of a tag (rename_tag_links) wakes its posts'' synced folders and counts the change on their files (0192).';

with versions as (
  select
    b.id,
    pg_catalog.md5(b.updated_at::text || '|' || coalesce((
      select pg_catalog.string_agg(bt.tag_id::text, ',' order by bt.tag_id)
      from public.blogs_to_tags bt where bt.blog_id = b.id and bt.author_id = b.author_id), '')) as before,
    pg_catalog.md5(b.updated_at::text || '|' || coalesce((
      select pg_catalog.string_agg(bt.tag_id::text || ':' || bt.tag_name, E'\n' order by bt.tag_id)
      from public.blogs_to_tags bt where bt.blog_id = b.id and bt.author_id = b.author_id), '')) as after
  from public.blogs b
  where b.id in (select f.blog_id from public.sync_files f where f.blog_id is not null)
)
update public.sync_files f set
  post_version = case when f.post_version = v.before then v.after else f.post_version end,
  conflict_post_version = case when f.conflict_post_version = v.before then v.after else f.conflict_post_version end
from versions v
where v.id = f.blog_id and (f.post_version = v.before or f.conflict_post_version = v.before);
