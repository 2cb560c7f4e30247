-- No user role can lock a whole table; every definer function belongs to blogster_definer.
--
-- 1. LOCK TABLE ... IN ACCESS EXCLUSIVE MODE needs table-level UPDATE, DELETE or TRUNCATE.
--    User roles (anon, authenticated, blogster_admin) now hold UPDATE column by column
--    (the same columns as before: all of them) and no DELETE at all: deletes go through
--    public.delete_rows(table, ids), a definer function that applies the table's own DELETE
--    policies (their text, read from pg_policy) for the calling account, and
--    public.unlink_blog_tags(blog_ids, tag_ids) for tag links (which have no id column).
-- 2. `images rm` decides whether a stored file is still used with
--    public.image_file_in_use(path), which sees every account's rows and answers only yes/no.
-- 3. Ownership normalisation covers every schema (not only public and auth):
--    internal.set_author_from_blog() was left to the bootstrap superuser.
--    internal.ensure_partitions() becomes a plain function: creating partitions needs the
--    tables' owner, so the administrative login (migrate, maintenance) runs it.
-- 4. NOTIFY blogster_outbox carries an empty payload: any account may LISTEN on (and
--    NOTIFY) the channel, so it is a wake-up only; the worker reads internal.notification_outbox.

create or replace function internal.normalize_ownership() returns void
language plpgsql
set search_path = ''
as $$
declare
  obj record;
begin
  -- Every schema but the system ones; extension members keep their extension's owner.
  for obj in
    select c.oid::regclass::text as name, c.relkind
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'
      and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
      and c.relowner <> 'blogster_owner'::regrole
      and not exists (select 1 from pg_catalog.pg_depend e where e.objid = c.oid and e.deptype = 'e')
      and not exists (  -- sequences owned by a column follow their table
        select 1 from pg_catalog.pg_depend d
        where d.objid = c.oid and d.deptype in ('a', 'i') and c.relkind = 'S')
  loop
    execute pg_catalog.format('alter %s %s owner to blogster_owner',
      case obj.relkind when 'v' then 'view' when 'm' then 'materialized view'
                       when 'S' then 'sequence' when 'f' then 'foreign table' else 'table' end,
      obj.name);
  end loop;

  for obj in
    select t.oid::regtype::text as name
    from pg_catalog.pg_type t
    join pg_catalog.pg_namespace n on n.oid = t.typnamespace
    where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'
      and t.typtype in ('e', 'd', 'c')
      and t.typowner <> 'blogster_owner'::regrole
      and not exists (select 1 from pg_catalog.pg_depend e where e.objid = t.oid and e.deptype = 'e')
      and (t.typtype <> 'c' or exists (select 1 from pg_catalog.pg_class c where c.oid = t.typrelid and c.relkind = 'c'))
  loop
    execute pg_catalog.format('alter type %s owner to blogster_owner', obj.name);
  end loop;

  for obj in
    select p.oid::regprocedure::text as name, p.prosecdef, p.prokind
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'
      and not exists (select 1 from pg_catalog.pg_depend e where e.objid = p.oid and e.deptype = 'e')
      and p.proowner <> case when p.prosecdef then 'blogster_definer'::regrole else 'blogster_owner'::regrole end
  loop
    execute pg_catalog.format('alter %s %s owner to %I',
      case obj.prokind when 'p' then 'procedure' else 'function' end,
      obj.name,
      case when obj.prosecdef then 'blogster_definer' else 'blogster_owner' end);
  end loop;

  -- Functions are executable by PUBLIC by default; every grant here is explicit.
  for obj in
    select p.oid::regprocedure::text as name, p.prokind
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'
      and not exists (select 1 from pg_catalog.pg_depend e where e.objid = p.oid and e.deptype = 'e')
      and (p.proacl is null or exists (select 1 from pg_catalog.aclexplode(p.proacl) a where a.grantee = 0))
  loop
    execute pg_catalog.format('revoke execute on %s %s from public',
      case obj.prokind when 'p' then 'procedure' else 'function' end, obj.name);
  end loop;
end
$$;
revoke all on function internal.normalize_ownership() from public;

-- Partitions take their parent's owner, whoever creates them.
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

    -- Created by the administrative login, a partition is first owned by it: give it the parent's owner.
    execute pg_catalog.format('alter table %s owner to %I', part.name,
      (select c.relowner::regrole::text from pg_catalog.pg_class c where c.oid = parent));
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

-- Plain function now: it runs with the rights of whoever calls it, which must be the
-- tables' owner or a superuser (the migration runner, the administrative login).
alter function internal.ensure_partitions(integer) security invoker;
revoke execute on function internal.ensure_partitions(integer) from service_role;
comment on function internal.ensure_partitions(integer) is
  'Creates monthly partitions (current month + months_ahead) and copies RLS, policies and grants onto all partitions. Run by the administrative login (it needs the tables'' owner).';

-- Outbox wake-up without data ---------------------------------------------------------

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
    perform pg_catalog.pg_notify('blogster_outbox', '');  -- a wake-up only: the worker reads the outbox
  end if;
  return null;
end
$$;

-- Column-level UPDATE, no DELETE, for every user role ----------------------------------

do $$
declare
  rel record;
  role_name text;
  columns text;
begin
  for rel in
    select c.oid, c.oid::regclass::text as name
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'auth', 'internal') and c.relkind in ('r', 'p') and not c.relispartition
  loop
    foreach role_name in array array['anon', 'authenticated', 'blogster_admin'] loop
      if exists (select 1 from pg_catalog.pg_class t, pg_catalog.aclexplode(t.relacl) a
                 where t.oid = rel.oid and a.grantee = role_name::regrole and a.privilege_type = 'UPDATE')
      then
        select pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' order by a.attnum) into columns
        from pg_catalog.pg_attribute a where a.attrelid = rel.oid and a.attnum > 0 and not a.attisdropped;
        -- Revoking the table-level privilege drops the column-level ones too: grant them after.
        execute pg_catalog.format('revoke update on %s from %I', rel.name, role_name);
        execute pg_catalog.format('grant update (%s) on %s to %I', columns, rel.name, role_name);
      end if;
      execute pg_catalog.format('revoke delete, truncate on %s from %I', rel.name, role_name);
    end loop;
  end loop;
end
$$;

-- Partitions copy their parent's grants.
select internal.sync_partition_security('public.user_notifications');
select internal.sync_partition_security('public.chatbot_messages');

-- Deleting: the table's own DELETE policies, applied by a definer -----------------------

-- The definer reads what the policies' subqueries read and deletes what they allow.
grant select on all tables in schema public to blogster_definer;
do $$
declare
  rel record;
begin
  for rel in
    select distinct p.polrelid::regclass::text as name
    from pg_catalog.pg_policy p join pg_catalog.pg_class c on c.oid = p.polrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and p.polcmd = 'd' and not c.relispartition
  loop
    execute pg_catalog.format('grant delete on %s to blogster_definer', rel.name);
  end loop;
end
$$;

-- Deletes the rows of `target` (a table in public with a uuid `id`) whose id is in `ids`
-- and that the calling account could delete under the table's permissive DELETE
-- policies for the roles it belongs to; returns their ids. The policies' own text is
-- the check, so it cannot drift from them. Anything else (anon, no policy, another
-- schema) is refused with 42501, like a missing DELETE privilege.
create or replace function public.delete_rows(target regclass, ids uuid[]) returns setof uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  caller text := auth.role_name_for(auth.uid());
  relation text;
  allowed text;
begin
  select pg_catalog.format('%I.%I', n.nspname, c.relname) into relation
  from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.oid = target and n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    and exists (select 1 from pg_catalog.pg_attribute a
                where a.attrelid = c.oid and a.attname = 'id' and a.atttypid = 'uuid'::regtype);
  if caller is not null then
    select pg_catalog.string_agg('(' || pg_catalog.pg_get_expr(p.polqual, p.polrelid) || ')', ' or ') into allowed
    from pg_catalog.pg_policy p
    where p.polrelid = target and p.polcmd = 'd' and p.polpermissive and p.polqual is not null
      and exists (select 1 from pg_catalog.unnest(p.polroles) r(role_id)
                  where r.role_id = 0 or pg_catalog.pg_has_role(caller, r.role_id, 'MEMBER'));
  end if;
  if relation is null or allowed is null then
    raise exception 'permission denied to delete from %', target using errcode = '42501';
  end if;
  return query execute pg_catalog.format(
    'delete from %s where id operator(pg_catalog.=) any ($1) and (%s) returning id', relation, allowed) using ids;
end
$$;
comment on function public.delete_rows(regclass, uuid[]) is
  'Deletes the rows with these ids that the caller''s DELETE policies allow (user roles hold no table-level DELETE, so they cannot LOCK a table); returns the deleted ids.';
grant execute on function public.delete_rows(regclass, uuid[]) to authenticated;

-- Tag links have no id: unlink pairs (blog_ids[i], tag_ids[i]) on the caller's own blogs,
-- the rule of the "Users can remove tags from their own blogs" policy.
create or replace function public.unlink_blog_tags(blog_ids uuid[], tag_ids uuid[]) returns integer
language sql volatile security definer
set search_path = ''
as $$
  with gone as (
    delete from public.blogs_to_tags bt
    using unnest(blog_ids, tag_ids) as pair(blog_id, tag_id)
    where bt.blog_id operator(pg_catalog.=) pair.blog_id and bt.tag_id operator(pg_catalog.=) pair.tag_id
      and bt.author_id operator(pg_catalog.=) auth.uid()
    returning 1)
  select pg_catalog.count(*)::integer from gone
$$;
comment on function public.unlink_blog_tags(uuid[], uuid[]) is 'Removes tag links from the caller''s own blogs; returns how many.';
grant execute on function public.unlink_blog_tags(uuid[], uuid[]) to authenticated;

-- Images are stored once per content hash: the file may go only when no row of any
-- account uses it, which the caller's RLS cannot see. Yes or no, nothing else.
create or replace function public.image_file_in_use(path text) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select exists (select 1 from public.image_assets i where i.path operator(pg_catalog.=) image_file_in_use.path)
$$;
comment on function public.image_file_in_use(text) is 'Whether any account''s image row still uses this stored file (images are stored once per content hash).';
grant execute on function public.image_file_in_use(text) to authenticated;
