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
--    " by EMAIL (", " by EMAIL:" and, at the title's end, " by EMAIL" (0144's "TITLE is now approved
--    by EMAIL", written until 0171), the only ways they name a person (sender_id cannot be used:
--    the purge sets it to null before the row goes). A notification its recipient holds locked is
--    skipped, not waited for (as 0116's activities): any account can keep its own rows locked, which
--    would otherwise make every purge of a teammate fail on lock_timeout. The body is 0118's otherwise.
-- 2. Every account read every flag's whole rule (0004: "View: All authenticated users"), so
--    `flags list --json` showed a non-administrator which accounts a `user_ids` flag names, while
--    the flag log is for administrators only (tester 534). Accounts now read the flags' columns but
--    `conditions` and `created_by`; public.feature_flag_rules() gives every flag's rule, with each
--    string or key holding an account id but the caller's own (any spelling, anywhere in the string:
--    flag_string_for) written as the nil UUID for a non-administrator, and the caller's own kept as
--    stored: the rule answers the same for the caller, and names no one else.
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
  -- Before 0171 (0144) a title ended "... is now approved by EMAIL": matched at the title's end.
  update public.user_notifications n set title = (
      select case when pg_catalog.right(r.title, pg_catalog.length(' by ' || old.email)) = ' by ' || old.email
                  then pg_catalog.left(r.title, -pg_catalog.length(' by ' || old.email)) || ' by a deleted account'
                  else r.title end
      from (select pg_catalog.replace(pg_catalog.replace(n.title,
                     ' by ' || old.email || ' (', ' by a deleted account ('),
                     ' by ' || old.email || ':', ' by a deleted account:') as title) r)
  where (n.id, n.created_at) in (
    select o.id, o.created_at from public.user_notifications o
    where o.user_id <> old.id and o.type = 'blog_interaction'
      and (pg_catalog.strpos(o.title, ' by ' || old.email || ' (') > 0
           or pg_catalog.strpos(o.title, ' by ' || old.email || ':') > 0
           or pg_catalog.right(o.title, pg_catalog.length(' by ' || old.email)) = ' by ' || old.email)
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

-- `conditions` as a non-administrator reads it: each string and key holding an account id but
-- `account`'s own written as the nil UUID, walked whole (arrays and objects, recursively; jsonb
-- bounds the depth). Held: 32 hex digits in a row once urn:, uuid:, braces and dashes are passed
-- over (`run`: every letter of urn:/uuid: and the braces and dashes, anywhere, a superset of what
-- names_account and Python's UUID() take out; the "d" of uuid: only lengthens a run), so "}ID{",
-- "IDurn:", "ID-uuid:..." and "x ID" are held. A string that is the caller's own id and nothing
-- else but urn:, uuid:, braces and dashes is kept exactly as stored: it names no one else, and
-- the rule answers the same for the caller. A value whose text holds no run (quotes are not passed
-- over, so a run never spans two strings) is returned as it is: one regex scan, no walk.
create function internal.flag_conditions_walked(conditions jsonb, account uuid) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
declare
  run constant text := '[0-9a-f](?:[urni:{}-]*[0-9a-f]){31}';  -- matched case-insensitively
  own constant text := pg_catalog.replace(account::text, '-', '');
  nil constant jsonb := '"00000000-0000-0000-0000-000000000000"';
begin
  if not (conditions::text operator(pg_catalog.~*) run) then
    return conditions;
  end if;
  case pg_catalog.jsonb_typeof(conditions)
    when 'array' then
      return (select pg_catalog.jsonb_agg(case pg_catalog.jsonb_typeof(e.value)
                       when 'string' then case when (e.value #>> '{}') operator(pg_catalog.~*) run
                                                and pg_catalog.lower(pg_catalog.regexp_replace(e.value #>> '{}', 'urn:|uuid:|[{}-]', '', 'gi')) <> own
                                               then nil else e.value end
                       when 'array' then internal.flag_conditions_walked(e.value, account)
                       when 'object' then internal.flag_conditions_walked(e.value, account)
                       else e.value end order by e.n)
              from pg_catalog.jsonb_array_elements(conditions) with ordinality e(value, n));
    when 'object' then
      return (select pg_catalog.jsonb_object_agg(
                       case when e.key operator(pg_catalog.~*) run
                                 and pg_catalog.lower(pg_catalog.regexp_replace(e.key, 'urn:|uuid:|[{}-]', '', 'gi')) <> own
                            then nil #>> '{}' else e.key end,
                       case pg_catalog.jsonb_typeof(e.value)
                       when 'string' then case when (e.value #>> '{}') operator(pg_catalog.~*) run
                                                and pg_catalog.lower(pg_catalog.regexp_replace(e.value #>> '{}', 'urn:|uuid:|[{}-]', '', 'gi')) <> own
                                               then nil else e.value end
                       when 'array' then internal.flag_conditions_walked(e.value, account)
                       when 'object' then internal.flag_conditions_walked(e.value, account)
                       else e.value end)
              from pg_catalog.jsonb_each(conditions) e);
    when 'string' then  -- a rule's conditions are an object: for completeness
      return case when pg_catalog.lower(pg_catalog.regexp_replace(conditions #>> '{}', 'urn:|uuid:|[{}-]', '', 'gi')) = own
                  then conditions else nil end;
    else
      return conditions;
  end case;
end
$$;
revoke all on function internal.flag_conditions_walked(jsonb, uuid) from public;

-- flag_conditions_walked's answer, mostly by three regex scans of jsonb's text: a string token is
-- "..." with no unescaped quote inside, and every run of text between two tokens holds a space
-- (jsonb writes ", " and ": "), which the two token patterns below do not accept, so they match
-- whole tokens only. The caller's own id (its 32 digits with only urn:, uuid:, braces and dashes
-- around and between them) is marked with chr(1), which jsonb's text never holds raw; then each
-- token of only hex digits (32 or more) and urn:/uuid:/brace/dash letters is written as the nil
-- UUID. If a run is left outside the caller's own tokens (an id inside longer text, or a number of
-- 32 digits), the marked rule is walked string by string (flag_conditions_walked).
create function internal.flag_conditions_for(conditions jsonb, account uuid) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
declare
  run constant text := '[0-9a-f](?:[urni:{}-]*[0-9a-f]){31}';  -- as flag_conditions_walked's
  separators constant text := '(?:urn:|uuid:|[{}-])*';
  nil constant text := '00000000-0000-0000-0000-000000000000';  -- a run itself: left out of the last check
  own_token text;
  rule text := conditions::text;
begin
  if not (rule operator(pg_catalog.~*) run) then
    return conditions;
  end if;
  select '"(' || pg_catalog.string_agg(separators || d.digit, '' order by d.n) || separators || ')"' into own_token
  from pg_catalog.regexp_split_to_table(pg_catalog.replace(account::text, '-', ''), '') with ordinality d(digit, n);
  rule := pg_catalog.regexp_replace(rule, own_token, '"' || pg_catalog.chr(1) || '\1"', 'gi');
  rule := pg_catalog.regexp_replace(rule, '"[urni:{}-]*(?:[0-9a-f][urni:{}-]*){32,}"', '"' || nil || '"', 'gi');
  if pg_catalog.regexp_replace(pg_catalog.replace(rule, '"' || nil || '"', '""'), '"' || pg_catalog.chr(1) || '[^"]*"', '""', 'g')
       operator(pg_catalog.~*) run then
    return internal.flag_conditions_walked(pg_catalog.replace(rule, pg_catalog.chr(1), '')::jsonb, account);
  end if;
  return pg_catalog.replace(rule, pg_catalog.chr(1), '')::jsonb;
end
$$;
revoke all on function internal.flag_conditions_for(jsonb, uuid) from public;
grant execute on function internal.flag_conditions_for(jsonb, uuid), internal.flag_conditions_walked(jsonb, uuid)
  to blogster_definer;
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
