-- 0196: a post's slug holds no invisible or direction-changing character, and is composed (NFC).
--
-- blogs_slug_format (0003, 0191) let a slug hold Unicode's format characters (category Cf: the
-- zero-width space U+200B and joiners, the soft hyphen, the bidirectional controls U+202A-202E and
-- U+2066-2069): `pay` U+200B `pal` and `pay` U+202E `pal` beside `paypal` were three live addresses
-- that look alike. And `café` composed (NFC) and decomposed (NFD) were two posts. The commands now
-- refuse a typed slug with a format character (exit 2), compose every slug they make or are given,
-- and make an imported one anew (content/slugs.py, `FORMAT_CHARACTERS`: the same list as below,
-- Unicode 15.1's Cf). The check now holds both rules too, so one rule says what a slug may be
-- (same name, same message in db/errors.py). Composition is checked on a UTF8 database only: on
-- another encoding PostgreSQL normalises nothing, and the other rules still hold.
-- Unicode's spaces and the C1 controls are written out as well: `[:space:]` and `[:cntrl:]` follow
-- the database's locale, and under C they are ASCII's only, so a no-break space (U+00A0, U+202F,
-- U+2007) was a slug character on such a server while the commands (Python's `\s`) refused it.
--
-- The posts that break the rule (written before, or by an account's own SQL) are renamed first:
-- the slug composed, each run of format characters a dash (as `slugify` makes a title's), so
-- `pay` U+200B `pal` becomes `pay-pal`; where that is still no usable slug (past 200 characters,
-- a dot segment), `post-` and the first 8 hex digits of its id, as 0191 names them; then the first
-- of `-2`, `-3`... that its author has no post with (slugs are unique per author, trashed posts
-- included). Each rename is recorded in the author's activity (`blogster activity --post`): an
-- `edited` entry naming the slug before and after, as `posts edit --slug` records one (fields:
-- slug). A renamed post changed (updated_at, sync sees it; its address on the site is the new slug).
-- The table is locked first (ARCHITECTURE.md: a migration that cuts rows to a new bound): an
-- account's open transaction could otherwise write such a slug between the rename and the check and
-- fail the upgrade.

lock table public.blogs in share row exclusive mode;

create function pg_temp.slug_is_usable(slug text) returns boolean
language sql immutable
as $$
  select slug ~ ('^[^[:space:][:cntrl:]/?#\\\u0080-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000'
      '\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e'
      '\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f'
      '\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]{1,200}$')
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
      '[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e'
      '\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f'
      '\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]+',
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
      pg_catalog.format('Edited %L (slug): renamed %L by upgrade 0196, as a slug holds no invisible or'
        ' direction-changing character and is composed', unusable.title, candidate),
      unusable.id,
      pg_catalog.jsonb_build_object('fields', pg_catalog.jsonb_build_array('slug'), 'slug_before', unusable.slug,
        'slug', candidate, 'migration', '0196')
    );
  end loop;
end
$$;

alter table public.blogs
  drop constraint blogs_slug_format,
  add constraint blogs_slug_format check (
    slug ~ ('^[^[:space:][:cntrl:]/?#\\\u0080-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000'
      '\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e'
      '\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f'
      '\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]{1,200}$')
    and slug not in ('.', '..')
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or slug is nfc normalized)
  );

drop function pg_temp.slug_is_usable(text);
