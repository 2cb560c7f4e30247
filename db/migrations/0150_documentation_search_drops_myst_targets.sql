-- 0150: documentation search reads a MyST target line as nothing, as the site shows it.
--
-- MyST (Sphinx's markdown: the docs of attrs, structlog, scikit-build-core) declares a target with
-- a line of its own, `(how-frozen)=`, most often before a heading; links elsewhere name it
-- (`[frozen](how-frozen)`: `docs import` now resolves them, documentation/targets.py). The built
-- site shows nothing for the line, but search read it as text: the label's words were words of the
-- page, and snippets showed it (structlog's processors page: `... a __call__() method. (chains)=
-- Chains The processor chain ...`).
--
-- documentation_plain_prose (0139), which the search triggers, the headings and the snippets read
-- through documentation_plain_text, now drops such lines as documentation/targets.py finds them: a
-- line that reads `(`, a name, `)=` once its blanks and a quote's `>` marks are off. Fenced code is
-- kept as written (documentation_plain_text takes it out before this function sees the prose), so
-- a target line shown as code stays. The function is 0139's but for that pass.
--
-- The pages whose search text holds such a line are reindexed, keeping their updated_at and
-- taking no revision: what they say did not change.

create or replace function public.documentation_plain_prose(markdown text) returns text
language plpgsql immutable parallel safe
set search_path = ''
as $$
declare
  body text := coalesce(markdown, '');
begin
  -- Each pass runs only if the text holds a literal it needs, and captures nothing it can do
  -- without (capturing groups slow PostgreSQL's regex engine down: see 0124).
  if pg_catalog.strpos(body, '<!--') > 0 then
    body := pg_catalog.regexp_replace(body, '<!--[^\x01]*?-->', ' ', 'g');
  end if;
  -- MyST target lines (`(name)=`) show nothing.
  if pg_catalog.strpos(body, ')=') > 0 then
    body := pg_catalog.regexp_replace(body, '^[ \t>]*\([^\x01]+\)=[ \t]*$', '', 'gn');
  end if;
  if pg_catalog.strpos(body, '[') > 0 then
    -- Images (badges too) show no text: gone with their target.
    if pg_catalog.strpos(body, '![') > 0 then
      body := pg_catalog.regexp_replace(body,
        '!\[(?:[^][\x01]|\[[^][\x01]*\])*\](?:\([^)\x01\n]*\)|\[[^]\x01\n]*\])', ' ', 'g');
    end if;
    -- A link shows its text: `[text](target)`, `[text][label]` lose their target or label; the
    -- brackets go below. Footnote marks go; reference definitions too (a footnote's keeps its text).
    if pg_catalog.strpos(body, '](') > 0 then
      body := pg_catalog.regexp_replace(body, '\]\([^)\x01\n]*\)', ' ', 'g');
    end if;
    if pg_catalog.strpos(body, '][') > 0 then
      body := pg_catalog.regexp_replace(body, '\]\[[^]\x01\n]*\]', ' ', 'g');
    end if;
    if pg_catalog.strpos(body, '[^') > 0 then
      body := pg_catalog.regexp_replace(body, '\[\^[^]\x01\n]*\]:?', ' ', 'g');
    end if;
    if pg_catalog.strpos(body, ']:') > 0 then
      body := pg_catalog.regexp_replace(body, '^ {0,3}\[[^]]+\]:[ \t]*\S.*$', ' ', 'gn');
    end if;
    body := pg_catalog.replace(pg_catalog.replace(body, '[', ' '), ']', ' ');
  end if;
  if pg_catalog.strpos(body, '<') > 0 then
    body := pg_catalog.regexp_replace(body, '</?[a-z][a-z0-9-]*(?:[[:space:]/][^>\x01]*)?>', ' ', 'gi');
  end if;
  if pg_catalog.strpos(body, '{') > 0 then
    -- Attribute lists: `{: #id .class key=value }`, `{ loading=lazy .off-glb }`.
    body := pg_catalog.regexp_replace(body,
      '\{:?[ \t]*(?:[#.][^[:space:]{}]+|[[:alpha:]_:][-[:alnum:]_:.]*=(?:"[^"\x01\n]*"|''[^''\x01\n]*''|[^[:space:]{}"'']+))'
      '(?:[ \t]+(?:[#.][^[:space:]{}]+|[[:alpha:]_:][-[:alnum:]_:.]*=(?:"[^"\x01\n]*"|''[^''\x01\n]*''|[^[:space:]{}"'']+)))*'
      '[ \t]*\}', ' ', 'g');
  end if;
  -- Block markers (mkdocs-material, pymdown-extensions): an admonition or tab shows its title
  -- (an admonition without one its kind), a block's closing line nothing, a snippet include
  -- nothing, mkdocstrings' `::: name` the name.
  if pg_catalog.strpos(body, '!!!') > 0 or pg_catalog.strpos(body, '???') > 0 then
    body := pg_catalog.regexp_replace(body,
      '^[ \t]*(?:!!!|\?\?\?\+?)[ \t]*[^ \t"]+(?:[ \t]+[^ \t"]+)*[ \t]*(?:"([^"]*)")?[ \t]*$', '\1', 'gn');
  end if;
  if pg_catalog.strpos(body, '===') > 0 or pg_catalog.strpos(body, '///') > 0 then
    body := pg_catalog.regexp_replace(body,
      '^[ \t]*(?:===[!+]?[ \t]+"([^"]*)"|/{3,}[ \t]*[-[:alnum:]_]*[ \t]*(?:\|[ \t]*(.*?))?)[ \t]*$', '\1\2', 'gn');
  end if;
  if pg_catalog.strpos(body, ':::') > 0 or pg_catalog.strpos(body, '8<') > 0 then
    body := pg_catalog.regexp_replace(body, '^[ \t]*(?:;?-{1,2}8<-{1,2}.*$|:::[ \t]+)', '', 'gn');
  end if;
  -- Quotes' and headings' marks (a heading's closing #s), rules and setext underlines, table
  -- delimiter rows and cell bars.
  if pg_catalog.strpos(body, '>') > 0 then
    body := pg_catalog.regexp_replace(body, '^[ \t]*(?:>[ \t]?)+', '', 'gn');
  end if;
  if pg_catalog.strpos(body, '#') > 0 then
    body := pg_catalog.regexp_replace(body, '^ {0,3}#{1,6}(?:[ \t]+|$)', '', 'gn');
    if pg_catalog.strpos(body, ' #') > 0 or pg_catalog.strpos(body, E'\t#') > 0 then
      body := pg_catalog.regexp_replace(body, '[ \t]+#+[ \t]*$', '', 'gn');
    end if;
  end if;
  if pg_catalog.strpos(body, '---') > 0 or pg_catalog.strpos(body, '***') > 0 or pg_catalog.strpos(body, '___') > 0
     or pg_catalog.strpos(body, '===') > 0 or pg_catalog.strpos(body, '- -') > 0 or pg_catalog.strpos(body, '* *') > 0
     or pg_catalog.strpos(body, '_ _') > 0 then
    body := pg_catalog.regexp_replace(body, '^[ \t]*(?:[-*_=][ \t]*){3,}$', '', 'gn');
  end if;
  if pg_catalog.strpos(body, '|') > 0 then
    if pg_catalog.strpos(body, '--') > 0 then
      body := pg_catalog.regexp_replace(body, '^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?[ \t]*)?$', '', 'gn');
    end if;
    body := pg_catalog.replace(body, '|', ' ');
  end if;
  -- Icons (`:material-lock:`), strong emphasis, code spans' backticks, escapes, entities.
  if pg_catalog.strpos(body, ':material-') > 0 or pg_catalog.strpos(body, ':octicons-') > 0
     or pg_catalog.strpos(body, ':fontawesome-') > 0 or pg_catalog.strpos(body, ':simple-') > 0
     or pg_catalog.strpos(body, ':lucide-') > 0 then
    body := pg_catalog.regexp_replace(body, ':(?:material|octicons|fontawesome|simple|lucide)-[-a-z0-9]+:', '', 'g');
  end if;
  body := pg_catalog.replace(pg_catalog.replace(body, '**', ''), '`', '');
  if pg_catalog.strpos(body, '\') > 0 then
    body := pg_catalog.regexp_replace(body, '\\(?=[!-/:-@[-`{-~])', '', 'g');
  end if;
  if pg_catalog.strpos(body, '&') > 0 then
    body := pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
      body, '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&amp;', '&');
  end if;
  return body;
end
$$;

alter table public.documentation_pages disable trigger update_documentation_pages_updated_at;
alter table public.documentation_pages disable trigger on_documentation_update_revision;

-- Reindexed: the pages whose search text holds a target line.
update public.documentation_pages p
   set title = p.title
 where pg_catalog.strpos(public.documentation_text(p.content), ')=') > 0
   and pg_catalog.regexp_like(public.documentation_text(p.content), '^[ \t>]*\([^\x01]+\)=[ \t]*$', 'n');

alter table public.documentation_pages enable trigger on_documentation_update_revision;
alter table public.documentation_pages enable trigger update_documentation_pages_updated_at;
