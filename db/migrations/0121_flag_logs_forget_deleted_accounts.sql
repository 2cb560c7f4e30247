-- 0121: a deleted account's id leaves the feature-flag audit log too.
--
-- `account delete` promises that no row references or mentions the account. 0118 took the id
-- out of the flags' rules, but the audit log (feature_flag_logs) keeps each flag's whole row
-- before and after every change, as written by log_feature_flag_changes(): a rule naming the
-- account in `user_ids` or in its `when`, and `created_by` of a flag the account made, stayed
-- in every older entry, and the deletion itself added two more (0118's rule update, and the
-- foreign key's SET NULL on created_by).
--
-- An AFTER DELETE trigger on auth.users now rewrites those states without the id, as 0118
-- rewrites the rules (internal.flag_conditions_without_account); created_by naming it becomes
-- null. AFTER, and named so it fires after the foreign keys' own triggers ("RI_Constraint..."
-- sorts first): the entries their SET NULL writes exist by then. The entries keep their
-- action, time and everything else: the trail says what changed, without whom it named.

create function internal.flag_state_without_account(state jsonb, account uuid) returns jsonb
language sql immutable
set search_path = ''
as $$
  select case when c.kept ? 'conditions'
              then pg_catalog.jsonb_set(c.kept, '{conditions}',
                     internal.flag_conditions_without_account(c.kept -> 'conditions', account))
              else c.kept end
  from (select case when state ->> 'created_by' operator(pg_catalog.=) account::text
                    then pg_catalog.jsonb_set(state, '{created_by}', 'null'::jsonb)
                    else state end as kept) c
$$;
revoke all on function internal.flag_state_without_account(jsonb, uuid) from public;
grant execute on function internal.flag_state_without_account(jsonb, uuid) to blogster_definer;
comment on function internal.flag_state_without_account(jsonb, uuid) is
  'A feature_flag_logs state (a flag row as jsonb) without `account`: its rules lose the id (0118), created_by naming it becomes null.';

create function internal.forget_account_in_flag_logs() returns trigger
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
  return null;
end
$$;
revoke all on function internal.forget_account_in_flag_logs() from public;
grant select (previous_state, new_state), update (previous_state, new_state) on public.feature_flag_logs
  to blogster_definer;
create trigger forget_account_in_flag_logs after delete on auth.users
  for each row execute function internal.forget_account_in_flag_logs();
comment on function internal.forget_account_in_flag_logs() is
  'After an account is deleted: the feature-flag audit log''s states lose its id (rules, created_by), as the rules did (0118).';
