-- 0143: each day's chatbot figures say when they were computed, so `chatbot analytics` can say
-- "as of" (and `--json` gives `as_of`).
--
-- public.chatbot_analytics holds one row per UTC date, recomputed by refresh_chatbot_analytics
-- (0101): by the hourly job and `workers refresh-analytics` (yesterday and today) and by
-- `chatbot analytics` itself. Its only time was created_at, the first computation, so a row
-- computed at 00:10 (the day's first conversation) read like one computed once the day was over
-- (all of them): a reader saw 1 conversation where there had been 3, and nothing said so.
--
-- refreshed_at is set by every computation: its insert takes the default, and a trigger sets it
-- on each update (0101's function stays as it is). now() is the computing transaction's start:
-- the figures count at least everything committed before it, so it is a true "as of".
-- Rows computed before this migration get their created_at, for the same reason: they count at
-- least what had happened by then (an early "as of", never a late one).

alter table public.chatbot_analytics add column refreshed_at timestamptz;
update public.chatbot_analytics set refreshed_at = created_at;
alter table public.chatbot_analytics
  alter column refreshed_at set default now(),
  alter column refreshed_at set not null;
comment on column public.chatbot_analytics.refreshed_at is
  'When the row''s figures were last computed (refresh_chatbot_analytics): they count everything up to then.';

create function internal.chatbot_analytics_refreshed() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.refreshed_at := pg_catalog.now();
  return new;
end
$$;
revoke all on function internal.chatbot_analytics_refreshed() from public;
comment on function internal.chatbot_analytics_refreshed() is
  'Stamps a recomputed chatbot_analytics row with the time of its computation (refreshed_at).';

create trigger chatbot_analytics_refreshed before update on public.chatbot_analytics
  for each row execute function internal.chatbot_analytics_refreshed();
