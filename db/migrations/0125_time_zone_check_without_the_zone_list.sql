-- 0125: whether PostgreSQL knows a time zone by name, without listing every zone it knows.
--
-- `calendar run-due` reads each pending entry's start in the entry's own zone, and a zone that
-- is not one of PostgreSQL's zone names (the column checks only its length: raw SQL or another
-- client may store any text) counts as UTC, as the CLI reads it (planning/times.zone takes IANA
-- names only), so that one such row can neither fail the run nor move it. The check was
-- `zone in (select name from pg_timezone_names)`: that view reads and parses every file of the
-- time zone database, ~7 ms a statement (~24 ms the first time on a connection), paid by any run
-- with a pending non-UTC entry of a live post however few rows it marks (CI's 100 posts: 0.13 s
-- a run instead of 0.07).
--
-- public.is_time_zone(zone) gives the same answer from the one name: the TimeZone setting takes
-- exactly the zone files and POSIX rules (not the abbreviations timezone() also takes, such as
-- PST) and spells a file's name as the file does ('europe/berlin' reads back 'Europe/Berlin');
-- a name that reads back as given and has no POSIX offset (`UTC+3`, `<+03>-3`: letters, then a
-- digit) is a zone file, as are the seven old files whose names are such rules (GMT0 ...
-- PST8PDT). The setting changes only inside the call (the function's own SET restores it).
-- Measured on PostgreSQL 18: the answer equals the view's for each of its 598 zone files and 28
-- odd names (case, spaces, POSIX rules, abbreviations, '..', '', posixrules, Factory); 2.7 us a
-- known zone and 20 us an unknown one (the error and its subtransaction) over 10,000 rows, so
-- the view's 7 ms bought ~2,500 checks. Invoker, reading nothing: any role may call it.

create function public.is_time_zone(zone text) returns boolean
language plpgsql stable
set search_path = ''
set "TimeZone" = 'UTC'
as $$
begin
  perform pg_catalog.set_config('TimeZone', zone, true);
  return pg_catalog.current_setting('TimeZone') operator(pg_catalog.=) zone
    and (zone operator(pg_catalog.!~) '^(<[^>]*>|[A-Za-z]{3,})[+-]?[0-9]'
         or zone operator(pg_catalog.=) any (array['GMT0', 'GMT+0', 'GMT-0', 'EST5EDT', 'CST6CDT', 'MST7MDT', 'PST8PDT']));
exception when invalid_parameter_value then
  return false;
end
$$;
comment on function public.is_time_zone(text) is 'Whether this is one of PostgreSQL''s zone names (pg_timezone_names), without reading them all: the calendar reads an entry in any other zone as UTC (0125).';
revoke execute on function public.is_time_zone(text) from public;
grant execute on function public.is_time_zone(text) to anon, authenticated, service_role, blogster_definer;
