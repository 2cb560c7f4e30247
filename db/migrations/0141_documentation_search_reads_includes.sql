-- 0141: documentation search reads the text a page includes, where the page includes it.
--
-- Documentation sites include text in pages: pymdown-extensions' snippets (`--8<-- "file.md"`),
-- markdown-include (`{!file.md!}`), Jinja's `{% include "file.md" %}`. `docs import` skips the
-- included files as pages, and the including page was indexed with the include line alone
-- (0139 reads a snippet line as nothing): a word only in the included text found nothing, though
-- readers of the site see it on that page.
--
-- Now `docs import` reads each include line's file from the imported folder (its own files only:
-- documentation/includes.py) and stores, beside the page's markdown, what each include line
-- stands for: content.includes, an object from the line, as written, to its text. The markdown
-- stays as written, so `docs export` gives the file back byte for byte and the page's revisions
-- and diffs show what its author wrote. documentation_text, what the search triggers
-- (update_documentation_search_vector, index_documentation_page: the body, its headings, the plain
-- text snippets are cut from) and surface_form read, now gives the markdown with each line that is
-- a key of content.includes replaced by its text. Kept line by line, the text follows the page:
-- `docs edit` keeps content.includes, so an include line the edit keeps still stands for its text,
-- one it removes no longer does, and one it adds stands for nothing until the next import.
--
-- A page without content.includes reads as before, so no page is reindexed here: pages imported
-- before take their included text at their folder's next import (an update, with its revision).

create or replace function public.documentation_text(content jsonb) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  -- Taken out once: each line's lookup is then in this value, not in the (possibly toasted) row.
  includes jsonb := content -> 'includes';
begin
  if content is null then
    return '';
  end if;
  if pg_catalog.jsonb_typeof(content -> 'markdown') is distinct from 'string' then
    return coalesce((select pg_catalog.string_agg(v #>> '{}', ' ')
                     from pg_catalog.jsonb_path_query(content, 'strict $.** ? (@.type() == "string")') v), '');
  end if;
  if pg_catalog.jsonb_typeof(includes) is distinct from 'object' then
    return content ->> 'markdown';
  end if;
  return coalesce((
    select pg_catalog.string_agg(coalesce(includes ->> u.line, u.line), pg_catalog.chr(10) order by u.n)
    from pg_catalog.unnest(pg_catalog.string_to_array(content ->> 'markdown', pg_catalog.chr(10)))
         with ordinality as u(line, n)
  ), '');
end
$$;
comment on function public.documentation_text(jsonb) is
  'The text of a documentation body as search reads it: its markdown with each include line that content.includes names replaced by the text it stands for (else every string in the content).';
