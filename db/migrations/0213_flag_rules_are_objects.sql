-- 0213: a flag's rule is a JSON object, whoever writes it.
--
-- `flags create/update` take a rule only as a JSON object whose "user_ids" and "tiers" are lists
-- (flags/evaluation.py check_rule), but the column took any jsonb, and an administrator's own SQL
-- could store '[]', '1', '"x"', 'null', or {"user_ids": null}. Every reader of the rules then
-- failed, for every account, whichever flag it asked about: `flags list` and `flags check` ended in
-- a Python traceback (the rules are read all at once), and a rule '["when"]' made every account's
-- deletion fail (0118's forget_deleted_account sets the "when" of a rule that has one).
--
-- The column now holds only the shape every reader takes: a JSON object, whose "user_ids" and
-- "tiers" (the lists the strategies read), where given, are arrays, and whose "when" (the
-- condition), where given, is an object or null (null: no condition, as the evaluator reads it).
-- What is inside a "when" is the evaluator's to judge (a malformed condition answers off), as
-- before. Rules already stored otherwise are rewritten to the empty rule '{}' and switched off,
-- their description saying why: such a rule answered nothing (every read of the rules failed),
-- and no reading of it is safe to guess, while an empty rule that is off grants nothing to anyone.
-- The old rule stays in the flag log (the change is logged as any change of a flag, changed_by:
-- no account), where an administrator reads it to write it again as `flags update --conditions`
-- takes it.

update public.feature_flags f set
  conditions = '{}'::jsonb,
  enabled = false,
  description = pg_catalog.concat_ws(' ', f.description,
    '(Switched off by migration 0213: its stored rule was not a JSON object with "user_ids"/"tiers" lists,'
    ' so no account could read the flags. The old rule is in `blogster flags log --json`.)')
where not (pg_catalog.jsonb_typeof(f.conditions) = 'object'
           and pg_catalog.jsonb_typeof(coalesce(f.conditions -> 'user_ids', '[]'::jsonb)) = 'array'
           and pg_catalog.jsonb_typeof(coalesce(f.conditions -> 'tiers', '[]'::jsonb)) = 'array'
           and pg_catalog.jsonb_typeof(coalesce(f.conditions -> 'when', '{}'::jsonb)) in ('object', 'null'));

alter table public.feature_flags add constraint feature_flags_conditions_shape check (
  jsonb_typeof(conditions) = 'object'
  and jsonb_typeof(coalesce(conditions -> 'user_ids', '[]'::jsonb)) = 'array'
  and jsonb_typeof(coalesce(conditions -> 'tiers', '[]'::jsonb)) = 'array'
  and jsonb_typeof(coalesce(conditions -> 'when', '{}'::jsonb)) in ('object', 'null'));
comment on constraint feature_flags_conditions_shape on public.feature_flags is
  'A rule is a JSON object; its "user_ids" and "tiers", where given, arrays; its "when" an object or null: what every reader of the rules takes (0213).';
