-- 0022: distribution (issue 18): cross-posting copies, newsletter subscribers and
-- the per-recipient send ledger that makes a newsletter send resumable.
--
-- platform_republishing: one copy per post and platform (the row is the intent recorded
-- before the remote call, so a re-run updates instead of creating a second copy), and
-- the last failure's one-line reason (the copy's id and URL stay as they were).
-- newsletter_subscribers: the list a user keeps; unsubscribe_token is what the
-- unsubscribe link carries (random, unguessable, unique), unsubscribed_at is honoured by
-- every later send.
-- newsletter_deliveries: one row per newsletter and address, committed as soon as the
-- SMTP server accepted (or refused) the message; a re-run skips every address here.
-- Owner-only, like the other distribution tables; no user role holds DELETE (deletes go
-- through public.delete_rows and the DELETE policies).

create unique index platform_republishing_blog_platform_key on public.platform_republishing (blog_id, platform);
alter table public.platform_republishing
  add column last_error text,
  add constraint platform_republishing_last_error_length check (length(last_error) <= 1000);
grant update (last_error) on public.platform_republishing to authenticated;
comment on column public.platform_republishing.last_error is 'Why the last cross-post attempt failed (one line), or null after a success.';

create table public.newsletter_subscribers (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  email text not null,
  name text,
  unsubscribe_token text not null default replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
  unsubscribed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint newsletter_subscribers_email_shape check (length(email) <= 320 and email ~ '^[^@\s<>,;]+@[^@\s<>,;]+$'),
  constraint newsletter_subscribers_name_length check (length(name) <= 200),
  constraint newsletter_subscribers_token_shape check (unsubscribe_token ~ '^[0-9a-f]{32,64}$')
);
create unique index newsletter_subscribers_address_key on public.newsletter_subscribers (user_id, lower(email));
create unique index newsletter_subscribers_token_key on public.newsletter_subscribers (unsubscribe_token);
create trigger update_newsletter_subscribers_updated_at before update on public.newsletter_subscribers
  for each row execute function public.update_updated_at_column();
comment on table public.newsletter_subscribers is 'The addresses a user mails newsletters to; unsubscribed ones are kept so later sends skip them.';

create table public.newsletter_deliveries (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  newsletter_id uuid not null references public.email_newsletters (id) on delete cascade,
  email text not null,
  outcome text not null,
  message_id text not null,
  error text,
  sent_at timestamptz not null default now(),
  constraint newsletter_deliveries_outcome check (outcome in ('sent', 'refused')),
  constraint newsletter_deliveries_email_length check (length(email) <= 320),
  constraint newsletter_deliveries_message_id_length check (length(message_id) <= 255),
  constraint newsletter_deliveries_error_length check (length(error) <= 1000)
);
create unique index newsletter_deliveries_address_key on public.newsletter_deliveries (newsletter_id, lower(email));
create index newsletter_deliveries_user_id_idx on public.newsletter_deliveries (user_id);
comment on table public.newsletter_deliveries is 'Each newsletter message the SMTP server accepted or refused, committed at once: a re-run mails nobody twice.';

alter table public.newsletter_subscribers enable row level security;
alter table public.newsletter_subscribers force row level security;
alter table public.newsletter_deliveries enable row level security;
alter table public.newsletter_deliveries force row level security;

revoke all on public.newsletter_subscribers, public.newsletter_deliveries from public, anon, authenticated, blogster_admin;
grant select, insert on public.newsletter_subscribers, public.newsletter_deliveries to authenticated;
grant update (name, unsubscribed_at) on public.newsletter_subscribers to authenticated;
grant select, insert, update, delete on public.newsletter_subscribers, public.newsletter_deliveries to service_role;
-- public.delete_rows (owned by blogster_definer) applies the DELETE policies.
grant select, delete on public.newsletter_subscribers to blogster_definer;
grant select on public.newsletter_deliveries to blogster_definer;

create policy "Users can view their own subscribers" on public.newsletter_subscribers
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Users can add their own subscribers" on public.newsletter_subscribers
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy "Users can change their own subscribers" on public.newsletter_subscribers
  for update to authenticated using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy "Users can remove their own subscribers" on public.newsletter_subscribers
  for delete to authenticated using (user_id = (select auth.uid()));

-- A delivery belongs to its owner's own newsletter; the ledger is append-only.
create policy "Users can view their own deliveries" on public.newsletter_deliveries
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Users can record deliveries of their own newsletters" on public.newsletter_deliveries
  for insert to authenticated with check (user_id = (select auth.uid()) and exists (
    select 1 from public.email_newsletters n
    where n.id = newsletter_deliveries.newsletter_id and n.user_id = (select auth.uid())));
