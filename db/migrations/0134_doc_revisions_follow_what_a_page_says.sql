-- A documentation page's revisions follow what it says, not where it came from. Its content's
-- "source" (the folder and file an import took it from) changes when another folder takes the
-- page over (docs import --replace, e.g. the help centre's export imported back) or its file
-- moves within the folder; each such write made a revision identical to the last
-- (`docs diff PAGE N`: no differences). Content that is no JSON object is compared whole.
create or replace function public.create_documentation_revision() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE'
     and (case when pg_catalog.jsonb_typeof(new.content) = 'object' then new.content operator(pg_catalog.-) 'source' else new.content end,
          new.metadata, new.version, new.title)
         is not distinct from
         (case when pg_catalog.jsonb_typeof(old.content) = 'object' then old.content operator(pg_catalog.-) 'source' else old.content end,
          old.metadata, old.version, old.title) then
    return null;
  end if;
  insert into public.documentation_revisions (page_id, content, metadata, version, created_by)
  values (new.id, new.content, new.metadata, new.version, auth.uid());
  return null;
end
$$;
comment on function public.create_documentation_revision() is 'Snapshots a documentation page when it is created and whenever its content (but for its source: the folder and file it was imported from), metadata, version or title change.';
