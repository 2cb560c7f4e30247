-- Persona names are unique per owner, ignoring case (template personas, which have
-- no owner, among themselves). `personas show/edit/rm NAME` picked one of several
-- same-named personas silently, and `personas copy` made a second of the same name.
-- Existing duplicates are renamed first, oldest keeps its name: "Name (2)", "(3)"...,
-- skipping any suffix already taken, so the index applies to existing data.
do $$
declare
  duplicate record;
  suffix integer;
  candidate text;
begin
  for duplicate in
    select id, name, owner_id from (
      select id, name, owner_id, pg_catalog.row_number() over (
        partition by owner_id, pg_catalog.lower(name) order by created_at, id) as position
      from public.personas) ranked
    where position > 1
    order by owner_id, pg_catalog.lower(name), position
  loop
    suffix := 2;
    loop
      candidate := pg_catalog.left(duplicate.name, 190) || ' (' || suffix || ')';
      exit when not exists (
        select 1 from public.personas p
        where p.owner_id is not distinct from duplicate.owner_id
          and pg_catalog.lower(p.name) = pg_catalog.lower(candidate));
      suffix := suffix + 1;
    end loop;
    update public.personas set name = candidate where id = duplicate.id;
  end loop;
end
$$;

create unique index personas_owner_name_key
  on public.personas (coalesce(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name));
