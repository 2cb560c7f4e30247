-- 0131: a social post that could not go out says why.
--
-- `social post-due`, `workers post-social`, `calendar run-due` and the workers' minute job marked
-- a refused post `failed` (or left one without a token on that machine scheduled) and printed the
-- reason once: on the cron command's stderr, or only in the workers' log. The reason is now kept
-- beside post_status, in the same transaction that records the outcome (under the post's row
-- lock), and cleared when the post goes out.
--
-- The commands write it as the post's owner (every run posts as the account, RLS applying), so the
-- owner may update it, as post_status and platform_post_id (0010's column grants, as 0126 did for
-- platform_site): the row is the owner's alone and nobody else reads it, so a reason the owner
-- writes misleads only the owner (newsletters keep their send_error in the owner's own content
-- likewise). What is written is the one-line message the command prints, the token masked in
-- every form, at most 500 characters (the check below).

alter table public.social_media_posts add column error text;
alter table public.social_media_posts add constraint social_media_posts_error_length
  check (char_length(error) between 1 and 500);
grant update (error) on public.social_media_posts to authenticated;
comment on column public.social_media_posts.error is
  'Why the last attempt to post it failed, or why it waits (no token for its profile where it was tried); NULL once posted.';
