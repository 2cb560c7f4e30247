-- Enqueueing many jobs in one statement (the maintenance fan-out queues one email job per
-- recipient) costs one trigger run per statement instead of three per job.
--
-- procrastinate 3.10's AFTER INSERT row triggers each ran a PL/pgSQL function per job: a
-- `deferred` event, a `scheduled` event when the job waits for a time, two NOTIFYs. At
-- 100,000 jobs that was most of the fan-out's time. The same effects now come from
-- statement-level triggers over the inserted rows (a transition table): the same events,
-- one insert each, and one wake-up per queue. Updates keep procrastinate's row triggers
-- (the `scheduled` event on UPDATE included): workers change one job at a time.

create or replace function procrastinate.procrastinate_jobs_inserted_v1() returns trigger
language plpgsql
set search_path = procrastinate, pg_catalog
as $$
declare
  queue text;
begin
  insert into procrastinate.procrastinate_events (job_id, type)
  select j.id, 'deferred' from new_jobs j where j.status = 'todo' order by j.id;
  insert into procrastinate.procrastinate_events (job_id, type, at)
  select j.id, 'scheduled', j.scheduled_at from new_jobs j
  where j.status = 'todo' and j.scheduled_at is not null order by j.id;
  -- Payloads name no job (0033): identical ones in a transaction are delivered once.
  for queue in select distinct j.queue_name from new_jobs j where j.status = 'todo' loop
    perform pg_catalog.pg_notify('procrastinate_queue_v1#' || queue, '{"type": "job_inserted", "job_id": null}');
    perform pg_catalog.pg_notify('procrastinate_any_queue_v1', '{"type": "job_inserted", "job_id": null}');
  end loop;
  return null;
end
$$;
revoke all on function procrastinate.procrastinate_jobs_inserted_v1() from public;

drop trigger procrastinate_jobs_notify_queue_job_inserted_v1 on procrastinate.procrastinate_jobs;
drop trigger procrastinate_trigger_status_events_insert_v1 on procrastinate.procrastinate_jobs;
drop trigger procrastinate_trigger_scheduled_events_v1 on procrastinate.procrastinate_jobs;

create trigger procrastinate_jobs_inserted_v1
  after insert on procrastinate.procrastinate_jobs
  referencing new table as new_jobs
  for each statement execute function procrastinate.procrastinate_jobs_inserted_v1();

create trigger procrastinate_trigger_scheduled_events_v1
  after update on procrastinate.procrastinate_jobs
  for each row when (new.scheduled_at is not null and new.status = 'todo'::procrastinate.procrastinate_job_status)
  execute function procrastinate.procrastinate_trigger_function_scheduled_events_v1();
