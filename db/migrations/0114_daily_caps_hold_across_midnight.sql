-- 0114: the daily cap on assignments (0102) cannot be reset across midnight.
--
-- `today` is the transaction's start (now()). A transaction begun before midnight (UTC) and
-- committing after one of the next day found a later day stored, took it for a new day and
-- started the count again: interleaving old and new transactions across midnight multiplied
-- the 100 a day (an SQL red team found it on 0112's tag cap, which is the same upsert and is
-- fixed in 0112 itself). The count now goes into the later of the two days and only starts
-- again on a day after the stored one. The rest of the body is 0102's.

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
        set day = greatest(r.day, today),
            created = case when r.day >= today then r.created + 1 else 1 end
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
