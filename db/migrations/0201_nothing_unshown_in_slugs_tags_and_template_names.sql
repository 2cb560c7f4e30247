-- 0201: slugs, tags and template names hold no character that shows as nothing or as a box, and a
-- template's name holds no control character and only single spaces, as a tag's.
--
-- Red team 64 (F4): a slug or a tag could hold a private-use character (U+E000-F8FF,
-- U+F0000-FFFFD, U+100000-10FFFD), a noncharacter (U+FDD0-FDEF, the last two code points of every
-- plane), the object replacement character U+FFFC or the Khitan small script filler U+16FE4: each
-- shows as nothing or as a box, so `pay` U+E000 `pal` beside `paypal` looked alike. The commands
-- now refuse them typed, and make an imported slug anew or drop them from an imported tag, as they
-- do the invisible characters (content/slugs.py `UNSHOWN_CHARACTERS`: the same list as below).
-- blogs_slug_format and blog_tags_name_format hold that rule too (same names, messages in
-- db/errors.py). Unassigned code points are not refused: Python's Unicode and the server's differ.
--
-- F3: a template's name (administrators only) held control characters (`templates save` took ESC
-- sequences that retitle or clear a terminal) and any whitespace (`pay` U+200A `pal` beside
-- `paypal`, `nb` U+00A0 `sp` beside `nb sp`). `templates save` now folds its whitespace to single
-- spaces and trims it, as a tag's, and refuses a control character (content/rules.py
-- `check_template_name`); blog_templates_name_format holds the same.
--
-- A tag's whitespace is folded by normalize_blog_tag, which trimmed before folding with the
-- server's `\s` (a trailing U+00A0 became a trailing space the check refused, public.tag_ids
-- raising a raw check violation): it now folds the whitespace Python's str.split() splits on
-- (rules.BLANK), written out, and trims after.
--
-- Every character is written out: character classes follow the server's locale (PostgreSQL 15
-- under C.UTF-8 differs), a code point does not. The rows that break the rules are mended first, as
-- 0198 and 0199 mended theirs: a slug's runs of such characters become a dash (an `edited` activity
-- for its author); a tag loses them and is merged into the tag it then names, or renamed (a
-- `tagged` activity per changed link); a template loses them and its control characters, its
-- whitespace folded, then ` 2`, ` 3`... past a name taken (a NOTICE of the upgrade: templates have
-- no owner). The tables are locked first (ARCHITECTURE.md: a migration that cuts rows to a new bound).

lock table public.blogs, public.blog_tags, public.blogs_to_tags, public.blog_templates in share row exclusive mode;

create or replace function public.normalize_blog_tag() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.name := pg_catalog.btrim(
    pg_catalog.regexp_replace(new.name, '[\t-\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+', ' ', 'g'), ' '
  );
  return new;
end
$$;

-- Slugs.

create function pg_temp.slug_is_usable(slug text) returns boolean
language sql immutable
as $$
  select slug ~ ('^[^[:space:][:cntrl:]/?#\\\u0080-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000'
      '\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
      '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
      '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
      '\U000e0000-\U000e0fff'
      '\ue000-\uf8ff\ufdd0-\ufdef\ufffc\ufffe-\uffff\U00016fe4\U000f0000-\U0010ffff'
      '\U0001fffe-\U0001ffff\U0002fffe-\U0002ffff\U0003fffe-\U0003ffff\U0004fffe-\U0004ffff\U0005fffe-\U0005ffff'
      '\U0006fffe-\U0006ffff\U0007fffe-\U0007ffff\U0008fffe-\U0008ffff\U0009fffe-\U0009ffff\U000afffe-\U000affff'
      '\U000bfffe-\U000bffff\U000cfffe-\U000cffff\U000dfffe-\U000dffff\U000efffe-\U000effff]{1,200}$')
    and slug not in ('.', '..')
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or slug is nfc normalized)
$$;

do $$
declare
  unusable record;
  base text;
  candidate text;
  n integer;
begin
  for unusable in
    select id, author_id, slug, title from public.blogs where not pg_temp.slug_is_usable(slug) order by id
  loop
    base := pg_catalog.regexp_replace(
      unusable.slug,
      '[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
      '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
      '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
      '\U000e0000-\U000e0fff'
      '\ue000-\uf8ff\ufdd0-\ufdef\ufffc\ufffe-\uffff\U00016fe4\U000f0000-\U0010ffff'
      '\U0001fffe-\U0001ffff\U0002fffe-\U0002ffff\U0003fffe-\U0003ffff\U0004fffe-\U0004ffff\U0005fffe-\U0005ffff'
      '\U0006fffe-\U0006ffff\U0007fffe-\U0007ffff\U0008fffe-\U0008ffff\U0009fffe-\U0009ffff\U000afffe-\U000affff'
      '\U000bfffe-\U000bffff\U000cfffe-\U000cffff\U000dfffe-\U000dffff\U000efffe-\U000effff]+',
      '-', 'g'
    );
    if pg_catalog.getdatabaseencoding() = 'UTF8' then
      base := pg_catalog.normalize(base, 'NFC');
    end if;
    if not pg_temp.slug_is_usable(base) or pg_catalog.char_length(base) > 190 then
      base := 'post-' || pg_catalog.left(pg_catalog.replace(unusable.id::text, '-', ''), 8);
    end if;
    candidate := base;
    n := 1;
    while exists (
      select from public.blogs
      where internal.blog_slug_key(author_id, slug) = internal.blog_slug_key(unusable.author_id, candidate)
    ) loop
      n := n + 1;
      candidate := base || '-' || n;
    end loop;
    update public.blogs set slug = candidate where id = unusable.id;
    insert into public.activities (user_id, type, title, description, blog_id, metadata)
    values (
      unusable.author_id, 'edited', unusable.title,
      pg_catalog.format('Edited %L (slug): renamed %L by upgrade 0201, as a slug holds no character that'
        ' shows as nothing or as a box', unusable.title, candidate),
      unusable.id,
      pg_catalog.jsonb_build_object('fields', pg_catalog.jsonb_build_array('slug'), 'slug_before', unusable.slug,
        'slug', candidate, 'migration', '0201')
    );
  end loop;
end
$$;

alter table public.blogs
  drop constraint blogs_slug_format,
  add constraint blogs_slug_format check (
    slug ~ ('^[^[:space:][:cntrl:]/?#\\\u0080-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000'
      '\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
      '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
      '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
      '\U000e0000-\U000e0fff'
      '\ue000-\uf8ff\ufdd0-\ufdef\ufffc\ufffe-\uffff\U00016fe4\U000f0000-\U0010ffff'
      '\U0001fffe-\U0001ffff\U0002fffe-\U0002ffff\U0003fffe-\U0003ffff\U0004fffe-\U0004ffff\U0005fffe-\U0005ffff'
      '\U0006fffe-\U0006ffff\U0007fffe-\U0007ffff\U0008fffe-\U0008ffff\U0009fffe-\U0009ffff\U000afffe-\U000affff'
      '\U000bfffe-\U000bffff\U000cfffe-\U000cffff\U000dfffe-\U000dffff\U000efffe-\U000effff]{1,200}$')
    and slug not in ('.', '..')
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or slug is nfc normalized)
  );

drop function pg_temp.slug_is_usable(text);

-- Tags.

create function pg_temp.tag_is_usable(name text) returns boolean
language sql immutable
as $$
  select name = pg_catalog.btrim(name) and pg_catalog.length(name) between 1 and 64
    and name !~ '[[:cntrl:]\u0080-\u009f]'
    and name !~ ('[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
      '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
      '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
      '\U000e0000-\U000e0fff'
      '\ue000-\uf8ff\ufdd0-\ufdef\ufffc\ufffe-\uffff\U00016fe4\U000f0000-\U0010ffff'
      '\U0001fffe-\U0001ffff\U0002fffe-\U0002ffff\U0003fffe-\U0003ffff\U0004fffe-\U0004ffff\U0005fffe-\U0005ffff'
      '\U0006fffe-\U0006ffff\U0007fffe-\U0007ffff\U0008fffe-\U0008ffff\U0009fffe-\U0009ffff\U000afffe-\U000affff'
      '\U000bfffe-\U000bffff\U000cfffe-\U000cffff\U000dfffe-\U000dffff\U000efffe-\U000effff]')
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or name is nfc normalized)
$$;

-- A name without the refused characters, composed (`form`: NFKC for a tag, NFC for a template; on
-- a UTF8 database), its whitespace folded and trimmed (as normalize_blog_tag now folds a tag's).
create function pg_temp.visible_name(name text, form text) returns text
language plpgsql immutable
as $$
declare
  visible text := pg_catalog.regexp_replace(
    name,
    '[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
    '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
    '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
    '\U000e0000-\U000e0fff'
    '\ue000-\uf8ff\ufdd0-\ufdef\ufffc\ufffe-\uffff\U00016fe4\U000f0000-\U0010ffff'
    '\U0001fffe-\U0001ffff\U0002fffe-\U0002ffff\U0003fffe-\U0003ffff\U0004fffe-\U0004ffff\U0005fffe-\U0005ffff'
    '\U0006fffe-\U0006ffff\U0007fffe-\U0007ffff\U0008fffe-\U0008ffff\U0009fffe-\U0009ffff\U000afffe-\U000affff'
    '\U000bfffe-\U000bffff\U000cfffe-\U000cffff\U000dfffe-\U000dffff\U000efffe-\U000effff]+',
    '', 'g'
  );
begin
  if pg_catalog.getdatabaseencoding() = 'UTF8' then
    visible := pg_catalog.normalize(visible, form);
  end if;
  return pg_catalog.btrim(
    pg_catalog.regexp_replace(visible, '[\t-\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+', ' ', 'g'), ' '
  );
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
      pg_catalog.format('Tags of %L changed by upgrade 0201: %L is now %L, as a tag holds no character that'
        ' shows as nothing or as a box', b.title, o.tag_name, linked.tag_name),
      o.blog_id,
      pg_catalog.jsonb_build_object('added', pg_catalog.jsonb_build_array(linked.tag_name),
        'removed', pg_catalog.jsonb_build_array(o.tag_name), 'migration', '0201')
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
      '\U000e0000-\U000e0fff'
      '\ue000-\uf8ff\ufdd0-\ufdef\ufffc\ufffe-\uffff\U00016fe4\U000f0000-\U0010ffff'
      '\U0001fffe-\U0001ffff\U0002fffe-\U0002ffff\U0003fffe-\U0003ffff\U0004fffe-\U0004ffff\U0005fffe-\U0005ffff'
      '\U0006fffe-\U0006ffff\U0007fffe-\U0007ffff\U0008fffe-\U0008ffff\U0009fffe-\U0009ffff\U000afffe-\U000affff'
      '\U000bfffe-\U000bffff\U000cfffe-\U000cffff\U000dfffe-\U000dffff\U000efffe-\U000effff]')
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or name is nfc normalized)
  );

-- Templates.

create function pg_temp.template_name_is_usable(name text) returns boolean
language sql immutable
as $$
  select name = pg_catalog.btrim(name, ' ') and name !~ '  '
    and name !~ '[\u0001-\u001f\u007f-\u009f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]'
    and name !~ ('[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
      '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
      '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
      '\U000e0000-\U000e0fff'
      '\ue000-\uf8ff\ufdd0-\ufdef\ufffc\ufffe-\uffff\U00016fe4\U000f0000-\U0010ffff'
      '\U0001fffe-\U0001ffff\U0002fffe-\U0002ffff\U0003fffe-\U0003ffff\U0004fffe-\U0004ffff\U0005fffe-\U0005ffff'
      '\U0006fffe-\U0006ffff\U0007fffe-\U0007ffff\U0008fffe-\U0008ffff\U0009fffe-\U0009ffff\U000afffe-\U000affff'
      '\U000bfffe-\U000bffff\U000cfffe-\U000cffff\U000dfffe-\U000dffff\U000efffe-\U000effff]')
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
    -- The control characters that are no whitespace dropped (ESC, BEL...), then as a tag's.
    base := pg_temp.visible_name(
      pg_catalog.regexp_replace(unusable.name, '[\u0001-\u0008\u000e-\u001b\u007f-\u0084\u0086-\u009f]+', '', 'g'),
      'NFC'
    );
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
    raise notice 'template % (%) renamed %: a template''s name holds no control character, no character that'
      ' shows as nothing or as a box, only single spaces, is composed, and is not shaped like an id',
      pg_catalog.quote_literal(unusable.name), unusable.id, pg_catalog.quote_literal(candidate);
  end loop;
end
$$;

alter table public.blog_templates
  drop constraint blog_templates_name_format,
  add constraint blog_templates_name_format check (
    name = pg_catalog.btrim(name, ' ') and name !~ '  '
    and name !~ '[\u0001-\u001f\u007f-\u009f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]'
    and name !~ ('[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
      '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
      '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
      '\U000e0000-\U000e0fff'
      '\ue000-\uf8ff\ufdd0-\ufdef\ufffc\ufffe-\uffff\U00016fe4\U000f0000-\U0010ffff'
      '\U0001fffe-\U0001ffff\U0002fffe-\U0002ffff\U0003fffe-\U0003ffff\U0004fffe-\U0004ffff\U0005fffe-\U0005ffff'
      '\U0006fffe-\U0006ffff\U0007fffe-\U0007ffff\U0008fffe-\U0008ffff\U0009fffe-\U0009ffff\U000afffe-\U000affff'
      '\U000bfffe-\U000bffff\U000cfffe-\U000cffff\U000dfffe-\U000dffff\U000efffe-\U000effff]')
    and name !~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or name is nfc normalized)
  );

drop table pg_temp.links_before;
drop function pg_temp.tag_is_usable(text);
drop function pg_temp.visible_name(text, text);
drop function pg_temp.template_name_is_usable(text);
