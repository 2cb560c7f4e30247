-- 0159: the feature-flag log says when an account's deletion changed a flag (h293 M7).
--
-- 0118 takes a deleted account's id out of the flags' rules, in the same statement as the
-- deletion, and switches off a `user_ids` flag left naming nobody; 0121 then takes the id out of
-- the log's states. The entry that change wrote read as an anonymous edit (changed_by NULL, the
-- deletion runs on the administrative login) whose previous state already lacked the account
-- (`enabled: true, user_ids: []` before `enabled: false, user_ids: []`): the switch-off was
-- explained nowhere.
--
-- feature_flag_logs gains `reason`: NULL for a change an administrator made, 'account deleted'
-- for each change an account's deletion makes (0118's rule update, the SET NULL of a flag's
-- created_by). Such an entry's
--   - changed_by is the administrator who deleted the account (`admin users delete`), NULL when
--     the account deleted itself (`account delete`): its id is never kept;
--   - created_at is the deletion's time;
--   - previous_state is the flag as it was, the account written "deleted account" wherever it was
--     named (in `user_ids`, a `when`'s `eq`/`in`, created_by): the removal shows, and no spelling
--     of the id stays in the log (0121's promise).
--
-- How the log trigger knows: the deletion names the account, and who deletes it, in two
-- transaction-local settings (blogster.deleting_account, blogster.account_deleted_by): the
-- deletion path on the administrative login sets both before the SET NULL updates it runs first
-- (repositories/accounts.delete_user), and a BEFORE DELETE trigger on auth.users sets the first
-- for any other deletion; 0121's AFTER DELETE trigger clears both. Any role can set such a
-- setting, so the log reads them only for a change made on a login that is no account's and
-- acting as none (auth.uid() NULL, session_user not u_...): the administrative login, the only one
-- that deletes accounts. An administrator's own change (on the shared login as their role, or on
-- their own login, SET ROLE blogster_admin included) is logged as before, whatever they set.

alter table public.feature_flag_logs add column reason text
  constraint feature_flag_logs_reason check (reason = 'account deleted');
comment on column public.feature_flag_logs.reason is
  'Why the flag changed when no administrator changed it: ''account deleted'' (0159); NULL for an administrator''s change.';

-- The account whose deletion is making the change under way, or NULL (not a deletion, or a
-- change an account makes, whatever it set).
create function internal.account_being_deleted() returns uuid
language plpgsql stable
set search_path = ''
as $$
declare
  named text := pg_catalog.current_setting('blogster.deleting_account', true);
begin
  if auth.uid() is not null or pg_catalog.starts_with(session_user::text, 'u_')
     or named is null or named !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return null;
  end if;
  return named::uuid;
end
$$;
revoke all on function internal.account_being_deleted() from public;
comment on function internal.account_being_deleted() is
  'The account being deleted (blogster.deleting_account) when the change under way is made on the administrative login as no account; else NULL (0159).';

-- The administrator deleting `account`: blogster.account_deleted_by when it names another
-- account that exists, else NULL (the account deleted itself, or it is not said).
create function internal.account_deleted_by(account uuid) returns uuid
language plpgsql stable
set search_path = ''
as $$
declare
  named text := pg_catalog.current_setting('blogster.account_deleted_by', true);
begin
  if named is null or named !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return null;
  end if;
  return (select u.id from auth.users u where u.id = named::uuid and u.id <> account);
end
$$;
revoke all on function internal.account_deleted_by(uuid) from public;
comment on function internal.account_deleted_by(uuid) is
  'Who is deleting `account` (blogster.account_deleted_by), if another existing account; else NULL (0159).';

-- A JSON value with every string naming `account` (as check_rule reads an id: 0118) written
-- "deleted account".
create function internal.jsonb_marking_account(value jsonb, account uuid) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
begin
  case pg_catalog.jsonb_typeof(value)
    when 'string' then
      return case when internal.names_account(value, account) then '"deleted account"'::jsonb else value end;
    when 'array' then
      return coalesce((select pg_catalog.jsonb_agg(internal.jsonb_marking_account(e.value, account) order by e.n)
                         from pg_catalog.jsonb_array_elements(value) with ordinality e(value, n)), '[]'::jsonb);
    when 'object' then
      return coalesce((select pg_catalog.jsonb_object_agg(e.key, internal.jsonb_marking_account(e.value, account))
                         from pg_catalog.jsonb_each(value) e), '{}'::jsonb);
    else
      return value;
  end case;
end
$$;
revoke all on function internal.jsonb_marking_account(jsonb, uuid) from public;

-- A flag's state (a row as jsonb) with `account` written "deleted account" in its rules and
-- created_by, the parts 0121 takes the id out of.
create function internal.flag_state_marking_account(state jsonb, account uuid) returns jsonb
language sql immutable
set search_path = ''
as $$
  select state
    || pg_catalog.jsonb_build_object('conditions', internal.jsonb_marking_account(state -> 'conditions', account))
    || pg_catalog.jsonb_build_object('created_by', internal.jsonb_marking_account(state -> 'created_by', account))
$$;
revoke all on function internal.flag_state_marking_account(jsonb, uuid) from public;
comment on function internal.flag_state_marking_account(jsonb, uuid) is
  'A feature_flag_logs state with `account` written "deleted account" in its rules and created_by (0159).';

create or replace function public.log_feature_flag_changes() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  deleting uuid;
begin
  if tg_op = 'INSERT' then
    insert into public.feature_flag_logs (flag_id, action, previous_state, new_state, changed_by)
    values (new.id, 'created', null, pg_catalog.to_jsonb(new), auth.uid());
  elsif tg_op = 'UPDATE' then
    if pg_catalog.to_jsonb(new) - 'updated_at' = pg_catalog.to_jsonb(old) - 'updated_at' then
      return null;
    end if;
    deleting := internal.account_being_deleted();
    if deleting is null then
      insert into public.feature_flag_logs (flag_id, action, previous_state, new_state, changed_by)
      values (new.id, 'updated', pg_catalog.to_jsonb(old), pg_catalog.to_jsonb(new), auth.uid());
    else
      insert into public.feature_flag_logs (flag_id, action, previous_state, new_state, changed_by, reason)
      values (new.id, 'updated', internal.flag_state_marking_account(pg_catalog.to_jsonb(old), deleting),
              pg_catalog.to_jsonb(new), internal.account_deleted_by(deleting), 'account deleted');
    end if;
  else
    insert into public.feature_flag_logs (flag_id, action, previous_state, new_state, changed_by)
    values (null, 'deleted', pg_catalog.to_jsonb(old), null, auth.uid());
  end if;
  return null;
end
$$;
comment on function public.log_feature_flag_changes() is
  'Writes one feature_flag_logs row per real change, with changed_by = auth.uid(); a change an account''s deletion makes says so (reason, who deleted it, the account as "deleted account": 0159).';

-- Any deletion of an account names it for the log (the deletion path has named it, and who
-- deletes it, already). Sorts before forget_deleted_account (0116), which changes the rules.
create function internal.note_account_deletion() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.set_config('blogster.deleting_account', old.id::text, true);
  return old;
end
$$;
revoke all on function internal.note_account_deletion() from public;
create trigger account_deletion_noted before delete on auth.users
  for each row execute function internal.note_account_deletion();
comment on function internal.note_account_deletion() is
  'Before an account is deleted: names it (blogster.deleting_account) for the flag log''s entries of the changes its deletion makes (0159).';

create or replace function internal.forget_account_in_flag_logs() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.feature_flag_logs l set
    previous_state = internal.flag_state_without_account(l.previous_state, old.id),
    new_state = internal.flag_state_without_account(l.new_state, old.id)
  -- Dashes anywhere, any case (0118 reads an id so): compared with the dashes taken out.
  where pg_catalog.strpos(pg_catalog.replace(pg_catalog.lower(coalesce(l.previous_state::text, '')
                                             || coalesce(l.new_state::text, '')), '-', ''),
                          pg_catalog.replace(old.id::text, '-', '')) operator(pg_catalog.>) 0;
  -- The deletion is over: later changes in this transaction are no part of it (0159).
  perform pg_catalog.set_config('blogster.deleting_account', '', true);
  perform pg_catalog.set_config('blogster.account_deleted_by', '', true);
  return null;
end
$$;
comment on function internal.forget_account_in_flag_logs() is
  'After an account is deleted: the feature-flag audit log''s states lose its id (rules, created_by), as the rules did (0118); the deletion''s naming of it for the log ends (0159).';

grant execute on function internal.account_being_deleted(), internal.account_deleted_by(uuid),
  internal.jsonb_marking_account(jsonb, uuid), internal.flag_state_marking_account(jsonb, uuid)
  to blogster_definer;
