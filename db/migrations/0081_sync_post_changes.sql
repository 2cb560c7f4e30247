-- 0081: a sync reads only the posts that changed since it last looked, not all of them.
--
-- Computing every post's version (a hash of updated_at and its tag ids, 0051) on every run
-- was most of the database's share of a 10,000-post sync. Now each sync_files row carries
-- two counters: post_changed, which the blogs / blogs_to_tags trigger increments whenever
-- the row's post (or its tags) changes, and post_seen, the value post_changed had when the
-- sync recorded the post's version in that row (read in the same statement as the version).
-- A row whose counters differ is the only one whose post a run reads; for the others the
-- recorded version is still the post's. The counter is only a hint that narrows the set:
-- which side changed is still decided by comparing versions, so a spurious increment costs
-- a lookup and nothing else. A row inserted by a run starts with post_seen = -1 (checked
-- next run), because a writer's trigger that ran before the row existed cannot have counted.
-- Rows from before this migration start unequal too: their first run reads all versions.

alter table public.sync_files
  add column post_changed bigint not null default 0,
  add column post_seen bigint not null default -1;

-- No index on the counters: a run finds the changed rows among a folder's few thousand in a
-- few milliseconds, and an indexed counter would make every count and every record of it a
-- non-HOT update.

grant update (post_seen) on public.sync_files to authenticated;
grant update (post_changed) on public.sync_files to blogster_definer;

comment on column public.sync_files.post_changed is
  'Incremented by internal.sync_wake_up whenever the post or its tags change (0081).';
comment on column public.sync_files.post_seen is
  'post_changed when the sync last read the post''s version into this row; -1: not read yet (0081).';

-- As 0051's, and it counts the change on every synced file of the post.
create or replace function internal.sync_wake_up() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  author uuid;
  post uuid;
  linked uuid;
  any_linked boolean := false;
begin
  if tg_table_name = 'blogs' then
    author := coalesce(new.author_id, old.author_id);
    post := coalesce(new.id, old.id);
  else
    post := coalesce(new.blog_id, old.blog_id);
    select b.author_id into author from public.blogs b where b.id = post;
  end if;
  for linked in select f.id from public.sync_folders f where f.owner_id = author loop
    any_linked := true;
    perform pg_catalog.pg_notify('blogster_sync_' || pg_catalog.replace(linked::text, '-', ''), '');
  end loop;
  if any_linked and (tg_op <> 'INSERT' or tg_table_name <> 'blogs') then
    update public.sync_files f set post_changed = f.post_changed operator(pg_catalog.+) 1
    where f.blog_id operator(pg_catalog.=) post;
  end if;
  return null;
end
$$;
comment on function internal.sync_wake_up() is
  'NOTIFY blogster_sync_<folder id> (empty payload) for each folder linked by the author of a changed post, and count the change on the post''s synced files (sync_files.post_changed).';
