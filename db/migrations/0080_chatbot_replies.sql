-- The chatbot answered by the worker (issue 17).
--
-- 1. A user's message is checked and cleaned in the database, whoever inserts it:
--    control characters (but tab and newline) are removed, the text is trimmed and at most
--    internal.chatbot_max_message_length() characters, and each account may send at most
--    internal.chatbot_rate_limit() messages a minute. The count lives in one row per
--    account (internal.chatbot_message_rates), updated with INSERT ... ON CONFLICT, so
--    concurrent inserts from any number of processes queue on that row and the limit
--    holds across them.
-- 2. The same insert enqueues one `process_chatbot_message` job (queue `chatbot`, args carry
--    only ids), in the user's transaction: a message that commits is answered, one that
--    rolls back is not.
-- 3. public.chatbot_worker_alive(): whether a worker beat in the last 10 s, so `chat ask`
--    can say "no worker is running" instead of waiting. It reveals nothing else.

create or replace function internal.chatbot_rate_limit() returns integer
language sql immutable
set search_path = ''
as $$ select 20 $$;
comment on function internal.chatbot_rate_limit() is 'Messages an account may send to the chatbot per minute.';

create or replace function internal.chatbot_max_message_length() returns integer
language sql immutable
set search_path = ''
as $$ select 2000 $$;
comment on function internal.chatbot_max_message_length() is 'Longest user message to the chatbot, in characters.';

create table internal.chatbot_message_rates (
  user_id uuid primary key references auth.users (id) on delete cascade,
  window_start timestamptz not null,
  messages integer not null
);
comment on table internal.chatbot_message_rates is 'Per-account chatbot messages in the current one-minute window (rate limit).';
alter table internal.chatbot_message_rates enable row level security;
alter table internal.chatbot_message_rates force row level security;
revoke all on internal.chatbot_message_rates from public, anon, authenticated, blogster_admin;
grant select, insert, update on internal.chatbot_message_rates to blogster_definer;
grant select on internal.chatbot_message_rates to service_role;

create or replace function public.check_chatbot_message() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  owner uuid;
  sent integer;
begin
  new.content := pg_catalog.btrim(pg_catalog.regexp_replace(coalesce(new.content, ''),
    '[\x01-\x08\x0B\x0C\x0E-\x1F\x7F\u0080-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069]', '', 'g'));
  if new.content = '' then
    raise exception 'a message needs some text' using errcode = '22023';
  end if;
  if pg_catalog.length(new.content) > internal.chatbot_max_message_length() then
    raise exception 'a message has at most % characters', internal.chatbot_max_message_length()
      using errcode = '22001';
  end if;
  select c.user_id into owner from public.chatbot_conversations c where c.id = new.conversation_id;
  if owner is null then
    return new;  -- the foreign key (or RLS) refuses it
  end if;
  insert into internal.chatbot_message_rates as r (user_id, window_start, messages)
  values (owner, pg_catalog.now(), 1)
  on conflict (user_id) do update set
    window_start = case when r.window_start <= pg_catalog.now() - interval '1 minute'
                        then pg_catalog.now() else r.window_start end,
    messages = case when r.window_start <= pg_catalog.now() - interval '1 minute'
                    then 1 else r.messages + 1 end
  returning r.messages into sent;
  if sent > internal.chatbot_rate_limit() then
    raise exception 'too many chatbot messages: at most % a minute; try again shortly', internal.chatbot_rate_limit()
      using errcode = '54000';
  end if;
  return new;
end
$$;
comment on function public.check_chatbot_message() is
  'Cleans and limits a user''s chatbot message (control characters, length) and applies the per-account rate limit.';

create or replace function public.enqueue_chatbot_reply() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  perform procrastinate.procrastinate_defer_jobs_v1(array[
    row('chatbot', 'process_chatbot_message', 0, null, null,
        pg_catalog.jsonb_build_object('message_id', new.id, 'created_at', new.created_at,
                                      'conversation_id', new.conversation_id),
        null)::procrastinate.procrastinate_job_to_defer_v1]);
  return null;
end
$$;
comment on function public.enqueue_chatbot_reply() is 'Queues the worker''s reply to a user''s chatbot message (queue chatbot).';

-- Each new monthly partition clones these triggers, which its creator (create_range_partition,
-- owned by blogster_owner) may do only with EXECUTE on them.
grant execute on function public.check_chatbot_message(), public.enqueue_chatbot_reply() to blogster_owner;

create trigger check_chatbot_message before insert on public.chatbot_messages
  for each row when (new.role = 'user') execute function public.check_chatbot_message();
create trigger enqueue_chatbot_reply after insert on public.chatbot_messages
  for each row when (new.role = 'user') execute function public.enqueue_chatbot_reply();

create or replace function public.chatbot_worker_alive() returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (select 1 from procrastinate.procrastinate_workers w
                 where w.last_heartbeat > pg_catalog.now() - interval '10 seconds')
$$;
comment on function public.chatbot_worker_alive() is 'Whether any worker beat in the last 10 s (for `chat ask`); nothing else.';
grant select on procrastinate.procrastinate_workers to blogster_definer;
grant execute on function public.chatbot_worker_alive() to authenticated, service_role;
grant execute on function internal.chatbot_rate_limit(), internal.chatbot_max_message_length() to blogster_definer;
