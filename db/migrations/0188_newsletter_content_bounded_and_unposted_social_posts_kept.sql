-- 0188: a newsletter's content is bounded, as a post's is; a social post deleted before it was posted
-- is remembered too, so that a restore of an earlier backup does not post it.
--
-- 1. email_newsletters.content (its posts' HTML and text, the audience a send fixed, its secret) had
--    no bound, unlike the columns 0186 bounded that a restore carries over with it: an account's own
--    SQL could store up to jsonb's 255 MB there, read whole by each send, preview and restore of it.
--    Now it holds at most 64 MiB, measured as blogs_content_size (0003) measures a post's 4 MiB: the
--    HTML and text of about eight posts at that limit (a post's HTML and text take about twice its
--    stored size), and a mail of it is past what mail servers take in one message anyway (most take
--    10 to 50 MB).
--    `newsletter create` past it is refused in one line (db/errors.py). A newsletter already past it
--    is cut (internal.newsletter_content_cut): its posts' HTML and text are taken out, the rest kept
--    (its audience, its secret) and send_error says why (`newsletter list`); with nothing to mail, a
--    send of it is refused and a due one marked failed (services/newsletters.py). A restore cuts the
--    same way one it carries over from an older database (repositories/outside_work.py), so that its
--    mails since the backup still come over. The cut rows' updated_at becomes now() (their trigger).
-- 2. 0183 (restated by 0186) remembered only a posted social post: one scheduled in a backup and
--    deleted unposted since came back scheduled from a restore of that backup, and was posted. Now a
--    deleted social post is remembered whether posted or not (its id, status and times; its remote id
--    only when it was posted, so a record with one is a posted one), and a restore makes the backup's
--    copy, if still scheduled, a draft (outside_work.WRITE_UNPOSTED_SOCIAL_POSTS). An unposted record
--    never replaces a posted one of the same id (an account may insert ids: 0145).

-- 1. The newsletter's content.
create function internal.newsletter_content_cut(content jsonb) returns jsonb
language sql stable
set search_path = ''
as $$
  select case
    when content is null or pg_catalog.octet_length(content::text) <= 67108864 then content
    else case
        when pg_catalog.jsonb_typeof(content) = 'object'
         and pg_catalog.octet_length((content - 'html' - 'text')::text) <= 67108864 - 1024
          then content - 'html' - 'text'
        else '{}'::jsonb
      end || pg_catalog.jsonb_build_object('send_error', pg_catalog.jsonb_build_object(
        'error', 'its posts'' HTML and text were past 64 MiB, the most a newsletter holds, and were taken out:'
                 ' it has nothing to mail; make it again from fewer posts (`blogster newsletter create`)',
        'at', pg_catalog.now()))
  end
$$;
comment on function internal.newsletter_content_cut(jsonb) is
  'A newsletter''s content within email_newsletters_content_size: past it, without its posts'' HTML and text, saying so under send_error (0188).';
revoke all on function internal.newsletter_content_cut(jsonb) from public;

update public.email_newsletters set content = internal.newsletter_content_cut(content)
where pg_catalog.octet_length(content::text) > 67108864;
alter table public.email_newsletters
  add constraint email_newsletters_content_size check (pg_catalog.octet_length(content::text) <= 67108864);

-- 2. Every deleted social post remembered: 0186's function, restated.
alter table internal.deleted_social_posts alter column platform_post_id drop not null;
comment on table internal.deleted_social_posts is
  'Each social post deleted (its remote id when it was posted, not its text; columns named as in public.social_media_posts, its updated_at as post_updated_at), so a restore of an earlier backup neither posts the backup''s copy again nor posts one deleted unposted (0183, 0188).';

create or replace function internal.remember_deleted_social_post() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- Posted or not (a restore unschedules one deleted unposted), not when its account is being deleted.
  insert into internal.deleted_social_posts as k (author_id, id, post_status, platform_post_id, post_updated_at)
  select old.author_id, old.id, old.post_status,
         case when old.post_status = 'published' then old.platform_post_id end, least(old.updated_at, pg_catalog.now())
  where exists (select 1 from auth.users u where u.id = old.author_id)
  on conflict (author_id, id) do update
  set post_status = excluded.post_status, platform_post_id = excluded.platform_post_id,
      post_updated_at = excluded.post_updated_at, deleted_at = excluded.deleted_at
  where k.platform_post_id is null or excluded.platform_post_id is not null;
  return old;
end
$$;
comment on function internal.remember_deleted_social_post() is
  'Keeps a social post being deleted (its remote id when it was posted), for a restore of an earlier backup (0183, 0188).';
