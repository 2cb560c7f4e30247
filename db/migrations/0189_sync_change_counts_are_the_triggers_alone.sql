-- 0189: an account no longer sets the change count of its own synced files.
--
-- post_changed (0081) is counted by internal.sync_wake_up alone (`post_changed + 1` on every synced
-- file of a changed post) and accounts never held UPDATE on it; but 0051's table-wide INSERT on
-- sync_files let an account's own SQL insert a row with post_changed at bigint's maximum (red team
-- 56). The next count then failed with "bigint out of range", and with it the statement that fired
-- the trigger, whoever ran it: an administrator's rename or delete of any shared tag the account
-- had put on that post (0192's trigger, rename_tag_links), and 0191's rename of the posts slugged
-- `.` or `..`, which stopped every upgrade of the database from 0190. This file
-- is numbered below 0191 so that a database at 0190 applies it first.
--
-- Accounts now insert every column but post_changed (sync never wrote it: a row starts at 0). The
-- rows already past what counting could ever reach (2^53: a million changes a second for 285
-- years) or below 0 start again at 0, unread (post_seen -1: the next sync reads the post's version
-- once; the count is only a hint, 0081). The table is locked first (ARCHITECTURE.md: a migration
-- that cuts rows to a new bound): an account's open transaction could otherwise insert such a row
-- between the fix and the revoke's commit.
--
-- No CHECK and no wrap in the trigger: once only the trigger writes the count, from 0, one change
-- at a time, the bound is out of reach; a CHECK at it would fail the same statements with another
-- error, and wrapping the count could make it equal to a post_seen and hide a real change.

lock table public.sync_files in share row exclusive mode;

revoke insert on public.sync_files from authenticated;
grant insert (id, folder_id, owner_id, path, blog_id, file_sha256, post_version, conflict_file_sha256,
  conflict_post_version, file_size, file_mtime_ns, synced_at, post_seen)
  on public.sync_files to authenticated;

update public.sync_files set post_changed = 0, post_seen = -1
where post_changed < 0 or post_changed > 9007199254740992;

comment on column public.sync_files.post_changed is
  'Incremented by internal.sync_wake_up whenever the post or its tags change (0081); written by nobody else (0189).';
