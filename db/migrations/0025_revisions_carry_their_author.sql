-- Revisions carry their post's author, so their read policy compares one column.
--
-- "Users can view revisions for their own blogs" asked `blog_id in (select b.id from
-- public.blogs b where b.author_id = auth.uid())`: `blogs` has policies of its own, which
-- the planner expanded inside this one on every read of revisions (bench_rls at 100k
-- posts: `revisions list` planned in 0.20 ms as the user against 0.03 ms as the owner,
-- and ran 1.33x the owner's time). As for tag links and metrics in 0008: `author_id`
-- copied from the post by the same trigger, kept exact by a composite foreign key
-- (blog_id, author_id) -> blogs (id, author_id) with ON UPDATE CASCADE, and the policy
-- compares it.

alter table public.blog_revisions add column author_id uuid;
update public.blog_revisions r set author_id = b.author_id from public.blogs b where b.id = r.blog_id;
alter table public.blog_revisions alter column author_id set not null;
alter table public.blog_revisions drop constraint blog_revisions_blog_id_fkey;
alter table public.blog_revisions add constraint blog_revisions_blog_author_fkey foreign key (blog_id, author_id)
  references public.blogs (id, author_id) on update cascade on delete cascade;
create index blog_revisions_author_blog_idx on public.blog_revisions (author_id, blog_id);
create trigger set_blog_revisions_author before insert or update of blog_id, author_id on public.blog_revisions
  for each row execute function internal.set_author_from_blog();
comment on column public.blog_revisions.author_id is
  'The blog''s author, kept equal to blogs.author_id by the foreign key; read by the policies.';
comment on function internal.set_author_from_blog() is 'Copies the blog''s author_id onto a row that belongs to a blog (blogs_to_tags, blog_analytics, social_media_posts, platform_republishing, blog_revisions).';

alter policy "Users can view revisions for their own blogs" on public.blog_revisions
  using (author_id = (select auth.uid()));
