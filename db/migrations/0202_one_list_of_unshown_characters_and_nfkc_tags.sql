-- 0202: the characters a slug, a tag or a template's name may not hold for showing as nothing or as
-- a box are written out once, in internal.holds_unshown_character; a tag is in its compatibility
-- form (NFKC), as the commands store it.
--
-- Until 0201 the list (content/slugs.py `REFUSED_CHARACTERS`: the format and default-ignorable
-- characters, the braille blank, private-use characters, noncharacters, U+FFFC, U+16FE4) was
-- written out again in each of blogs_slug_format, blog_tags_name_format and
-- blog_templates_name_format, and in each migration that mended rows against them (0198, 0199,
-- 0201). The three checks now call one immutable function holding it; their other conditions and
-- their names (messages in db/errors.py) are unchanged, and so is the set of characters
-- (tests/integration/test_unshown_characters_migration.py compares each check with the commands'
-- rule, character by character). The function is in `internal` (no USAGE, no CREATE for accounts),
-- owned by blogster_owner, its search_path pinned; writing a row evaluates the checks, which needs
-- EXECUTE, granted as internal.blog_slug_key's is (0012).
--
-- An account's own SQL (a plain INSERT into the shared blog_tags, public.tag_ids) could store a tag
-- in a form the commands never store: `Ｃq` (fullwidth), `ﬁsh` (a ligature), `x²` (a superscript),
-- which the commands fold to their compatibility form (NFKC: content/rules.py `normalise_tags`)
-- while the check asked only for NFC: two tags that look alike, each with a public tag page. The
-- check now asks for NFKC (on a UTF8 database; a tag typed with a character the server's Unicode
-- folds and Python's does not yet is refused with the check's message). The tags that break it are
-- mended as 0199 mended its own: the name in its compatibility form, its whitespace folded and
-- trimmed (as normalize_blog_tag does); where that is no usable tag (past 64 characters), `tag-`
-- and the first 8 hex digits of its id, then `-2`, `-3`... past a tag of that name. Where the
-- mended name is another tag's (ignoring case, as the unique index compares), the tag is merged
-- into that one: each post keeps one link (a post carrying both keeps the other's), a moved link
-- takes the spelling its author already gives that tag, else its own spelling mended, and the
-- emptied tag is deleted. Else the tag is renamed, each link keeping its author's spelling mended.
-- Each changed link is recorded in its author's activity (`blogster activity --post`): a `tagged`
-- entry naming the tag before and after.
--
-- The tables are locked first (ARCHITECTURE.md: a migration that cuts rows to a new bound). The
-- checks on blogs and blog_templates accept exactly what they accepted, so no row of theirs is
-- mended; only the scan validating them is done again. blogs_slug_format now says "no character of
-- the class, 1 to 200 characters" rather than `^[^...]{1,200}$`, the same rule: the server's
-- regular expressions expand a bounded repetition, 25 microseconds a slug, every write and every
-- row of that scan, where the unbounded class takes well under one. On 200,000 posts and 448,627
-- tag links from bench/generate.py, 6,000 of the links to mend, this upgrade took 1.4 s (7.5 s with
-- the old form, whose scan alone took 4.6 s).

lock table public.blogs, public.blog_tags, public.blogs_to_tags, public.blog_templates in share row exclusive mode;

create function internal.holds_unshown_character(written text) returns boolean
language sql immutable parallel safe
set search_path = ''
as $$
  select written ~ ('[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
    '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
    '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
    '\U000e0000-\U000e0fff'
    '\ue000-\uf8ff\ufdd0-\ufdef\ufffc\ufffe-\uffff\U00016fe4\U000f0000-\U0010ffff'
    '\U0001fffe-\U0001ffff\U0002fffe-\U0002ffff\U0003fffe-\U0003ffff\U0004fffe-\U0004ffff\U0005fffe-\U0005ffff'
    '\U0006fffe-\U0006ffff\U0007fffe-\U0007ffff\U0008fffe-\U0008ffff\U0009fffe-\U0009ffff\U000afffe-\U000affff'
    '\U000bfffe-\U000bffff\U000cfffe-\U000cffff\U000dfffe-\U000dffff\U000efffe-\U000effff]')
$$;
alter function internal.holds_unshown_character(text) owner to blogster_owner;
comment on function internal.holds_unshown_character(text) is
  'Whether the text holds a character a slug, a tag or a template''s name may not hold for showing as nothing or as a box, or reordering what follows (content/slugs.py REFUSED_CHARACTERS, written out: character classes follow the locale); the checks blogs_slug_format, blog_tags_name_format and blog_templates_name_format call it (0202).';
revoke all on function internal.holds_unshown_character(text) from public;
grant execute on function internal.holds_unshown_character(text)
  to authenticated, service_role, blogster_definer, blogster_owner;

alter table public.blogs
  drop constraint blogs_slug_format,
  add constraint blogs_slug_format check (
    slug !~ '[[:space:][:cntrl:]/?#\\\u0080-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]'
    and pg_catalog.length(slug) between 1 and 200
    and not internal.holds_unshown_character(slug)
    and slug not in ('.', '..')
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or slug is nfc normalized)
  );

alter table public.blog_templates
  drop constraint blog_templates_name_format,
  add constraint blog_templates_name_format check (
    name = pg_catalog.btrim(name, ' ') and name !~ '  '
    and name !~ '[\u0001-\u001f\u007f-\u009f\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]'
    and not internal.holds_unshown_character(name)
    and name !~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or name is nfc normalized)
  );

-- Tags.

create function pg_temp.tag_is_usable(name text) returns boolean
language sql immutable
as $$
  select name = pg_catalog.btrim(name) and pg_catalog.length(name) between 1 and 64
    and name !~ '[[:cntrl:]\u0080-\u009f]'
    and not internal.holds_unshown_character(name)
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or name is nfkc normalized)
$$;

-- A tag as the commands store it (rules._tag_spelling): in its compatibility form (on a UTF8
-- database), then its whitespace folded and trimmed (as normalize_blog_tag folds it).
create function pg_temp.compatible_name(name text) returns text
language plpgsql immutable
as $$
declare
  compatible text := name;
begin
  if pg_catalog.getdatabaseencoding() = 'UTF8' then
    compatible := pg_catalog.normalize(compatible, 'NFKC');
  end if;
  return pg_catalog.btrim(
    pg_catalog.regexp_replace(compatible, '[\t-\r\u001c-\u001f \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+', ' ', 'g'), ' '
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
    mended := pg_temp.compatible_name(unusable.name);
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
            pg_temp.compatible_name(bt.tag_name))
      where bt.tag_id = unusable.id;
      delete from public.blog_tags where id = unusable.id;
    else
      update public.blog_tags set name = candidate where id = unusable.id;  -- rename_tag_links: every link the new name
      update public.blogs_to_tags bt set tag_name = pg_temp.compatible_name(o.tag_name)
      from pg_temp.links_before o
      where bt.tag_id = unusable.id and o.tag_id = bt.tag_id and o.blog_id = bt.blog_id
        and pg_temp.compatible_name(o.tag_name) <> bt.tag_name;
      merged_into := unusable.id;
    end if;
    insert into public.activities (user_id, type, title, description, blog_id, metadata)
    select
      o.author_id, 'tagged', b.title,
      pg_catalog.format('Tags of %L changed by upgrade 0202: %L is now %L, as a tag is in its compatibility'
        ' form (NFKC), as the commands store it', b.title, o.tag_name, linked.tag_name),
      o.blog_id,
      pg_catalog.jsonb_build_object('added', pg_catalog.jsonb_build_array(linked.tag_name),
        'removed', pg_catalog.jsonb_build_array(o.tag_name), 'migration', '0202')
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
    and not internal.holds_unshown_character(name)
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or name is nfkc normalized)
  );

drop table pg_temp.links_before;
drop function pg_temp.tag_is_usable(text);
drop function pg_temp.compatible_name(text);
