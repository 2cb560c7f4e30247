-- Tag links carry their tag's name, so a post's tags are read without blog_tags' policy
-- (issue 20, bench/bench_rls.py `blogs_show`).
--
-- A post's tag names were read through blog_tags, whose read policy (0013/0024: a tag is
-- visible when one of my posts or a published post uses it) builds the array of all the
-- reader's tag links in every statement that shows tags (~14 us of `blogs show`'s RLS
-- cost at 1,000,000 posts). The link rows already answer that question for one post: the
-- link policy (author_id / blog_public) admits exactly the links of the posts the reader
-- may see, and a tag on such a post is one the blog_tags policy admits.
--
-- As for author_id (0008) and blog_public (0024): `blogs_to_tags.tag_name` is a copy,
-- - set by a BEFORE INSERT/UPDATE trigger from the tag, whatever the writer sent
--   (accounts insert links; they have no UPDATE on the table);
-- - rewritten by an AFTER UPDATE OF name trigger on blog_tags when an admin renames a tag;
-- - the link's trigger reads the tag FOR SHARE: a link inserted while its tag is being
--   renamed waits for the rename and copies its outcome, and a rename waits for a link
--   being inserted (whose row its rewrite then sees).
-- It reveals nothing new: a reader sees `tag_name` only on links it can already read, whose
-- tags blog_tags' own policy already shows it.

alter table public.blogs_to_tags add column tag_name text;
update public.blogs_to_tags bt set tag_name = t.name from public.blog_tags t where t.id = bt.tag_id;
alter table public.blogs_to_tags alter column tag_name set not null;
comment on column public.blogs_to_tags.tag_name is
  'The tag''s name, kept equal to blog_tags.name by triggers; lets a post''s tags be read without blog_tags.';

create or replace function internal.set_tag_link_name() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  select t.name into new.tag_name
  from public.blog_tags t where t.id operator(pg_catalog.=) new.tag_id
  for share;
  return new;
end
$$;
comment on function internal.set_tag_link_name() is
  'Sets blogs_to_tags.tag_name from the tag, whoever writes the link and whatever it sent.';
revoke all on function internal.set_tag_link_name() from public;
-- FOR SHARE needs UPDATE on a column.
grant select (id, name), update (name) on public.blog_tags to blogster_definer;

create trigger set_blogs_to_tags_name before insert or update of tag_id, tag_name on public.blogs_to_tags
  for each row execute function internal.set_tag_link_name();

create or replace function internal.rename_tag_links() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- The links' own trigger copies the name from the tag (this transaction's version).
  update public.blogs_to_tags bt set tag_name = new.name
  where bt.tag_id operator(pg_catalog.=) new.id;
  return null;
end
$$;
comment on function internal.rename_tag_links() is
  'Rewrites blogs_to_tags.tag_name of the links of a renamed tag.';
revoke all on function internal.rename_tag_links() from public;
grant select (tag_id, tag_name), update (tag_name) on public.blogs_to_tags to blogster_definer;

create trigger rename_tag_links after update of name on public.blog_tags
  for each row when (old.name is distinct from new.name)
  execute function internal.rename_tag_links();
