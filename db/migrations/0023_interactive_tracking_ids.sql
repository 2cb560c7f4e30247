-- 0023: interactive content is embedded by its tracking id ({{< quiz tracking-id >}}) and
-- counted by the tracking URLs its widget requests, so a tracking id names one item per
-- owner and is safe in a URL path. NOT VALID: rows written before keep what they hold.

alter table public.interactive_content
  add constraint interactive_content_tracking_id_shape check (tracking_id ~ '^[a-z0-9][a-z0-9-]{0,63}$') not valid;
create unique index interactive_content_tracking_key on public.interactive_content (user_id, tracking_id)
  where tracking_id is not null;
comment on column public.interactive_content.tracking_id is 'The short code''s name and the tracking URLs'' path part, unique per owner.';
