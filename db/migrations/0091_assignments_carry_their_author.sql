-- Assignments carry their post's author, so the posts a user is assigned to are read
-- without a definer function call per statement (issue 20, bench/bench_rls.py).
--
-- 0071's policy "Assignees can view posts assigned to them" on blogs called the definer
-- function public.assigned_blog_ids() (~20 us: a SQL function with a pinned search_path)
-- in every statement that met a post that is neither the reader's own nor published:
-- every page of the public feed. A definer was needed because team_collaboration's own
-- policies read blogs, so reading team_collaboration from a blogs policy recursed.
--
-- As for tag links, metrics and revisions (0008, 0025): team_collaboration carries
-- `author_id`, copied from the post by the same trigger and kept exact by a composite
-- foreign key (blog_id, author_id) -> blogs (id, author_id) with ON UPDATE CASCADE; its
-- policies compare that column and no longer read blogs (a policy of team_collaboration
-- reading blogs while blogs' policy reads team_collaboration is a cycle PostgreSQL
-- refuses). The blogs policy then reads the assignments directly, under
-- team_collaboration's policy: nothing recurses (blogs -> team_collaboration, whose
-- policies read no other table). The array is built once per statement, only when a row
-- needs it (an initplan that runs when a row is neither the reader's own nor published).
--
-- Who sees what does not change: an author reads and manages the assignments of their
-- own posts (author_id = the post's author = them); an assignee reads their assignments
-- and the posts assigned to them. public.assigned_blog_ids() stays, for callers.

alter table public.team_collaboration add column author_id uuid;
update public.team_collaboration t set author_id = b.author_id from public.blogs b where b.id = t.blog_id;
alter table public.team_collaboration alter column author_id set not null;
alter table public.team_collaboration drop constraint team_collaboration_blog_id_fkey;
alter table public.team_collaboration add constraint team_collaboration_blog_author_fkey foreign key (blog_id, author_id)
  references public.blogs (id, author_id) on update cascade on delete cascade;
create index team_collaboration_author_blog_idx on public.team_collaboration (author_id, blog_id);
create trigger set_team_collaboration_author before insert or update of blog_id, author_id on public.team_collaboration
  for each row execute function internal.set_author_from_blog();
comment on column public.team_collaboration.author_id is
  'The blog''s author, kept equal to blogs.author_id by the foreign key; read by the policies.';
comment on function internal.set_author_from_blog() is 'Copies the blog''s author_id onto a row that belongs to a blog (blogs_to_tags, blog_analytics, social_media_posts, platform_republishing, blog_revisions, team_collaboration).';

-- One read policy for authors and assignees: one `(select auth.uid())` instead of two
-- (each is compiled by every statement that reads assignments, the blogs policy included;
-- the queries' own filters, such as the blogs policy's assigned_to, pick the index).
drop policy "Users can view collaboration on their own blogs" on public.team_collaboration;
drop policy "Assignees can view their assignments" on public.team_collaboration;
create policy "Authors and assignees can view assignments" on public.team_collaboration
  for select to authenticated using ((select auth.uid()) = any (array[author_id, assigned_to]));
alter policy "Users can create collaboration on their own blogs" on public.team_collaboration
  with check (assigned_by = (select auth.uid()) and author_id = (select auth.uid()));
alter policy "Users can update collaboration on their own blogs" on public.team_collaboration
  using (author_id = (select auth.uid()))
  with check (author_id = (select auth.uid()));
alter policy "Users can delete collaboration on their own blogs" on public.team_collaboration
  using (author_id = (select auth.uid()));

-- The posts assigned to the reader, through team_collaboration_assigned_to_idx (the
-- table's policy admits these rows, so the set is exactly 0071's).
alter policy "Assignees can view posts assigned to them" on public.blogs
  using (id = any (array(
    select t.blog_id from public.team_collaboration t where t.assigned_to = (select auth.uid()))));
