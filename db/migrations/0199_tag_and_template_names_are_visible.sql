-- 0199: a tag's name and a template's name hold no character a slug may not hold for showing as
-- nothing or changing direction, and are composed (NFC); a template's is not shaped like an id.
--
-- Tags (blog_tags, one table for every account, unique on lower(name)): `C` and `C` U+200B (or
-- U+202E, a Hangul filler...) were two tags, each with its own public tag page on a site, that look
-- alike; `Café` decomposed (NFD) beside composed was another pair. The commands now refuse a typed
-- tag holding such a character (exit 2) and drop those characters from an imported one, with a
-- warning (content/rules.py `normalise_tags`, `imported_tags`; the characters are content/slugs.py's
-- `INVISIBLE_CHARACTERS`, the same list as 0198's slug check and the one below). blog_tags_name_format
-- now holds that rule too (same name, message in db/errors.py), and writes the C1 controls out
-- (`[:cntrl:]` follows the server's locale: under C.UTF-8 it is ASCII's only, while the commands
-- refuse U+0080-009F in an imported tag). The commands store a tag in its compatibility form (NFKC);
-- the check asks only for NFC, as 0196 does of slugs: the server's Unicode tables may be newer
-- than Python's, and a character NFKC folds there and not in Python would be refused for nothing.
--
-- The tags that break the rule (written before, or by an account's own SQL through public.tag_ids)
-- are mended first, each as an import would make it: its invisible characters dropped, the rest in
-- its compatibility form (NFKC, on a UTF8 database), trimmed and its whitespace folded (as
-- normalize_blog_tag does); where nothing usable is left (nothing visible, past 64 characters, a
-- control character), `tag-` and the first 8 hex digits of its id, then `-2`, `-3`... past a tag
-- of that name. Where the mended name is another tag's (case-insensitively, as the unique index
-- compares), the tag is merged into that one: each post keeps one link (a post carrying both keeps
-- the other's), a moved link takes the spelling its author already gives that tag, else its own
-- spelling mended, and the emptied tag is deleted. Else the tag is renamed, each link keeping its
-- author's spelling mended. Each changed link is recorded in its author's activity (`blogster
-- activity --post`): a `tagged` entry naming the tag before and after (metadata: removed, added, as
-- `posts tag` records them). A post's row is not changed (as an administrator's rename, 0192): the
-- links' triggers wake its synced folders and sync rewrites its file.
--
-- Templates (blog_templates, looked up by id, then by name ignoring case): `templates save` took a
-- name shaped like another template's id (which `templates show ID` reads as that id), `Listicle`
-- U+200B beside `Listicle`, `Café` decomposed beside composed. The command now composes the name
-- and refuses the others (exit 2: content/rules.py `check_template_name`), and the new check
-- blog_templates_name_format holds the same. A template breaking it is renamed first: invisible
-- characters dropped, composed, trimmed; one shaped like an id gets `template ` before it; nothing
-- left or past 200 characters, `template-` and its id's first 8 hex digits; then ` 2`, ` 3`... past
-- a name taken (ignoring case). Templates are kept apart by id (posts and generation logs name
-- them so), so none is merged. They have no owner whose activity could record it: each rename is a
-- NOTICE of the upgrade.
--
-- The tables are locked first (ARCHITECTURE.md: a migration that cuts rows to a new bound).

lock table public.blog_tags, public.blogs_to_tags, public.blog_templates in share row exclusive mode;

create function pg_temp.tag_is_usable(name text) returns boolean
language sql immutable
as $$
  select name = pg_catalog.btrim(name) and pg_catalog.length(name) between 1 and 64
    and name !~ '[[:cntrl:]\u0080-\u009f]'
    and name !~ ('[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
      '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
      '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
      '\U000e0000-\U000e0fff]')
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or name is nfc normalized)
$$;

-- A name without its invisible characters, composed (`form`: NFKC for a tag, NFC for a template;
-- on a UTF8 database), trimmed and its whitespace folded (as normalize_blog_tag folds a tag's).
create function pg_temp.visible_name(name text, form text) returns text
language plpgsql immutable
as $$
declare
  visible text := pg_catalog.regexp_replace(
    name,
    '[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
    '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
    '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
    '\U000e0000-\U000e0fff]+',
    '', 'g'
  );
begin
  if pg_catalog.getdatabaseencoding() = 'UTF8' then
    visible := pg_catalog.normalize(visible, form);
  end if;
  return pg_catalog.regexp_replace(pg_catalog.btrim(visible, E' \t\r\n'), '\s+', ' ', 'g');
end
$$;

create table pg_temp.links_before as
  select bt.blog_id, bt.tag_id, bt.author_id, bt.tag_name
  from public.blogs_to_tags bt join public.blog_tags t on t.id = bt.tag_id
  where not pg_temp.tag_is_usable(t.name);

do $$
declare
  unusable record;
  mended text;
  candidate text;
  merged_into uuid;
  n integer;
begin
  for unusable in select id, name from public.blog_tags where not pg_temp.tag_is_usable(name) order by id loop
    mended := pg_temp.visible_name(unusable.name, 'NFKC');
    merged_into := null;
    if pg_temp.tag_is_usable(mended) then
      select t.id into merged_into from public.blog_tags t
      where pg_catalog.lower(t.name) = pg_catalog.lower(mended) and t.id <> unusable.id;
      candidate := mended;
    else
      mended := 'tag-' || pg_catalog.left(pg_catalog.replace(unusable.id::text, '-', ''), 8);
      candidate := mended;
      n := 1;
      while exists (select from public.blog_tags t where pg_catalog.lower(t.name) = pg_catalog.lower(candidate)) loop
        n := n + 1;
        candidate := mended || '-' || n;
      end loop;
    end if;
    if merged_into is not null then
      delete from public.blogs_to_tags bt
      where bt.tag_id = unusable.id
        and exists (select from public.blogs_to_tags o where o.tag_id = merged_into and o.blog_id = bt.blog_id);
      -- The link's trigger keeps the spelling given when it is the tag's name ignoring case, else the tag's name.
      update public.blogs_to_tags bt
      set tag_id = merged_into,
          tag_name = coalesce(
            (select o.tag_name from public.blogs_to_tags o
             where o.tag_id = merged_into and o.author_id = bt.author_id limit 1),
            pg_temp.visible_name(bt.tag_name, 'NFKC'))
      where bt.tag_id = unusable.id;
      delete from public.blog_tags where id = unusable.id;
    else
      update public.blog_tags set name = candidate where id = unusable.id;  -- rename_tag_links: every link the new name
      update public.blogs_to_tags bt set tag_name = pg_temp.visible_name(o.tag_name, 'NFKC')
      from pg_temp.links_before o
      where bt.tag_id = unusable.id and o.tag_id = bt.tag_id and o.blog_id = bt.blog_id
        and pg_temp.visible_name(o.tag_name, 'NFKC') <> bt.tag_name;
      merged_into := unusable.id;
    end if;
    insert into public.activities (user_id, type, title, description, blog_id, metadata)
    select
      o.author_id, 'tagged', b.title,
      pg_catalog.format('Tags of %L changed by upgrade 0199: %L is now %L, as a tag holds no character that'
        ' shows as nothing or changes direction and is composed', b.title, o.tag_name, linked.tag_name),
      o.blog_id,
      pg_catalog.jsonb_build_object('added', pg_catalog.jsonb_build_array(linked.tag_name),
        'removed', pg_catalog.jsonb_build_array(o.tag_name), 'migration', '0199')
    from pg_temp.links_before o
    join public.blogs b on b.id = o.blog_id
    join public.blogs_to_tags linked on linked.blog_id = o.blog_id and linked.tag_id = merged_into
    where o.tag_id = unusable.id
    order by o.blog_id;
  end loop;
end
$$;

alter table public.blog_tags
  drop constraint blog_tags_name_format,
  add constraint blog_tags_name_format check (
    name = pg_catalog.btrim(name) and pg_catalog.length(name) between 1 and 64
    and name !~ '[[:cntrl:]\u0080-\u009f]'
    and name !~ ('[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
      '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
      '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
      '\U000e0000-\U000e0fff]')
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or name is nfc normalized)
  );

create function pg_temp.template_name_is_usable(name text) returns boolean
language sql immutable
as $$
  select name !~ ('[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
      '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
      '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
      '\U000e0000-\U000e0fff]')
    and name !~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or name is nfc normalized)
$$;

do $$
declare
  unusable record;
  base text;
  candidate text;
  n integer;
begin
  for unusable in
    select id, name from public.blog_templates where not pg_temp.template_name_is_usable(name) order by id
  loop
    base := pg_temp.visible_name(unusable.name, 'NFC');
    if not pg_temp.template_name_is_usable(base) then  -- shaped like an id
      base := 'template ' || base;
    end if;
    if pg_catalog.length(base) not between 1 and 190 then
      base := 'template-' || pg_catalog.left(pg_catalog.replace(unusable.id::text, '-', ''), 8);
    end if;
    candidate := base;
    n := 1;
    while exists (
      select from public.blog_templates t
      where pg_catalog.lower(t.name) = pg_catalog.lower(candidate) and t.id <> unusable.id
    ) loop
      n := n + 1;
      candidate := base || ' ' || n;
    end loop;
    update public.blog_templates set name = candidate where id = unusable.id;
    raise notice 'template % (%) renamed %: a template''s name holds no character that shows as nothing or'
      ' changes direction, is composed, and is not shaped like an id', pg_catalog.quote_literal(unusable.name),
      unusable.id, pg_catalog.quote_literal(candidate);
  end loop;
end
$$;

alter table public.blog_templates
  add constraint blog_templates_name_format check (
    name !~ ('[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
      '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
      '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
      '\U000e0000-\U000e0fff]')
    and name !~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or name is nfc normalized)
  );

drop table pg_temp.links_before;
drop function pg_temp.tag_is_usable(text);
drop function pg_temp.visible_name(text, text);
drop function pg_temp.template_name_is_usable(text);
