-- 0173 (helper 339): the feature-flag log's older entries name a deleted account as its deletion's
-- entry does (new-user walk #6).
--
-- 0159 writes the account "deleted account" in the entry of each change its deletion makes, but
-- 0121's rewrite of the older entries (internal.forget_account_in_flag_logs) took the id out as
-- 0118 takes it out of the rules: a `user_ids` flag's "created" and "updated" entries then showed
-- `user_ids: []`, a rule the CLI refuses and that read as though the flag had named nobody, and
-- created_by became null. The older entries' states are now marked as 0159 marks the deletion's
-- entry (internal.flag_state_marking_account: "deleted account" in the rules and created_by), then
-- taken out as before (internal.flag_state_without_account): the marking reads 64 levels deep
-- (0163), and what a deeper rule names still leaves the log. Either way no spelling of the id stays
-- (0121's promise). Entries rewritten before this migration stay as they are: the id they lost is
-- gone, and with it which entry it was taken from.

create or replace function internal.forget_account_in_flag_logs() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.feature_flag_logs l set
    previous_state = internal.flag_state_without_account(
      internal.flag_state_marking_account(l.previous_state, old.id), old.id),
    new_state = internal.flag_state_without_account(internal.flag_state_marking_account(l.new_state, old.id), old.id)
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
  'After an account is deleted: the feature-flag audit log''s states name it "deleted account" (rules, created_by), as the deletion''s own entry does (0159, 0173), and lose what still names it (0121); the deletion''s naming of it for the log ends (0159).';
