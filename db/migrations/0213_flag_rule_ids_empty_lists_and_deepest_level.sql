-- 0213: 0211's rewrite of the flags' account ids keeps an empty "all" or "any", and reaches the
-- deepest level the evaluator reads.
--
-- 1. internal.flag_condition_ids (0211) set an empty "all" or "any" list to jsonb_agg's answer over
--    no rows, SQL null, which made the whole condition null: inside another "all"/"any" list it
--    became a JSON null there ({"any": [{"all": []}, C]} was written {"any": [null, C]}), and the
--    rule so written was saved. An empty "all" holds for everyone (one of "any", for no one), a
--    null is a malformed condition and turns the whole flag off: a flag on for everyone (rules
--    saved before `flags` refused an empty "all"/"any", 072f91ad) was off for everyone after 0211.
--    (A rule whose null reached "when" itself became null whole and was left as it was, its ids
--    unwritten.) An empty list is now kept as it is.
-- 2. The evaluator reads `when` at depth 0 and refuses only past 16 (flags/evaluation.py
--    MAX_DEPTH: 17 levels), while 0211 started `when` at 1 and stopped past 16: an id at the
--    deepest level was left as typed, and one only Python's UUID() reads ("0x...", "+...") is no
--    longer read by the evaluator (9ea3840d). `when` now starts at 0, as the evaluator's.
--
-- The rules 0211 wrote (the last logged change of the flag, made by no account, whose new rule is
-- the flag's rule now and is 0211's answer for the rule before it) are written again from that
-- rule before, and every rule goes through the corrected rewrite (the ids of a rule left whole
-- above). A change is logged as any change of a flag (changed_by: no account).

create temporary table flag_rules_before_0211 on commit drop as
  select l.flag_id, l.previous_state -> 'conditions' as conditions
  from (select distinct on (g.flag_id) g.flag_id, g.action, g.changed_by, g.previous_state, g.new_state
          from public.feature_flag_logs g
          where g.flag_id is not null
          order by g.flag_id, g.created_at desc) l
  join public.feature_flags f on f.id = l.flag_id
  where l.action = 'updated' and l.changed_by is null
    and l.new_state -> 'conditions' = f.conditions
    and pg_catalog.jsonb_typeof(l.previous_state -> 'conditions') = 'object'
    and l.previous_state -> 'conditions' <> f.conditions
    and internal.flag_rule_ids(l.previous_state -> 'conditions') = f.conditions;  -- 0211's own answer

create or replace function internal.flag_condition_ids(condition jsonb, depth integer) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
declare
  part text;
begin
  if pg_catalog.jsonb_typeof(condition) is distinct from 'object' or depth > 16 then
    return condition;
  end if;
  foreach part in array array['all', 'any'] loop
    if pg_catalog.jsonb_typeof(condition -> part) = 'array' and condition -> part <> '[]'::jsonb then
      condition := pg_catalog.jsonb_set(condition, array[part], (
        select pg_catalog.jsonb_agg(internal.flag_condition_ids(e.value, depth + 1) order by e.n)
        from pg_catalog.jsonb_array_elements(condition -> part) with ordinality e(value, n)));
    end if;
  end loop;
  if condition ? 'not' then
    condition := pg_catalog.jsonb_set(condition, '{not}', internal.flag_condition_ids(condition -> 'not', depth + 1));
  end if;
  if condition ->> 'attr' = 'user_id' then
    if condition ? 'eq' then
      condition := pg_catalog.jsonb_set(condition, '{eq}', internal.flag_rule_id(condition -> 'eq'));
    end if;
    if pg_catalog.jsonb_typeof(condition -> 'in') = 'array' and condition -> 'in' <> '[]'::jsonb then
      condition := pg_catalog.jsonb_set(condition, '{in}', (
        select pg_catalog.jsonb_agg(internal.flag_rule_id(e.value) order by e.n)
        from pg_catalog.jsonb_array_elements(condition -> 'in') with ordinality e(value, n)));
    end if;
  end if;
  return condition;
end
$$;
revoke all on function internal.flag_condition_ids(jsonb, integer) from public;
comment on function internal.flag_condition_ids(jsonb, integer) is
  'A `when` condition at `depth` (0: `when` itself, as the evaluator counts) with each account id its user_id conditions name as flag_rule_id writes it; an empty "all"/"any" and anything past depth 16 as it is (0211, 0213).';

create or replace function internal.flag_rule_ids(conditions jsonb) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
begin
  if pg_catalog.jsonb_typeof(conditions) is distinct from 'object' then
    return conditions;
  end if;
  if pg_catalog.jsonb_typeof(conditions -> 'user_ids') = 'array' and conditions -> 'user_ids' <> '[]'::jsonb then
    conditions := pg_catalog.jsonb_set(conditions, '{user_ids}', (
      select pg_catalog.jsonb_agg(internal.flag_rule_id(e.value) order by e.n)
      from pg_catalog.jsonb_array_elements(conditions -> 'user_ids') with ordinality e(value, n)));
  end if;
  if conditions ? 'when' then
    conditions := pg_catalog.jsonb_set(conditions, '{when}', internal.flag_condition_ids(conditions -> 'when', 0));
  end if;
  return conditions;
end
$$;
revoke all on function internal.flag_rule_ids(jsonb) from public;

update public.feature_flags f set conditions = s.conditions
from (select g.id, internal.flag_rule_ids(coalesce(b.conditions, g.conditions)) as conditions
        from public.feature_flags g left join pg_temp.flag_rules_before_0211 b on b.flag_id = g.id) s
where s.id = f.id and s.conditions <> f.conditions;
