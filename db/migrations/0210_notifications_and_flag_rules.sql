-- 0210: a deleted account's email leaves others' review notifications, and an account reads no
-- other account's id in the feature flags' rules.
--
-- 1. A review notification's title names whoever took the step by email ("Submitted for approval
--    by EMAIL (editor): TITLE", "Assigned as editor by EMAIL: TITLE", "Comment by EMAIL (role): ...",
--    0130, 0144, 0171), stored as text. `account delete` took the account off the review comments
--    (0116) but its email stayed in its teammates' notifications, while `review show` of the same
--    assignment said "deleted account" (tester 534, finding 5). forget_deleted_account, the trigger
--    run in the deletion's own statement, now rewrites those titles as review_notice words a step
--    whose account is gone: "... by a deleted account (editor): TITLE". The titles are matched by
--    " by EMAIL (" and " by EMAIL:", the only ways they name a person (sender_id cannot be used:
--    the purge sets it to null before the row goes). A notification its recipient holds locked is
--    skipped, not waited for (as 0116's activities): any account can keep its own rows locked, which
--    would otherwise make every purge of a teammate fail on lock_timeout. The body is 0118's otherwise.
-- 2. Every account read every flag's whole rule (0004: "View: All authenticated users"), so
--    `flags list --json` showed a non-administrator which accounts a `user_ids` flag names, while
--    the flag log is for administrators only (tester 534). Accounts now read the flags' columns but
--    `conditions` and `created_by`; public.feature_flag_rules() gives every flag's rule, with each
--    string shaped like an account id (any spelling names_account reads) but the caller's own written
--    as the nil UUID for a non-administrator: the rule answers the same for the caller (the evaluator
--    compares ids as the caller's own canonical text, flags/evaluation.py), and names no one else.
--    Administrators read the rules whole, through blogster_admin's table grant as before.

create or replace function internal.forget_deleted_account() returns trigger
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
  -- Flag rules: only administrators write (and lock) them, so a lock is waited for.
  update public.feature_flags f set
    conditions = s.conditions,
    enabled = f.enabled and not (f.strategy = 'user_ids' and s.conditions -> 'user_ids' = '[]'::jsonb)
  from (select g.id, internal.flag_conditions_without_account(g.conditions, old.id) as conditions
          from public.feature_flags g) s
  where s.id = f.id and s.conditions <> f.conditions;
  -- Queued jobs. A maintenance email batch naming only this account (or the one-recipient
  -- shape before 0036) goes; a larger one loses the account's entry.
  delete from procrastinate.procrastinate_jobs j
  where j.id in (
    select q.id from procrastinate.procrastinate_jobs q
    where q.status = 'todo' and q.task_name = 'notification_email'
      and (q.args ->> 'user_id' = old.id::text
           or (q.args -> 'recipients' @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('user_id', old.id))
               and not exists (select 1 from pg_catalog.jsonb_array_elements(q.args -> 'recipients') r
                               where r.value ->> 'user_id' is distinct from old.id::text)))
    for update skip locked);
  update procrastinate.procrastinate_jobs j set args = pg_catalog.jsonb_set(j.args, '{recipients}', (
      select pg_catalog.jsonb_agg(r.value order by r.n)
      from pg_catalog.jsonb_array_elements(j.args -> 'recipients') with ordinality r(value, n)
      where r.value ->> 'user_id' is distinct from old.id::text))
  where j.id in (
    select q.id from procrastinate.procrastinate_jobs q
    where q.status = 'todo' and q.task_name = 'notification_email'
      and q.args -> 'recipients' @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('user_id', old.id))
    for update skip locked);
  -- Replies to the account's chatbot messages, whose conversations go by the cascade.
  delete from procrastinate.procrastinate_jobs j
  where j.id in (
    select q.id from procrastinate.procrastinate_jobs q
    where q.status = 'todo' and q.task_name = 'process_chatbot_message'
      and q.args ->> 'conversation_id' in (
        select c.id::text from public.chatbot_conversations c where c.user_id = old.id)
    for update skip locked);
  -- Others' review notifications naming the account in their title (0210).
  update public.user_notifications n set title =
      pg_catalog.replace(pg_catalog.replace(n.title,
        ' by ' || old.email || ' (', ' by a deleted account ('),
        ' by ' || old.email || ':', ' by a deleted account:')
  where (n.id, n.created_at) in (
    select o.id, o.created_at from public.user_notifications o
    where o.user_id <> old.id and o.type = 'blog_interaction'
      and (pg_catalog.strpos(o.title, ' by ' || old.email || ' (') > 0
           or pg_catalog.strpos(o.title, ' by ' || old.email || ':') > 0)
    for update skip locked);
  return old;
end
$$;
revoke all on function internal.forget_deleted_account() from public;
comment on function internal.forget_deleted_account() is
  'Before an account is deleted: its review comments on others'' assignments lose author and author_email, others'' activities lose approved_by (0116), flag rules lose its id and its queued jobs go (0118), others'' review notifications name "a deleted account" instead of its email (0210).';

-- 2. The flags' rules, without other accounts' ids.
revoke select on public.feature_flags from authenticated;
grant select (id, name, description, enabled, rollout_percentage, strategy, created_at, updated_at)
  on public.feature_flags to authenticated;

-- `conditions` with every JSON string that spells an account id (as Python's UUID() reads one: any
-- case, dashes anywhere, braces, urn:/uuid:) written as the nil UUID, but `account`'s own canonical
-- one. Text-wise: a string is a whole token of jsonb's text ("..." with no escaped quote inside an
-- id), and chr(1), which jsonb's text never holds raw, keeps the caller's own id out of the replacement.
create function internal.flag_conditions_for(conditions jsonb, account uuid) returns jsonb
language sql immutable
set search_path = ''
as $$
  select pg_catalog.replace(
           pg_catalog.regexp_replace(
             pg_catalog.replace(conditions::text, '"' || account::text || '"', '"' || pg_catalog.chr(1) || '"'),
             '"(urn:|uuid:|[{-])*([0-9a-f]-*){32}[}-]*"',
             '"00000000-0000-0000-0000-000000000000"', 'gi'),
           '"' || pg_catalog.chr(1) || '"', '"' || account::text || '"')::jsonb
$$;
revoke all on function internal.flag_conditions_for(jsonb, uuid) from public;
grant execute on function internal.flag_conditions_for(jsonb, uuid) to blogster_definer;
grant select (name, description, enabled, rollout_percentage, strategy) on public.feature_flags to blogster_definer;

create function public.feature_flag_rules()
returns table (name text, description text, enabled boolean, strategy public.feature_flag_strategy,
               rollout_percentage integer, conditions jsonb)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  me constant uuid := auth.uid();
  caller_is_admin boolean;
begin
  select pg_catalog.pg_has_role(u.role_name, 'blogster_admin', 'MEMBER') into caller_is_admin
  from auth.users u where u.id operator(pg_catalog.=) me and u.deleted_at is null;
  if caller_is_admin is null then
    raise exception 'permission denied for function feature_flag_rules' using errcode = '42501';
  end if;
  return query
    select f.name, f.description, f.enabled, f.strategy, f.rollout_percentage,
           case when caller_is_admin then f.conditions else internal.flag_conditions_for(f.conditions, me) end
    from public.feature_flags f
    order by f.name;
end
$$;
revoke all on function public.feature_flag_rules() from public;
grant execute on function public.feature_flag_rules() to authenticated;
comment on function public.feature_flag_rules() is
  'Every flag''s rule: whole for administrators; for others with each account id but the caller''s written as the nil UUID, which answers the same for the caller (0210).';
