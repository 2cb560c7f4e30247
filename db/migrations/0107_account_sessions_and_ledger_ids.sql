-- 0107: what the red team found on a shared server with password logins, closed.
--
-- 1. An account could write its own ingest-ledger and page-view row numbers (INSERT on every
--    column, and OVERRIDING SYSTEM VALUE needs nothing more): 100,000 rows at the numbers the
--    shared identity would hand out next made every account's `analytics ingest` fail on the
--    primary key, and a taken number answered 23505, finding the global volume 0103 hid. The
--    accounts (and service_role) now insert every column but `id`.
-- 2. An assignment's status and assigner were the author's to UPDATE directly: the author
--    walked its own assignments through start, submit and reject, freeing the 100-open cap
--    (0102) and notifying the assignee at every step, and set assigned_by to NULL. Now an
--    account changes an assignment's status only through review_act (which checks who may take
--    each step) and never its assigner; FK actions (ON DELETE SET NULL, run as the table's owner)
--    still clear it. An account is the SET ROLE role or the login (`SET ROLE authenticated`
--    made auth.uid() NULL, which the trigger read as a worker or restore).
-- (The same red team's other findings on unshipped migrations went into them: 0102's daily cap,
-- 0105's account sessions.)

revoke insert on public.analytics_ingest_ranges, public.analytics_page_views from authenticated, service_role;
grant insert (author_id, file_key, start_offset, end_offset, range_hash, lines, first_view, last_view, summarised,
              created_at, views)
  on public.analytics_ingest_ranges to authenticated, service_role;
grant insert (author_id, blog_id, visitor, viewed_at, referrer, device)
  on public.analytics_page_views to authenticated, service_role;

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
