-- 0183: a cross-post copy or a social post deleted after it was made on its platform is remembered
-- (its remote id, not its text), so a restore of an earlier backup brings the backup's post back
-- knowing it: the next crosspost updates the copy instead of making a second one, and the backup's
-- scheduled social post is not posted again.
--
-- Red team 47's F2, for copies and social posts (0181 did it for newsletters): `db restore` carries
-- over, from the database it replaces, the copies' remote ids and the social posts posted since the
-- backup (services/backup.py, repositories/outside_work.py). `posts purge` deletes a post with its
-- copies and social posts (ON DELETE CASCADE), and `social rm` deletes a social post, so a post
-- cross-posted or social-posted after the backup and then deleted left nothing to carry over: the
-- backup's post came back without its copy, and the next `crosspost POST --to devto` made a second
-- article on dev.to; the backup's social post, scheduled, was posted a second time.
--
-- Now definer triggers, as a copy with a remote id or a posted social post is deleted (by itself or
-- with its post or profile), keep what a restore needs to not do it again: the copy's post, author,
-- platform, remote id, URLs, site and status; the social post's id, author, status and remote id.
-- A restore carries them onto the restored rows of the same account (outside_work.WRITE_CROSSPOSTS,
-- WRITE_SOCIAL_POSTS) and into its own copy of these tables, for a later restore. No account reads
-- or writes the tables; an account's deletion removes its rows (and the cascade then records nothing:
-- the trigger checks auth.users still has the account, else the insert would fail on its key).

create table internal.deleted_crossposts (
  author_id uuid not null references auth.users (id) on delete cascade,
  blog_id uuid not null,
  platform public.republishing_platform not null,
  id uuid not null,
  platform_post_id text not null,
  platform_url text,
  platform_site text,
  canonical_url text,
  publication_status public.republishing_status not null,
  last_error text,
  created_at timestamptz not null,
  copy_updated_at timestamptz not null,  -- the copy's updated_at (named apart: no trigger maintains it here)
  deleted_at timestamptz not null default pg_catalog.now(),
  primary key (author_id, blog_id, platform)
);
comment on table internal.deleted_crossposts is
  'Each cross-post copy deleted after it was made on its platform (its remote id, URLs, site, status; columns named as in public.platform_republishing, its updated_at as copy_updated_at), so a restore of an earlier backup gives the backup''s post its copy back (0183).';

create table internal.deleted_social_posts (
  author_id uuid not null references auth.users (id) on delete cascade,
  id uuid not null,
  post_status public.social_post_status not null,
  platform_post_id text not null,
  post_updated_at timestamptz not null,  -- the post's updated_at, as it was posted (named apart, as above)
  deleted_at timestamptz not null default pg_catalog.now(),
  primary key (author_id, id)
);
comment on table internal.deleted_social_posts is
  'Each social post deleted after it was posted (its remote id, not its text; columns named as in public.social_media_posts, its updated_at as post_updated_at), so a restore of an earlier backup does not post the backup''s copy again (0183).';

alter table internal.deleted_crossposts enable row level security;
alter table internal.deleted_crossposts force row level security;
alter table internal.deleted_social_posts enable row level security;
alter table internal.deleted_social_posts force row level security;
revoke all on internal.deleted_crossposts, internal.deleted_social_posts
  from public, anon, authenticated, blogster_admin, service_role;
grant select, insert, update on internal.deleted_crossposts, internal.deleted_social_posts
  to blogster_definer;  -- update: their ON CONFLICT

create function internal.remember_deleted_crosspost() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- Nothing when the account itself is being deleted (its rows go with it), or nothing was made
  -- remotely. The copy of a post whose id its account used again replaces the first one's record.
  insert into internal.deleted_crossposts as k
    (author_id, blog_id, platform, id, platform_post_id, platform_url, platform_site, canonical_url,
     publication_status, last_error, created_at, copy_updated_at)
  select old.author_id, old.blog_id, old.platform, old.id, old.platform_post_id, old.platform_url,
         old.platform_site, old.canonical_url, old.publication_status, old.last_error, old.created_at,
         old.updated_at
  where old.platform_post_id is not null
    and exists (select 1 from auth.users u where u.id = old.author_id)
  on conflict (author_id, blog_id, platform) do update
  set id = excluded.id, platform_post_id = excluded.platform_post_id, platform_url = excluded.platform_url,
      platform_site = excluded.platform_site, canonical_url = excluded.canonical_url,
      publication_status = excluded.publication_status, last_error = excluded.last_error,
      created_at = excluded.created_at, copy_updated_at = excluded.copy_updated_at, deleted_at = excluded.deleted_at;
  return old;
end
$$;
comment on function internal.remember_deleted_crosspost() is
  'Keeps the remote id, URLs, site and status of a cross-post copy being deleted, for a restore of an earlier backup (0183).';
revoke all on function internal.remember_deleted_crosspost() from public;
alter function internal.remember_deleted_crosspost() owner to blogster_definer;

create function internal.remember_deleted_social_post() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- As above: only a posted one (what a restore carries over), not when its account is being deleted.
  insert into internal.deleted_social_posts as k (author_id, id, post_status, platform_post_id, post_updated_at)
  select old.author_id, old.id, old.post_status, old.platform_post_id, old.updated_at
  where old.post_status = 'published' and old.platform_post_id is not null
    and exists (select 1 from auth.users u where u.id = old.author_id)
  on conflict (author_id, id) do update
  set post_status = excluded.post_status, platform_post_id = excluded.platform_post_id,
      post_updated_at = excluded.post_updated_at, deleted_at = excluded.deleted_at;
  return old;
end
$$;
comment on function internal.remember_deleted_social_post() is
  'Keeps the remote id of a posted social post being deleted, for a restore of an earlier backup (0183).';
revoke all on function internal.remember_deleted_social_post() from public;
alter function internal.remember_deleted_social_post() owner to blogster_definer;

-- Row triggers: they fire for the rows a post's (or a profile's) deletion cascades to as well.
create trigger remember_deleted_crosspost before delete on public.platform_republishing
  for each row execute function internal.remember_deleted_crosspost();
create trigger remember_deleted_social_post before delete on public.social_media_posts
  for each row execute function internal.remember_deleted_social_post();
