-- 0050: another account's public face, by username or id, without opening public.profiles.
-- RLS lets an account read only its own profile row (admins: all). Finding another
-- writer's published post by AUTHOR/SLUG, and labelling posts in `blogs list
-- --all-authors`, needs their username: this definer function answers with the public
-- fields only (never the email, which lives in auth.users, nor company or dates), only
-- for ids or usernames asked for exactly (no patterns), and only for accounts with at
-- least one live published post, whose posts every account can already read. An account
-- that publishes nothing is not revealed (the caller itself excepted).

create function public.public_profiles(ids uuid[], usernames text[])
returns table (id uuid, username text, full_name text, avatar_url text, website text, bio text)
language sql stable security definer
set search_path = ''
as $$
  select p.id, p.username, p.full_name, p.avatar_url, p.website, p.bio
  from public.profiles p
  where (p.id operator(pg_catalog.=) any (coalesce(ids, '{}'))
         or pg_catalog.lower(p.username) operator(pg_catalog.=) any (
           select pg_catalog.lower(u) from pg_catalog.unnest(coalesce(usernames, '{}')) as u))
    and auth.uid() is not null
    and (p.id operator(pg_catalog.=) auth.uid()
         or exists (select 1 from public.blogs b
                    where b.author_id operator(pg_catalog.=) p.id
                      and b.status operator(pg_catalog.=) 'published'
                      and b.deleted_at is null))
$$;
comment on function public.public_profiles(uuid[], text[]) is
  'Public profile fields of accounts with a published post (or the caller), by exact id or username.';
revoke all on function public.public_profiles(uuid[], text[]) from public;
grant execute on function public.public_profiles(uuid[], text[]) to authenticated;
