-- The zone notification preferences read quiet hours in follows the account's `timezone` setting
-- until the account chooses one of its own (`notifications prefs set timezone ZONE`; set to the
-- setting's zone, it follows the setting again). The setting lives on the client (config.toml),
-- the quiet hours are read here (the email jobs' send_at): the client writes the setting's zone
-- into these preferences while they follow it, as they are shown or changed and as `config set
-- timezone` changes the setting (services.notifications).
--
-- Before, the zone was set once, at signup, to the setting then (and was 'UTC' for accounts made
-- before that, or made before the setting was changed): an account whose setting changed later kept
-- reading its quiet hours in the old zone. Rows from before follow the setting when they still hold
-- the default 'UTC'; a zone other than that is kept as the account's own (it was chosen with `prefs
-- set timezone`, or was the setting at signup: the two are not told apart).

alter table public.user_notification_preferences
  add column timezone_follows_setting boolean not null default true;

comment on column public.user_notification_preferences.timezone_follows_setting is
  'timezone is the account''s `timezone` setting, written by the client while true; false once the account chose a zone of its own.';

-- Not a change of the account's preferences: their updated_at stays.
alter table public.user_notification_preferences disable trigger update_user_notification_preferences_updated_at;
update public.user_notification_preferences set timezone_follows_setting = false where timezone <> 'UTC';
alter table public.user_notification_preferences enable trigger update_user_notification_preferences_updated_at;

grant update (timezone_follows_setting) on public.user_notification_preferences to authenticated;
