-- 0129: a notification whose email failed says why.
--
-- The workers recorded the reason a maintenance email was given up (no SMTP server configured,
-- the server's final refusal, the recipient having turned email off) only in
-- internal.email_deliveries, which no account can read: `notifications list` showed
-- delivery_status 'failed' and nothing more. The reason is now written beside delivery_status,
-- in the same transaction as the ledger row. Accounts read it with their notifications; their
-- update grant stays (read, read_at), so they cannot change it.

alter table public.user_notifications add column delivery_error text;
comment on column public.user_notifications.delivery_error is
  'Why the email of this notification was not sent (delivery_status failed); NULL otherwise. Written by the workers.';

-- The reasons already recorded.
update public.user_notifications n
   set delivery_error = d.error
  from internal.email_deliveries d
 where d.notification_id = n.id and d.status = 'failed' and d.error is not null;
