-- 0158 (helper 303): the chatbot's workers hear of changed intents at once, and its analytics count
-- intents by name.
--
-- 1. A change to public.chatbot_intents (an import, `intents add`, `intents rm`) queues one
--    `learn_chatbot_intents` job (queue chatbot, no arguments) in the same transaction: a worker
--    that takes it starts learning the stored intents on its background thread, so the first
--    message after the change is answered with the new model (a worker learnt them only when the
--    next message came, and answered that message "I'm still learning"). The job's queueing lock
--    keeps at most one waiting, however many intents one import writes. A change rolled back
--    queues nothing.
-- 2. internal.chatbot_analytics_shards.intent_hits is keyed by the intent's name, no longer its
--    id: `intents import --replace` deletes every intent and creates them anew (new ids), after
--    which `chatbot analytics` listed the replies of the day as "? (4)". Keys written before
--    are names once the intent (or an earlier day's top_intents) still knows its id; a key left
--    unknown is ''. refresh_chatbot_analytics reads an id key (rows written by older code, or by
--    bench/generate.py's bulk load) as the intent of that id.

create or replace function internal.chatbot_intents_changed() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if exists (select 1 from procrastinate.procrastinate_jobs j
             where j.queueing_lock = 'learn_chatbot_intents' and j.status = 'todo') then
    return null;  -- one is waiting already (this transaction's, or another's)
  end if;
  begin
    perform procrastinate.procrastinate_defer_jobs_v1(array[
      row('chatbot', 'learn_chatbot_intents', 0, null, 'learn_chatbot_intents', '{}'::jsonb, null)
        ::procrastinate.procrastinate_job_to_defer_v1]);
  exception when unique_violation then
    null;  -- another transaction queued one since: that one will do
  end;
  return null;
end
$$;
revoke all on function internal.chatbot_intents_changed() from public;
comment on function internal.chatbot_intents_changed() is
  'After a statement changes chatbot intents: queues one learn_chatbot_intents job (queue chatbot) unless one waits (0158).';

create trigger chatbot_intents_changed after insert or update or delete on public.chatbot_intents
  for each statement execute function internal.chatbot_intents_changed();

-- 2. Counting by name.
create or replace function public.update_chatbot_analytics() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  intent_key text;
begin
  if new.intent_detected is not null then
    select i.name into intent_key from public.chatbot_intents i where i.id = new.intent_detected;
    intent_key := coalesce(intent_key, new.intent_detected::text);
  end if;
  -- A new row with a new key: no other transaction's row, lock or key is ever waited for.
  insert into internal.chatbot_analytics_shards
    (day, messages, user_messages, assistant_messages, system_messages, tokens_used,
     confidence_sum, confidence_count, low_confidence, intent_hits)
  values ((new.created_at at time zone 'UTC')::date, 1,
          (new.role = 'user')::integer, (new.role = 'assistant')::integer, (new.role = 'system')::integer,
          coalesce(new.tokens_used, 0), coalesce(new.confidence_score, 0), (new.confidence_score is not null)::integer,
          coalesce(new.confidence_score < 0.5, false)::integer,
          case when intent_key is null then '{}'::jsonb else pg_catalog.jsonb_build_object(intent_key, 1) end);
  return null;
end
$$;
comment on function public.update_chatbot_analytics() is
  'Counts each chatbot message as a row of its own in the day''s counters, its intent by name (append-only: waits for no one; 0101, 0158).';

-- Keys written before: ids, named from the intents there are, else from the top intents computed
-- while the intent was still there; an id named nowhere becomes '' (an unknown intent).
with known as (
  select i.id::text as id, i.name from public.chatbot_intents i
  union all
  (select distinct on (t ->> 'intent_id') t ->> 'intent_id', t ->> 'name'
   from public.chatbot_analytics a, pg_catalog.jsonb_array_elements(a.top_intents) t
   where t ->> 'name' is not null and t ->> 'intent_id' is not null
     and not exists (select 1 from public.chatbot_intents i where i.id::text = t ->> 'intent_id')
   order by t ->> 'intent_id', a.date desc)
), renamed as (
  select s.day, s.shard,
         (select pg_catalog.jsonb_object_agg(named.key, named.hits)
          from (select coalesce(k.name, '') as key, pg_catalog.sum(h.value::bigint) as hits
                from pg_catalog.jsonb_each_text(s.intent_hits) h
                left join known k on k.id = h.key
                group by 1) named) as hits
  from internal.chatbot_analytics_shards s
  where s.intent_hits <> '{}'::jsonb
)
update internal.chatbot_analytics_shards s set intent_hits = r.hits
from renamed r where s.day = r.day and s.shard = r.shard;

-- refresh_chatbot_analytics as in 0101, but for the top intents: a key is an intent's name (or,
-- when it is the id of a stored intent, that intent); '' is an intent no longer known.
create or replace function public.refresh_chatbot_analytics(day date) returns public.chatbot_analytics
language plpgsql security definer
set search_path = ''
as $$
declare
  lo timestamptz := day::timestamp at time zone 'UTC';
  hi timestamptz := (day + 1)::timestamp at time zone 'UTC';
  counters record;
  convs record;
  response interval;
  intents jsonb;
  result public.chatbot_analytics;
begin
  -- Fold the day's committed counter rows into one (rows of open transactions are not seen:
  -- neither deleted nor waited for). Nothing to do with fewer than two.
  if (select pg_catalog.count(*) from (select 1 from internal.chatbot_analytics_shards s
                                       where s.day = refresh_chatbot_analytics.day limit 2) two) = 2 then
    with gone as (
      delete from internal.chatbot_analytics_shards s where s.day = refresh_chatbot_analytics.day returning s.*
    ), hits as (
      select h.key, pg_catalog.sum(h.value::bigint) as n
      from gone g, pg_catalog.jsonb_each_text(g.intent_hits) h group by h.key
    )
    insert into internal.chatbot_analytics_shards
      (day, messages, user_messages, assistant_messages, system_messages, tokens_used,
       confidence_sum, confidence_count, low_confidence, intent_hits)
    select refresh_chatbot_analytics.day, pg_catalog.sum(g.messages), pg_catalog.sum(g.user_messages),
           pg_catalog.sum(g.assistant_messages), pg_catalog.sum(g.system_messages), pg_catalog.sum(g.tokens_used),
           pg_catalog.sum(g.confidence_sum), pg_catalog.sum(g.confidence_count), pg_catalog.sum(g.low_confidence),
           coalesce((select pg_catalog.jsonb_object_agg(hits.key, hits.n) from hits), '{}'::jsonb)
    from gone g
    having pg_catalog.count(*) > 0;
  end if;

  select coalesce(pg_catalog.sum(s.messages), 0) as messages, coalesce(pg_catalog.sum(s.user_messages), 0) as user_messages,
         coalesce(pg_catalog.sum(s.assistant_messages), 0) as assistant_messages,
         coalesce(pg_catalog.sum(s.tokens_used), 0) as tokens_used,
         coalesce(pg_catalog.sum(s.low_confidence), 0) as low_confidence,
         pg_catalog.sum(s.confidence_sum) / nullif(pg_catalog.sum(s.confidence_count), 0) as avg_confidence
    into counters
  from internal.chatbot_analytics_shards s where s.day = refresh_chatbot_analytics.day;

  select pg_catalog.count(*) as total, pg_catalog.avg(c.ended_at - c.started_at) as avg_length,
         pg_catalog.count(c.satisfaction_score) as rated, pg_catalog.avg(c.satisfaction_score)::double precision as avg_score,
         pg_catalog.count(*) filter (where c.status = 'completed') as completed,
         pg_catalog.count(*) filter (where c.status = 'abandoned') as abandoned
    into convs
  from public.chatbot_conversations c where c.started_at >= lo and c.started_at < hi;

  select pg_catalog.avg(m.created_at - m.previous_at) into response
  from (select cm.role, cm.created_at,
               pg_catalog.lag(cm.role) over w as previous_role, pg_catalog.lag(cm.created_at) over w as previous_at
        from public.chatbot_messages cm
        where cm.created_at >= lo and cm.created_at < hi
        window w as (partition by cm.conversation_id order by cm.created_at)) m
  where m.role = 'assistant' and m.previous_role = 'user';

  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('intent_id', t.intent_id, 'name', t.name, 'count', t.hits)
                                       order by t.hits desc, t.name), '[]'::jsonb)
    into intents
  from (select coalesce(by_id.id, by_name.id) as intent_id,
               coalesce(by_id.name, nullif(n.key, '')) as name, n.hits
        from (select h.key, pg_catalog.sum(h.value::bigint) as hits
              from internal.chatbot_analytics_shards s, pg_catalog.jsonb_each_text(s.intent_hits) h
              where s.day = refresh_chatbot_analytics.day
              group by h.key order by hits desc, h.key limit 10) n
        left join public.chatbot_intents by_id on by_id.id::text = n.key
        left join public.chatbot_intents by_name on by_name.name = n.key) t;

  insert into public.chatbot_analytics as a (date, total_conversations, avg_conversation_length, avg_response_time,
    top_intents, satisfaction_metrics, conversion_metrics, error_rates)
  values (day, convs.total, convs.avg_length, response, intents,
    pg_catalog.jsonb_build_object('rated', convs.rated, 'average_score', convs.avg_score),
    pg_catalog.jsonb_build_object('completed', convs.completed, 'abandoned', convs.abandoned,
      'completion_rate', convs.completed::double precision / nullif(convs.total, 0)),
    pg_catalog.jsonb_build_object('messages', counters.messages, 'user_messages', counters.user_messages,
      'assistant_messages', counters.assistant_messages, 'tokens_used', counters.tokens_used,
      'avg_confidence', counters.avg_confidence, 'low_confidence', counters.low_confidence,
      'low_confidence_rate', counters.low_confidence::double precision / nullif(counters.messages, 0)))
  on conflict (date) do update set
    total_conversations = excluded.total_conversations, avg_conversation_length = excluded.avg_conversation_length,
    avg_response_time = excluded.avg_response_time, top_intents = excluded.top_intents,
    satisfaction_metrics = excluded.satisfaction_metrics, conversion_metrics = excluded.conversion_metrics,
    error_rates = excluded.error_rates
  returning a.* into result;
  return result;
end
$$;
comment on function public.refresh_chatbot_analytics(date) is
  'Folds one UTC date''s chatbot counters into one row and recomputes chatbot_analytics for it, top intents by name (workers and admins; 0101, 0158).';
