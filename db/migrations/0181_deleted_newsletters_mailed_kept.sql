-- 0181: a newsletter deleted after it mailed is remembered as mailed (how many, when; not whom),
-- so a restore of an earlier backup brings it back sent instead of due.
--
-- Red team 47 (F2): `db restore` carries over, from the database it replaces, the deliveries of
-- the newsletters mailed since the backup (services/backup.py, repositories/outside_work.py), so
-- that no reader is mailed twice. `newsletter rm` deletes a newsletter with its deliveries (ON
-- DELETE CASCADE), so a newsletter mailed after the backup and deleted before the restore left
-- nothing to carry over: the backup's copy came back due and the next `send-due` mailed every
-- reader again (the same Message-IDs). The daily limit's count (0175) kept the mails, but not
-- whose newsletter they were.
--
-- Now a definer trigger, as a newsletter with mails the SMTP server accepted is deleted, keeps
-- its id, its account, how many it mailed and when the last went in internal.deleted_newsletters.
-- A restore carries that over too: the backup's copy of such a newsletter, where it shows fewer
-- mails, comes back `sent` with that count, and a `sent` newsletter mails nobody more. Whom it
-- mailed is not kept (`newsletter rm` deletes that record for good, as it says), so the readers it
-- had not yet reached when it was deleted are not mailed either. No account reads or writes the
-- table; an account's deletion removes its rows (and the cascade then records nothing).

create table internal.deleted_newsletters (
  user_id uuid not null references auth.users (id) on delete cascade,
  id uuid not null,
  mailed integer not null check (mailed > 0),
  last_mailed_at timestamptz not null,
  deleted_at timestamptz not null default pg_catalog.now(),
  primary key (user_id, id)
);
comment on table internal.deleted_newsletters is
  'Each newsletter deleted after the SMTP server accepted mails of it: how many and the last one''s time (not to whom), so a restore of an earlier backup brings it back sent, not due (0181).';

alter table internal.deleted_newsletters enable row level security;
alter table internal.deleted_newsletters force row level security;
revoke all on internal.deleted_newsletters from public, anon, authenticated, blogster_admin, service_role;
grant select, insert, update on internal.deleted_newsletters to blogster_definer;  -- update: its ON CONFLICT

create function internal.remember_deleted_newsletter() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- Nothing when the account itself is being deleted (its rows go with it), or nothing was mailed.
  -- An id its account used again (ids are insertable) adds the second newsletter's mails.
  insert into internal.deleted_newsletters as k (user_id, id, mailed, last_mailed_at)
  select old.user_id, old.id, pg_catalog.count(*)::integer, pg_catalog.max(d.sent_at)
  from public.newsletter_deliveries d
  where d.newsletter_id = old.id and d.outcome = 'sent'
    and exists (select 1 from auth.users u where u.id = old.user_id)
  having pg_catalog.count(*) > 0
  on conflict (user_id, id) do update
  set mailed = k.mailed + excluded.mailed, last_mailed_at = greatest(k.last_mailed_at, excluded.last_mailed_at),
      deleted_at = excluded.deleted_at;
  return old;
end
$$;
comment on function internal.remember_deleted_newsletter() is
  'Keeps how many mails a newsletter being deleted had accepted, and when the last went (not to whom), for a restore of an earlier backup (0181).';
revoke all on function internal.remember_deleted_newsletter() from public;
alter function internal.remember_deleted_newsletter() owner to blogster_definer;

-- Before the delete: its deliveries (ON DELETE CASCADE) are still there to count.
create trigger remember_deleted_newsletter before delete on public.email_newsletters
  for each row execute function internal.remember_deleted_newsletter();
