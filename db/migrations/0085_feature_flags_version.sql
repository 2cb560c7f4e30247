-- Feature-flag evaluations are cached by the long-lived processes (serve-workers, the TUI)
-- and refreshed when a flag changes (issue 14).
--
-- What is cached is the rule set (every flag, which every user may read), not per-user
-- answers: evaluating a rule is a pure hash and comparison in Python (flags/evaluation.py),
-- while a materialized view of flag x user answers would repeat the evaluator in SQL and
-- go stale on every signup and tier change as well as on every flag change.
--
-- The cache knows it is stale through one value: internal.feature_flags_version, a random
-- uuid drawn afresh by a statement trigger in the same transaction as any insert, update,
-- delete or truncate of public.feature_flags. A change and its new version commit
-- together, so a reader that reads the version and then (only if it moved) the rules is
-- never behind a committed change; a rolled-back change leaves the version where it was.
-- Being random rather than a counter, one version means one state of the flags in every
-- database: a clone or a restored backup carries the flags that go with its version, so a
-- process's cache needs no database identity in its key. Readers ask through
-- public.feature_flags_version(): one uuid, nothing about any account.

create table internal.feature_flags_version (
  only_row boolean primary key default true constraint feature_flags_version_one_row check (only_row),
  version uuid not null default gen_random_uuid()
);
comment on table internal.feature_flags_version is
  'Drawn afresh with every change of public.feature_flags (one row): the key of the processes'' cached flag rules.';
insert into internal.feature_flags_version (only_row) values (true);
alter table internal.feature_flags_version enable row level security;
alter table internal.feature_flags_version force row level security;
revoke all on internal.feature_flags_version from public, anon, authenticated, blogster_admin;
grant select, update on internal.feature_flags_version to blogster_definer;
grant select on internal.feature_flags_version to service_role;

create or replace function internal.bump_feature_flags_version() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  update internal.feature_flags_version set version = pg_catalog.gen_random_uuid() where only_row;
  return null;
end
$$;
comment on function internal.bump_feature_flags_version() is
  'Statement trigger on public.feature_flags: a change and the new cache version commit together.';
revoke all on function internal.bump_feature_flags_version() from public;

create trigger bump_feature_flags_version after insert or update or delete or truncate on public.feature_flags
  for each statement execute function internal.bump_feature_flags_version();

create or replace function public.feature_flags_version() returns uuid
language sql stable security definer
set search_path = ''
as $$ select v.version from internal.feature_flags_version v where v.only_row $$;
comment on function public.feature_flags_version() is
  'The version of the feature flags'' rules: it moves with every committed change of public.feature_flags.';
revoke all on function public.feature_flags_version() from public;
grant execute on function public.feature_flags_version() to authenticated, service_role;
