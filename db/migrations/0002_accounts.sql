-- Per-account tables created at signup: profiles, user_subscriptions,
-- subdomain_settings, user_notification_preferences; handle_new_user fills them.

create or replace function public.update_updated_at_column() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end
$$;
comment on function public.update_updated_at_column() is 'Keeps updated_at current on every UPDATE.';

create type public.subscription_tier as enum ('free', 'pro', 'team');

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  username text,
  full_name text,
  avatar_url text,
  website text,
  company text,
  bio text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint profiles_username_format check (username ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{2,39}$'),
  constraint profiles_website_url check (website ~ '^https?://[^\s/$.?#][^\s]*$' and length(website) <= 2048),
  constraint profiles_avatar_url check (avatar_url ~ '^https?://[^\s]+$')
);
create unique index profiles_username_key on public.profiles (lower(username));
comment on table public.profiles is 'Public face of an account; created by handle_new_user.';

create table public.user_subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  subscription_tier public.subscription_tier not null default 'free',
  start_date timestamptz not null default now(),
  end_date timestamptz,
  is_active boolean not null default true,
  credits_remaining integer not null default 3,
  credits_used integer not null default 0,
  stripe_customer_id text,
  stripe_subscription_id text,
  stripe_price_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint user_subscriptions_credits_nonnegative check (credits_remaining >= 0 and credits_used >= 0)
);
create index user_subscriptions_user_id_idx on public.user_subscriptions (user_id);
create unique index user_subscriptions_one_active on public.user_subscriptions (user_id) where is_active;
comment on table public.user_subscriptions is 'Plan and AI credits. Users read their own; only definer functions and admins change it.';

-- Names a site may never take: they collide with infrastructure hostnames.
create or replace function public.is_reserved_subdomain(candidate text) returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select candidate = any (array[
    'www', 'admin', 'api', 'app', 'mail', 'smtp', 'imap', 'pop', 'ftp', 'ns1', 'ns2', 'dns',
    'blog', 'blogs', 'blogster', 'static', 'assets', 'cdn', 'media', 'img', 'images',
    'help', 'support', 'docs', 'status', 'dashboard', 'login', 'signup', 'auth', 'account',
    'root', 'system', 'internal', 'test', 'dev', 'staging', 'localhost'])
$$;

create table public.subdomain_settings (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null unique references auth.users (id) on delete cascade,
  subdomain text not null unique,
  theme text not null default 'default',
  custom_domain text unique,
  is_custom_domain_verified boolean not null default false,
  site_title text,
  site_description text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint subdomain_settings_subdomain_format
    check (subdomain ~ '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$' and not public.is_reserved_subdomain(subdomain)),
  constraint subdomain_settings_custom_domain_format
    check (custom_domain ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$')
);
comment on table public.subdomain_settings is 'Where an account publishes. is_custom_domain_verified is set by the system only.';

-- A changed custom domain must be verified again; users cannot set the flag themselves
-- (no column grant), and this keeps an old verification from carrying over.
create or replace function public.reset_custom_domain_verification() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.custom_domain is distinct from old.custom_domain then
    new.is_custom_domain_verified := false;
  end if;
  return new;
end
$$;

create table public.user_notification_preferences (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null unique references auth.users (id) on delete cascade,
  maintenance_notifications boolean not null default true,
  blog_interaction_notifications boolean not null default true,
  marketing_notifications boolean not null default true,
  security_notifications boolean not null default true,
  email_notifications boolean not null default true,
  in_app_notifications boolean not null default true,
  quiet_hours_start time,
  quiet_hours_end time,
  timezone text not null default 'UTC',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.user_notification_preferences is 'How and when an account wants to be notified.';

create trigger update_profiles_updated_at before update on public.profiles
  for each row execute function public.update_updated_at_column();
create trigger update_user_subscriptions_updated_at before update on public.user_subscriptions
  for each row execute function public.update_updated_at_column();
create trigger update_subdomain_settings_updated_at before update on public.subdomain_settings
  for each row execute function public.update_updated_at_column();
create trigger reset_custom_domain_verification before update of custom_domain on public.subdomain_settings
  for each row execute function public.reset_custom_domain_verification();
create trigger update_user_notification_preferences_updated_at before update on public.user_notification_preferences
  for each row execute function public.update_updated_at_column();
create trigger update_auth_users_updated_at before update on auth.users
  for each row execute function public.update_updated_at_column();

-- Slug for a subdomain: lowercase ascii letters, digits and dashes, 3..63 chars.
create or replace function public.subdomain_base(source text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select case when pg_catalog.length(slug) < 3 then pg_catalog.rpad(slug, 3, 'x') else slug end
  from (select pg_catalog.btrim(pg_catalog.left(pg_catalog.btrim(
          pg_catalog.regexp_replace(pg_catalog.lower(coalesce(source, '')), '[^a-z0-9]+', '-', 'g'), '-'), 55), '-') as slug) s
$$;

-- Signup: profile, free subscription with 3 credits, notification preferences and a
-- subdomain. Metadata may suggest a username and full name, nothing more: credits,
-- tier and admin status never come from user-supplied metadata.
create or replace function public.handle_new_user() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  wanted_username text := nullif(pg_catalog.btrim(new.raw_user_meta_data ->> 'username'), '');
  base text;
  candidate text;
  attempt int := 0;
begin
  if wanted_username is not null and wanted_username !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{2,39}$' then
    wanted_username := null;
  end if;
  if wanted_username is not null and exists (
       select 1 from public.profiles p where pg_catalog.lower(p.username) = pg_catalog.lower(wanted_username)) then
    wanted_username := null;
  end if;

  insert into public.profiles (id, username, full_name)
  values (new.id, wanted_username, nullif(pg_catalog.left(new.raw_user_meta_data ->> 'full_name', 200), ''));

  insert into public.user_subscriptions (user_id, subscription_tier, credits_remaining, credits_used)
  values (new.id, 'free', 3, 0);

  insert into public.user_notification_preferences (user_id) values (new.id);

  base := public.subdomain_base(coalesce(wanted_username, pg_catalog.split_part(new.email, '@', 1)));
  loop
    candidate := case when attempt = 0 then base else base || '-' || attempt end;
    attempt := attempt + 1;
    continue when public.is_reserved_subdomain(candidate);
    continue when exists (select 1 from public.subdomain_settings s where s.subdomain = candidate);
    begin
      insert into public.subdomain_settings (user_id, subdomain) values (new.id, candidate);
      exit;
    exception when unique_violation then
      -- A concurrent signup took this name between the check and the insert.
      if attempt > 1000 then raise; end if;
    end;
  end loop;
  return new;
end
$$;
comment on function public.handle_new_user() is 'Creates the per-account rows on signup (spec: handle_new_user).';

create trigger on_auth_user_created after insert on auth.users
  for each row execute function public.handle_new_user();

-- RLS: forced on every table; policies per operation, named as sentences.
alter table public.profiles enable row level security;
alter table public.profiles force row level security;
alter table public.user_subscriptions enable row level security;
alter table public.user_subscriptions force row level security;
alter table public.subdomain_settings enable row level security;
alter table public.subdomain_settings force row level security;
alter table public.user_notification_preferences enable row level security;
alter table public.user_notification_preferences force row level security;

revoke all on public.profiles, public.user_subscriptions, public.subdomain_settings,
  public.user_notification_preferences from public, anon, authenticated;

grant select on public.profiles to authenticated;
grant update (username, full_name, avatar_url, website, company, bio) on public.profiles to authenticated;
create policy "Users can view their own profile" on public.profiles
  for select to authenticated using ((select auth.uid()) = id);
create policy "Users can update their own profile" on public.profiles
  for update to authenticated using ((select auth.uid()) = id) with check ((select auth.uid()) = id);
create policy "Admins can view all profiles" on public.profiles
  for select to blogster_admin using (true);

grant select on public.user_subscriptions to authenticated;
create policy "Users can view their own subscriptions" on public.user_subscriptions
  for select to authenticated using ((select auth.uid()) = user_id);
grant select, update on public.user_subscriptions to blogster_admin;
create policy "Admins can view subscriptions" on public.user_subscriptions
  for select to blogster_admin using (true);
create policy "Admins can change subscriptions" on public.user_subscriptions
  for update to blogster_admin using (true) with check (true);

grant select on public.subdomain_settings to authenticated;
grant update (subdomain, theme, custom_domain, site_title, site_description) on public.subdomain_settings to authenticated;
create policy "Users can view their own subdomain settings" on public.subdomain_settings
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can update their own subdomain settings" on public.subdomain_settings
  for update to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);

grant select on public.user_notification_preferences to authenticated;
grant update (maintenance_notifications, blog_interaction_notifications, marketing_notifications,
  security_notifications, email_notifications, in_app_notifications, quiet_hours_start, quiet_hours_end, timezone)
  on public.user_notification_preferences to authenticated;
create policy "Users can view their own notification preferences" on public.user_notification_preferences
  for select to authenticated using ((select auth.uid()) = user_id);
create policy "Users can update their own notification preferences" on public.user_notification_preferences
  for update to authenticated using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);

-- The definer owns the signup trigger; it writes these tables past FORCE RLS as BYPASSRLS.
grant select, insert, update, delete on public.profiles, public.user_subscriptions, public.subdomain_settings,
  public.user_notification_preferences to blogster_definer, service_role;
grant execute on function public.is_reserved_subdomain(text) to anon, authenticated, blogster_definer, service_role;
grant execute on function public.subdomain_base(text) to blogster_definer, service_role;
