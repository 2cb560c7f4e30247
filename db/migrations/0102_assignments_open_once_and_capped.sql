-- 0102: a new assignment is checked the same way whoever writes it, and they cannot flood.
--
-- Each new assignment notifies its assignee, and users cannot delete notifications, so an
-- account could send another any number of them: the same post to the same person again and
-- again, or thousands of posts. And an INSERT into team_collaboration (the author's policy
-- allows it) skipped review_assign's own check: an author could assign a post to themselves.
-- Now, for a writer acting as an account (auth.uid() set; restore and the administrator's own
-- login write rows as they were):
-- - the assignee is someone else (23514, review_assign's message);
-- - an assignment is open (not approved or rejected) once per post, assignee and role (23505:
--   the open one is the one to act on);
-- - one account holds at most 100 open assignments to another (23514): a team's real review
--   queue is far shorter, and past it the author closes some first;
-- - one account makes at most 100 assignments a day (UTC) to another (54000), counted in
--   internal.assignment_rates, so withdrawing and assigning again cannot flood either.
-- The writer is an account when its SET ROLE role or its login is one: a session logged in as
-- an account stays one after `SET ROLE authenticated` (coalesce(auth.uid(), auth.session_uid())).
-- The trigger is a definer, to keep that count.
-- The checks apply to the writer's own posts (on another's, the policy refuses the row, with
-- the same error as before) and read the writer's own rows only (author_id = auth.uid(): what the author policy
-- shows, and what review_assign, a definer reading every row, must count too). They take no
-- lock (an advisory lock any login could hold, see 0024), so sessions racing each other may
-- each pass once: at most one extra per session, and an account has 20 (0098), not a flood.

create table internal.assignment_rates (
  author_id uuid not null references auth.users (id) on delete cascade,
  assigned_to uuid not null references auth.users (id) on delete cascade,
  day date not null,
  created integer not null,
  primary key (author_id, assigned_to)
);
-- Deleting an assignee's account checks this key.
create index assignment_rates_assigned_to_idx on internal.assignment_rates (assigned_to);
comment on table internal.assignment_rates is 'Assignments one account created today (UTC) to another: at most 100 a day, so withdrawing and assigning again cannot flood the assignee with notifications.';
alter table internal.assignment_rates enable row level security;
alter table internal.assignment_rates force row level security;
revoke all on internal.assignment_rates from public, anon, authenticated, blogster_admin;
grant select, insert, update on internal.assignment_rates to blogster_definer;

create or replace function internal.check_new_assignment() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  me uuid := coalesce(auth.uid(), auth.session_uid());
  today date := (pg_catalog.now() at time zone 'UTC')::date;
  made integer;
begin
  if me is not null then
    new.status := 'assigned';
    new.comments := '[]'::jsonb;
    new.completed_at := null;
    new.assigned_by := me;
    if new.author_id is distinct from me then
      return new;  -- not the writer's post: the author policy refuses it, as before
    end if;
    if new.assigned_to = me then
      raise exception 'assign the post to someone else' using errcode = '23514';
    end if;
    if exists (
      select 1 from public.team_collaboration t
      where t.author_id = me and t.blog_id = new.blog_id and t.assigned_to = new.assigned_to
        and t.role = new.role and t.status not in ('approved', 'rejected')
    ) then
      raise exception 'the post is already assigned to that account as %', new.role using errcode = '23505';
    end if;
    if (select pg_catalog.count(*) from (
          select 1 from public.team_collaboration t
          where t.author_id = me and t.assigned_to = new.assigned_to and t.status not in ('approved', 'rejected')
          limit 100) open_ones) >= 100 then
      raise exception 'that account already has 100 open assignments from you: close some first'
        using errcode = '23514';
    end if;
    if new.assigned_to is not null then
      insert into internal.assignment_rates as r (author_id, assigned_to, day, created)
      values (me, new.assigned_to, today, 1)
      on conflict (author_id, assigned_to) do update
        set day = today, created = case when r.day = today then r.created + 1 else 1 end
      returning r.created into made;
      if made > 100 then
        raise exception 'you assigned 100 posts to that account today: try again tomorrow' using errcode = '54000';
      end if;
    end if;
  end if;
  return new;
end
$$;
revoke all on function internal.check_new_assignment() from public;
alter function internal.check_new_assignment() owner to blogster_definer;
