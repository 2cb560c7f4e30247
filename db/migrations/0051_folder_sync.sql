-- 0051: two-way sync between a markdown folder and an account's posts (`blogster sync`).
--
-- sync_folders: one row per folder an account linked (its absolute path on the writer's
-- machine, the dialect new files are written in, whether the writer named it with --format
-- (then files are read in it too, on every run), the last run).
-- sync_files: what the last sync saw per file: the SHA-256 of its bytes and the post's
-- version (a hash of updated_at and its tags) at that moment. A side whose current value
-- differs from the row changed since; both changed is a conflict, remembered in the
-- conflict_* columns until the writer resolves it. file_size and file_mtime_ns are the file's
-- size and modification time when hashed: a file with both unchanged is not read again (as
-- git's index does), which keeps a run over 10,000 unchanged files under a second or two. The state lives here, never in the folder,
-- so a run that finds nothing changed writes nothing there.
-- Owner-only under RLS; deletes go through public.delete_rows (user roles hold no DELETE).
-- blogs_sync_wake_up: a post change NOTIFYs each linked folder of its author on a channel
-- named after the folder's id (readable by its owner only) with an empty payload, so
-- `sync --watch` wakes within a second and nobody else learns anything from a payload.

create table public.sync_folders (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  folder text not null,
  dialect text not null,
  format_given boolean not null default false,
  created_at timestamptz not null default now(),
  last_run_at timestamptz,
  last_summary jsonb,
  constraint sync_folders_folder_format check (length(folder) between 1 and 4096 and folder like '/%'),
  constraint sync_folders_dialect check (dialect in ('hugo', 'jekyll', 'zola', 'astro', 'markdown'))
);
create unique index sync_folders_owner_folder_key on public.sync_folders (owner_id, folder);

create table public.sync_files (
  id uuid primary key default gen_random_uuid(),
  folder_id uuid not null references public.sync_folders (id) on delete cascade,
  owner_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  path text not null,
  blog_id uuid references public.blogs (id) on delete set null,
  file_sha256 text not null,
  post_version text not null,
  conflict_file_sha256 text,
  conflict_post_version text,
  file_size bigint,
  file_mtime_ns bigint,
  synced_at timestamptz not null default now(),
  constraint sync_files_path_format check (length(path) between 1 and 4096 and path not like '/%'),
  constraint sync_files_hash_format check (file_sha256 ~ '^[0-9a-f]{64}$')
);
create unique index sync_files_folder_path_key on public.sync_files (folder_id, path);
create index sync_files_blog_idx on public.sync_files (blog_id);
create index sync_files_owner_idx on public.sync_files (owner_id);

comment on table public.sync_folders is 'Markdown folders linked to an account by `blogster sync` (one per site).';
comment on table public.sync_files is 'Per file of a linked folder: its hash and its post''s version at the last sync (conflict_* while both sides changed).';

alter table public.sync_folders enable row level security;
alter table public.sync_folders force row level security;
alter table public.sync_files enable row level security;
alter table public.sync_files force row level security;

revoke all on public.sync_folders, public.sync_files from public, anon, authenticated;
grant select, insert on public.sync_folders, public.sync_files to authenticated;
grant update (dialect, last_run_at, last_summary) on public.sync_folders to authenticated;
grant update (path, blog_id, file_sha256, post_version, conflict_file_sha256, conflict_post_version, file_size,
  file_mtime_ns, synced_at)
  on public.sync_files to authenticated;

create policy "Users can view their own synced folders" on public.sync_folders
  for select to authenticated using (owner_id = (select auth.uid()));
create policy "Users can link their own folders" on public.sync_folders
  for insert to authenticated with check (owner_id = (select auth.uid()));
create policy "Users can update their own synced folders" on public.sync_folders
  for update to authenticated using (owner_id = (select auth.uid())) with check (owner_id = (select auth.uid()));
create policy "Users can unlink their own folders" on public.sync_folders
  for delete to authenticated using (owner_id = (select auth.uid()));

-- A file row belongs to one of my folders and, when it names a post, to one of my own posts
-- (checked before the foreign key, so another account's post ids cannot even be probed).
create policy "Users can view their own sync state" on public.sync_files
  for select to authenticated using (owner_id = (select auth.uid()));
create policy "Users can record their own sync state" on public.sync_files
  for insert to authenticated with check (
    owner_id = (select auth.uid())
    and exists (select 1 from public.sync_folders f where f.id = folder_id and f.owner_id = (select auth.uid()))
    and (blog_id is null
         or exists (select 1 from public.blogs b where b.id = blog_id and b.author_id = (select auth.uid()))));
create policy "Users can update their own sync state" on public.sync_files
  for update to authenticated using (owner_id = (select auth.uid())) with check (
    owner_id = (select auth.uid())
    and (blog_id is null
         or exists (select 1 from public.blogs b where b.id = blog_id and b.author_id = (select auth.uid()))));
create policy "Users can forget their own sync state" on public.sync_files
  for delete to authenticated using (owner_id = (select auth.uid()));

-- Wakes `sync --watch` of the author's linked folders when a post or its tags change.
create function internal.sync_wake_up() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  author uuid;
  linked uuid;
begin
  if tg_table_name = 'blogs' then
    author := coalesce(new.author_id, old.author_id);
  else
    select b.author_id into author from public.blogs b where b.id = coalesce(new.blog_id, old.blog_id);
  end if;
  for linked in select f.id from public.sync_folders f where f.owner_id = author loop
    perform pg_catalog.pg_notify('blogster_sync_' || pg_catalog.replace(linked::text, '-', ''), '');
  end loop;
  return null;
end
$$;
comment on function internal.sync_wake_up() is
  'NOTIFY blogster_sync_<folder id> (empty payload) for each folder linked by the author of a changed post.';
create trigger blogs_sync_wake_up after insert or update or delete on public.blogs
  for each row execute function internal.sync_wake_up();
create trigger blogs_to_tags_sync_wake_up after insert or delete on public.blogs_to_tags
  for each row execute function internal.sync_wake_up();
-- The definer reads the folders (the trigger) and deletes what delete_rows allows.
grant select, delete on public.sync_folders, public.sync_files to blogster_definer;
