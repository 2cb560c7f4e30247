-- Content: blogs and everything hanging off them (personas, templates, tags,
-- revisions, analytics, AI generation logs, images, activities), their triggers,
-- policies and the dashboard_stats view. See db/README.md for the security model.

create type public.blog_status as enum ('draft', 'scheduled', 'published', 'archived');

-- Metrics ------------------------------------------------------------------------

-- Words in a markdown body, the rule update_blog_metrics applies (db/README.md):
-- a leading front matter block (--- ... --- or ..., +++ ... +++) and fenced code
-- blocks (``` or ~~~, CommonMark rules, an unclosed fence runs to the end) are
-- skipped; each Han, Hiragana, Katakana or Hangul character is one word; every
-- other word is a run of letters or digits, optionally joined by an apostrophe
-- (don't = 1). NULL, empty, whitespace-only and emoji-only bodies give 0.
create or replace function public.markdown_word_count(markdown text) returns integer
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  -- Han (with extensions and compatibility), Hiragana, Katakana (with phonetic
  -- extensions and halfwidth forms), Hangul syllables and jamo.
  cjk constant text := '[\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3040-\u309f\u30a0-\u30ff\u3130-\u318f\u31f0-\u31ff'
    '\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff\uff66-\uff9f\uffa0-\uffdc'
    '\u1100-\u11ff\U00020000-\U0003134f]';
  -- [[:alnum:]] is Unicode-aware on UTF-8 locales; the explicit ranges keep Latin,
  -- Greek, Cyrillic, Hebrew, Arabic, Indic and Thai letters words on a "C" locale too.
  letter constant text := '[[:alnum:]\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u037d\u037f-\u0386\u0388-\u03ff'
    '\u0400-\u052f\u0531-\u0587\u05d0-\u05ea\u0620-\u064a\u0660-\u0669\u0900-\u0963\u0966-\u0dff\u0e01-\u0e4e'
    '\u1e00-\u1fff]';
  body text := markdown;
  lines text[];
  kept text[] := '{}';
  line text;
  first_line int := 1;
  fence text;
  opening text[];
  total int;
begin
  if body is null or body !~ '[^[:space:]]' then
    return 0;
  end if;

  if body ~ '^\ufeff?(---|\+\+\+)[ \t]*(\r?\n|\r)' or body ~ '(^|[\r\n]) {0,3}(```|~~~)' then
    lines := pg_catalog.regexp_split_to_array(body, '\r\n|\r|\n');
    -- Front matter: only at the very start, and only if it is closed.
    if lines[1] ~ '^\ufeff?(---|\+\+\+)[ \t]*$' then
      for i in 2 .. pg_catalog.cardinality(lines) loop
        if (lines[1] ~ '\+\+\+' and lines[i] ~ '^\+\+\+[ \t]*$')
           or (lines[1] ~ '---' and lines[i] ~ '^(---|\.\.\.)[ \t]*$') then
          first_line := i + 1;
          exit;
        end if;
      end loop;
    end if;
    for i in first_line .. coalesce(pg_catalog.cardinality(lines), 0) loop
      line := lines[i];
      if fence is null then
        opening := pg_catalog.regexp_match(line, '^ {0,3}(`{3,}|~{3,})(.*)$');
        -- A backtick fence's info string may not contain a backtick (that is inline code).
        if opening is not null and not (pg_catalog.left(opening[1], 1) = '`' and pg_catalog.strpos(opening[2], '`') > 0) then
          fence := opening[1];
        else
          kept := kept || line;
        end if;
      elsif line ~ ('^ {0,3}' || case when pg_catalog.left(fence, 1) = '`' then '`' else '~' end
                    || '{' || pg_catalog.length(fence) || ',}[ \t]*$') then
        fence := null;
      end if;
    end loop;
    body := pg_catalog.array_to_string(kept, E'\n');
  end if;

  total := pg_catalog.regexp_count(body, cjk);
  if total > 0 then
    body := pg_catalog.regexp_replace(body, cjk, ' ', 'g');
  end if;
  total := total + pg_catalog.regexp_count(body, letter || '+([''\u2019]' || letter || '+)*');
  return total;
end
$$;
comment on function public.markdown_word_count(text) is
  'Words in a markdown body (front matter and fenced code skipped, CJK characters one word each); never NULL or negative.';

-- Reading time in minutes at 200 words a minute; 0 words take 0 minutes.
create or replace function public.reading_time_minutes(word_count integer) returns integer
language sql immutable parallel safe
set search_path = ''
as $$ select pg_catalog.ceil(greatest(coalesce(word_count, 0), 0) / 200.0)::integer $$;

-- Tables -------------------------------------------------------------------------

create table public.personas (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text,
  age_range text,
  gender text,
  interests text[] not null default '{}',
  pain_points text[] not null default '{}',
  goals text[] not null default '{}',
  education_level text,
  income_level text,
  occupation text,
  location text,
  template boolean not null default false,
  owner_id uuid default auth.uid() references public.profiles (id) on delete cascade,
  avatar_url text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint personas_name_length check (pg_catalog.length(pg_catalog.btrim(name)) between 1 and 200),
  constraint personas_owner_unless_template check (template or owner_id is not null),
  constraint personas_avatar_url check (avatar_url ~ '^https?://[^\s]+$')
);
create index personas_owner_id_idx on public.personas (owner_id);
create index personas_template_idx on public.personas (template) where template;
comment on table public.personas is 'Target audiences. template = true rows are system personas (owner_id NULL) written by admins; users copy them.';

create table public.blog_templates (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  description text,
  structure jsonb not null default '[]'::jsonb,
  image_count integer not null default 0,
  is_system boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint blog_templates_name_length check (pg_catalog.length(pg_catalog.btrim(name)) between 1 and 200),
  constraint blog_templates_structure_array check (pg_catalog.jsonb_typeof(structure) = 'array'),
  constraint blog_templates_image_count check (image_count between 0 and 100)
);
create unique index blog_templates_name_key on public.blog_templates (lower(name));
comment on table public.blog_templates is 'Blog layouts: structure is an array of sections {type, heading, placeholder, target_words}. Everyone reads; admins write.';

create table public.blogs (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  slug text not null,
  content jsonb,
  status public.blog_status not null default 'draft',
  meta_description text,
  meta_keywords text[],
  featured_image text,
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  persona_id uuid references public.personas (id) on delete set null,
  template_id uuid references public.blog_templates (id) on delete set null,
  ai_generated boolean not null default false,
  word_count integer not null default 0,
  reading_time integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  published_at timestamptz,
  deleted_at timestamptz,
  constraint blogs_title_length check (pg_catalog.length(pg_catalog.btrim(title)) between 1 and 500),
  -- Explicit slugs are kept as written (Rust-1.12); they only have to work as one URL path segment.
  constraint blogs_slug_format check (slug ~ '^[^[:space:][:cntrl:]/?#\\]{1,200}$'),
  -- The contract with the content layer: {"version": 1, "markdown": "...", "sections": [...],
  -- "front_matter": {...} | null, "source": {...} | null}. 4 MiB is far beyond any real post.
  constraint blogs_content_format check (
    content is null or (
      pg_catalog.jsonb_typeof(content) = 'object'
      and pg_catalog.jsonb_typeof(content -> 'version') = 'number'
      and pg_catalog.jsonb_typeof(content -> 'markdown') = 'string'
      and coalesce(pg_catalog.jsonb_typeof(content -> 'sections'), 'array') = 'array'
      and coalesce(pg_catalog.jsonb_typeof(content -> 'front_matter'), 'null') in ('object', 'null')
      and coalesce(pg_catalog.jsonb_typeof(content -> 'source'), 'null') in ('object', 'null'))),
  constraint blogs_content_size check (pg_catalog.octet_length(content::text) <= 4194304),
  constraint blogs_metrics_nonnegative check (word_count >= 0 and reading_time >= 0)
);
-- A slug stays reserved while the blog is in the trash; only a purge frees it.
create unique index blogs_author_slug_key on public.blogs (author_id, slug);
create index blogs_author_updated_idx on public.blogs (author_id, updated_at desc);
create index blogs_author_created_idx on public.blogs (author_id, created_at);
create index blogs_status_idx on public.blogs (status);
-- "Latest posts I can see" (own and published) walks this index and stops after the page.
create index blogs_updated_idx on public.blogs (updated_at desc) where deleted_at is null;
create index blogs_published_idx on public.blogs (published_at desc) where status = 'published' and deleted_at is null;
create index blogs_scheduled_idx on public.blogs (published_at) where status = 'scheduled' and deleted_at is null;
create index blogs_deleted_idx on public.blogs (deleted_at) where deleted_at is not null;
create index blogs_persona_id_idx on public.blogs (persona_id);
create index blogs_template_id_idx on public.blogs (template_id);
comment on table public.blogs is 'Posts. content is the versioned JSONB document of db/README.md; deleted_at marks the trash (owner-only until purged).';
comment on column public.blogs.deleted_at is 'Trash: set, the blog is visible to its owner only and left out of dashboard_stats; its slug stays reserved until the row is deleted.';
comment on column public.blogs.published_at is 'When it went (or, with status scheduled, will go) live.';

create table public.blog_tags (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  created_at timestamptz not null default now(),
  constraint blog_tags_name_format check (
    name = pg_catalog.btrim(name) and pg_catalog.length(name) between 1 and 64 and name !~ '[[:cntrl:]]')
);
create unique index blog_tags_name_key on public.blog_tags (lower(name));
comment on table public.blog_tags is 'Shared tag names, unique case-insensitively. Anyone reads, signed-in users add, admins rename or delete.';

create table public.blogs_to_tags (
  blog_id uuid not null references public.blogs (id) on delete cascade,
  tag_id uuid not null references public.blog_tags (id) on delete cascade,
  primary key (blog_id, tag_id)
);
create index blogs_to_tags_tag_id_idx on public.blogs_to_tags (tag_id);
comment on table public.blogs_to_tags is 'Tags of a blog; only the blog''s author links and unlinks.';

create table public.blog_revisions (
  id uuid primary key default gen_random_uuid(),
  blog_id uuid not null references public.blogs (id) on delete cascade,
  content jsonb,
  revision_number integer not null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint blog_revisions_number_positive check (revision_number > 0)
);
create unique index blog_revisions_blog_number_key on public.blog_revisions (blog_id, revision_number);
create index blog_revisions_created_by_idx on public.blog_revisions (created_by);
comment on table public.blog_revisions is 'Content history, written only by create_blog_revision: 1 is the content at creation, each change appends the next number.';

create table public.blog_analytics (
  id uuid primary key default gen_random_uuid(),
  blog_id uuid not null references public.blogs (id) on delete cascade,
  views integer not null default 0,
  unique_visitors integer not null default 0,
  avg_time_on_page double precision,
  bounce_rate double precision,
  referrers jsonb not null default '{}'::jsonb,
  date date not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint blog_analytics_counts_nonnegative check (views >= 0 and unique_visitors >= 0 and avg_time_on_page >= 0),
  constraint blog_analytics_bounce_rate_fraction check (bounce_rate between 0 and 1)
);
create unique index blog_analytics_blog_date_key on public.blog_analytics (blog_id, date);
create index blog_analytics_date_idx on public.blog_analytics (date);
comment on table public.blog_analytics is 'Daily figures per blog (date is a UTC date; avg_time_on_page in seconds; bounce_rate a fraction 0..1). Written by workers.';

create table public.ai_generation_logs (
  id uuid primary key default gen_random_uuid(),
  request_id uuid not null default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  tokens_used integer not null default 0,
  prompt text,
  completion text,
  model text,
  success boolean not null default false,
  blog_id uuid references public.blogs (id) on delete set null,
  persona_id uuid references public.personas (id) on delete set null,
  template_id uuid references public.blog_templates (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint ai_generation_logs_tokens_nonnegative check (tokens_used >= 0)
);
-- One row per generation request: a replayed success is a 23505 (or a no-op with
-- ON CONFLICT (request_id) DO NOTHING), so it can never be charged twice.
create unique index ai_generation_logs_request_id_key on public.ai_generation_logs (request_id);
create index ai_generation_logs_user_created_idx on public.ai_generation_logs (user_id, created_at desc);
create index ai_generation_logs_blog_id_idx on public.ai_generation_logs (blog_id);
create index ai_generation_logs_persona_id_idx on public.ai_generation_logs (persona_id);
create index ai_generation_logs_template_id_idx on public.ai_generation_logs (template_id);
comment on table public.ai_generation_logs is 'Every AI generation; an inserted success charges one credit (use_generation_credit). Insert-only for users.';
comment on column public.ai_generation_logs.request_id is 'Idempotency key of the generation request: pass the same id when retrying.';

create table public.image_assets (
  id uuid primary key default gen_random_uuid(),
  url text not null,
  path text,
  size bigint,
  file_type text,
  blog_id uuid references public.blogs (id) on delete set null,
  ai_generated boolean not null default false,
  ai_prompt text,
  alt_text text,
  caption text,
  created_by uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  constraint image_assets_size_nonnegative check (size >= 0)
);
create index image_assets_blog_id_idx on public.image_assets (blog_id);
create index image_assets_created_by_idx on public.image_assets (created_by);
create index image_assets_path_idx on public.image_assets (path);
comment on table public.image_assets is 'Images of blogs; purging a blog leaves its images unattached (blog_id NULL) for cleanup.';

create table public.activities (
  id uuid primary key default gen_random_uuid(),
  user_id uuid default auth.uid() references auth.users (id) on delete cascade,
  type text not null,
  title text not null,
  description text not null,
  blog_id uuid references public.blogs (id) on delete set null,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index activities_type_idx on public.activities (type);
create index activities_blog_id_idx on public.activities (blog_id);
create index activities_user_created_idx on public.activities (user_id, created_at desc);
comment on table public.activities is 'Activity feed. user_id is who acted, so the history survives a purged blog (blog_id becomes NULL).';

-- Triggers -----------------------------------------------------------------------

create or replace function public.update_blog_metrics() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  words integer;
begin
  if tg_op = 'UPDATE' and new.content is not distinct from old.content then
    return new;
  end if;
  words := public.markdown_word_count(new.content ->> 'markdown');
  new.word_count := words;
  new.reading_time := public.reading_time_minutes(words);
  return new;
end
$$;
comment on function public.update_blog_metrics() is 'Sets word_count and reading_time from content->>''markdown'' when the content changes.';

-- Runs as the definer: users have no INSERT on blog_revisions. The UPDATE that fired
-- it holds the blog's row lock, so max + 1 cannot race another writer of this blog;
-- the unique (blog_id, revision_number) index is the backstop.
create or replace function public.create_blog_revision() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  next_number integer;
begin
  if tg_op = 'INSERT' then
    next_number := 1;
  elsif new.content is not distinct from old.content then
    return null;
  else
    select coalesce(pg_catalog.max(r.revision_number), 0) + 1 into next_number
    from public.blog_revisions r where r.blog_id = new.id;
  end if;
  insert into public.blog_revisions (blog_id, content, revision_number, created_by)
  values (new.id, new.content, next_number, auth.uid());
  return null;
end
$$;
comment on function public.create_blog_revision() is 'Appends the next blog revision on creation and on every real content change.';

-- A success charges one credit, atomically: the conditional UPDATE cannot take the
-- balance below zero however many generations finish at once.
create or replace function public.use_generation_credit() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  charged uuid;
begin
  update public.user_subscriptions s
     set credits_remaining = s.credits_remaining - 1, credits_used = s.credits_used + 1
   where s.user_id = new.user_id and s.is_active and s.credits_remaining > 0
  returning s.id into charged;
  if charged is null then
    raise exception 'no AI credits left'
      using errcode = 'P0001', hint = 'Upgrade the plan or wait for the next credit renewal.';
  end if;
  return null;
end
$$;
comment on function public.use_generation_credit() is 'Charges one AI credit per successful generation; raises P0001 "no AI credits left" when none remain.';

-- Tags are trimmed and inner whitespace collapsed before the unique check.
create or replace function public.normalize_blog_tag() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.name := pg_catalog.regexp_replace(pg_catalog.btrim(new.name, E' \t\r\n'), '\s+', ' ', 'g');
  return new;
end
$$;

create trigger update_blog_metrics before insert or update of content on public.blogs
  for each row execute function public.update_blog_metrics();
create trigger on_blog_content_update after insert or update of content on public.blogs
  for each row execute function public.create_blog_revision();
create trigger on_ai_generation after insert on public.ai_generation_logs
  for each row when (new.success) execute function public.use_generation_credit();
create trigger normalize_blog_tag before insert or update of name on public.blog_tags
  for each row execute function public.normalize_blog_tag();
create trigger update_personas_updated_at before update on public.personas
  for each row execute function public.update_updated_at_column();
create trigger update_blog_templates_updated_at before update on public.blog_templates
  for each row execute function public.update_updated_at_column();
create trigger update_blogs_updated_at before update on public.blogs
  for each row execute function public.update_updated_at_column();
create trigger update_blog_analytics_updated_at before update on public.blog_analytics
  for each row execute function public.update_updated_at_column();
create trigger update_activities_updated_at before update on public.activities
  for each row execute function public.update_updated_at_column();

-- RLS ----------------------------------------------------------------------------

alter table public.personas enable row level security;
alter table public.personas force row level security;
alter table public.blog_templates enable row level security;
alter table public.blog_templates force row level security;
alter table public.blogs enable row level security;
alter table public.blogs force row level security;
alter table public.blog_tags enable row level security;
alter table public.blog_tags force row level security;
alter table public.blogs_to_tags enable row level security;
alter table public.blogs_to_tags force row level security;
alter table public.blog_revisions enable row level security;
alter table public.blog_revisions force row level security;
alter table public.blog_analytics enable row level security;
alter table public.blog_analytics force row level security;
alter table public.ai_generation_logs enable row level security;
alter table public.ai_generation_logs force row level security;
alter table public.image_assets enable row level security;
alter table public.image_assets force row level security;
alter table public.activities enable row level security;
alter table public.activities force row level security;

revoke all on public.personas, public.blog_templates, public.blogs, public.blog_tags, public.blogs_to_tags,
  public.blog_revisions, public.blog_analytics, public.ai_generation_logs, public.image_assets, public.activities
  from public, anon, authenticated, blogster_admin;

-- blogs: published (and not trashed) posts are public; everything else is the author's.
grant select on public.blogs to anon, authenticated;
grant insert (id, title, slug, content, status, meta_description, meta_keywords, featured_image, author_id,
  persona_id, template_id, ai_generated, created_at, published_at, deleted_at) on public.blogs to authenticated;
grant update (title, slug, content, status, meta_description, meta_keywords, featured_image, persona_id,
  template_id, ai_generated, published_at, deleted_at) on public.blogs to authenticated;
grant delete on public.blogs to authenticated;
create policy "Anyone can view published blogs" on public.blogs
  for select to anon using (status = 'published' and deleted_at is null);
create policy "Users can view published blogs" on public.blogs
  for select to authenticated
  using ((status = 'published' and deleted_at is null) or (select auth.uid()) = author_id);
create policy "Users can create their own blogs" on public.blogs
  for insert to authenticated
  with check ((select auth.uid()) = author_id
    and (persona_id is null or exists (
      select 1 from public.personas p
      where p.id = blogs.persona_id and (p.template or p.owner_id = (select auth.uid())))));
create policy "Users can update their own blogs" on public.blogs
  for update to authenticated
  using ((select auth.uid()) = author_id)
  with check ((select auth.uid()) = author_id
    and (persona_id is null or exists (
      select 1 from public.personas p
      where p.id = blogs.persona_id and (p.template or p.owner_id = (select auth.uid())))));
create policy "Users can delete their own blogs" on public.blogs
  for delete to authenticated using ((select auth.uid()) = author_id);

-- personas: templates are readable by every user and written by admins only.
grant select on public.personas to authenticated;
grant insert (id, name, description, age_range, gender, interests, pain_points, goals, education_level,
  income_level, occupation, location, owner_id, avatar_url) on public.personas to authenticated;
grant update (name, description, age_range, gender, interests, pain_points, goals, education_level,
  income_level, occupation, location, avatar_url) on public.personas to authenticated;
grant delete on public.personas to authenticated;
grant insert, update (name, description, age_range, gender, interests, pain_points, goals, education_level,
  income_level, occupation, location, template, owner_id, avatar_url) on public.personas to blogster_admin;
grant insert (id) on public.personas to blogster_admin;
grant delete on public.personas to blogster_admin;
create policy "Users can view template personas or their own" on public.personas
  for select to authenticated using (template or (select auth.uid()) = owner_id);
create policy "Users can create their own personas" on public.personas
  for insert to authenticated with check ((select auth.uid()) = owner_id and not template);
create policy "Users can update their own personas" on public.personas
  for update to authenticated
  using ((select auth.uid()) = owner_id and not template)
  with check ((select auth.uid()) = owner_id and not template);
create policy "Users can delete their own personas" on public.personas
  for delete to authenticated using ((select auth.uid()) = owner_id and not template);
create policy "Admins can create template personas" on public.personas
  for insert to blogster_admin with check (template and owner_id is null);
create policy "Admins can update template personas" on public.personas
  for update to blogster_admin using (template) with check (template and owner_id is null);
create policy "Admins can delete template personas" on public.personas
  for delete to blogster_admin using (template);

-- blog_templates: everyone reads, admins write.
grant select on public.blog_templates to anon, authenticated;
grant select, insert, update, delete on public.blog_templates to blogster_admin;
create policy "Everyone can view blog templates" on public.blog_templates
  for select to anon, authenticated using (true);
create policy "Admins can create blog templates" on public.blog_templates
  for insert to blogster_admin with check (true);
create policy "Admins can update blog templates" on public.blog_templates
  for update to blogster_admin using (true) with check (true);
create policy "Admins can delete blog templates" on public.blog_templates
  for delete to blogster_admin using (true);

-- blog_tags: anyone reads; signed-in users add names; only admins rename or delete.
grant select on public.blog_tags to anon, authenticated;
grant insert (name) on public.blog_tags to authenticated;
grant update (name), delete on public.blog_tags to blogster_admin;
create policy "Everyone can view blog tags" on public.blog_tags
  for select to anon, authenticated using (true);
create policy "Users can add blog tags" on public.blog_tags
  for insert to authenticated with check (pg_catalog.length(name) between 1 and 64);
create policy "Admins can rename blog tags" on public.blog_tags
  for update to blogster_admin using (true) with check (pg_catalog.length(name) between 1 and 64);
create policy "Admins can delete blog tags" on public.blog_tags
  for delete to blogster_admin using (true);

-- blogs_to_tags: visible with the blog; linked and unlinked by the blog's author.
grant select on public.blogs_to_tags to anon, authenticated;
grant insert, delete on public.blogs_to_tags to authenticated;
create policy "Anyone can view tags of published blogs" on public.blogs_to_tags
  for select to anon using (exists (
    select 1 from public.blogs b
    where b.id = blogs_to_tags.blog_id and b.status = 'published' and b.deleted_at is null));
create policy "Users can view tags of visible blogs" on public.blogs_to_tags
  for select to authenticated using (exists (
    select 1 from public.blogs b
    where b.id = blogs_to_tags.blog_id
      and ((b.status = 'published' and b.deleted_at is null) or b.author_id = (select auth.uid()))));
create policy "Users can associate tags with their own blogs" on public.blogs_to_tags
  for insert to authenticated with check (exists (
    select 1 from public.blogs b where b.id = blogs_to_tags.blog_id and b.author_id = (select auth.uid())));
create policy "Users can remove tags from their own blogs" on public.blogs_to_tags
  for delete to authenticated using (exists (
    select 1 from public.blogs b where b.id = blogs_to_tags.blog_id and b.author_id = (select auth.uid())));

-- blog_revisions: read by the blog's author; written by the trigger only.
grant select on public.blog_revisions to authenticated;
create policy "Users can view revisions for their own blogs" on public.blog_revisions
  for select to authenticated using (blog_id in (
    select b.id from public.blogs b where b.author_id = (select auth.uid())));

-- blog_analytics: read by the blog's author; written by workers.
grant select on public.blog_analytics to authenticated;
create policy "Users can view analytics for their own blogs" on public.blog_analytics
  for select to authenticated using (blog_id in (
    select b.id from public.blogs b where b.author_id = (select auth.uid())));

-- ai_generation_logs: insert-only for the user, pointing only at what the user may use.
grant select on public.ai_generation_logs to authenticated;
grant insert (id, request_id, user_id, tokens_used, prompt, completion, model, success, blog_id, persona_id,
  template_id) on public.ai_generation_logs to authenticated;
create policy "Users can view their own AI generation logs" on public.ai_generation_logs
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can log their own AI generations" on public.ai_generation_logs
  for insert to authenticated
  with check ((select auth.uid()) = user_id
    and (blog_id is null or exists (
      select 1 from public.blogs b where b.id = ai_generation_logs.blog_id and b.author_id = (select auth.uid())))
    and (persona_id is null or exists (
      select 1 from public.personas p
      where p.id = ai_generation_logs.persona_id and (p.template or p.owner_id = (select auth.uid())))));

-- image_assets: the creator manages them, attached only to the creator's own blogs.
grant select on public.image_assets to anon, authenticated;
grant insert (id, url, path, size, file_type, blog_id, ai_generated, ai_prompt, alt_text, caption, created_by)
  on public.image_assets to authenticated;
grant update (url, path, size, file_type, blog_id, ai_generated, ai_prompt, alt_text, caption)
  on public.image_assets to authenticated;
grant delete on public.image_assets to authenticated;
create policy "Anyone can view images of published blogs" on public.image_assets
  for select to anon using (exists (
    select 1 from public.blogs b
    where b.id = image_assets.blog_id and b.status = 'published' and b.deleted_at is null));
create policy "Users can view images from published blogs or their own blogs" on public.image_assets
  for select to authenticated using (
    created_by = (select auth.uid()) or exists (
      select 1 from public.blogs b
      where b.id = image_assets.blog_id
        and ((b.status = 'published' and b.deleted_at is null) or b.author_id = (select auth.uid()))));
create policy "Users can insert their own images" on public.image_assets
  for insert to authenticated
  with check (created_by = (select auth.uid()) and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = image_assets.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can update their own images" on public.image_assets
  for update to authenticated
  using (created_by = (select auth.uid()))
  with check (created_by = (select auth.uid()) and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = image_assets.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can delete their own images" on public.image_assets
  for delete to authenticated using (created_by = (select auth.uid()));

-- activities: the actor and the blog's author read them; a user records only their
-- own actions, on their own blogs or on none.
grant select on public.activities to authenticated;
grant insert (id, user_id, type, title, description, blog_id, metadata) on public.activities to authenticated;
grant update (type, title, description, metadata) on public.activities to authenticated;
grant delete on public.activities to authenticated;
create policy "Users can view activities related to them or their blogs" on public.activities
  for select to authenticated using (
    user_id = (select auth.uid()) or exists (
      select 1 from public.blogs b where b.id = activities.blog_id and b.author_id = (select auth.uid())));
create policy "Users can create their own activities" on public.activities
  for insert to authenticated
  with check (user_id = (select auth.uid()) and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = activities.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can update their own activities" on public.activities
  for update to authenticated
  using (user_id = (select auth.uid()) or exists (
    select 1 from public.blogs b where b.id = activities.blog_id and b.author_id = (select auth.uid())))
  with check (user_id = (select auth.uid()) and (blog_id is null or exists (
    select 1 from public.blogs b where b.id = activities.blog_id and b.author_id = (select auth.uid()))));
create policy "Users can delete their own activities" on public.activities
  for delete to authenticated using (
    user_id = (select auth.uid()) or exists (
      select 1 from public.blogs b where b.id = activities.blog_id and b.author_id = (select auth.uid())));

-- Workers (BYPASSRLS) and the definer functions.
grant select, insert, update, delete on public.personas, public.blog_templates, public.blogs, public.blog_tags,
  public.blogs_to_tags, public.blog_analytics, public.ai_generation_logs, public.image_assets, public.activities
  to service_role;
grant select on public.blog_revisions to service_role;
grant select, insert on public.blog_revisions to blogster_definer;
grant select, update on public.user_subscriptions to blogster_definer;
grant execute on function public.markdown_word_count(text) to anon, authenticated, service_role, blogster_definer;
grant execute on function public.reading_time_minutes(integer) to anon, authenticated, service_role, blogster_definer;
