-- 0110: an assignment takes no lock that another account or an administrator waits for.
--
-- 0093's trigger on team_collaboration granted an assignee's role membership in
-- blogster_assignees (the group the assignee policy on blogs names) inside the writer's own
-- transaction: it locked the assignee's auth.users row (FOR NO KEY UPDATE) and, on a first
-- assignment, granted the group and re-granted EXECUTE on auth.uid() (catalog rows and, on
-- PostgreSQL 16+, a lock on the group role), all held until that transaction ended. An author
-- who assigned a post and kept the transaction open (any client, their own login) held up the
-- assignee's ban and unban (an admin's UPDATE of that auth.users row), every other author's
-- assignment to the same account, and everyone's first assignment to anyone.
--
-- Membership no longer changes with the rows: every account role is in the group, through
-- `authenticated` (which every account role joins when signup, restore or the benchmark
-- generator makes it), granted once here. No trigger touches a catalog or another account's
-- row on an assignment; the assignment itself takes only what any insert takes (the
-- foreign-key KEY SHARE on the assignee's auth.users row, which an UPDATE of its other
-- columns, such as a ban, does not wait for; the author's own count for that assignee in
-- internal.assignment_rates, 0102).
-- Simpler than moving the grant into a transaction of its own (a worker's: a delay before the
-- assignee sees the post, and cached plans to invalidate again) or trying locks without
-- waiting (which skip grants and so hide posts when another session holds them).
--
-- The policy is the check, as it always was: it admits a post only when it is not in the
-- trash and its id is among the caller's assigned posts, so a membership admits nothing by
-- itself: an account assigned nothing reads no other draft, and an assignment takes effect,
-- or ends, at the assignee's next statement, prepared or not (the list is read per
-- execution). Its cost now falls on every account's statements on blogs, so the list is read
-- by public.assigned_blog_ids() (0071's definer: the caller's assigned post ids) in an
-- initplan, as 0071 did, instead of 0091's subquery on team_collaboration: the subquery and
-- its own policy were planned into every statement (~+50 us of planning each, what 0093 took
-- off the accounts assigned nothing), the call is planned as one initplan and runs only when a
-- row is neither the reader's own nor published. Measured on bench data (100,000 posts,
-- PostgreSQL 18, six interleaved swaps, an account assigned nothing, execution + planning)
-- against 0093's plans for a non-member: own list 25+104 -> 26+108 us, `blogs show` 34+140 ->
-- 35+143, `blogs list` 114+160 -> 115+162, dashboard_stats 128+351 -> 127+348, and the public
-- feed, whose rows reach the call, 32+67 -> 49+70; keeping 0091's subquery for everyone
-- instead cost 41+114, 30+150 on the own list. An assignee pays less than under 0093
-- (the subquery's planning). bench/bench_rls.py's feed twin follows the membership, so it
-- spells out the assignment arm for every account now.
--
-- On PostgreSQL 16+ the grant has INHERIT (what lets the policy apply) and not SET: an
-- account cannot SET ROLE to the group, which holds nothing anyway (on 15 it can, as 0093's
-- members could, and is nobody there: auth.uid() refuses the group's name).
--
-- internal.sync_assignee_roles(), which `blogster restore` runs, now makes that one grant (as
-- blogster_definer, which holds the group WITH ADMIN OPTION) and revokes the per-account
-- memberships 0093's trigger made (those whose grantor is the definer; on 16+ a REVOKE removes
-- only the revoker's own grants, so one granted by hand stays, admitting nothing); returns how
-- many it revoked. The per-account trigger and its function are dropped.

drop trigger team_collaboration_assignee_role on public.team_collaboration;
drop function internal.sync_assignee_role_on_change();
drop function internal.sync_assignee_role(uuid);

create or replace function internal.sync_assignee_roles() returns integer
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  account_role text;
  revoked integer := 0;
begin
  if pg_catalog.current_setting('server_version_num')::integer >= 160000 then
    execute 'grant blogster_assignees to authenticated with inherit true, set false';
  else
    execute 'grant blogster_assignees to authenticated';
  end if;
  for account_role in
    select r.rolname from pg_catalog.pg_auth_members m
    join pg_catalog.pg_roles r on r.oid = m.member
    where m.roleid = 'blogster_assignees'::pg_catalog.regrole
      and m.grantor = 'blogster_definer'::pg_catalog.regrole
      and r.rolname in (select u.role_name from auth.users u)
  loop
    execute pg_catalog.format('revoke blogster_assignees from %I', account_role);
    revoked := revoked + 1;
  end loop;
  return revoked;
end
$$;
revoke all on function internal.sync_assignee_roles() from public;
alter function internal.sync_assignee_roles() owner to blogster_definer;
comment on function internal.sync_assignee_roles() is
  'Puts every account in blogster_assignees through authenticated and revokes the per-account memberships 0093 made (migration, restore); returns how many it revoked.';

alter policy "Assignees can view posts assigned to them" on public.blogs
  using (deleted_at is null and id = any ((select public.assigned_blog_ids())::uuid[]));

comment on role blogster_assignees is 'Blogster: the group the assignee policy on blogs names; every account role is in it through authenticated (0110). Grants nothing: the policy reads the assignment rows.';

select internal.sync_assignee_roles();
