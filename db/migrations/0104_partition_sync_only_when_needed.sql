-- 0104: the daily ensure-partitions takes no table lock when there is nothing to do.
--
-- internal.ensure_partitions copied the parent's RLS, policies and grants onto every partition
-- on every run (internal.sync_partition_security), which drops and creates policies and so
-- takes ACCESS EXCLUSIVE on each partition even when they already match. The daily run then
-- waited for every open read of notifications and chatbot messages (up to the lock timeout,
-- then failed), and while it waited it held up every new read behind it. Now it syncs a
-- parent's partitions only when it created one or when one differs from the parent (owner,
-- RLS switches, policies as printed for the partition, table and column grants):
-- internal.partitions_match_parent() reads the catalog only, taking no lock on the tables.
-- ensure_partitions stays SECURITY INVOKER (0010): it runs as the tables' owner.

create function internal.partitions_match_parent(parent regclass) returns boolean
language sql stable
set search_path = ''
as $$
  with parent_class as (select c.relowner from pg_catalog.pg_class c where c.oid = parent),
  parts as (
    select c.oid, c.relowner, c.relrowsecurity, c.relforcerowsecurity
    from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
    where i.inhparent = parent
  )
  select coalesce(pg_catalog.bool_and(
    part.relowner = (select relowner from parent_class)
    and part.relrowsecurity and part.relforcerowsecurity
    -- the parent's policies printed against the partition's columns, as the sync writes them
    and array(select pg_catalog.concat_ws('|', p.polname, p.polcmd, p.polpermissive, p.polroles::text,
                       pg_catalog.pg_get_expr(p.polqual, part.oid), pg_catalog.pg_get_expr(p.polwithcheck, part.oid))
              from pg_catalog.pg_policy p where p.polrelid = parent order by 1)
      = array(select pg_catalog.concat_ws('|', p.polname, p.polcmd, p.polpermissive, p.polroles::text,
                       pg_catalog.pg_get_expr(p.polqual, part.oid), pg_catalog.pg_get_expr(p.polwithcheck, part.oid))
              from pg_catalog.pg_policy p where p.polrelid = part.oid order by 1)
    -- table and column privileges of everyone but the owner
    and array(select pg_catalog.concat_ws('|', a.grantee, a.privilege_type)
              from pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
              where c.oid = parent and a.grantee <> c.relowner order by 1)
      = array(select pg_catalog.concat_ws('|', a.grantee, a.privilege_type)
              from pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
              where c.oid = part.oid and a.grantee <> c.relowner order by 1)
    and array(select pg_catalog.concat_ws('|', att.attname, a.grantee, a.privilege_type)
              from pg_catalog.pg_attribute att, pg_catalog.aclexplode(att.attacl) a
              where att.attrelid = parent and att.attacl is not null and att.attnum > 0 order by 1)
      = array(select pg_catalog.concat_ws('|', att.attname, a.grantee, a.privilege_type)
              from pg_catalog.pg_attribute att, pg_catalog.aclexplode(att.attacl) a
              where att.attrelid = part.oid and att.attacl is not null and att.attnum > 0 order by 1)
  ), true)
  from parts part
$$;
revoke all on function internal.partitions_match_parent(regclass) from public;
alter function internal.partitions_match_parent(regclass) owner to blogster_owner;
comment on function internal.partitions_match_parent(regclass) is
  'Whether every partition of parent has its owner, RLS switches, policies and grants (catalog reads only; ensure_partitions syncs them when not).';

create or replace function internal.ensure_partitions(months_ahead integer default 3) returns integer
language plpgsql
set search_path = ''
as $$
declare
  parent regclass;
  month_start timestamp;
  partition_name text;
  created integer := 0;
  created_before integer;
begin
  if months_ahead is null or months_ahead < 0 or months_ahead > 120 then
    raise exception 'months_ahead must be between 0 and 120' using errcode = '22023';
  end if;
  foreach parent in array array['public.user_notifications'::regclass, 'public.chatbot_messages'::regclass] loop
    created_before := created;
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
    if created > created_before or not internal.partitions_match_parent(parent) then
      perform internal.sync_partition_security(parent);
    end if;
  end loop;
  return created;
end
$$;
comment on function internal.ensure_partitions(integer) is
  'Creates monthly partitions (current month + months_ahead); copies RLS, policies and grants onto the partitions when it created one or one differs from its parent. Run by the administrative login (it needs the tables'' owner).';
