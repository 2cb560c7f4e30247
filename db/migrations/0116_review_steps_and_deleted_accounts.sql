-- 0116: review steps that change nothing are refused, comments are bounded per person in
-- total, and a deleted account's id and email leave the rows of other accounts.
--
-- 1. review_act took `start` on an in_progress assignment (or `approve` on an approved one, and
--    so on) as a silent no-op, exit 0, while every other step off the spec's transitions is
--    refused: a step to the status the assignment already has is now refused too (23514, as
--    check_review_transition refuses the others). The rest of the body is 0071's.
-- 2. 0108 capped one comment at 10,000 characters and one person at 500 comments on an
--    assignment: still 5,000,000 characters per person, which an account sending 100
--    assignments made every `review list` of the assignee read. One person's comments on one
--    assignment now total at most 200,000 characters (still per person, so the author keeps a
--    voice whatever the assignee writes); rows written before keep their comments.
-- 3. `account delete` (delete from auth.users) left the account's id and email in others' rows:
--    its review comments on their assignments (author, author_email) and `approved_by` in the
--    `published` activity of a post it approved and published. A trigger on auth.users, in the
--    same statement as the deletion, now sets those comments' author and author_email to null
--    (shown as "deleted account") and removes approved_by. A trigger rather than the Python
--    purge, so every way of deleting an account (admin purge, a worker, raw SQL) does it.
--    An activity row another session has locked is skipped (SKIP LOCKED): accounts write their
--    own activities, metadata included, so one naming an account as approved_by and held locked
--    would otherwise make that account's purge fail (a red team's finding).

create or replace function public.review_act(assignment uuid, action text, note text default null)
returns public.collaboration_status
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  assigned public.team_collaboration;
  is_owner boolean;
  is_assignee boolean;
  target public.collaboration_status;
  me uuid := auth.uid();
begin
  select t.* into assigned from public.team_collaboration t where t.id = assignment for update;
  if not found then
    raise exception 'no such assignment' using errcode = 'P0002';
  end if;
  is_owner := exists (select 1 from public.blogs b where b.id = assigned.blog_id and b.author_id = me);
  is_assignee := assigned.assigned_to = me;
  if not (is_owner or is_assignee) then
    raise exception 'no such assignment' using errcode = 'P0002';
  end if;
  target := case action
    when 'start' then 'in_progress'
    when 'submit' then case when assigned.role = 'reviewer' then 'reviewed' else 'awaiting_review' end
    when 'approve' then 'approved'
    when 'reject' then 'rejected'
    when 'comment' then assigned.status::text
  end::public.collaboration_status;
  if target is null then
    raise exception 'unknown action %', action using errcode = '22023';
  end if;
  if action in ('start', 'submit') and not is_assignee then
    raise exception 'only the assignee can %', action using errcode = '42501';
  end if;
  if action in ('approve', 'reject') and not (is_owner or (is_assignee and assigned.role = 'approver')) then
    raise exception 'only the author or an approver can %', action using errcode = '42501';
  end if;
  if action <> 'comment' and target = assigned.status then
    raise exception 'the assignment is already %', assigned.status using errcode = '23514';
  end if;
  if action = 'comment' and pg_catalog.length(pg_catalog.btrim(coalesce(note, ''))) = 0 then
    raise exception 'a comment needs text' using errcode = '22023';
  end if;
  update public.team_collaboration t set
    status = target,
    comments = case when note is null or pg_catalog.btrim(note) = '' then t.comments
      else t.comments || pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
        'author', me, 'author_email', (select u.email from auth.users u where u.id = me),
        'at', pg_catalog.now(), 'action', action, 'text', note)) end
  where t.id = assignment;
  return target;
end
$$;

create or replace function internal.check_review_comment() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  added jsonb;
  theirs integer;
  their_characters bigint;
begin
  if pg_catalog.jsonb_array_length(new.comments) <= pg_catalog.jsonb_array_length(old.comments) then
    return new;
  end if;
  added := new.comments -> -1;
  if pg_catalog.length(added ->> 'text') > 10000 then
    raise exception 'a comment has at most 10,000 characters' using errcode = '22001';
  end if;
  select pg_catalog.count(*), coalesce(pg_catalog.sum(pg_catalog.length(c ->> 'text')), 0)
    into theirs, their_characters
  from pg_catalog.jsonb_array_elements(new.comments) c where c ->> 'author' = added ->> 'author';
  if theirs > 500 then
    raise exception 'you wrote 500 comments on this assignment, the most one person may' using errcode = '23514';
  end if;
  if their_characters > 200000 then
    raise exception 'your comments on this assignment total 200,000 characters, the most one person may'
      using errcode = '23514';
  end if;
  return new;
end
$$;

create function internal.forget_deleted_account() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- Others' assignments only: the account's own posts (and their assignments) go by the cascade.
  update public.team_collaboration t set comments = (
      select pg_catalog.jsonb_agg(case when c.value ->> 'author' = old.id::text
               then c.value || pg_catalog.jsonb_build_object('author', null, 'author_email', null)
               else c.value end order by c.n)
      from pg_catalog.jsonb_array_elements(t.comments) with ordinality c(value, n))
  where t.author_id <> old.id
    and t.comments @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('author', old.id));
  -- Rows another session holds are skipped, not waited for: any account can write an activity
  -- of its own naming anyone as approved_by and keep it locked, which would otherwise make every
  -- purge of that account fail on lock_timeout. A row so held is its writer's own text.
  update public.activities a set metadata = a.metadata - 'approved_by'
  where a.id in (
    select h.id from public.activities h
    where h.user_id <> old.id and h.metadata ->> 'approved_by' = old.id::text
    for update skip locked);
  return old;
end
$$;
revoke all on function internal.forget_deleted_account() from public;
grant select (id, user_id, metadata), update (metadata) on public.activities to blogster_definer;
create trigger forget_deleted_account before delete on auth.users
  for each row execute function internal.forget_deleted_account();
comment on function internal.forget_deleted_account() is
  'Before an account is deleted: its review comments on others'' assignments lose author and author_email, others'' activities lose approved_by (0116).';
