-- 0198: a post's slug holds none of Unicode's default-ignorable characters either.
--
-- 0196 refused the format characters (category Cf), but a slug could still hold characters that
-- show as nothing and are no Cf: the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0: letters, Lo),
-- the variation selectors (U+FE00-FE0F, U+E0100-E01EF), the combining grapheme joiner U+034F, the
-- Mongolian free variation selectors (U+180B-180D, U+180F), the Khmer inherent vowels (U+17B4,
-- U+17B5): `pay` U+3164 `pal` beside `paypal` were two live addresses that look alike. The set is
-- Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt,
-- https://www.unicode.org/Public/UCD/latest/ucd/DerivedCoreProperties.txt), with the code points it
-- keeps unassigned as ignorable (U+2065, U+FFF0-FFF8, U+E0000-E0FFF), plus the braille pattern blank
-- U+2800, a blank cell no property lists. The commands refuse a typed slug holding one (exit 2) and
-- make an imported one anew, as they do a format character (content/slugs.py,
-- `INVISIBLE_CHARACTERS`: the same list as below); the check holds the same rule (same name, same
-- message in db/errors.py). Every character is written out: character classes follow the server's
-- locale (PostgreSQL 15 under C.UTF-8 differs), a code point does not.
--
-- The posts that break the rule (written before, or by an account's own SQL) are renamed first, as
-- 0196 renamed its own: each run of such characters a dash (as `slugify` makes a title's), so `pay`
-- U+3164 `pal` becomes `pay-pal`; composed again (NFC, on a UTF8 database); where that is still no
-- usable slug (past 200 characters, a dot segment), `post-` and the first 8 hex digits of its id;
-- then the first of `-2`, `-3`... that its author has no post with (slugs are unique per author,
-- trashed posts included). Each rename is recorded in the author's activity (`blogster activity
-- --post`): an `edited` entry naming the slug before and after (fields: slug). A renamed post changed
-- (updated_at, sync sees it; its address on the site is the new slug). The table is locked first
-- (ARCHITECTURE.md: a migration that cuts rows to a new bound).

lock table public.blogs in share row exclusive mode;

create function pg_temp.slug_is_usable(slug text) returns boolean
language sql immutable
as $$
  select slug ~ ('^[^[:space:][:cntrl:]/?#\\\u0080-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000'
      '\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f'
      '\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb'
      '\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a'
      '\U000e0000-\U000e0fff]{1,200}$')
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
      '\U000e0000-\U000e0fff]+',
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
      pg_catalog.format('Edited %L (slug): renamed %L by upgrade 0198, as a slug holds no character that'
        ' shows as nothing', unusable.title, candidate),
      unusable.id,
      pg_catalog.jsonb_build_object('fields', pg_catalog.jsonb_build_array('slug'), 'slug_before', unusable.slug,
        'slug', candidate, 'migration', '0198')
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
      '\U000e0000-\U000e0fff]{1,200}$')
    and slug not in ('.', '..')
    and (pg_catalog.getdatabaseencoding() <> 'UTF8' or slug is nfc normalized)
  );

drop function pg_temp.slug_is_usable(text);
