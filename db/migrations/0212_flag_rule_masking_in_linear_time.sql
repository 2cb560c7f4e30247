-- 0212: a non-administrator reads a large flag rule about as fast as an administrator.
--
-- public.feature_flag_rules() writes, for a non-administrator, every other account's id in a rule
-- as the nil UUID (internal.flag_conditions_for, 0210). It did so with regular expressions over the
-- rule's text whose every match cost far more than the text it covered: an 8.6 MB rule of ids read
-- in 8.2 s by a non-administrator and 0.1 s by an administrator (here, loaded: 15 s; a 1.6 MB
-- rule 2-3 s). Timed inside the function, nearly all of it was the one regexp_replace that wrote
-- each id-only string as the nil UUID ('"[urni:{}-]*(?:[0-9a-f][urni:{}-]*){32,}"': its counted
-- repetition makes PostgreSQL's engine build many states, every match), then the one marking the
-- caller's own tokens; a rule of ids in longer text went string by string through
-- flag_conditions_walked, two regular expressions each.
--
-- The answer is the same, computed with a few passes of replace(), lower() and string_to_array()
-- over the whole text (each linear and cheap) and constant work per string: the text is cut at its
-- quotes (escaped ones and backslashes set aside first, as chr(2) and chr(3), which jsonb's text
-- never holds raw), so every second piece is a string's text, a key or a value. A string that, once
-- lower-cased and without braces and dashes, is 32 or more hex digits and nothing else is an
-- id-only string: kept if it is the caller's own id, else the nil UUID, as flag_conditions_walked
-- writes it (one short, anchored pattern). Any other string of 32 characters or more (urn:/uuid:
-- in it, an id inside longer text, escapes) is read by flag_conditions_walked's own test
-- (flag_string_for_reader below), one string at a time; a shorter one holds no id. Numbers and the
-- text between strings are kept, as flag_conditions_walked keeps them. A string the old text match
-- wrote in part (an id after an escaped quote) is now written whole, as flag_conditions_walked does.

-- A string's text as it stands between quotes in a jsonb's text (escaped quotes and backslashes
-- as chr(3) and chr(2)), as a non-administrator reads it: flag_conditions_walked's test.
create function internal.flag_string_for_reader(piece text, own text) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  run constant text := '[0-9a-f](?:[urni:{}-]*[0-9a-f]){31}';  -- matched case-insensitively
  string text := piece;
begin
  if pg_catalog.strpos(piece, '\') > 0 or pg_catalog.strpos(piece, pg_catalog.chr(2)) > 0
     or pg_catalog.strpos(piece, pg_catalog.chr(3)) > 0 then
    string := ('"' || pg_catalog.replace(pg_catalog.replace(piece, pg_catalog.chr(2), '\\'), pg_catalog.chr(3), '\"') || '"')::jsonb #>> '{}';
  end if;
  if string operator(pg_catalog.~*) run
     and pg_catalog.lower(pg_catalog.regexp_replace(string, 'urn:|uuid:|[{}-]', '', 'gi')) <> own then
    return '00000000-0000-0000-0000-000000000000';
  end if;
  return piece;
end
$$;
revoke all on function internal.flag_string_for_reader(text, text) from public;

create or replace function internal.flag_conditions_for(conditions jsonb, account uuid) returns jsonb
language plpgsql immutable
set search_path = ''
as $$
declare
  run constant text := '[0-9a-f](?:[urni:{}-]*[0-9a-f]){31}';  -- as flag_conditions_walked's
  own constant text := pg_catalog.replace(account::text, '-', '');
  nil constant text := '00000000-0000-0000-0000-000000000000';
  rule text := conditions::text;
  pieces text[];
  plains text[];  -- lower-cased, without braces and dashes
  i integer;
begin
  if not (rule operator(pg_catalog.~*) run) then
    return conditions;
  end if;
  rule := pg_catalog.replace(pg_catalog.replace(rule, '\\', pg_catalog.chr(2)), '\"', pg_catalog.chr(3));
  pieces := pg_catalog.string_to_array(rule, '"');
  plains := pg_catalog.string_to_array(
    pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.lower(rule), '-', ''), '{', ''), '}', ''), '"');
  for i in 2 .. coalesce(pg_catalog.array_upper(pieces, 1), 0) by 2 loop  -- the strings
    if pg_catalog.length(pieces[i]) >= 32 then  -- room for 32 hex digits
      if plains[i] operator(pg_catalog.~) '^[0-9a-f]+$' then  -- an id-only string
        if pg_catalog.length(plains[i]) >= 32 and plains[i] <> own then
          pieces[i] := nil;
        end if;
      else
        pieces[i] := internal.flag_string_for_reader(pieces[i], own);
      end if;
    end if;
  end loop;
  rule := pg_catalog.array_to_string(pieces, '"');
  return pg_catalog.replace(pg_catalog.replace(rule, pg_catalog.chr(3), '\"'), pg_catalog.chr(2), '\\')::jsonb;
end
$$;
revoke all on function internal.flag_conditions_for(jsonb, uuid) from public;
grant execute on function internal.flag_string_for_reader(text, text) to blogster_definer;
comment on function internal.flag_conditions_for(jsonb, uuid) is
  'A flag''s conditions as a non-administrator `account` reads them: each string or key holding another account''s id written as the nil UUID (flag_conditions_walked''s answer, 0210), in time linear in the rule (0212).';
