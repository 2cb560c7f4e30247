-- 0135: a chatbot message inserted directly (any client, not the CLI) loses whole terminal escape
-- sequences, not only their ESC byte: "\x1b[31m" was stored as "[31m", the tail of a colour,
-- title or hyperlink sequence left as text. The same rule as the CLI's sanitise_message.

create or replace function public.check_chatbot_message() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  owner uuid;
  sent integer;
begin
  -- Whole escape sequences first (control strings to their terminator, CSI, other ESC forms, as
  -- blogster_cli/chatbot/sanitize.py), then the control characters left.
  new.content := pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.regexp_replace(coalesce(new.content, ''),
    '(?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|(?=\x1b)|$)'
    '|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|\x1b[\x20-\x2f]*[\x30-\x7e]?', '', 'g'),
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
