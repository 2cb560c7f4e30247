-- 0138: is_system marks only the templates shipped with Blogster (0006's seven fixed ids).
--
-- `blogster templates save` wrote is_system = true on every template an administrator saved, so
-- nothing told a shipped template from the site's own. Saving under a shipped template's name
-- now needs --replace (a mistaken `templates save listicle` silently replaced it for every
-- account); the site's own templates change without it. Those saved before this migration are
-- marked as the site's own here; the shipped ones (changed by an administrator or not) stay
-- system templates.

update public.blog_templates set is_system = false
where is_system
  and id not in (
    '6f1c2a30-0001-4b7e-9a10-000000000001', '6f1c2a30-0002-4b7e-9a10-000000000002',
    '6f1c2a30-0003-4b7e-9a10-000000000003', '6f1c2a30-0004-4b7e-9a10-000000000004',
    '6f1c2a30-0005-4b7e-9a10-000000000005', '6f1c2a30-0006-4b7e-9a10-000000000006',
    '6f1c2a30-0007-4b7e-9a10-000000000007'
  );
