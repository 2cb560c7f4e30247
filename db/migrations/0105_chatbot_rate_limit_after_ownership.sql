-- 0105: a chatbot message into another account's conversation is refused by RLS, not by the
-- rate limit.
--
-- check_chatbot_message (a BEFORE trigger, so it runs before the policies' WITH CHECK) counted
-- the message against the conversation owner's per-minute limit whoever sent it: given another
-- account's conversation id, an insert answered "too many chatbot messages" (54000) while that
-- account was at its limit and "permission denied" otherwise, and it waited on that account's
-- rate row. Now a message counts only against the sender's own conversation; into another's it
-- goes straight to the policy, which refuses it the same way whatever that account is doing.
-- Writers with no account (the workers, restore) count as before. A session logged in as an
-- account stays one after `SET ROLE authenticated`, which makes auth.uid() NULL:
-- coalesce(auth.uid(), auth.session_uid()).

create or replace function public.check_chatbot_message() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  owner uuid;
  sent integer;
begin
  new.content := pg_catalog.btrim(pg_catalog.regexp_replace(coalesce(new.content, ''),
    '[\x01-\x08\x0B\x0C\x0E-\x1F\x7F\u0080-\u009F\u200B-\u200F\u202A-\u202E\u2066-\u2069]', '', 'g'));
  if new.content = '' then
    raise exception 'a message needs some text' using errcode = '22023';
  end if;
  if pg_catalog.length(new.content) > internal.chatbot_max_message_length() then
    raise exception 'a message has at most % characters', internal.chatbot_max_message_length()
      using errcode = '22001';
  end if;
  select c.user_id into owner from public.chatbot_conversations c where c.id = new.conversation_id;
  if owner is null or owner is distinct from coalesce(auth.uid(), auth.session_uid(), owner) then
    return new;  -- the foreign key, or RLS (another account's conversation), refuses it
  end if;
  insert into internal.chatbot_message_rates as r (user_id, window_start, messages)
  values (owner, pg_catalog.now(), 1)
  on conflict (user_id) do update set
    window_start = case when r.window_start <= pg_catalog.now() - interval '1 minute'
                        then pg_catalog.now() else r.window_start end,
    messages = case when r.window_start <= pg_catalog.now() - interval '1 minute'
                    then 1 else r.messages + 1 end
  returning r.messages into sent;
  if sent > internal.chatbot_rate_limit() then
    raise exception 'too many chatbot messages: at most % a minute; try again shortly', internal.chatbot_rate_limit()
      using errcode = '54000';
  end if;
  return new;
end
$$;
