-- Extended feature tables (ideas, writing aids, research, social publishing,
-- newsletters, SEO, audience, calendar, interactive content, collaboration,
-- monetization) and the dashboard_stats view. All are private to their owner: by
-- user_id, or through the blog's author for blog-scoped tables without one.

create type public.blog_idea_difficulty as enum ('beginner', 'intermediate', 'advanced');
create type public.blog_idea_status as enum ('new', 'saved', 'in_progress', 'completed', 'discarded');
create type public.transcription_status as enum ('pending', 'processing', 'completed', 'failed');
create type public.research_source_type as enum ('article', 'study', 'book', 'statistics', 'video', 'podcast', 'other');
create type public.social_platform as enum ('twitter', 'linkedin', 'facebook', 'instagram', 'tiktok', 'pinterest', 'youtube');
create type public.social_post_status as enum ('draft', 'scheduled', 'published', 'failed');
create type public.newsletter_status as enum ('draft', 'scheduled', 'sent', 'failed');
create type public.republishing_platform as enum ('medium', 'linkedin', 'dev_to', 'hashnode', 'wordpress');
create type public.republishing_status as enum ('draft', 'published', 'failed');
create type public.keyword_intent as enum ('informational', 'navigational', 'commercial', 'transactional');
create type public.content_update_priority as enum ('low', 'medium', 'high', 'critical');
create type public.search_engine as enum ('google', 'bing', 'duckduckgo');
create type public.device_type as enum ('desktop', 'mobile');
create type public.calendar_content_type as enum ('blog', 'newsletter', 'social');
create type public.calendar_status as enum ('planned', 'in_progress', 'ready', 'published');
create type public.interactive_content_type as enum ('quiz', 'poll', 'survey', 'calculator');
create type public.collaboration_role as enum ('author', 'editor', 'reviewer', 'approver');
create type public.collaboration_status as enum ('assigned', 'in_progress', 'awaiting_review', 'reviewed', 'approved', 'rejected');
create type public.monetization_type as enum ('affiliate', 'sponsored', 'paywall', 'advertisement');

-- engagement_metrics may carry an integer "shares" count, which dashboard_stats sums.
create or replace function public.valid_engagement_metrics(metrics jsonb) returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select case
    when metrics is null then true
    when pg_catalog.jsonb_typeof(metrics) <> 'object' then false
    when not (metrics ? 'shares') then true
    when pg_catalog.jsonb_typeof(metrics -> 'shares') <> 'number' then false
    else (metrics ->> 'shares')::numeric >= 0 and (metrics ->> 'shares')::numeric = pg_catalog.trunc((metrics ->> 'shares')::numeric)
  end
$$;

-- Content creation -----------------------------------------------------------------

create table public.blog_ideas (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title text not null,
  description text,
  keywords text[] not null default '{}',
  industry_category text,
  trending_score double precision,
  engagement_potential double precision,
  difficulty_level public.blog_idea_difficulty,
  estimated_word_count integer,
  status public.blog_idea_status not null default 'new',
  blog_id uuid references public.blogs (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint blog_ideas_title_length check (pg_catalog.length(pg_catalog.btrim(title)) between 1 and 500),
  constraint blog_ideas_word_count check (estimated_word_count >= 0)
);
create index blog_ideas_user_status_idx on public.blog_ideas (user_id, status, created_at desc);
create index blog_ideas_blog_id_idx on public.blog_ideas (blog_id);

create table public.writers_block_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  blog_id uuid not null references public.blogs (id) on delete cascade,
  initial_content text,
  content_fragment text,
  suggestions jsonb not null default '[]'::jsonb,
  selected_suggestion_id text,
  tokens_used integer not null default 0,
  created_at timestamptz not null default now(),
  constraint writers_block_sessions_tokens check (tokens_used >= 0)
);
create index writers_block_sessions_user_id_idx on public.writers_block_sessions (user_id, created_at desc);
create index writers_block_sessions_blog_id_idx on public.writers_block_sessions (blog_id);

create table public.voice_recordings (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  file_url text,
  file_path text,
  duration_seconds integer,
  file_size_bytes integer,
  transcription_status public.transcription_status not null default 'pending',
  transcription_text text,
  blog_id uuid references public.blogs (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint voice_recordings_sizes check (duration_seconds >= 0 and file_size_bytes >= 0)
);
create index voice_recordings_user_id_idx on public.voice_recordings (user_id, created_at desc);
create index voice_recordings_blog_id_idx on public.voice_recordings (blog_id);
create index voice_recordings_pending_idx on public.voice_recordings (created_at) where transcription_status = 'pending';

create table public.research_sources (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  blog_id uuid references public.blogs (id) on delete set null,
  title text,
  url text,
  author text,
  publication_date date,
  content_excerpt text,
  source_type public.research_source_type not null default 'other',
  relevance_score double precision,
  validity_score double precision,
  citation_format jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index research_sources_user_id_idx on public.research_sources (user_id, created_at desc);
create index research_sources_blog_id_idx on public.research_sources (blog_id);

-- Publishing and distribution --------------------------------------------------------

-- Tokens are never stored in clear: the application keeps them in the OS keyring and
-- stores only a reference ("keyring:<entry>"), which the CHECKs enforce.
create table public.social_media_profiles (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  platform public.social_platform not null,
  profile_id text,
  profile_name text,
  access_token text,
  access_token_expires_at timestamptz,
  refresh_token text,
  is_connected boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint social_media_profiles_access_token_reference check (access_token ~ '^keyring:\S{1,255}$'),
  constraint social_media_profiles_refresh_token_reference check (refresh_token ~ '^keyring:\S{1,255}$')
);
create index social_media_profiles_user_id_idx on public.social_media_profiles (user_id, platform);
create unique index social_media_profiles_account_key on public.social_media_profiles (user_id, platform, profile_id);
comment on column public.social_media_profiles.access_token is 'A keyring reference (keyring:<entry>), never the token itself.';
comment on column public.social_media_profiles.refresh_token is 'A keyring reference (keyring:<entry>), never the token itself.';

create table public.social_media_posts (
  id uuid primary key default gen_random_uuid(),
  blog_id uuid not null references public.blogs (id) on delete cascade,
  social_profile_id uuid not null references public.social_media_profiles (id) on delete cascade,
  content text,
  image_urls text[] not null default '{}',
  hashtags text[] not null default '{}',
  scheduled_time timestamptz,
  post_status public.social_post_status not null default 'draft',
  platform_post_id text,
  engagement_metrics jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint social_media_posts_engagement_metrics check (public.valid_engagement_metrics(engagement_metrics))
);
create index social_media_posts_blog_id_idx on public.social_media_posts (blog_id);
create index social_media_posts_social_profile_id_idx on public.social_media_posts (social_profile_id);
create index social_media_posts_scheduled_idx on public.social_media_posts (scheduled_time) where post_status = 'scheduled';

create table public.email_newsletters (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title text,
  subject_line text,
  content jsonb,
  blog_ids uuid[] not null default '{}',
  template_id text,
  scheduled_time timestamptz,
  status public.newsletter_status not null default 'draft',
  recipient_count integer not null default 0,
  open_rate double precision,
  click_rate double precision,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint email_newsletters_rates check (open_rate between 0 and 1 and click_rate between 0 and 1 and recipient_count >= 0)
);
create index email_newsletters_user_id_idx on public.email_newsletters (user_id, created_at desc);
create index email_newsletters_scheduled_idx on public.email_newsletters (scheduled_time) where status = 'scheduled';
create index email_newsletters_blog_ids_idx on public.email_newsletters using gin (blog_ids);

create table public.platform_republishing (
  id uuid primary key default gen_random_uuid(),
  blog_id uuid not null references public.blogs (id) on delete cascade,
  platform public.republishing_platform not null,
  platform_post_id text,
  platform_url text,
  canonical_url text,
  publication_status public.republishing_status not null default 'draft',
  view_count integer not null default 0,
  engagement_metrics jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint platform_republishing_engagement_metrics check (public.valid_engagement_metrics(engagement_metrics)),
  constraint platform_republishing_view_count check (view_count >= 0)
);
create index platform_republishing_blog_id_idx on public.platform_republishing (blog_id, platform);

-- SEO and analytics ----------------------------------------------------------------

create table public.keyword_research (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  keyword text not null,
  search_volume integer,
  keyword_difficulty double precision,
  cpc double precision,
  competition double precision,
  related_keywords text[] not null default '{}',
  serp_features text[] not null default '{}',
  intent public.keyword_intent,
  blog_id uuid references public.blogs (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint keyword_research_keyword_length check (pg_catalog.length(pg_catalog.btrim(keyword)) between 1 and 500)
);
create index keyword_research_user_id_idx on public.keyword_research (user_id, keyword);
create index keyword_research_blog_id_idx on public.keyword_research (blog_id);

create table public.content_freshness (
  id uuid primary key default gen_random_uuid(),
  blog_id uuid not null references public.blogs (id) on delete cascade,
  last_updated timestamptz,
  freshness_score double precision,
  update_priority public.content_update_priority not null default 'low',
  recommended_updates jsonb not null default '[]'::jsonb,
  traffic_trend double precision,
  competitive_gap_score double precision,
  outdated_information jsonb not null default '[]'::jsonb,
  checked_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index content_freshness_blog_id_idx on public.content_freshness (blog_id);
create index content_freshness_priority_idx on public.content_freshness (update_priority, checked_at);

create table public.serp_positions (
  id uuid primary key default gen_random_uuid(),
  blog_id uuid not null references public.blogs (id) on delete cascade,
  keyword_id uuid not null references public.keyword_research (id) on delete cascade,
  rank_position integer,
  previous_position integer,
  change integer,
  url text,
  search_engine public.search_engine not null default 'google',
  search_locale text,
  device_type public.device_type not null default 'desktop',
  featured_snippet boolean not null default false,
  check_date date not null default (now() at time zone 'UTC')::date,
  created_at timestamptz not null default now()
);
create index serp_positions_blog_id_idx on public.serp_positions (blog_id, check_date desc);
create index serp_positions_keyword_id_idx on public.serp_positions (keyword_id, check_date desc);

create table public.competitor_content (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  competitor_domain text,
  content_url text,
  title text,
  publish_date date,
  word_count integer,
  keywords text[] not null default '{}',
  rank_positions jsonb not null default '{}'::jsonb,
  estimated_traffic integer,
  topic_category text,
  content_quality_score double precision,
  relevance_to_user double precision,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index competitor_content_user_id_idx on public.competitor_content (user_id, competitor_domain);

-- Audience and collaboration -------------------------------------------------------

create table public.reader_profiles (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  segment_name text,
  demographic_data jsonb not null default '{}'::jsonb,
  interests text[] not null default '{}',
  behavior_patterns jsonb not null default '{}'::jsonb,
  engagement_metrics jsonb not null default '{}'::jsonb,
  content_preferences jsonb not null default '{}'::jsonb,
  segment_size integer,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index reader_profiles_user_id_idx on public.reader_profiles (user_id);

create table public.content_calendar (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  title text,
  description text,
  scheduled_date date,
  scheduled_time time,
  blog_id uuid references public.blogs (id) on delete set null,
  content_type public.calendar_content_type not null default 'blog',
  status public.calendar_status not null default 'planned',
  topic_category text,
  target_audience text[] not null default '{}',
  optimal_time_score double precision,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index content_calendar_user_date_idx on public.content_calendar (user_id, scheduled_date);
create index content_calendar_blog_id_idx on public.content_calendar (blog_id);

create table public.interactive_content (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  blog_id uuid references public.blogs (id) on delete set null,
  content_type public.interactive_content_type not null,
  title text,
  description text,
  structure jsonb not null default '{}'::jsonb,
  style_settings jsonb not null default '{}'::jsonb,
  tracking_id text,
  participation_count integer not null default 0,
  completion_rate double precision,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index interactive_content_user_id_idx on public.interactive_content (user_id);
create index interactive_content_blog_id_idx on public.interactive_content (blog_id);

create table public.team_collaboration (
  id uuid primary key default gen_random_uuid(),
  organization_id text,
  blog_id uuid not null references public.blogs (id) on delete cascade,
  assigned_to uuid references auth.users (id) on delete set null,
  assigned_by uuid default auth.uid() references auth.users (id) on delete set null,
  role public.collaboration_role not null,
  status public.collaboration_status not null default 'assigned',
  comments jsonb not null default '[]'::jsonb,
  due_date timestamptz,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index team_collaboration_blog_id_idx on public.team_collaboration (blog_id);
create index team_collaboration_assigned_to_idx on public.team_collaboration (assigned_to);
create index team_collaboration_assigned_by_idx on public.team_collaboration (assigned_by);

create table public.content_monetization (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  blog_id uuid references public.blogs (id) on delete set null,
  monetization_type public.monetization_type not null,
  provider text,
  reference_id text,
  placement_data jsonb not null default '{}'::jsonb,
  revenue double precision not null default 0,
  impressions integer not null default 0,
  clicks integer not null default 0,
  conversion_count integer not null default 0,
  conversion_rate double precision,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index content_monetization_user_id_idx on public.content_monetization (user_id);
create index content_monetization_blog_id_idx on public.content_monetization (blog_id);

create trigger update_blog_ideas_updated_at before update on public.blog_ideas
  for each row execute function public.update_updated_at_column();
create trigger update_voice_recordings_updated_at before update on public.voice_recordings
  for each row execute function public.update_updated_at_column();
create trigger update_social_media_profiles_updated_at before update on public.social_media_profiles
  for each row execute function public.update_updated_at_column();
create trigger update_social_media_posts_updated_at before update on public.social_media_posts
  for each row execute function public.update_updated_at_column();
create trigger update_email_newsletters_updated_at before update on public.email_newsletters
  for each row execute function public.update_updated_at_column();
create trigger update_platform_republishing_updated_at before update on public.platform_republishing
  for each row execute function public.update_updated_at_column();
create trigger update_keyword_research_updated_at before update on public.keyword_research
  for each row execute function public.update_updated_at_column();
create trigger update_content_freshness_updated_at before update on public.content_freshness
  for each row execute function public.update_updated_at_column();
create trigger update_competitor_content_updated_at before update on public.competitor_content
  for each row execute function public.update_updated_at_column();
create trigger update_reader_profiles_updated_at before update on public.reader_profiles
  for each row execute function public.update_updated_at_column();
create trigger update_content_calendar_updated_at before update on public.content_calendar
  for each row execute function public.update_updated_at_column();
create trigger update_interactive_content_updated_at before update on public.interactive_content
  for each row execute function public.update_updated_at_column();
create trigger update_team_collaboration_updated_at before update on public.team_collaboration
  for each row execute function public.update_updated_at_column();
create trigger update_content_monetization_updated_at before update on public.content_monetization
  for each row execute function public.update_updated_at_column();

-- RLS ----------------------------------------------------------------------------

alter table public.blog_ideas enable row level security;
alter table public.blog_ideas force row level security;
alter table public.writers_block_sessions enable row level security;
alter table public.writers_block_sessions force row level security;
alter table public.voice_recordings enable row level security;
alter table public.voice_recordings force row level security;
alter table public.research_sources enable row level security;
alter table public.research_sources force row level security;
alter table public.social_media_profiles enable row level security;
alter table public.social_media_profiles force row level security;
alter table public.social_media_posts enable row level security;
alter table public.social_media_posts force row level security;
alter table public.email_newsletters enable row level security;
alter table public.email_newsletters force row level security;
alter table public.platform_republishing enable row level security;
alter table public.platform_republishing force row level security;
alter table public.keyword_research enable row level security;
alter table public.keyword_research force row level security;
alter table public.content_freshness enable row level security;
alter table public.content_freshness force row level security;
alter table public.serp_positions enable row level security;
alter table public.serp_positions force row level security;
alter table public.competitor_content enable row level security;
alter table public.competitor_content force row level security;
alter table public.reader_profiles enable row level security;
alter table public.reader_profiles force row level security;
alter table public.content_calendar enable row level security;
alter table public.content_calendar force row level security;
alter table public.interactive_content enable row level security;
alter table public.interactive_content force row level security;
alter table public.team_collaboration enable row level security;
alter table public.team_collaboration force row level security;
alter table public.content_monetization enable row level security;
alter table public.content_monetization force row level security;

revoke all on public.blog_ideas, public.writers_block_sessions, public.voice_recordings, public.research_sources,
  public.social_media_profiles, public.social_media_posts, public.email_newsletters, public.platform_republishing,
  public.keyword_research, public.content_freshness, public.serp_positions, public.competitor_content,
  public.reader_profiles, public.content_calendar, public.interactive_content, public.team_collaboration,
  public.content_monetization
  from public, anon, authenticated, blogster_admin;

-- Owner-only. Row-level WITH CHECKs keep every row on its owner and every reference
-- (blog_id, social_profile_id, keyword_id, blog_ids) on the owner's own rows.
grant select, insert, update, delete on public.blog_ideas, public.writers_block_sessions, public.voice_recordings,
  public.research_sources, public.social_media_profiles, public.social_media_posts, public.email_newsletters,
  public.platform_republishing, public.keyword_research, public.content_freshness, public.serp_positions,
  public.competitor_content, public.reader_profiles, public.content_calendar, public.interactive_content,
  public.team_collaboration, public.content_monetization
  to authenticated, service_role;

create policy "Users can view their own blog ideas" on public.blog_ideas
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can create their own blog ideas" on public.blog_ideas
  for insert to authenticated with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = blog_ideas.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can update their own blog ideas" on public.blog_ideas
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = blog_ideas.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can delete their own blog ideas" on public.blog_ideas
  for delete to authenticated using ((select auth.uid()) = user_id);

create policy "Users can view their own writing sessions" on public.writers_block_sessions
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can create their own writing sessions" on public.writers_block_sessions
  for insert to authenticated with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = writers_block_sessions.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can update their own writing sessions" on public.writers_block_sessions
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = writers_block_sessions.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can delete their own writing sessions" on public.writers_block_sessions
  for delete to authenticated using ((select auth.uid()) = user_id);

create policy "Users can view their own voice recordings" on public.voice_recordings
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can create their own voice recordings" on public.voice_recordings
  for insert to authenticated with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = voice_recordings.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can update their own voice recordings" on public.voice_recordings
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = voice_recordings.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can delete their own voice recordings" on public.voice_recordings
  for delete to authenticated using ((select auth.uid()) = user_id);

create policy "Users can view their own research sources" on public.research_sources
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can create their own research sources" on public.research_sources
  for insert to authenticated with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = research_sources.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can update their own research sources" on public.research_sources
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = research_sources.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can delete their own research sources" on public.research_sources
  for delete to authenticated using ((select auth.uid()) = user_id);

create policy "Users can view their own social media profiles" on public.social_media_profiles
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can create their own social media profiles" on public.social_media_profiles
  for insert to authenticated with check ((select auth.uid()) = user_id);
create policy "Users can update their own social media profiles" on public.social_media_profiles
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);
create policy "Users can delete their own social media profiles" on public.social_media_profiles
  for delete to authenticated using ((select auth.uid()) = user_id);

create policy "Users can view their own newsletters" on public.email_newsletters
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can create their own newsletters" on public.email_newsletters
  for insert to authenticated with check ((select auth.uid()) = user_id
    and not exists (select 1 from pg_catalog.unnest(blog_ids) as listed(blog_id)
      where not exists (select 1 from public.blogs b where b.id = listed.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can update their own newsletters" on public.email_newsletters
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id
    and not exists (select 1 from pg_catalog.unnest(blog_ids) as listed(blog_id)
      where not exists (select 1 from public.blogs b where b.id = listed.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can delete their own newsletters" on public.email_newsletters
  for delete to authenticated using ((select auth.uid()) = user_id);

create policy "Users can view their own keyword research" on public.keyword_research
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can create their own keyword research" on public.keyword_research
  for insert to authenticated with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = keyword_research.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can update their own keyword research" on public.keyword_research
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = keyword_research.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can delete their own keyword research" on public.keyword_research
  for delete to authenticated using ((select auth.uid()) = user_id);

create policy "Users can view their own competitor content" on public.competitor_content
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can create their own competitor content" on public.competitor_content
  for insert to authenticated with check ((select auth.uid()) = user_id);
create policy "Users can update their own competitor content" on public.competitor_content
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);
create policy "Users can delete their own competitor content" on public.competitor_content
  for delete to authenticated using ((select auth.uid()) = user_id);

create policy "Users can view their own reader profiles" on public.reader_profiles
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can create their own reader profiles" on public.reader_profiles
  for insert to authenticated with check ((select auth.uid()) = user_id);
create policy "Users can update their own reader profiles" on public.reader_profiles
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id);
create policy "Users can delete their own reader profiles" on public.reader_profiles
  for delete to authenticated using ((select auth.uid()) = user_id);

create policy "Users can view their own calendar entries" on public.content_calendar
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can create their own calendar entries" on public.content_calendar
  for insert to authenticated with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = content_calendar.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can update their own calendar entries" on public.content_calendar
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = content_calendar.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can delete their own calendar entries" on public.content_calendar
  for delete to authenticated using ((select auth.uid()) = user_id);

create policy "Users can view their own interactive content" on public.interactive_content
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can create their own interactive content" on public.interactive_content
  for insert to authenticated with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = interactive_content.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can update their own interactive content" on public.interactive_content
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = interactive_content.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can delete their own interactive content" on public.interactive_content
  for delete to authenticated using ((select auth.uid()) = user_id);

create policy "Users can view their own monetization records" on public.content_monetization
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can create their own monetization records" on public.content_monetization
  for insert to authenticated with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = content_monetization.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can update their own monetization records" on public.content_monetization
  for update to authenticated using ((select auth.uid()) = user_id)
  with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = content_monetization.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can delete their own monetization records" on public.content_monetization
  for delete to authenticated using ((select auth.uid()) = user_id);

-- Blog-scoped tables: the blog's author owns the row.
create policy "Users can view freshness of their own blogs" on public.content_freshness
  for select to authenticated using (blog_id in (
    select b.id from public.blogs b where b.author_id = (select auth.uid())));
create policy "Users can create freshness of their own blogs" on public.content_freshness
  for insert to authenticated with check (exists (
    select 1 from public.blogs b where b.id = content_freshness.blog_id and b.author_id = (select auth.uid())));
create policy "Users can update freshness of their own blogs" on public.content_freshness
  for update to authenticated
  using (exists (
    select 1 from public.blogs b where b.id = content_freshness.blog_id and b.author_id = (select auth.uid())))
  with check (exists (
    select 1 from public.blogs b where b.id = content_freshness.blog_id and b.author_id = (select auth.uid())));
create policy "Users can delete freshness of their own blogs" on public.content_freshness
  for delete to authenticated using (exists (
    select 1 from public.blogs b where b.id = content_freshness.blog_id and b.author_id = (select auth.uid())));

create policy "Users can view rankings of their own blogs" on public.serp_positions
  for select to authenticated using (blog_id in (
    select b.id from public.blogs b where b.author_id = (select auth.uid())));
create policy "Users can create rankings of their own blogs" on public.serp_positions
  for insert to authenticated
  with check (exists (
      select 1 from public.blogs b where b.id = serp_positions.blog_id and b.author_id = (select auth.uid()))
    and exists (
      select 1 from public.keyword_research k where k.id = serp_positions.keyword_id and k.user_id = (select auth.uid())));
create policy "Users can update rankings of their own blogs" on public.serp_positions
  for update to authenticated
  using (exists (
    select 1 from public.blogs b where b.id = serp_positions.blog_id and b.author_id = (select auth.uid())))
  with check (exists (
      select 1 from public.blogs b where b.id = serp_positions.blog_id and b.author_id = (select auth.uid()))
    and exists (
      select 1 from public.keyword_research k where k.id = serp_positions.keyword_id and k.user_id = (select auth.uid())));
create policy "Users can delete rankings of their own blogs" on public.serp_positions
  for delete to authenticated using (exists (
    select 1 from public.blogs b where b.id = serp_positions.blog_id and b.author_id = (select auth.uid())));

create policy "Users can view social posts of their own blogs" on public.social_media_posts
  for select to authenticated using (blog_id in (
    select b.id from public.blogs b where b.author_id = (select auth.uid())));
create policy "Users can create social posts of their own blogs" on public.social_media_posts
  for insert to authenticated
  with check (exists (
      select 1 from public.blogs b where b.id = social_media_posts.blog_id and b.author_id = (select auth.uid()))
    and exists (
      select 1 from public.social_media_profiles p
      where p.id = social_media_posts.social_profile_id and p.user_id = (select auth.uid())));
create policy "Users can update social posts of their own blogs" on public.social_media_posts
  for update to authenticated
  using (exists (
    select 1 from public.blogs b where b.id = social_media_posts.blog_id and b.author_id = (select auth.uid())))
  with check (exists (
      select 1 from public.blogs b where b.id = social_media_posts.blog_id and b.author_id = (select auth.uid()))
    and exists (
      select 1 from public.social_media_profiles p
      where p.id = social_media_posts.social_profile_id and p.user_id = (select auth.uid())));
create policy "Users can delete social posts of their own blogs" on public.social_media_posts
  for delete to authenticated using (exists (
    select 1 from public.blogs b where b.id = social_media_posts.blog_id and b.author_id = (select auth.uid())));

create policy "Users can view republishing of their own blogs" on public.platform_republishing
  for select to authenticated using (blog_id in (
    select b.id from public.blogs b where b.author_id = (select auth.uid())));
create policy "Users can create republishing of their own blogs" on public.platform_republishing
  for insert to authenticated with check (exists (
    select 1 from public.blogs b where b.id = platform_republishing.blog_id and b.author_id = (select auth.uid())));
create policy "Users can update republishing of their own blogs" on public.platform_republishing
  for update to authenticated
  using (exists (
    select 1 from public.blogs b where b.id = platform_republishing.blog_id and b.author_id = (select auth.uid())))
  with check (exists (
    select 1 from public.blogs b where b.id = platform_republishing.blog_id and b.author_id = (select auth.uid())));
create policy "Users can delete republishing of their own blogs" on public.platform_republishing
  for delete to authenticated using (exists (
    select 1 from public.blogs b where b.id = platform_republishing.blog_id and b.author_id = (select auth.uid())));

-- Until teams exist, collaboration rows belong to the blog's author, who assigns them.
create policy "Users can view collaboration on their own blogs" on public.team_collaboration
  for select to authenticated using (blog_id in (
    select b.id from public.blogs b where b.author_id = (select auth.uid())));
create policy "Users can create collaboration on their own blogs" on public.team_collaboration
  for insert to authenticated
  with check (assigned_by = (select auth.uid()) and exists (
    select 1 from public.blogs b where b.id = team_collaboration.blog_id and b.author_id = (select auth.uid())));
create policy "Users can update collaboration on their own blogs" on public.team_collaboration
  for update to authenticated
  using (exists (
    select 1 from public.blogs b where b.id = team_collaboration.blog_id and b.author_id = (select auth.uid())))
  with check (exists (
    select 1 from public.blogs b where b.id = team_collaboration.blog_id and b.author_id = (select auth.uid())));
create policy "Users can delete collaboration on their own blogs" on public.team_collaboration
  for delete to authenticated using (exists (
    select 1 from public.blogs b where b.id = team_collaboration.blog_id and b.author_id = (select auth.uid())));

grant execute on function public.valid_engagement_metrics(jsonb) to authenticated, service_role, blogster_definer;

-- Dashboard ------------------------------------------------------------------------

-- One row of the calling user's figures; trashed blogs and their data are left out.
-- Windows are whole UTC dates ending today (db/README.md):
--   30d      = [today - 29, today]   for blog_analytics.date and the UTC date of blogs.created_at
--   prev_30d = [today - 59, today - 30]
create view public.dashboard_stats with (security_invoker = true) as
with bounds as (
  select today,
         (today - 29)::timestamp at time zone 'UTC' as window_start,
         (today - 59)::timestamp at time zone 'UTC' as previous_start,
         (today + 1)::timestamp at time zone 'UTC' as window_end
  from (select (pg_catalog.now() at time zone 'UTC')::date as today) t
),
mine as (
  select b.id, b.status, b.created_at
  from public.blogs b
  where b.author_id = (select auth.uid()) and b.deleted_at is null
),
blog_counts as (
  select pg_catalog.count(*) as total_blogs,
         pg_catalog.count(*) filter (where m.status = 'published') as published_blogs,
         pg_catalog.count(*) filter (where m.created_at >= w.window_start and m.created_at < w.window_end) as new_blogs_30d,
         pg_catalog.count(*) filter (where m.created_at >= w.previous_start and m.created_at < w.window_start)
           as new_blogs_prev_30d
  from mine m cross join bounds w
),
view_counts as (
  select coalesce(pg_catalog.sum(a.views), 0)::bigint as total_views,
         coalesce(pg_catalog.sum(a.views) filter (where a.date between w.today - 29 and w.today), 0)::bigint as views_30d,
         coalesce(pg_catalog.sum(a.views) filter (where a.date between w.today - 59 and w.today - 30), 0)::bigint
           as views_prev_30d,
         (pg_catalog.sum(a.bounce_rate * a.views) filter (where a.bounce_rate is not null)
           / nullif(pg_catalog.sum(a.views) filter (where a.bounce_rate is not null), 0))::double precision
           as avg_bounce_rate
  from public.blog_analytics a cross join bounds w
  where a.blog_id in (select m.id from mine m)
),
share_counts as (
  select coalesce(pg_catalog.sum(case when pg_catalog.jsonb_typeof(s.metrics -> 'shares') = 'number'
                                      then pg_catalog.floor((s.metrics ->> 'shares')::numeric) end), 0)::bigint
           as total_shares
  from (select p.engagement_metrics as metrics from public.social_media_posts p where p.blog_id in (select m.id from mine m)
        union all
        select r.engagement_metrics from public.platform_republishing r where r.blog_id in (select m.id from mine m)) s
)
select bc.total_blogs, bc.published_blogs, bc.new_blogs_30d, bc.new_blogs_prev_30d,
       vc.total_views, vc.views_30d, vc.views_prev_30d, vc.avg_bounce_rate, sc.total_shares
from blog_counts bc cross join view_counts vc cross join share_counts sc;
comment on view public.dashboard_stats is 'The calling user''s dashboard (one row); trashed blogs left out. avg_bounce_rate is views-weighted, NULL without views.';

revoke all on public.dashboard_stats from public, anon, authenticated, blogster_admin;
grant select on public.dashboard_stats to authenticated;
