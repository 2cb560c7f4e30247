-- The posts policy for assignees applies only to accounts that have an assignment
-- (issue 20, bench/bench_rls.py).
--
-- 0071/0091's policy "Assignees can view posts assigned to them" applied to every account,
-- so every statement on blogs compiled, and set up, a scan of team_collaboration and its
-- auth.uid() initplans, although nearly every account is assigned nothing. PostgreSQL
-- applies a policy only to the roles in its TO clause (the planner leaves the others'
-- policies out), so the policy now names blogster_assignees, a NOLOGIN group whose members
-- are the account roles with at least one assignment. Its USING is unchanged and still
-- reads the assignment rows: membership only lets the policy be considered. A membership
-- that outlives its assignments grants nothing, and a missing one can only hide posts
-- (fail closed). The owner and published arms stay for every account.
--
-- Membership is kept by a trigger on team_collaboration (insert, delete, and the
-- assignee becoming NULL when their account is deleted) through
-- internal.sync_assignee_role(account), a definer that may grant the group because
-- blogster_definer holds it WITH ADMIN OPTION (what PostgreSQL 16+ requires; 15 accepts
-- it too). A cached plan (a prepared statement on a long-lived TUI or worker connection)
-- records the role it was planned for, not the role's memberships, so a new member's
-- cached plans are invalidated by re-granting EXECUTE on auth.uid(), on which every
-- policy's plan depends: the next statement is planned with the assignee policy. A
-- revoked member needs no replanning: the old plan's assignee policy admits no row once
-- the assignment is gone. internal.sync_assignee_roles() re-derives every account's
-- membership from the rows; the migration and `blogster restore` (which loads rows with
-- triggers off, and may recreate the roles on another cluster) run it.

do $$
begin
  create role blogster_assignees nologin nobypassrls;
exception when duplicate_object or unique_violation then
  alter role blogster_assignees nologin nobypassrls;
end
$$;
comment on role blogster_assignees is 'Blogster: account roles with at least one assignment (team_collaboration), kept by a trigger; enables the assignee policy on blogs.';
grant blogster_assignees to blogster_definer with admin option;
-- The definer re-grants EXECUTE on auth.uid() to invalidate cached plans (see above): the
-- grant is made as the definer here too, so auth.uid() carries one entry for the group.
-- The group's members are account roles, which may call both identity functions already.
grant execute on function auth.uid() to blogster_definer with grant option;
set local role blogster_definer;
grant execute on function auth.uid() to blogster_assignees;
reset role;
grant execute on function auth.session_uid() to blogster_assignees;

-- Grants the group to the account's role when it has an assignment, revokes it when it has
-- none; nothing for an account without a role (dropped, or not restored yet).
create function internal.sync_assignee_role(account uuid) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  account_role text;
  assigned boolean;
  member boolean;
begin
  -- By name, not through auth.users: the account's row is gone when its deletion sets
  -- assigned_to to NULL, and its role leaves the group then.
  select r.rolname into account_role from pg_catalog.pg_roles r where r.rolname = auth.role_name_for(account);
  if account_role is null then
    return;
  end if;
  -- One change of an account's assignments at a time decides its membership: an assignment
  -- added while another transaction removes the last one would otherwise see the membership
  -- about to be revoked and keep it, or the reverse. Each statement below then reads what
  -- the earlier transaction committed. (A deleted account has no row: its role just leaves.)
  perform 1 from auth.users u where u.id = account for no key update;
  assigned := exists (select 1 from public.team_collaboration t where t.assigned_to = account);
  member := exists (
    select 1 from pg_catalog.pg_auth_members m join pg_catalog.pg_roles r on r.oid = m.member
    where m.roleid = 'blogster_assignees'::pg_catalog.regrole and r.rolname = account_role);
  if assigned and not member then
    begin
      execute pg_catalog.format('grant blogster_assignees to %I', account_role);
    exception when unique_violation then
      null;  -- granted by a concurrent transaction (PostgreSQL 15 does not lock the group)
    end;
    -- Replans every cached plan that depends on auth.uid(). Two transactions updating its
    -- catalog row at once: the later fails with "tuple concurrently updated" once the
    -- earlier commits, and succeeds when retried (the retry reads the new row).
    for attempt in 1 .. 5 loop
      begin
        grant execute on function auth.uid() to blogster_assignees;
        exit;
      exception when internal_error then
        if attempt = 5 then
          raise;
        end if;
      end;
    end loop;
  elsif member and not assigned then
    execute pg_catalog.format('revoke blogster_assignees from %I', account_role);
  end if;
end
$$;
revoke all on function internal.sync_assignee_role(uuid) from public;
comment on function internal.sync_assignee_role(uuid) is
  'Makes the account''s role a member of blogster_assignees exactly when it has an assignment.';

create function internal.sync_assignee_roles() returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  account uuid;
  checked integer := 0;
begin
  for account in
    select t.assigned_to from public.team_collaboration t where t.assigned_to is not null
    union
    select u.id from auth.users u
    join pg_catalog.pg_roles r on r.rolname = u.role_name
    join pg_catalog.pg_auth_members m on m.member = r.oid and m.roleid = 'blogster_assignees'::pg_catalog.regrole
  loop
    perform internal.sync_assignee_role(account);
    checked := checked + 1;
  end loop;
  return checked;
end
$$;
revoke all on function internal.sync_assignee_roles() from public;
comment on function internal.sync_assignee_roles() is
  'Re-derives blogster_assignees from team_collaboration for this database''s accounts (migration, restore).';

create function internal.sync_assignee_role_on_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op in ('INSERT', 'UPDATE') and new.assigned_to is not null then
    perform internal.sync_assignee_role(new.assigned_to);
  end if;
  if tg_op in ('DELETE', 'UPDATE') and old.assigned_to is not null
     and (tg_op = 'DELETE' or old.assigned_to is distinct from new.assigned_to) then
    perform internal.sync_assignee_role(old.assigned_to);
  end if;
  return null;
end
$$;
revoke all on function internal.sync_assignee_role_on_change() from public;
create trigger team_collaboration_assignee_role after insert or delete or update of assigned_to
  on public.team_collaboration for each row execute function internal.sync_assignee_role_on_change();

alter policy "Assignees can view posts assigned to them" on public.blogs to blogster_assignees;

-- Existing assignments, granted by blogster_definer as the trigger's grants are (on
-- PostgreSQL 16+ a REVOKE removes only the revoker's own grants).
alter function internal.sync_assignee_role(uuid) owner to blogster_definer;
alter function internal.sync_assignee_roles() owner to blogster_definer;
alter function internal.sync_assignee_role_on_change() owner to blogster_definer;
select internal.sync_assignee_roles();
