-- 0137: the emails of given accounts, for administrators (`blogster flags log` shows who changed
-- a flag by email, not by a bare account id).
--
-- No user role reads auth.users; administrators already see every account's email through
-- `admin users list` (the administrative login), but the flag log is read as the acting account,
-- under RLS. This definer function answers, for the ids asked about, with each account's email:
-- any account's for an administrator (a live one, or one marked for deletion that an admin can
-- still see in `admin users list`), the caller's own for anyone else (as flag_subject, 0034):
-- nobody learns another account's email who could not already.

create function public.account_emails(account_ids uuid[])
returns table (id uuid, email text)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  caller_is_admin boolean;
begin
  select pg_catalog.pg_has_role(u.role_name, 'blogster_admin', 'MEMBER') into caller_is_admin
  from auth.users u where u.id operator(pg_catalog.=) auth.uid() and u.deleted_at is null;
  if caller_is_admin is null then
    raise exception 'permission denied for function account_emails' using errcode = '42501';
  end if;
  return query
    select u.id, u.email
    from auth.users u
    where u.id operator(pg_catalog.=) any (account_ids)
      and (caller_is_admin or u.id operator(pg_catalog.=) auth.uid());
end
$$;
comment on function public.account_emails(uuid[]) is
  'The emails of the accounts with these ids: any account''s for administrators, the caller''s own for others (0137).';
revoke all on function public.account_emails(uuid[]) from public;
grant execute on function public.account_emails(uuid[]) to authenticated;
