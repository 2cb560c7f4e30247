-- 0118: `blogster credits` shows the credits a running command holds, and a deleted account's
-- id leaves feature-flag rules and queued jobs.
--
-- 1. The reservations of 0020 live in `internal`, which no user reads, so `credits` showed 5
--    left while a running `generate` held 2 of them and a third generation was refused.
--    held_generation_credits() counts the caller's own reservations (auth.uid(), no argument
--    naming an account; none for anon), those younger than the hour after which a reservation
--    stops counting, as reserve_generation_credit counts them.
-- 2. 0116's trigger on auth.users now also removes the id from the flags' rules and from
--    queued jobs, in the same statement as the deletion:
--    - a rule's `user_ids` list and each user_id `eq`/`in` of its `when` (written as check_rule
--      reads an id: any case, braces, `urn:uuid:`) lose the id. A `user_ids` flag whose list
--      is left empty is switched off: it matches nobody, and `flags update` asks for a new list
--      before it changes it. `{"attr": "user_id", "eq": ID}` becomes `"in": []`, which, like an
--      `in` list left empty, matches nobody (and under `not`, everybody, as it did: the id was
--      no one else's), so a rule never comes to match more accounts than before.
--    - jobs not yet started (status todo): a maintenance email batch loses the account's
--      recipient entry (a batch left with none goes), and the chatbot replies to its
--      conversations go. A running job is left alone, and so is a job a worker is claiming
--      right now (SKIP LOCKED, as for activities): it is then running.

create or replace function public.held_generation_credits() returns integer
language sql stable security definer
set search_path = ''
as $$
  select pg_catalog.count(*)::integer from internal.ai_credit_reservations r
  where r.user_id = auth.uid() and r.created_at >= pg_catalog.now() - interval '1 hour'
$$;
comment on function public.held_generation_credits() is
  'How many of the caller''s AI credits running generations hold (reserved, not yet charged or released).';
revoke all on function public.held_generation_credits() from public;
grant execute on function public.held_generation_credits() to authenticated;

-- Whether a JSON value is `account` written as check_rule accepts a user id.
create function internal.names_account(value jsonb, account uuid) returns boolean
language sql immutable
set search_path = ''
as $$
  select pg_catalog.jsonb_typeof(value) = 'string'
     and pg_catalog.replace(pg_catalog.btrim(pg_catalog.replace(pg_catalog.replace(
           pg_catalog.lower(value #>> '{}'), 'urn:', ''), 'uuid:', ''), '{}'), '-', '')
         = pg_catalog.replace(account::text, '-', '')
$$;
revoke all on function internal.names_account(jsonb, uuid) from public;

-- A JSON list of user ids without `account` (order kept).
create function internal.ids_without_account(ids jsonb, account uuid) returns jsonb
language sql immutable
set search_path = ''
as $$
  select coalesce(pg_catalog.jsonb_agg(v.value order by v.n), '[]'::jsonb)
  from pg_catalog.jsonb_array_elements(ids) with ordinality v(value, n)
  where not internal.names_account(v.value, account)
$$;
revoke all on function internal.ids_without_account(jsonb, uuid) from public;

-- A flag's `when` condition without `account`: an `eq` naming it becomes an empty `in`.
create function internal.condition_without_account(condition jsonb, account uuid) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
declare
  key text;
begin
  if pg_catalog.jsonb_typeof(condition) is distinct from 'object' then
    return condition;
  end if;
  if condition ? 'all' or condition ? 'any' then
    key := case when condition ? 'all' then 'all' else 'any' end;
    if pg_catalog.jsonb_typeof(condition -> key) <> 'array' then
      return condition;
    end if;
    return pg_catalog.jsonb_set(condition, array[key], coalesce(
      (select pg_catalog.jsonb_agg(internal.condition_without_account(p.value, account) order by p.n)
         from pg_catalog.jsonb_array_elements(condition -> key) with ordinality p(value, n)), '[]'::jsonb));
  end if;
  if condition ? 'not' then
    return pg_catalog.jsonb_set(condition, '{not}', internal.condition_without_account(condition -> 'not', account));
  end if;
  if condition ->> 'attr' is distinct from 'user_id' then
    return condition;
  end if;
  if internal.names_account(condition -> 'eq', account) then
    return (condition - 'eq') || pg_catalog.jsonb_build_object('in', '[]'::jsonb);
  end if;
  if pg_catalog.jsonb_typeof(condition -> 'in') = 'array' then
    return pg_catalog.jsonb_set(condition, '{in}', internal.ids_without_account(condition -> 'in', account));
  end if;
  return condition;
end
$$;
revoke all on function internal.condition_without_account(jsonb, uuid) from public;

-- A flag's conditions without `account`: its `user_ids` list and its `when`.
create function internal.flag_conditions_without_account(conditions jsonb, account uuid) returns jsonb
language sql immutable
set search_path = ''
as $$
  select case when pg_catalog.jsonb_typeof(c.listed) = 'array'
              then pg_catalog.jsonb_set(c.kept, '{user_ids}', internal.ids_without_account(c.listed, account))
              else c.kept end
  from (select conditions -> 'user_ids' as listed,
               case when conditions ? 'when'
                    then pg_catalog.jsonb_set(conditions, '{when}',
                           internal.condition_without_account(conditions -> 'when', account))
                    else conditions end as kept) c
$$;
revoke all on function internal.flag_conditions_without_account(jsonb, uuid) from public;

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
  return old;
end
$$;
revoke all on function internal.forget_deleted_account() from public;
grant execute on function internal.names_account(jsonb, uuid), internal.ids_without_account(jsonb, uuid),
  internal.condition_without_account(jsonb, uuid), internal.flag_conditions_without_account(jsonb, uuid)
  to blogster_definer;
grant select (id, strategy, enabled, conditions), update (enabled, conditions) on public.feature_flags
  to blogster_definer;
-- Deleting a job runs procrastinate's BEFORE DELETE trigger, which unlinks periodic defers.
grant update (args), delete on procrastinate.procrastinate_jobs to blogster_definer;
grant select (job_id), update (job_id) on procrastinate.procrastinate_periodic_defers to blogster_definer;
comment on function internal.forget_deleted_account() is
  'Before an account is deleted: its review comments on others'' assignments lose author and author_email, others'' activities lose approved_by (0116), flag rules lose its id and its queued jobs go (0118).';
