-- 0152: a post's revisions follow its body: an update that leaves content->'markdown' as it was
-- appends no revision.
--
-- Revisions are a post's body history (README: "each save that changes the body is a revision";
-- `revisions list` counts a revision's words, `revisions diff` compares bodies). 0003's trigger
-- appended one on any change of the content document, which also holds the front matter as its
-- file wrote it and where the post was imported from (`content.source`). So re-reading the same
-- text from another file added a revision that `revisions diff` showed as "(no differences)":
-- importing a Blogster export folder (README's way to move to another generator: 1269 posts, 1269
-- such revisions), the first `sync` of a folder holding files already imported from another copy
-- of the site (a longer source path, the site's permalink), a file's front matter rewritten in
-- another dialect. The content is still stored as it changes; only the history skips those.
--
-- The function is 0003's but for the comparison. A revision still keeps the whole document as it
-- was when the body changed (and `revisions restore` brings that document back).

create or replace function public.create_blog_revision() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  next_number integer;
begin
  if tg_op = 'INSERT' then
    next_number := 1;
  elsif new.content -> 'markdown' is not distinct from old.content -> 'markdown' then
    return null;
  else
    select coalesce(pg_catalog.max(r.revision_number), 0) + 1 into next_number
    from public.blog_revisions r where r.blog_id = new.id;
  end if;
  insert into public.blog_revisions (blog_id, content, revision_number, created_by)
  values (new.id, new.content, next_number, auth.uid());
  return null;
end
$$;
comment on function public.create_blog_revision() is 'Appends the next blog revision on creation and on every change of the body (content->''markdown''); 0152.';
