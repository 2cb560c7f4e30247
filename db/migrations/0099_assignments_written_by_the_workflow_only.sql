-- 0099: an assignment's status, comments, approval time and assigner are the workflow's.
--
-- An author could write them directly: INSERT an assignment already 'approved', with a
-- comment in the assignee's name and a completed_at; UPDATE its comments, or set assigned_by
-- to another account. The assignee then saw an approval they never gave (0071 says the
-- transition trigger holds for every writer; it held for status changes on UPDATE only).
-- Now, for a writer acting as an account (auth.uid() set):
-- - a new assignment starts 'assigned', without comments or completed_at, assigned by the
--   writer (review_assign writes just that);
-- - comments change only through review_act (the definer, which writes their author and time);
-- - completed_at follows the status, as 0071 set it, and assigned_by only becomes null (ON
--   DELETE SET NULL when the assigner's account is deleted).
-- Restore and the administrator's own login (no account) write rows as they were.

create or replace function internal.check_review_transition() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status is distinct from old.status then
    if not ((old.status, new.status) in (
        ('assigned'::public.collaboration_status, 'in_progress'::public.collaboration_status),
        ('in_progress', 'awaiting_review'), ('in_progress', 'reviewed'),
        ('awaiting_review', 'approved'), ('awaiting_review', 'rejected'), ('awaiting_review', 'reviewed'),
        ('reviewed', 'approved'), ('reviewed', 'rejected'), ('rejected', 'in_progress'))
      or (new.role = 'approver' and old.status = 'in_progress' and new.status in ('approved', 'rejected'))) then
      raise exception 'an assignment cannot go from % to %', old.status, new.status using errcode = '23514';
    end if;
    new.completed_at := case when new.status in ('approved', 'rejected') then pg_catalog.now() end;
  elsif auth.uid() is not null then
    new.completed_at := old.completed_at;
  end if;
  -- assigned_to may only become null: ON DELETE SET NULL when the assignee's account is deleted.
  if new.blog_id is distinct from old.blog_id
     or (new.assigned_to is distinct from old.assigned_to and new.assigned_to is not null) then
    raise exception 'an assignment keeps its post and assignee' using errcode = '23514';
  end if;
  if auth.uid() is not null then
    if new.assigned_by is distinct from old.assigned_by and new.assigned_by is not null then
      raise exception 'an assignment keeps who assigned it' using errcode = '23514';
    end if;
    if new.comments is distinct from old.comments and current_user <> 'blogster_definer' then
      raise exception 'comments are added with review_act' using errcode = '42501';
    end if;
  end if;
  return new;
end
$$;

create function internal.check_new_assignment() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if auth.uid() is not null then
    new.status := 'assigned';
    new.comments := '[]'::jsonb;
    new.completed_at := null;
    new.assigned_by := auth.uid();
  end if;
  return new;
end
$$;
revoke all on function internal.check_new_assignment() from public;
create trigger team_collaboration_new before insert on public.team_collaboration
  for each row execute function internal.check_new_assignment();
