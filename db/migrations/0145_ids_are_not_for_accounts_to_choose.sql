-- 0145: no account rewrites a row's id, and nobody but review_assign picks a review assignment's
-- id (h256 F3).
--
-- Commands take an id or its first characters (id_prefixes: `review withdraw c71e00e5`), and a
-- prefix that names two of the rows the caller can see is refused as ambiguous. Assignments are
-- seen by two accounts (the post's author and the assignee), and the author could UPDATE the id of
-- an assignment of theirs (0005's grants, kept column by column by 0010) to one starting with
-- the 8 characters the assignee's own assignment shows, so the assignee's command stopped working
-- (and, once the assignee's row was gone, those characters named the author's row). An INSERT
-- with a chosen id did the same. Nothing in Blogster changes an id once a row exists: every
-- id comes from its column's default or from the code that inserts the row.
--
-- 1. UPDATE (id) is revoked wherever a user role held it: the owner-only tables of 0005 (and
--    team_collaboration) for accounts, the shared tables administrators keep (templates, intents,
--    documentation, flags, maintenance, subscriptions) for blogster_admin. Every other column
--    stays updatable as before. tests/security/test_id_column_attacks.py checks the catalog:
--    no user role (nor an account's own login) may update an `id` column of any table.
-- 2. team_collaboration: accounts keep INSERT on every column but id (the table-level grant of
--    0005 covered id, so it is replaced by column grants). Blogster itself assigns through
--    public.review_assign (a definer: the id is the column default). A new column of the table
--    needs its own INSERT grant from now on.
--    The other tables keep INSERT (id) as it is: their rows are read by their owner alone (RLS),
--    so a chosen id can make only the chooser's own short ids ambiguous, and a copy of another
--    account's whole id is a unique violation that says no more than that the id exists (ids are
--    not secrets: gen_random_uuid, shown in full by --json). Posts are read by others too (published,
--    assigned), but commands name someone else's post by its whole id or its slug, never a prefix.

revoke update (id) on public.blog_ideas, public.competitor_content, public.content_calendar,
  public.content_freshness, public.content_monetization, public.email_newsletters, public.interactive_content,
  public.keyword_research, public.platform_republishing, public.reader_profiles, public.research_sources,
  public.serp_positions, public.social_media_posts, public.social_media_profiles, public.team_collaboration,
  public.voice_recordings, public.writers_block_sessions
  from authenticated;

revoke update (id) on public.blog_templates, public.chatbot_intents, public.documentation_categories,
  public.documentation_pages, public.feature_flags, public.maintenance_schedules, public.user_subscriptions
  from blogster_admin;

revoke insert on public.team_collaboration from authenticated;
grant insert (organization_id, blog_id, assigned_to, assigned_by, role, status, comments, due_date, completed_at,
  created_at, updated_at, can_publish, author_id)
  on public.team_collaboration to authenticated;
