-- 0112: one account cannot fill the shared tag table.
--
-- blog_tags is one table for every account (names unique case-insensitively), and an account
-- adds names to it through public.tag_ids(names) (0013) or its own INSERT (the policy only
-- asks for an account): a red team account added 100,000 tags no post used in 0.9 s, and
-- nothing bounded how many more. Tags carry no creator, so orphans cannot be told apart by
-- whose they are; instead each account creates at most 10,000 new tags a day (UTC), counted
-- in internal.tag_creation_rates by a statement-level trigger (its transition table holds
-- only the rows really inserted: a name that already exists, skipped by tag_ids'
-- ON CONFLICT DO NOTHING, costs nothing). Past the cap the statement fails with 54000 and
-- "you created 10,000 new tags today: ...", which the CLI prints as it is (as 0102's daily
-- assignment cap). Tagging with existing names is never limited.
--
-- 10,000 is far above what writing does (a post carries a handful of tags, a whole blog a
-- few hundred) and above a large import: 1,000 posts with several new tags each
-- (tests/integration/test_tag_quota.py imports a 1,000-post folder with 4,000 new tags and a
-- blog with 300 in one day). A flood is cut to 10,000 rows a day per account.
--
-- Counted for a writer acting as an account, as 0102: its SET ROLE role or its login
-- (coalesce(auth.uid(), auth.session_uid())). Restore, migrations and the administrator's own
-- login write tags as they were. The count is one row per account, so only the account's
-- own concurrent statements wait for each other.

create table internal.tag_creation_rates (
  account_id uuid primary key references auth.users (id) on delete cascade,
  day date not null,
  created integer not null
);
comment on table internal.tag_creation_rates is 'Tags one account created today (UTC): at most 10,000 a day, so no account fills the shared tag table.';
alter table internal.tag_creation_rates enable row level security;
alter table internal.tag_creation_rates force row level security;
revoke all on internal.tag_creation_rates from public, anon, authenticated, blogster_admin;
grant select, insert, update on internal.tag_creation_rates to blogster_definer;

create function internal.check_new_tags() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  me uuid := coalesce(auth.uid(), auth.session_uid());
  today date := (pg_catalog.now() at time zone 'UTC')::date;
  added integer;
  made integer;
begin
  if me is null then
    return null;
  end if;
  select pg_catalog.count(*) into added from new_tags;
  if added = 0 then
    return null;
  end if;
  insert into internal.tag_creation_rates as r (account_id, day, created)
  values (me, today, added)
  on conflict (account_id) do update
    -- A transaction begun before midnight (UTC) and committing after another of the next day
    -- counts into that later day, never starting its count again (greatest, >=).
    set day = greatest(r.day, today),
        created = case when r.day >= today then r.created + added else added end
  returning r.created into made;
  if made > 10000 then
    raise exception 'you created 10,000 new tags today: tag with existing ones, or try again tomorrow'
      using errcode = '54000';
  end if;
  return null;
end
$$;
revoke all on function internal.check_new_tags() from public;
alter function internal.check_new_tags() owner to blogster_definer;
comment on function internal.check_new_tags() is
  'Counts the tags an account creates (statement-level, from the rows really inserted) and refuses more than 10,000 a day.';

create trigger count_new_tags after insert on public.blog_tags
  referencing new table as new_tags
  for each statement execute function internal.check_new_tags();
