-- 0107: what the red team found on a shared server with password logins, closed.
--
-- 1. An account could write its own ingest-ledger and page-view row numbers (INSERT on every
--    column, and OVERRIDING SYSTEM VALUE needs nothing more): 100,000 rows at the numbers the
--    shared identity would hand out next made every account's `analytics ingest` fail on the
--    primary key, and a taken number answered 23505, finding the global volume 0103 hid. The
--    accounts (and service_role) now insert every column but `id`.
-- 2. `SET ROLE authenticated` (a group an account role belongs to) made auth.uid() NULL, which
--    the triggers read as "a worker or restore": the chat rate limit answered for another
--    account's conversation again (0105), and the review triggers skipped their account rules.
--    An account session is now one whose SET ROLE role or login is an account role
--    (coalesce(auth.uid(), auth.session_uid())).
-- 3. An assignment's status and assigner were the author's to UPDATE directly: the author
--    walked its own assignments through start, submit and reject, freeing the 100-open cap
--    (0102) and notifying the assignee at every step, and set assigned_by to NULL. Now an
--    account changes an assignment's status only through review_act (which checks who may take
--    each step) and never its assigner; FK actions (ON DELETE SET NULL, run as the table's owner)
--    still clear it.
-- 4. Withdrawing and assigning again notified the assignee each time, without limit. One
--    account may create at most 100 assignments a day (UTC) to another, counted in
--    internal.assignment_rates by the insert trigger (now a definer, to keep that count).

revoke insert on public.analytics_ingest_ranges, public.analytics_page_views from authenticated, service_role;
grant insert (author_id, file_key, start_offset, end_offset, range_hash, lines, first_view, last_view, summarised,
              created_at, views)
  on public.analytics_ingest_ranges to authenticated, service_role;
grant insert (author_id, blog_id, visitor, viewed_at, referrer, device)
  on public.analytics_page_views to authenticated, service_role;

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

create or replace function internal.check_review_transition() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  -- an account's own statement: not review_act or review_assign (blogster_definer), nor an FK
  -- action such as ON DELETE SET NULL (run as the table's owner), nor a worker or restore
  by_account boolean := coalesce(auth.uid(), auth.session_uid()) is not null
                        and current_user not in ('blogster_definer', 'blogster_owner');
begin
  if new.status is distinct from old.status then
    if by_account then
      raise exception 'an assignment''s status changes through review_act' using errcode = '42501';
    end if;
    if not ((old.status, new.status) in (
        ('assigned'::public.collaboration_status, 'in_progress'::public.collaboration_status),
        ('in_progress', 'awaiting_review'), ('in_progress', 'reviewed'),
        ('awaiting_review', 'approved'), ('awaiting_review', 'rejected'), ('awaiting_review', 'reviewed'),
        ('reviewed', 'approved'), ('reviewed', 'rejected'), ('rejected', 'in_progress'))
      or (new.role = 'approver' and old.status = 'in_progress' and new.status in ('approved', 'rejected'))) then
      raise exception 'an assignment cannot go from % to %', old.status, new.status using errcode = '23514';
    end if;
    new.completed_at := case when new.status in ('approved', 'rejected') then pg_catalog.now() end;
  elsif by_account then
    new.completed_at := old.completed_at;
  end if;
  -- assigned_to may only become null: ON DELETE SET NULL when the assignee's account is deleted.
  if new.blog_id is distinct from old.blog_id
     or (new.assigned_to is distinct from old.assigned_to and new.assigned_to is not null) then
    raise exception 'an assignment keeps its post and assignee' using errcode = '23514';
  end if;
  if by_account then
    if new.assigned_by is distinct from old.assigned_by then
      raise exception 'an assignment keeps who assigned it' using errcode = '23514';
    end if;
    if new.comments is distinct from old.comments then
      raise exception 'comments are added with review_act' using errcode = '42501';
    end if;
  end if;
  return new;
end
$$;

create or replace function public.check_chatbot_message() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  owner uuid;
  sent integer;
begin
  new.content := pg_catalog.btrim(pg_catalog.regexp_replace(coalesce(new.content, ''),
    '[\x01-\x08\x0B\x0C\x0E-\x1F\x7F\u0080-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069]', '', 'g'));
  if new.content = '' then
    raise exception 'a message needs some text' using errcode = '22023';
  end if;
  if pg_catalog.length(new.content) > internal.chatbot_max_message_length() then
    raise exception 'a message has at most % characters', internal.chatbot_max_message_length()
      using errcode = '22001';
  end if;
  select c.user_id into owner from public.chatbot_conversations c where c.id = new.conversation_id;
  if owner is null or owner is distinct from coalesce(auth.uid(), auth.session_uid(), owner) then
    return new;  -- the foreign key, or RLS (another account's conversation), refuses it
  end if;
  insert into internal.chatbot_message_rates as r (user_id, window_start, messages)
  values (owner, pg_catalog.now(), 1)
  on conflict (user_id) do update set
    window_start = case when r.window_start <= pg_catalog.now() - interval '1 minute'
                        then pg_catalog.now() else r.window_start end,
    messages = case when r.window_start <= pg_catalog.now() - interval '1 minute'
                    then 1 else r.messages + 1 end
  returning r.messages into sent;
  if sent > internal.chatbot_rate_limit() then
    raise exception 'too many chatbot messages: at most % a minute; try again shortly', internal.chatbot_rate_limit()
      using errcode = '54000';
  end if;
  return new;
end
$$;
