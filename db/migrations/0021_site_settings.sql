-- 0021: what `blogster site build` needs beyond subdomain_settings' original columns.
-- site_url overrides the address derived from the custom domain or subdomain (canonical
-- URLs, feeds, sitemap); permalink is the path pattern of post pages; posts_per_page
-- paginates the index. Users may change all three on their own row (column grants).

alter table public.subdomain_settings
  add column site_url text,
  add column permalink text not null default '/posts/{slug}/',
  add column posts_per_page integer not null default 10,
  add constraint subdomain_settings_site_url_format
    check (site_url ~ '^https?://[a-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$'),
  add constraint subdomain_settings_permalink_format
    check (permalink ~ '^/([A-Za-z0-9._~-]|\{(slug|year|month|day)\}|/)*$'
           and position('{slug}' in permalink) > 0 and permalink !~ '(^|/)\.\.?(/|$)'),
  add constraint subdomain_settings_posts_per_page_range check (posts_per_page between 1 and 1000);

comment on column public.subdomain_settings.site_url is 'Base URL of the built site; null means the custom domain, else the subdomain under the base domain.';
comment on column public.subdomain_settings.permalink is 'Path pattern of post pages: {slug}, {year}, {month}, {day}.';

grant update (site_url, permalink, posts_per_page) on public.subdomain_settings to authenticated;
