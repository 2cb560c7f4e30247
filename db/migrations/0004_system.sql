-- System tables: maintenance windows and notifications (with a durable outbox),
-- documentation, feature flags and the chatbot; monthly partitions for
-- user_notifications and chatbot_messages and the function that maintains them.

create type public.maintenance_status as enum ('scheduled', 'in_progress', 'completed', 'cancelled');
create type public.maintenance_severity as enum ('low', 'medium', 'high', 'critical');
create type public.notification_type as enum ('maintenance', 'blog_interaction', 'security', 'marketing');
create type public.notification_priority as enum ('low', 'medium', 'high', 'critical');
create type public.notification_delivery_status as enum ('pending', 'sent', 'failed');
create type public.documentation_status as enum ('draft', 'published', 'archived');
create type public.feature_flag_strategy as enum ('all', 'percentage', 'user_ids', 'subscription_tier');
create type public.feature_flag_action as enum ('created', 'updated', 'deleted');
create type public.chatbot_intent_category as enum ('support', 'sales', 'onboarding', 'technical');
create type public.chatbot_conversation_status as enum ('active', 'completed', 'abandoned');
create type public.chatbot_message_role as enum ('user', 'assistant', 'system');

-- Maintenance and notifications ------------------------------------------------------

create table public.maintenance_schedules (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  description text,
  start_time timestamptz not null,
  end_time timestamptz not null,
  status public.maintenance_status not null default 'scheduled',
  severity public.maintenance_severity not null default 'low',
  affected_services text[] not null default '{}',
  notification_sent boolean not null default false,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint maintenance_schedules_window check (end_time > start_time),
  constraint maintenance_schedules_title_length check (pg_catalog.length(pg_catalog.btrim(title)) between 1 and 200)
);
create index maintenance_schedules_start_time_idx on public.maintenance_schedules (start_time);
create index maintenance_schedules_status_idx on public.maintenance_schedules (status);
create index maintenance_schedules_created_by_idx on public.maintenance_schedules (created_by);
comment on table public.maintenance_schedules is 'Maintenance windows: every user reads them, admins write; each change fans out notifications.';

-- Partitioned by created_at month (UTC); see internal.ensure_partitions.
create table public.user_notifications (
  id uuid not null default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  type public.notification_type not null,
  title text not null,
  content text,
  link text,
  read boolean not null default false,
  read_at timestamptz,
  expires_at timestamptz,
  priority public.notification_priority not null default 'medium',
  delivery_status public.notification_delivery_status not null default 'pending',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (id, created_at)
) partition by range (created_at);
create index user_notifications_user_read_idx on public.user_notifications (user_id, read, created_at desc);
create index user_notifications_pending_idx on public.user_notifications (created_at) where delivery_status = 'pending';
comment on table public.user_notifications is 'Notifications per user, partitioned by month of created_at. Users read theirs and mark them read.';

-- The durable half of a fan-out: one row per recipient, written in the same
-- transaction as the change, and a NOTIFY on channel blogster_outbox at commit.
-- Workers (service_role) claim rows with FOR UPDATE SKIP LOCKED and deliver them.
create table internal.notification_outbox (
  id bigint generated always as identity primary key,
  topic text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  notification_id uuid,
  channels text[] not null,
  payload jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  available_at timestamptz not null default now(),
  attempts integer not null default 0,
  locked_until timestamptz,
  processed_at timestamptz,
  last_error text,
  constraint notification_outbox_channels check (channels <@ array['email', 'in_app'] and pg_catalog.cardinality(channels) > 0)
);
create index notification_outbox_pending_idx on internal.notification_outbox (available_at) where processed_at is null;
create index notification_outbox_user_id_idx on internal.notification_outbox (user_id);
comment on table internal.notification_outbox is 'Notifications to deliver (email; in-app rows already exist). No user privileges; workers consume it.';

create or replace function public.handle_maintenance_notification() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  change text;
  message_title text;
  message text;
  prio public.notification_priority := new.severity::text::public.notification_priority;
  recipients integer;
begin
  if tg_op = 'INSERT' then
    change := 'scheduled';
  elsif (new.title, new.description, new.start_time, new.end_time, new.status, new.severity, new.affected_services)
        is not distinct from
        (old.title, old.description, old.start_time, old.end_time, old.status, old.severity, old.affected_services) then
    return null;  -- bookkeeping (notification_sent, updated_at): nothing to tell users
  elsif new.status = 'cancelled' then
    change := 'cancelled';
  else
    change := 'updated';
  end if;

  message_title := case change
    when 'scheduled' then 'Scheduled maintenance: ' || new.title
    when 'cancelled' then 'Maintenance cancelled: ' || new.title
    else 'Maintenance updated: ' || new.title end;
  message := pg_catalog.format('%s (%s to %s UTC)%s', coalesce(new.description, new.title),
    pg_catalog.to_char(new.start_time at time zone 'UTC', 'YYYY-MM-DD HH24:MI'),
    pg_catalog.to_char(new.end_time at time zone 'UTC', 'YYYY-MM-DD HH24:MI'),
    case when pg_catalog.cardinality(new.affected_services) > 0
         then '; affected: ' || pg_catalog.array_to_string(new.affected_services, ', ') else '' end);

  -- Recipients: live accounts that want maintenance notices on at least one channel.
  with recipients as (
    select p.user_id, p.in_app_notifications, p.email_notifications,
           case when p.in_app_notifications then gen_random_uuid() end as notification_id
    from public.user_notification_preferences p
    join auth.users u on u.id = p.user_id and u.deleted_at is null
    where p.maintenance_notifications and (p.in_app_notifications or p.email_notifications)
  ),
  in_app as (
    insert into public.user_notifications (id, user_id, type, title, content, priority, expires_at, delivery_status)
    select r.notification_id, r.user_id, 'maintenance', message_title, message, prio, new.end_time,
           case when r.email_notifications then 'pending' else 'sent' end::public.notification_delivery_status
    from recipients r where r.in_app_notifications
  )
  insert into internal.notification_outbox (topic, user_id, notification_id, channels, payload)
  select 'maintenance', r.user_id, r.notification_id,
         case when r.in_app_notifications and r.email_notifications then array['in_app', 'email']
              when r.email_notifications then array['email'] else array['in_app'] end,
         pg_catalog.jsonb_build_object('maintenance_schedule_id', new.id, 'change', change, 'title', message_title,
           'content', message, 'priority', prio, 'start_time', new.start_time, 'end_time', new.end_time)
  from recipients r;
  get diagnostics recipients = row_count;

  if recipients > 0 then
    perform pg_catalog.pg_notify('blogster_outbox', pg_catalog.jsonb_build_object(
      'topic', 'maintenance', 'maintenance_schedule_id', new.id, 'change', change, 'recipients', recipients)::text);
  end if;
  return null;
end
$$;
comment on function public.handle_maintenance_notification() is
  'Fans a maintenance change out to users who want it: in-app notifications plus outbox rows, NOTIFY blogster_outbox.';

create trigger on_maintenance_schedule_change after insert or update on public.maintenance_schedules
  for each row execute function public.handle_maintenance_notification();
create trigger update_maintenance_schedules_updated_at before update on public.maintenance_schedules
  for each row execute function public.update_updated_at_column();
create trigger update_user_notifications_updated_at before update on public.user_notifications
  for each row execute function public.update_updated_at_column();

-- Documentation ------------------------------------------------------------------

create table public.documentation_categories (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  slug text not null unique,
  description text,
  parent_id uuid references public.documentation_categories (id) on delete set null,
  order_position integer not null default 0,
  is_visible boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint documentation_categories_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  constraint documentation_categories_not_own_parent check (parent_id <> id)
);
create index documentation_categories_parent_id_idx on public.documentation_categories (parent_id);
create index documentation_categories_visible_idx on public.documentation_categories (is_visible, order_position);
comment on table public.documentation_categories is 'Documentation tree. Users read visible categories; admins write.';

create table public.documentation_pages (
  id uuid primary key default gen_random_uuid(),
  category_id uuid references public.documentation_categories (id) on delete set null,
  title text not null,
  slug text not null unique,
  content jsonb,
  excerpt text,
  metadata jsonb not null default '{}'::jsonb,
  tags text[] not null default '{}',
  search_vector tsvector,
  search_config regconfig not null default 'english',
  version text,
  status public.documentation_status not null default 'draft',
  last_reviewed_at timestamptz,
  last_reviewed_by uuid references auth.users (id) on delete set null,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  updated_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint documentation_pages_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*)*$'),
  constraint documentation_pages_title_length check (pg_catalog.length(pg_catalog.btrim(title)) between 1 and 300)
);
create index documentation_pages_category_id_idx on public.documentation_pages (category_id);
create index documentation_pages_status_idx on public.documentation_pages (status);
create index documentation_pages_search_idx on public.documentation_pages using gin (search_vector);
create index documentation_pages_last_reviewed_by_idx on public.documentation_pages (last_reviewed_by);
create index documentation_pages_created_by_idx on public.documentation_pages (created_by);
create index documentation_pages_updated_by_idx on public.documentation_pages (updated_by);
comment on table public.documentation_pages is 'Help pages. search_config is the page''s text search configuration; search_vector is maintained by trigger.';
comment on column public.documentation_pages.search_config is 'Text search configuration for this page''s language (e.g. english, german, simple).';

create table public.documentation_revisions (
  id uuid primary key default gen_random_uuid(),
  page_id uuid not null references public.documentation_pages (id) on delete cascade,
  content jsonb,
  metadata jsonb,
  version text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index documentation_revisions_page_id_idx on public.documentation_revisions (page_id, created_at);
create index documentation_revisions_created_by_idx on public.documentation_revisions (created_by);
comment on table public.documentation_revisions is 'Snapshots of documentation pages, written by create_documentation_revision; admins read.';

-- The text of a documentation body: its markdown if it has one, else every string in it.
create or replace function public.documentation_text(content jsonb) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select case
    when content is null then ''
    when pg_catalog.jsonb_typeof(content -> 'markdown') = 'string' then content ->> 'markdown'
    else coalesce((select pg_catalog.string_agg(v #>> '{}', ' ')
                   from pg_catalog.jsonb_path_query(content, 'strict $.** ? (@.type() == "string")') v), '')
  end
$$;

-- Title weighs A, excerpt and tags B, the body C, in the page's own configuration.
-- A tsvector holds at most 1 MB: the body is cut to 250,000 characters, and if the
-- vector is still too large it is rebuilt from a shorter prefix, never failing the save.
create or replace function public.update_documentation_search_vector() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  head tsvector;
  body text := public.documentation_text(new.content);
  body_limit integer := 250000;
begin
  head := pg_catalog.setweight(pg_catalog.to_tsvector(new.search_config, coalesce(new.title, '')), 'A')
       || pg_catalog.setweight(pg_catalog.to_tsvector(new.search_config,
            coalesce(new.excerpt, '') || ' ' || coalesce(pg_catalog.array_to_string(new.tags, ' '), '')), 'B');
  loop
    begin
      new.search_vector := head || pg_catalog.setweight(
        pg_catalog.to_tsvector(new.search_config, pg_catalog.left(body, body_limit)), 'C');
      return new;
    exception when program_limit_exceeded then
      if body_limit <= 1000 then
        new.search_vector := head;
        return new;
      end if;
      body_limit := body_limit / 4;
    end;
  end loop;
end
$$;
comment on function public.update_documentation_search_vector() is 'Maintains documentation_pages.search_vector (A title, B excerpt+tags, C body) in search_config.';

create or replace function public.create_documentation_revision() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and (new.content, new.metadata, new.version, new.title)
                          is not distinct from (old.content, old.metadata, old.version, old.title) then
    return null;
  end if;
  insert into public.documentation_revisions (page_id, content, metadata, version, created_by)
  values (new.id, new.content, new.metadata, new.version, auth.uid());
  return null;
end
$$;
comment on function public.create_documentation_revision() is 'Snapshots a documentation page when it is created and whenever its content, metadata, version or title change.';

-- The spec's on_documentation_update runs both functions; one trigger calls one
-- function, so the revision half is on_documentation_update_revision (AFTER).
create trigger on_documentation_update before insert or update on public.documentation_pages
  for each row execute function public.update_documentation_search_vector();
create trigger on_documentation_update_revision after insert or update on public.documentation_pages
  for each row execute function public.create_documentation_revision();
create trigger update_documentation_categories_updated_at before update on public.documentation_categories
  for each row execute function public.update_updated_at_column();
create trigger update_documentation_pages_updated_at before update on public.documentation_pages
  for each row execute function public.update_updated_at_column();

-- Feature flags ------------------------------------------------------------------

create table public.feature_flags (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  description text,
  enabled boolean not null default false,
  rollout_percentage integer not null default 0,
  conditions jsonb not null default '{}'::jsonb,
  strategy public.feature_flag_strategy not null default 'all',
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint feature_flags_name_format check (name ~ '^[a-z0-9][a-z0-9_.-]{0,99}$'),
  constraint feature_flags_rollout_percentage check (rollout_percentage between 0 and 100)
);
create index feature_flags_created_by_idx on public.feature_flags (created_by);
comment on table public.feature_flags is 'Feature switches: every user reads them, admins write; every change is logged.';

create table public.feature_flag_logs (
  id uuid primary key default gen_random_uuid(),
  flag_id uuid references public.feature_flags (id) on delete set null,
  action public.feature_flag_action not null,
  previous_state jsonb,
  new_state jsonb,
  changed_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index feature_flag_logs_flag_id_idx on public.feature_flag_logs (flag_id, created_at);
create index feature_flag_logs_changed_by_idx on public.feature_flag_logs (changed_by);
comment on table public.feature_flag_logs is 'Audit trail of feature flags; admins read, nobody writes but the trigger. A deleted flag''s rows keep its id in previous_state.';

-- AFTER trigger: on DELETE the flag row is gone (and ON DELETE SET NULL has run), so
-- the log row has flag_id NULL and the flag's id in previous_state.
create or replace function public.log_feature_flag_changes() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    insert into public.feature_flag_logs (flag_id, action, previous_state, new_state, changed_by)
    values (new.id, 'created', null, pg_catalog.to_jsonb(new), auth.uid());
  elsif tg_op = 'UPDATE' then
    if pg_catalog.to_jsonb(new) - 'updated_at' = pg_catalog.to_jsonb(old) - 'updated_at' then
      return null;
    end if;
    insert into public.feature_flag_logs (flag_id, action, previous_state, new_state, changed_by)
    values (new.id, 'updated', pg_catalog.to_jsonb(old), pg_catalog.to_jsonb(new), auth.uid());
  else
    insert into public.feature_flag_logs (flag_id, action, previous_state, new_state, changed_by)
    values (null, 'deleted', pg_catalog.to_jsonb(old), null, auth.uid());
  end if;
  return null;
end
$$;
comment on function public.log_feature_flag_changes() is 'Writes one feature_flag_logs row per real change, with changed_by = auth.uid().';

create trigger on_feature_flag_change after insert or update or delete on public.feature_flags
  for each row execute function public.log_feature_flag_changes();
create trigger update_feature_flags_updated_at before update on public.feature_flags
  for each row execute function public.update_updated_at_column();

-- Chatbot ------------------------------------------------------------------------

create table public.chatbot_intents (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  description text,
  training_phrases text[] not null default '{}',
  parameters jsonb not null default '{}'::jsonb,
  responses jsonb[] not null default '{}',
  follow_up_intents text[] not null default '{}',
  category public.chatbot_intent_category not null default 'support',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.chatbot_intents is 'What a conversation can be about. Workers read; admins write.';

create table public.chatbot_conversations (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null unique default gen_random_uuid(),
  user_id uuid default auth.uid() references auth.users (id) on delete cascade,
  initial_intent uuid references public.chatbot_intents (id) on delete set null,
  context jsonb not null default '{}'::jsonb,
  metadata jsonb not null default '{}'::jsonb,
  status public.chatbot_conversation_status not null default 'active',
  satisfaction_score integer,
  feedback text,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint chatbot_conversations_satisfaction check (satisfaction_score between 1 and 5),
  constraint chatbot_conversations_feedback_length check (pg_catalog.length(feedback) <= 5000)
);
create index chatbot_conversations_user_id_idx on public.chatbot_conversations (user_id, started_at desc);
create index chatbot_conversations_initial_intent_idx on public.chatbot_conversations (initial_intent);
create index chatbot_conversations_started_at_idx on public.chatbot_conversations (started_at);
comment on table public.chatbot_conversations is 'Chat sessions; a user sees and starts only their own.';

-- Partitioned by created_at month (UTC); see internal.ensure_partitions.
create table public.chatbot_messages (
  id uuid not null default gen_random_uuid(),
  conversation_id uuid not null references public.chatbot_conversations (id) on delete cascade,
  role public.chatbot_message_role not null,
  content text,
  intent_detected uuid references public.chatbot_intents (id) on delete set null,
  confidence_score double precision,
  tokens_used integer not null default 0,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  primary key (id, created_at),
  constraint chatbot_messages_content_length check (pg_catalog.length(content) <= 20000),
  constraint chatbot_messages_confidence check (confidence_score between 0 and 1),
  constraint chatbot_messages_tokens_nonnegative check (tokens_used >= 0)
) partition by range (created_at);
create index chatbot_messages_conversation_idx on public.chatbot_messages (conversation_id, created_at);
create index chatbot_messages_intent_detected_idx on public.chatbot_messages (intent_detected);
comment on table public.chatbot_messages is 'Chat messages, partitioned by month of created_at. Users add role=user messages to their own conversations.';

create table public.chatbot_analytics (
  id uuid primary key default gen_random_uuid(),
  date date not null unique,
  total_conversations integer not null default 0,
  avg_conversation_length interval,
  avg_response_time interval,
  top_intents jsonb not null default '[]'::jsonb,
  satisfaction_metrics jsonb not null default '{}'::jsonb,
  conversion_metrics jsonb not null default '{}'::jsonb,
  error_rates jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
comment on table public.chatbot_analytics is 'Daily chatbot figures (UTC dates), rebuilt by public.refresh_chatbot_analytics from the per-message shards. Admins read.';

-- Per-message counts land in one of 16 rows per day (picked by backend pid), so
-- concurrent chats do not queue on a single aggregate row; refresh_chatbot_analytics sums them.
create table internal.chatbot_analytics_shards (
  day date not null,
  shard smallint not null,
  messages bigint not null default 0,
  user_messages bigint not null default 0,
  assistant_messages bigint not null default 0,
  system_messages bigint not null default 0,
  tokens_used bigint not null default 0,
  confidence_sum double precision not null default 0,
  confidence_count bigint not null default 0,
  low_confidence bigint not null default 0,
  intent_hits jsonb not null default '{}'::jsonb,
  primary key (day, shard)
);
comment on table internal.chatbot_analytics_shards is 'Per-day message counters in 16 shards; summed into public.chatbot_analytics.';

create or replace function public.update_chatbot_analytics() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  intent_key text := new.intent_detected::text;
begin
  insert into internal.chatbot_analytics_shards as s
    (day, shard, messages, user_messages, assistant_messages, system_messages, tokens_used,
     confidence_sum, confidence_count, low_confidence, intent_hits)
  values ((new.created_at at time zone 'UTC')::date, pg_catalog.pg_backend_pid() % 16, 1,
          (new.role = 'user')::integer, (new.role = 'assistant')::integer, (new.role = 'system')::integer,
          coalesce(new.tokens_used, 0), coalesce(new.confidence_score, 0), (new.confidence_score is not null)::integer,
          coalesce(new.confidence_score < 0.5, false)::integer,
          case when intent_key is null then '{}'::jsonb else pg_catalog.jsonb_build_object(intent_key, 1) end)
  on conflict (day, shard) do update set
    messages = s.messages + 1,
    user_messages = s.user_messages + excluded.user_messages,
    assistant_messages = s.assistant_messages + excluded.assistant_messages,
    system_messages = s.system_messages + excluded.system_messages,
    tokens_used = s.tokens_used + excluded.tokens_used,
    confidence_sum = s.confidence_sum + excluded.confidence_sum,
    confidence_count = s.confidence_count + excluded.confidence_count,
    low_confidence = s.low_confidence + excluded.low_confidence,
    intent_hits = case when intent_key is null then s.intent_hits
      else pg_catalog.jsonb_set(s.intent_hits, array[intent_key],
             pg_catalog.to_jsonb(coalesce((s.intent_hits ->> intent_key)::bigint, 0) + 1)) end;
  return null;
end
$$;
comment on function public.update_chatbot_analytics() is 'Counts each chatbot message into the day''s sharded counters.';

-- Rebuilds one day's chatbot_analytics row from the shards, conversations and messages.
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

  select coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('intent_id', t.intent_id, 'name', i.name, 'count', t.hits)
                                       order by t.hits desc, i.name), '[]'::jsonb)
    into intents
  from (select h.key as intent_id, pg_catalog.sum(h.value::bigint) as hits
        from internal.chatbot_analytics_shards s, pg_catalog.jsonb_each_text(s.intent_hits) h
        where s.day = refresh_chatbot_analytics.day
        group by h.key order by hits desc limit 10) t
  left join public.chatbot_intents i on i.id::text = t.intent_id;

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
comment on function public.refresh_chatbot_analytics(date) is 'Recomputes chatbot_analytics for one UTC date (workers and admins).';

create trigger on_chatbot_message after insert on public.chatbot_messages
  for each row execute function public.update_chatbot_analytics();
create trigger update_chatbot_intents_updated_at before update on public.chatbot_intents
  for each row execute function public.update_updated_at_column();
create trigger update_chatbot_conversations_updated_at before update on public.chatbot_conversations
  for each row execute function public.update_updated_at_column();

-- RLS ----------------------------------------------------------------------------

alter table public.maintenance_schedules enable row level security;
alter table public.maintenance_schedules force row level security;
alter table public.user_notifications enable row level security;
alter table public.user_notifications force row level security;
alter table public.documentation_categories enable row level security;
alter table public.documentation_categories force row level security;
alter table public.documentation_pages enable row level security;
alter table public.documentation_pages force row level security;
alter table public.documentation_revisions enable row level security;
alter table public.documentation_revisions force row level security;
alter table public.feature_flags enable row level security;
alter table public.feature_flags force row level security;
alter table public.feature_flag_logs enable row level security;
alter table public.feature_flag_logs force row level security;
alter table public.chatbot_intents enable row level security;
alter table public.chatbot_intents force row level security;
alter table public.chatbot_conversations enable row level security;
alter table public.chatbot_conversations force row level security;
alter table public.chatbot_messages enable row level security;
alter table public.chatbot_messages force row level security;
alter table public.chatbot_analytics enable row level security;
alter table public.chatbot_analytics force row level security;
alter table internal.notification_outbox enable row level security;
alter table internal.notification_outbox force row level security;
alter table internal.chatbot_analytics_shards enable row level security;
alter table internal.chatbot_analytics_shards force row level security;

revoke all on public.maintenance_schedules, public.user_notifications, public.documentation_categories,
  public.documentation_pages, public.documentation_revisions, public.feature_flags, public.feature_flag_logs,
  public.chatbot_intents, public.chatbot_conversations, public.chatbot_messages, public.chatbot_analytics,
  internal.notification_outbox, internal.chatbot_analytics_shards
  from public, anon, authenticated, blogster_admin;

-- maintenance_schedules: every user reads; admins write.
grant select on public.maintenance_schedules to authenticated;
grant select, insert, update, delete on public.maintenance_schedules to blogster_admin;
create policy "Users can view maintenance schedules" on public.maintenance_schedules
  for select to authenticated using (true);
create policy "Admins can create maintenance schedules" on public.maintenance_schedules
  for insert to blogster_admin with check (true);
create policy "Admins can update maintenance schedules" on public.maintenance_schedules
  for update to blogster_admin using (true) with check (true);
create policy "Admins can delete maintenance schedules" on public.maintenance_schedules
  for delete to blogster_admin using (true);

-- user_notifications: the owner reads them and marks them read; workers write.
grant select on public.user_notifications to authenticated;
grant update (read, read_at) on public.user_notifications to authenticated;
create policy "Users can view their own notifications" on public.user_notifications
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can update their own notifications" on public.user_notifications
  for update to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);

-- documentation: users read visible categories and published pages; admins write.
grant select on public.documentation_categories, public.documentation_pages to authenticated;
grant select, insert, update, delete on public.documentation_categories, public.documentation_pages to blogster_admin;
grant select on public.documentation_revisions to blogster_admin;
create policy "Users can view visible documentation categories" on public.documentation_categories
  for select to authenticated using (is_visible);
create policy "Admins can view documentation categories" on public.documentation_categories
  for select to blogster_admin using (true);
create policy "Admins can create documentation categories" on public.documentation_categories
  for insert to blogster_admin with check (true);
create policy "Admins can update documentation categories" on public.documentation_categories
  for update to blogster_admin using (true) with check (true);
create policy "Admins can delete documentation categories" on public.documentation_categories
  for delete to blogster_admin using (true);
create policy "Users can view published documentation" on public.documentation_pages
  for select to authenticated using (status = 'published' and (category_id is null or exists (
    select 1 from public.documentation_categories c where c.id = documentation_pages.category_id and c.is_visible)));
create policy "Admins can view documentation" on public.documentation_pages
  for select to blogster_admin using (true);
create policy "Admins can create documentation" on public.documentation_pages
  for insert to blogster_admin with check (true);
create policy "Admins can update documentation" on public.documentation_pages
  for update to blogster_admin using (true) with check (true);
create policy "Admins can delete documentation" on public.documentation_pages
  for delete to blogster_admin using (true);
create policy "Admins can view documentation revisions" on public.documentation_revisions
  for select to blogster_admin using (true);

-- feature_flags: users read; admins write. feature_flag_logs: admins read; only the trigger writes.
grant select on public.feature_flags to authenticated;
grant select, insert, update, delete on public.feature_flags to blogster_admin;
grant select on public.feature_flag_logs to blogster_admin;
create policy "Users can view feature flags" on public.feature_flags
  for select to authenticated using (true);
create policy "Admins can create feature flags" on public.feature_flags
  for insert to blogster_admin with check (true);
create policy "Admins can update feature flags" on public.feature_flags
  for update to blogster_admin using (true) with check (true);
create policy "Admins can delete feature flags" on public.feature_flags
  for delete to blogster_admin using (true);
create policy "Admins can view feature flag logs" on public.feature_flag_logs
  for select to blogster_admin using (true);

-- chatbot_intents: workers read (service_role); admins create, update (which needs reading) and delete.
grant select, insert, update, delete on public.chatbot_intents to blogster_admin;
create policy "Admins can view chatbot intents" on public.chatbot_intents
  for select to blogster_admin using (true);
create policy "Admins can create chatbot intents" on public.chatbot_intents
  for insert to blogster_admin with check (true);
create policy "Admins can update chatbot intents" on public.chatbot_intents
  for update to blogster_admin using (true) with check (true);
create policy "Admins can delete chatbot intents" on public.chatbot_intents
  for delete to blogster_admin using (true);

-- chatbot_conversations: a user starts and sees their own; they may close and rate them.
grant select on public.chatbot_conversations to authenticated;
grant insert (id, session_id, user_id, context, metadata) on public.chatbot_conversations to authenticated;
grant update (status, satisfaction_score, feedback, ended_at) on public.chatbot_conversations to authenticated;
create policy "Users can view their own conversations" on public.chatbot_conversations
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can start their own conversations" on public.chatbot_conversations
  for insert to authenticated with check ((select auth.uid()) = user_id);
create policy "Users can close and rate their own conversations" on public.chatbot_conversations
  for update to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);

-- chatbot_messages: a user reads the messages of their conversations and adds 'user' messages to them.
grant select on public.chatbot_messages to authenticated;
grant insert (id, conversation_id, role, content, metadata) on public.chatbot_messages to authenticated;
create policy "Users can view messages from their conversations" on public.chatbot_messages
  for select to authenticated using (conversation_id in (
    select c.id from public.chatbot_conversations c where c.user_id = (select auth.uid())));
create policy "Users can send messages in their conversations" on public.chatbot_messages
  for insert to authenticated with check (role = 'user' and exists (
    select 1 from public.chatbot_conversations c
    where c.id = chatbot_messages.conversation_id and c.user_id = (select auth.uid())));

-- chatbot_analytics: admins read; refresh_chatbot_analytics writes.
grant select on public.chatbot_analytics to blogster_admin;
create policy "Admins can view chatbot analytics" on public.chatbot_analytics
  for select to blogster_admin using (true);

-- Workers (BYPASSRLS) and the definer functions.
grant select, insert, update, delete on public.maintenance_schedules, public.user_notifications,
  public.documentation_categories, public.documentation_pages, public.feature_flags, public.chatbot_intents,
  public.chatbot_conversations, public.chatbot_messages, public.chatbot_analytics to service_role;
grant select on public.documentation_revisions, public.feature_flag_logs to service_role;
grant usage on schema internal to service_role, blogster_definer;
grant select, insert, update, delete on internal.notification_outbox to service_role;
grant select on internal.chatbot_analytics_shards to service_role;
grant select, insert on internal.notification_outbox to blogster_definer;
grant select, insert, update, delete on internal.chatbot_analytics_shards to blogster_definer;
grant select on public.user_notification_preferences to blogster_definer;
grant select on auth.users to blogster_definer;
grant select, insert on public.user_notifications to blogster_definer;
grant select, insert on public.documentation_revisions, public.feature_flag_logs to blogster_definer;
grant select on public.chatbot_conversations, public.chatbot_messages, public.chatbot_intents to blogster_definer;
grant select, insert, update on public.chatbot_analytics to blogster_definer;
grant execute on function public.documentation_text(jsonb) to authenticated, service_role, blogster_definer;
grant execute on function public.refresh_chatbot_analytics(date) to service_role, blogster_admin;

-- Partitions ---------------------------------------------------------------------

-- Partitions do not inherit RLS, policies or grants from their parent, and a query
-- naming a partition directly sees only the partition's own. This copies all three
-- from the parent onto each partition (idempotent: it replaces what is there).
create or replace function internal.sync_partition_security(parent regclass) returns void
language plpgsql
set search_path = ''
as $$
declare
  part record;
  pol record;
  acl record;
begin
  for part in
    select c.oid, c.oid::regclass::text as name
    from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
    where i.inhparent = parent
  loop
    -- Policy expressions are printed against the partition's columns: require the
    -- same attribute numbers as the parent (true for CREATE TABLE ... PARTITION OF).
    if exists (
      select 1 from pg_catalog.pg_attribute pa
      where pa.attrelid = parent and pa.attnum > 0 and not pa.attisdropped
        and not exists (select 1 from pg_catalog.pg_attribute ca
                        where ca.attrelid = part.oid and ca.attnum = pa.attnum and ca.attname = pa.attname
                          and not ca.attisdropped)) then
      raise exception 'partition % does not have the column layout of %', part.name, parent;
    end if;

    execute pg_catalog.format('alter table %s enable row level security', part.name);
    execute pg_catalog.format('alter table %s force row level security', part.name);

    for pol in select p.polname from pg_catalog.pg_policy p where p.polrelid = part.oid loop
      execute pg_catalog.format('drop policy %I on %s', pol.polname, part.name);
    end loop;
    for pol in
      select p.polname,
             case p.polcmd when 'r' then 'select' when 'a' then 'insert' when 'w' then 'update'
                           when 'd' then 'delete' else 'all' end as command,
             case when p.polpermissive then 'permissive' else 'restrictive' end as kind,
             (select pg_catalog.string_agg(case when r.oid_value = 0 then 'public'
                                                else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(r.oid_value)) end, ', ')
              from pg_catalog.unnest(p.polroles) as r(oid_value)) as roles,
             pg_catalog.pg_get_expr(p.polqual, part.oid) as using_expr,
             pg_catalog.pg_get_expr(p.polwithcheck, part.oid) as check_expr
      from pg_catalog.pg_policy p where p.polrelid = parent
    loop
      execute pg_catalog.format('create policy %I on %s as %s for %s to %s%s%s', pol.polname, part.name, pol.kind,
        pol.command, pol.roles,
        case when pol.using_expr is not null then ' using (' || pol.using_expr || ')' else '' end,
        case when pol.check_expr is not null then ' with check (' || pol.check_expr || ')' else '' end);
    end loop;

    -- Grants: drop every table and column privilege, then copy the parent's.
    for acl in
      select distinct a.grantee from pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
      where c.oid = part.oid and a.grantee <> c.relowner
      union
      select distinct a.grantee from pg_catalog.pg_attribute att, pg_catalog.aclexplode(att.attacl) a
      where att.attrelid = part.oid and att.attacl is not null
    loop
      execute pg_catalog.format('revoke all on %s from %s', part.name,
        case when acl.grantee = 0 then 'public' else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(acl.grantee)) end);
    end loop;
    for acl in
      select a.privilege_type, a.grantee, null::name as column_name
      from pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
      where c.oid = parent and a.grantee <> c.relowner
      union all
      select a.privilege_type, a.grantee, att.attname
      from pg_catalog.pg_attribute att, pg_catalog.aclexplode(att.attacl) a
      where att.attrelid = parent and att.attacl is not null and att.attnum > 0
    loop
      execute pg_catalog.format('grant %s%s on %s to %s', acl.privilege_type,
        case when acl.column_name is not null then ' (' || pg_catalog.quote_ident(acl.column_name) || ')' else '' end,
        part.name,
        case when acl.grantee = 0 then 'public' else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(acl.grantee)) end);
    end loop;
  end loop;
end
$$;

-- The partition of `parent` for [lower_bound, upper_bound). Rows of that range already
-- in the default partition are moved into it: the default is locked, the new table is
-- filled before it is attached (attaching checks the default no longer has such rows).
create or replace function internal.create_range_partition(
  parent regclass, partition_name text, lower_bound timestamptz, upper_bound timestamptz)
returns void
language plpgsql
set search_path = ''
as $$
declare
  parent_schema text := (select n.nspname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                         where c.oid = parent);
  target text := pg_catalog.format('%I.%I', parent_schema, partition_name);
  default_part text;
  key_column text;
  columns text;
  has_rows boolean := false;
  fk record;
begin
  select c.oid::regclass::text into default_part
  from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
  where i.inhparent = parent and pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT';
  select a.attname into key_column
  from pg_catalog.pg_partitioned_table pt join pg_catalog.pg_attribute a on a.attrelid = pt.partrelid and a.attnum = pt.partattrs[0]
  where pt.partrelid = parent;

  if default_part is not null then
    execute pg_catalog.format('lock table %s in access exclusive mode', default_part);
    -- Under FORCE RLS even the owner sees nothing: lift FORCE for this transaction,
    -- under the lock just taken, and restore it below.
    execute pg_catalog.format('alter table %s no force row level security', default_part);
    execute pg_catalog.format('select exists (select 1 from %s where %I >= $1 and %I < $2)', default_part, key_column, key_column)
      into has_rows using lower_bound, upper_bound;
  end if;

  if has_rows then
    select pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' order by a.attnum) into columns
    from pg_catalog.pg_attribute a where a.attrelid = parent and a.attnum > 0 and not a.attisdropped;
    execute pg_catalog.format('create table %s (like %s including defaults including constraints including storage)', target, parent);
    -- The parent's foreign keys, created while the table is empty: ATTACH then adopts
    -- them instead of validating anew (which, run by the owner under FORCE RLS on the
    -- referenced table, would not see the referenced rows).
    for fk in
      select c.conname, pg_catalog.pg_get_constraintdef(c.oid) as definition
      from pg_catalog.pg_constraint c where c.conrelid = parent and c.contype = 'f' and c.conparentid = 0
    loop
      execute pg_catalog.format('alter table %s add constraint %I %s', target, fk.conname, fk.definition);
    end loop;
    execute pg_catalog.format(
      'with moved as (delete from %s where %I >= $1 and %I < $2 returning %s) insert into %s (%s) select %s from moved',
      default_part, key_column, key_column, columns, target, columns, columns) using lower_bound, upper_bound;
    execute pg_catalog.format('alter table %s attach partition %s for values from (%L) to (%L)',
      parent, target, lower_bound, upper_bound);
  else
    execute pg_catalog.format('create table %s partition of %s for values from (%L) to (%L)',
      target, parent, lower_bound, upper_bound);
  end if;

  if default_part is not null then
    execute pg_catalog.format('alter table %s force row level security', default_part);
  end if;
end
$$;

-- Creates the monthly partitions (UTC months) of user_notifications and
-- chatbot_messages from the current month through `months_ahead` months ahead, plus
-- the default partitions, and copies RLS, policies and grants onto every partition.
-- Workers call it periodically; it is idempotent. Runs as blogster_owner, the tables' owner.
create or replace function internal.ensure_partitions(months_ahead integer default 3) returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  parent regclass;
  month_start timestamp;
  partition_name text;
  created integer := 0;
begin
  if months_ahead is null or months_ahead < 0 or months_ahead > 120 then
    raise exception 'months_ahead must be between 0 and 120' using errcode = '22023';
  end if;
  foreach parent in array array['public.user_notifications'::regclass, 'public.chatbot_messages'::regclass] loop
    partition_name := (select c.relname from pg_catalog.pg_class c where c.oid = parent) || '_default';
    if not exists (select 1 from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
                   where i.inhparent = parent and pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT') then
      execute pg_catalog.format('create table public.%I partition of %s default', partition_name, parent);
      created := created + 1;
    end if;
    for m in 0 .. months_ahead loop
      month_start := pg_catalog.date_trunc('month', pg_catalog.now() at time zone 'UTC') + pg_catalog.make_interval(months => m);
      partition_name := (select c.relname from pg_catalog.pg_class c where c.oid = parent)
                        || '_p' || pg_catalog.to_char(month_start, 'YYYYMM');
      if pg_catalog.to_regclass('public.' || pg_catalog.quote_ident(partition_name)) is null then
        perform internal.create_range_partition(parent, partition_name,
          month_start at time zone 'UTC', (month_start + interval '1 month') at time zone 'UTC');
        created := created + 1;
      end if;
    end loop;
    perform internal.sync_partition_security(parent);
  end loop;
  return created;
end
$$;
comment on function internal.ensure_partitions(integer) is
  'Creates monthly partitions (current month + months_ahead) and copies RLS, policies and grants onto all partitions.';

revoke all on function internal.sync_partition_security(regclass) from public;
revoke all on function internal.create_range_partition(regclass, text, timestamptz, timestamptz) from public;
revoke all on function internal.ensure_partitions(integer) from public;
alter function internal.sync_partition_security(regclass) owner to blogster_owner;
alter function internal.create_range_partition(regclass, text, timestamptz, timestamptz) owner to blogster_owner;
alter function internal.ensure_partitions(integer) owner to blogster_owner;
alter table internal.notification_outbox owner to blogster_owner;
alter table internal.chatbot_analytics_shards owner to blogster_owner;
grant execute on function internal.ensure_partitions(integer) to service_role;
-- A new partition gets clones of the parent's triggers, which needs EXECUTE on their functions.
grant execute on function public.update_chatbot_analytics() to blogster_owner;

-- ensure_partitions runs as blogster_owner, which must already own the tables it
-- partitions and references: give every object its owner now, not after this file.
select internal.normalize_ownership();
select internal.ensure_partitions(3);
