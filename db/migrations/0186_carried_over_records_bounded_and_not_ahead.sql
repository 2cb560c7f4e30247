-- 0186: the records a restore carries over are bounded in length, and none is dated ahead.
--
-- Red team 48 (F1, High): `db restore` read each kind of record of the database it replaces for
-- every account at once, as one jsonb array, and PostgreSQL refuses one past 256 MB. One account
-- pushed it past that with its own SQL: platform_republishing's platform_url, canonical_url and
-- platform_post_id had no length limit, and with updated_at set to 9999-01-01 on INSERT its rows
-- (and, once it deleted them, 0183's records of them, which it cannot delete) counted as "since the
-- backup" at every restore. Every later restore then carried over nobody's mails or posts: every
-- account's newsletters mailed since the backup came back due, their copies were forgotten. The read
-- now streams the rows, only the columns it writes (repositories/outside_work.py); this migration is
-- the second layer, for the columns it carries:
--
-- 1. Lengths, as the commands already keep them (services/platform_api.py refuses a platform's post
--    id over 200 characters and its post URL over 2,048 before storing them): a remote id at most
--    200 characters, a post URL 2,048 (platform_site has been held to 2,048 since 0126, last_error
--    to 1,000), a canonical URL 8,192 (the post's address on its site: the site's `url` and
--    `permalink` settings have no limit of their own, and a slug is up to 200 characters), on the
--    copies and social posts and on 0183's records of deleted ones. Longer values cannot have come
--    from a platform (only an account's own SQL writes one): they are cut to the limit here, so the
--    constraints are checked whole (not NOT VALID, which would leave such rows and refuse every later
--    update of them) and the rows keep saying what they said (a copy with an id is still one).
-- 2. Times: a copy's or social post's created_at and updated_at, and a delivery's sent_at, are at
--    most the server's now() as they are written (a trigger; the commands never set them, and the
--    accounts keep the column grants their own SQL uses): a row dated ahead no longer counts as "since
--    the backup" at every restore. Updates already set updated_at to now() (update_updated_at_column).
--    0181's and 0183's triggers also keep at most now() in their records (a second layer), and the
--    rows and records already dated ahead are brought back to now (their deletion time, for records).
--
-- The cut and clamped rows' updated_at becomes now(): they changed now (their update trigger runs).

-- 1. Lengths.
update public.platform_republishing
set platform_post_id = left(platform_post_id, 200), platform_url = left(platform_url, 2048),
    canonical_url = left(canonical_url, 8192)
where length(platform_post_id) > 200 or length(platform_url) > 2048 or length(canonical_url) > 8192;
alter table public.platform_republishing
  add constraint platform_republishing_platform_post_id_length check (length(platform_post_id) <= 200),
  add constraint platform_republishing_platform_url_length check (length(platform_url) <= 2048),
  add constraint platform_republishing_canonical_url_length check (length(canonical_url) <= 8192);

update public.social_media_posts set platform_post_id = left(platform_post_id, 200)
where length(platform_post_id) > 200;
alter table public.social_media_posts
  add constraint social_media_posts_platform_post_id_length check (length(platform_post_id) <= 200);

update internal.deleted_crossposts
set platform_post_id = left(platform_post_id, 200), platform_url = left(platform_url, 2048),
    platform_site = left(platform_site, 2048), canonical_url = left(canonical_url, 8192),
    last_error = left(last_error, 1000)
where length(platform_post_id) > 200 or length(platform_url) > 2048 or length(platform_site) > 2048
   or length(canonical_url) > 8192 or length(last_error) > 1000;
alter table internal.deleted_crossposts
  add constraint deleted_crossposts_platform_post_id_length check (length(platform_post_id) <= 200),
  add constraint deleted_crossposts_platform_url_length check (length(platform_url) <= 2048),
  add constraint deleted_crossposts_platform_site_length check (length(platform_site) <= 2048),
  add constraint deleted_crossposts_canonical_url_length check (length(canonical_url) <= 8192),
  add constraint deleted_crossposts_last_error_length check (length(last_error) <= 1000);

update internal.deleted_social_posts set platform_post_id = left(platform_post_id, 200)
where length(platform_post_id) > 200;
alter table internal.deleted_social_posts
  add constraint deleted_social_posts_platform_post_id_length check (length(platform_post_id) <= 200);

-- 2. Times.
create function public.keep_times_not_ahead() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.created_at := least(new.created_at, pg_catalog.now());
  new.updated_at := least(new.updated_at, pg_catalog.now());
  return new;
end
$$;
comment on function public.keep_times_not_ahead() is
  'Keeps created_at and updated_at at most now() as a row is written: a restore takes a row dated since the backup as done since (0186).';
revoke all on function public.keep_times_not_ahead() from public;

create function public.keep_sent_at_not_ahead() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.sent_at := least(new.sent_at, pg_catalog.now());
  return new;
end
$$;
comment on function public.keep_sent_at_not_ahead() is
  'Keeps a delivery''s sent_at at most now(): a restore takes a delivery dated since the backup as mailed since (0186).';
revoke all on function public.keep_sent_at_not_ahead() from public;

create trigger keep_platform_republishing_times_not_ahead before insert or update on public.platform_republishing
  for each row execute function public.keep_times_not_ahead();
create trigger keep_social_media_posts_times_not_ahead before insert or update on public.social_media_posts
  for each row execute function public.keep_times_not_ahead();
create trigger keep_newsletter_deliveries_sent_at_not_ahead before insert or update on public.newsletter_deliveries
  for each row execute function public.keep_sent_at_not_ahead();

update public.platform_republishing set created_at = least(created_at, pg_catalog.now())
where created_at > pg_catalog.now() or updated_at > pg_catalog.now();
update public.social_media_posts set created_at = least(created_at, pg_catalog.now())
where created_at > pg_catalog.now() or updated_at > pg_catalog.now();
update public.newsletter_deliveries set sent_at = pg_catalog.now() where sent_at > pg_catalog.now();
update internal.deleted_newsletters set last_mailed_at = deleted_at where last_mailed_at > deleted_at;
update internal.deleted_crossposts set copy_updated_at = deleted_at where copy_updated_at > deleted_at;
update internal.deleted_social_posts set post_updated_at = deleted_at where post_updated_at > deleted_at;

-- 0181's and 0183's triggers, restated: their records' times at most now().
create or replace function internal.remember_deleted_newsletter() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- Nothing when the account itself is being deleted (its rows go with it), or nothing was mailed.
  -- An id its account used again (ids are insertable) adds the second newsletter's mails.
  insert into internal.deleted_newsletters as k (user_id, id, mailed, last_mailed_at)
  select old.user_id, old.id, pg_catalog.count(*)::integer, least(pg_catalog.max(d.sent_at), pg_catalog.now())
  from public.newsletter_deliveries d
  where d.newsletter_id = old.id and d.outcome = 'sent'
    and exists (select 1 from auth.users u where u.id = old.user_id)
  having pg_catalog.count(*) > 0
  on conflict (user_id, id) do update
  set mailed = k.mailed + excluded.mailed, last_mailed_at = greatest(k.last_mailed_at, excluded.last_mailed_at),
      deleted_at = excluded.deleted_at;
  return old;
end
$$;

create or replace function internal.remember_deleted_crosspost() returns trigger
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
         old.platform_site, old.canonical_url, old.publication_status, old.last_error,
         least(old.created_at, pg_catalog.now()), least(old.updated_at, pg_catalog.now())
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

create or replace function internal.remember_deleted_social_post() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- As above: only a posted one (what a restore carries over), not when its account is being deleted.
  insert into internal.deleted_social_posts as k (author_id, id, post_status, platform_post_id, post_updated_at)
  select old.author_id, old.id, old.post_status, old.platform_post_id, least(old.updated_at, pg_catalog.now())
  where old.post_status = 'published' and old.platform_post_id is not null
    and exists (select 1 from auth.users u where u.id = old.author_id)
  on conflict (author_id, id) do update
  set post_status = excluded.post_status, platform_post_id = excluded.platform_post_id,
      post_updated_at = excluded.post_updated_at, deleted_at = excluded.deleted_at;
  return old;
end
$$;
