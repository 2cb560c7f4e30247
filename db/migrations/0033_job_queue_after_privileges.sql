-- The job queue (0030-0032) on the privileges of 0010-0013.
--
-- 1. internal.normalize_ownership() (0010) gives procrastinate's tables to blogster_owner.
--    Foreign-key checks run as the tables' owner (procrastinate_events.job_id,
--    internal.job_failures.job_id), so the owner needs USAGE on the schema, as it has on
--    `internal`. User roles still have none.
-- 2. Any role may LISTEN on (and NOTIFY) any channel, procrastinate's included. Its
--    notifications now carry their type only, never a job id: a listener learns neither
--    job ids nor how many jobs a change made (identical payloads in one transaction are
--    delivered once, so a fan-out wakes the workers once). Blogster's workers treat every
--    notification on these channels as a wake-up and read aborts from the table
--    (blogster_cli/workers/app.py), so a forged one can neither abort a job nor stop a worker.

grant usage on schema procrastinate to blogster_owner;

create or replace function procrastinate.procrastinate_notify_queue_job_inserted_v1() returns trigger
language plpgsql
set search_path = procrastinate, pg_catalog
as $$
begin
  perform pg_catalog.pg_notify('procrastinate_queue_v1#' || new.queue_name, '{"type": "job_inserted", "job_id": null}');
  perform pg_catalog.pg_notify('procrastinate_any_queue_v1', '{"type": "job_inserted", "job_id": null}');
  return new;
end
$$;

create or replace function procrastinate.procrastinate_notify_queue_abort_job_v1() returns trigger
language plpgsql
set search_path = procrastinate, pg_catalog
as $$
begin
  perform pg_catalog.pg_notify('procrastinate_queue_v1#' || new.queue_name, '{"type": "abort_job_requested", "job_id": null}');
  perform pg_catalog.pg_notify('procrastinate_any_queue_v1', '{"type": "abort_job_requested", "job_id": null}');
  return new;
end
$$;
