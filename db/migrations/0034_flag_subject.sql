-- `blogster flags check NAME --user EMAIL`: what a flag's rules read about an account
-- (id, email domain, subscription tier, admin), by email. Administrators may ask about
-- anyone, an account about itself only; no user role reads auth.users, so this definer
-- function answers for the one live account named, and for nobody else.
create or replace function public.flag_subject(account_email text)
returns table (user_id uuid, email_domain text, subscription_tier text, is_admin boolean)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  caller_is_admin boolean;
begin
  select pg_catalog.pg_has_role(u.role_name, 'blogster_admin', 'MEMBER') into caller_is_admin
  from auth.users u where u.id operator(pg_catalog.=) auth.uid() and u.deleted_at is null;
  if caller_is_admin is null then
    raise exception 'permission denied for function flag_subject' using errcode = '42501';
  end if;
  return query
    select u.id, pg_catalog.split_part(u.email, '@', -1),
           coalesce((select s.subscription_tier::text from public.user_subscriptions s
                     where s.user_id operator(pg_catalog.=) u.id and s.is_active limit 1), 'free'),
           pg_catalog.pg_has_role(u.role_name, 'blogster_admin', 'MEMBER')
    from auth.users u
    where pg_catalog.lower(u.email) operator(pg_catalog.=) pg_catalog.lower(account_email)
      and u.deleted_at is null
      and (caller_is_admin or u.id operator(pg_catalog.=) auth.uid());
end
$$;
comment on function public.flag_subject(text) is
  'What feature-flag rules read about the account with this email: any account for administrators, oneself for others.';
revoke all on function public.flag_subject(text) from public;
grant execute on function public.flag_subject(text) to authenticated;
