-- 0190: a newsletter deleted before it mailed anyone is remembered too (its id and when; not its
-- content), so that a restore of an earlier backup, where it is scheduled, does not send it.
--
-- 0181 (restated by 0186) remembered only a newsletter that had mailed someone: one scheduled in a
-- backup and deleted unmailed since came back scheduled from a restore of that backup, and the next
-- `calendar run-due` (or the workers' next minute) mailed every reader. 0188 did the same for social
-- posts. Now every deleted newsletter is remembered: `mailed` 0 and no last_mailed_at when it mailed
-- nobody. A restore makes the backup's copy, if still scheduled after the records of mails (a
-- newsletter mailed since the backup comes back sent, as 0181 made it), a draft with no time
-- (outside_work.WRITE_UNSCHEDULED_NEWSLETTERS). An account that uses a mailed newsletter's id again
-- (ids are insertable) and deletes that one unmailed adds no mails to its record: it stays mailed.

alter table internal.deleted_newsletters
  drop constraint deleted_newsletters_mailed_check,
  add constraint deleted_newsletters_mailed check (mailed >= 0),
  alter column last_mailed_at drop not null,
  add constraint deleted_newsletters_last_mailed_at check ((mailed = 0) = (last_mailed_at is null));
comment on table internal.deleted_newsletters is
  'Each newsletter deleted: how many mails the SMTP server had accepted of it and the last one''s time (not to whom; 0 and none when it mailed nobody), so a restore of an earlier backup brings it back sent, not due, or a draft when it was scheduled there (0181, 0190).';

create or replace function internal.remember_deleted_newsletter() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  -- Mailed or not (a restore unschedules the backup's copy), not when its account is being deleted
  -- (its rows go with it). An id its account used again (ids are insertable) adds the second
  -- newsletter's mails, none when it mailed nobody: a record never forgets mails.
  insert into internal.deleted_newsletters as k (user_id, id, mailed, last_mailed_at)
  select old.user_id, old.id, m.mailed, m.last_mailed_at
  from (select pg_catalog.count(*)::integer as mailed,
               case when pg_catalog.count(*) > 0 then least(pg_catalog.max(d.sent_at), pg_catalog.now()) end
                 as last_mailed_at
        from public.newsletter_deliveries d
        where d.newsletter_id = old.id and d.outcome = 'sent') as m
  where exists (select 1 from auth.users u where u.id = old.user_id)
  on conflict (user_id, id) do update
  set mailed = k.mailed + excluded.mailed, last_mailed_at = greatest(k.last_mailed_at, excluded.last_mailed_at),
      deleted_at = excluded.deleted_at;
  return old;
end
$$;
comment on function internal.remember_deleted_newsletter() is
  'Keeps a newsletter being deleted: how many mails it had accepted and when the last went (not to whom; none when it mailed nobody), for a restore of an earlier backup (0181, 0190).';
