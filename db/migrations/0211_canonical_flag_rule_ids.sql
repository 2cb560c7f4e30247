-- 0211: the account ids in the flags' rules in one spelling, lower-case and hyphenated.
--
-- `flags create/update` checked an id with Python's UUID(), which reads "{ID}", "ID" in upper
-- case, "urn:uuid:ID", 32 digits without dashes, and more, but stored it as typed, while the
-- evaluator compared text with the account's id as str(UUID) writes it: such a rule was never on
-- for the account it names. The service now stores each id as str(UUID) writes it
-- (flags/evaluation.py canonical_id), and the evaluator reads an id in any of those spellings.
-- Here the rules saved before are rewritten so: each value where a rule names an account (the
-- "user_ids" list; the "eq" value and the "in" list of an {"attr": "user_id", ...} condition of
-- "when", inside "all", "any" and "not", to the 17 levels the evaluator reads) that spells an id
-- is written as that id, lower-case and hyphenated. Any other value, and any text elsewhere, is
-- kept as written. The change is logged as any change of a flag (changed_by: no account).

-- The id `value` spells, as canonical_id reads it: 32 hex digits once urn:, uuid:, braces and
-- dashes are taken out (any case: what the masking of others' ids in 0210 passes over), or what
-- Python's UUID() reads ("urn:"/"uuid:" out, braces off both ends, dashes out, then 32 characters
-- int(x, 16) reads: a leading "+", "0x", "_" between digits; with no space); a JSON number of
-- digits read as its text. Anything else is returned as it is.
create function internal.flag_rule_id(value jsonb) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
declare
  spelled text;
  digits text;
begin
  case pg_catalog.jsonb_typeof(value)
    when 'string' then spelled := value #>> '{}';
    when 'number' then spelled := value::text;
    else return value;
  end case;
  digits := pg_catalog.lower(pg_catalog.regexp_replace(spelled, 'urn:|uuid:|[{}-]', '', 'gi'));
  if digits operator(pg_catalog.~) '^[0-9a-f]{32}$' then
    return pg_catalog.to_jsonb(digits::uuid::text);
  end if;
  digits := pg_catalog.replace(pg_catalog.btrim(pg_catalog.replace(pg_catalog.replace(spelled, 'urn:', ''), 'uuid:', ''), '{}'), '-', '');
  if pg_catalog.length(digits) = 32
     and digits operator(pg_catalog.~) '^\+?(0[xX]_?)?[0-9a-fA-F](_?[0-9a-fA-F])*$' then
    digits := pg_catalog.replace(pg_catalog.regexp_replace(digits, '^\+?(0[xX])?', ''), '_', '');
    return pg_catalog.to_jsonb(pg_catalog.lpad(pg_catalog.lower(digits), 32, '0')::uuid::text);
  end if;
  return value;
end
$$;
revoke all on function internal.flag_rule_id(jsonb) from public;

-- A `when` condition at `depth` (0: `when` itself, as the evaluator counts) with the ids it names
-- as flag_rule_id writes them; an empty "all"/"any" (on for everyone, for no one) and anything past
-- depth 16, which the evaluator refuses, as it is.
create function internal.flag_condition_ids(condition jsonb, depth integer) returns jsonb
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
    -- An empty list is kept: jsonb_agg over no rows is SQL null, which would null the condition.
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

create function internal.flag_rule_ids(conditions jsonb) returns jsonb
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
comment on function internal.flag_rule_ids(jsonb) is
  'A flag''s conditions with each account id they name ("user_ids"; user_id conditions of "when") lower-case and hyphenated, as the service stores them (0211).';

update public.feature_flags f set conditions = internal.flag_rule_ids(f.conditions)
where internal.flag_rule_ids(f.conditions) <> f.conditions;
