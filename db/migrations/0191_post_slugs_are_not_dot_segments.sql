-- 0191: a post's slug is never `.` or `..`.
--
-- A slug is one path component of every file the site build, `blogster export` and `sync` write
-- for a post, and one segment of its address. The commands refuse `.` and `..` (content/slugs.py
-- `is_usable`), but blogs_slug_format (0003) let an account's own SQL store them on its posts:
-- a published post with slug `.` was built at `posts/./index.html`, over the posts list page.
-- blogs_slug_format now refuses them too, so one rule says what a slug may be (same name, same
-- message in db/errors.py).
--
-- The posts that hold one (only an account's own SQL wrote them) are renamed first, as
-- `slugify` names a post with no usable title: `post-` and the first 8 hex digits of its id, or
-- the first of `-2`, `-3`... that its author has no post with (slugs are unique per author,
-- trashed posts included). The table is locked first (ARCHITECTURE.md: a migration that cuts rows
-- to a new bound): an account's open transaction could otherwise write such a slug between the
-- rename and the check and fail the upgrade. A renamed post changed (updated_at, sync sees it).

lock table public.blogs in share row exclusive mode;

do $$
declare
  dotted record;
  base text;
  candidate text;
  n integer;
begin
  for dotted in select id, author_id from public.blogs where slug in ('.', '..') order by id loop
    base := 'post-' || pg_catalog.left(pg_catalog.replace(dotted.id::text, '-', ''), 8);
    candidate := base;
    n := 1;
    while exists (
      select from public.blogs
      where internal.blog_slug_key(author_id, slug) = internal.blog_slug_key(dotted.author_id, candidate)
    ) loop
      n := n + 1;
      candidate := base || '-' || n;
    end loop;
    update public.blogs set slug = candidate where id = dotted.id;
  end loop;
end
$$;

alter table public.blogs
  drop constraint blogs_slug_format,
  add constraint blogs_slug_format check (slug ~ '^[^[:space:][:cntrl:]/?#\\]{1,200}$' and slug not in ('.', '..'));
