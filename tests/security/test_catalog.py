"""Catalog gates (checklist 9, 10, 17, 21, 22, 27, 29): what the schema must always look like."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from psycopg import sql
from psycopg.types.json import Jsonb

from blogster_cli.db.acting import acting_transaction
from blogster_cli.db.connection import MINIMUM_SERVER_VERSIONS

SCHEMAS = ("public", "auth", "internal")
USER_ROLES = ("anon", "authenticated", "blogster_admin")
# SECURITY DEFINER functions that user roles may call: each acts only on the caller's own account.
USER_CALLABLE_DEFINERS = {
    "auth.me()",
    "auth.request_account_deletion()",
    "auth.record_own_sign_in()",  # the caller's own last_sign_in_at, nothing else (0177)
    # The caller's own email sign-in hash (argon2id, bounded), and the end of its own email sessions (0185).
    "auth.set_own_password_hash(text)",
    "delete_rows(regclass,uuid[])",
    "unlink_blog_tags(uuid[],uuid[])",
    "image_file_in_use(text)",
    "tag_ids(text[])",
    # AI credits: the caller reserves and releases only its own (migration 0020).
    "reserve_generation_credit(uuid)",
    "release_generation_credit(uuid)",
    "held_generation_credits()",  # how many of the caller's own credits are held, nothing else (0118)
    "flag_subject(text)",  # others' accounts for admins only, else the caller's own (0034)
    "account_emails(uuid[])",  # others' emails for admins only, else the caller's own (0137)
    "public_profiles(uuid[],text[])",
    # Documentation search (0060): scores and words drawn only from pages the caller may read.
    "search_documentation(text,text,text,integer,boolean)",
    "documentation_vocabulary_near(text,boolean)",
    # The words given (one typo from a query's) whose stem pages the caller may read hold (0156).
    "documentation_spellings(text[],boolean)",
    # Team review (0071): each checks the caller is the post's author or the assignee.
    "assigned_blog_ids()",
    "review_assign(uuid,text,collaboration_role,timestamp with time zone,boolean)",
    "review_act(uuid,text,text)",
    "review_publish(uuid)",
    "review_emails(uuid[])",  # the emails of the accounts the caller shares an assignment with, and its own (0144)
    # How each text-search configuration in use stems one word ("did you mean", 0062): no page text.
    "documentation_word_forms(text)",
    "chatbot_worker_alive()",  # whether a worker beats: one boolean, no ids or counts (0080)
    "feature_flags_version()",  # how often the flags (which everyone reads) changed: one number (0085)
    "feature_flag_rules()",  # every flag's rule; to a non-administrator, others' account ids as the nil UUID (0210)
    "auth.my_other_sessions()",  # process ids of the caller's own login's other sessions (0096)
    "newsletter_sending_allowance()",  # the caller's own daily sending limit and its count (0175)
    "newsletter_take_sending_turn()",  # locks the caller's own sending turn, then its allowance (0180)
}
# RLS tables without any policy: reachable only by BYPASSRLS roles (workers, definer functions).
SERVICE_ONLY_TABLES = {
    "internal.chatbot_analytics_shards",
    "internal.ai_credit_reservations",
    "internal.email_deliveries",
    "internal.job_failures",
    "internal.credit_refills",  # months refilled (0037), written by the workers' refill job
    # The documentation search index, kept by definer triggers and read by search_documentation (0060).
    "internal.documentation_search_docs",
    "internal.documentation_search_terms",
    "internal.documentation_search_stats",
    "internal.documentation_search_stat_changes",  # its pending changes, folded at commit (0119)
    "internal.documentation_written_words",  # each page's words as written, for documentation_spellings (0172)
    "internal.chatbot_message_rates",  # the per-account chatbot rate limit, kept by a definer trigger (0080)
    "internal.feature_flags_version",  # the flags' cache key, bumped by a definer trigger (0085)
    "internal.assignment_rates",  # assignments made today per author and assignee, by a definer trigger (0102)
    "internal.tag_creation_rates",  # tags each account created today, by a definer trigger (0112)
    "internal.review_email_counts",  # review emails each recipient was sent today, by the worker's claim (0151)
    # Daily newsletter sending limits (0175): each accepted mail, by a definer trigger on the delivery
    # ledger; the limits, which administrators set on the administrative login.
    "internal.newsletter_sends",
    "internal.newsletter_daily_limits",
    "internal.newsletter_default_daily_limit",
    "internal.newsletter_sending_turns",  # one row per account, locked only by its definer function (0180)
    "internal.deleted_newsletters",  # how many a deleted newsletter mailed, by a definer trigger, for a restore (0181)
    # A deleted copy's and posted social post's remote ids, by definer triggers, for a restore (0183).
    "internal.deleted_crossposts",
    "internal.deleted_social_posts",
}
# The migration runner's own bookkeeping: in `internal`, where user roles have no USAGE at all.
RUNNER_TABLES = {"internal.schema_migrations"}
# The one function without a pinned search_path: pinning it would stop PostgreSQL inlining it.
INLINED_IDENTITY = "auth.uid()"


def rows(conn, query, *params):
    return conn.execute(query, params).fetchall()


def test_every_table_and_partition_has_rls_enabled_and_forced(superuser):
    tables = rows(
        superuser,
        "select c.oid::regclass::text, c.relrowsecurity, c.relforcerowsecurity from pg_class c"
        " join pg_namespace n on n.oid = c.relnamespace where n.nspname = any(%s) and c.relkind in ('r', 'p')",
        list(SCHEMAS),
    )
    assert len(tables) > 50
    assert [name for name, enabled, forced in tables if not (enabled and forced)] == sorted(RUNNER_TABLES)
    for role in USER_ROLES:
        assert not superuser.execute("select has_schema_privilege(%s, 'internal', 'USAGE')", (role,)).fetchone()[0]


def test_tables_without_policies_are_service_only(superuser):
    bare = {
        name
        for (name,) in rows(
            superuser,
            "select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = any(%s) and c.relkind in ('r', 'p')"
            " and not exists (select 1 from pg_policy p where p.polrelid = c.oid)",
            list(SCHEMAS),
        )
    }
    assert bare == SERVICE_ONLY_TABLES | RUNNER_TABLES
    for table in SERVICE_ONLY_TABLES:
        for role in ("anon", "authenticated", "blogster_admin"):
            for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
                assert not superuser.execute(
                    "select has_table_privilege(%s, %s, %s)", (role, table, privilege)
                ).fetchone()[0]


def test_no_user_role_has_truncate_trigger_or_references_anywhere(superuser):
    relations = [
        name
        for (name,) in rows(
            superuser,
            "select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm', 'f')",
            list(SCHEMAS),
        )
    ]
    granted = [
        (role, name, privilege)
        for role in USER_ROLES
        for name in relations
        for privilege in ("TRUNCATE", "TRIGGER", "REFERENCES")
        if superuser.execute("select has_table_privilege(%s, %s, %s)", (role, name, privilege)).fetchone()[0]
    ]
    assert granted == []


def test_audit_and_analytics_tables_are_closed_to_users(superuser):
    """Checklist 17: chatbot_analytics and feature_flag_logs: admins read, nobody else does anything."""
    for table in ("public.chatbot_analytics", "public.feature_flag_logs", "public.documentation_revisions"):
        for role in ("anon", "authenticated"):
            for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
                assert not superuser.execute(
                    "select has_table_privilege(%s, %s, %s)", (role, table, privilege)
                ).fetchone()[0]
        assert superuser.execute("select has_table_privilege('blogster_admin', %s, 'SELECT')", (table,)).fetchone()[0]
        for privilege in ("INSERT", "UPDATE", "DELETE"):
            assert not superuser.execute(
                "select has_table_privilege('blogster_admin', %s, %s)", (table, privilege)
            ).fetchone()[0]


def test_security_definer_functions_are_pinned_owned_and_not_public(superuser):
    definers = rows(
        superuser,
        "select p.oid::regprocedure::text, n.nspname, p.proowner::regrole::text, coalesce(p.proconfig, '{}'),"
        " has_function_privilege('public', p.oid, 'EXECUTE') is distinct from false"
        "   and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0)"
        " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
        " where n.nspname = any(%s) and p.prosecdef",
        list(SCHEMAS),
    )
    assert len(definers) >= 8
    for name, _schema, owner, config, public_execute in definers:
        assert 'search_path=""' in config or "search_path=" in config, name
        assert not public_execute, name
        assert owner == "blogster_definer", name
    callable_by_users = {
        name
        for name, *_ in definers
        if any(
            superuser.execute(
                "select has_function_privilege(%s, %s::regprocedure, 'EXECUTE')", (role, name)
            ).fetchone()[0]
            for role in ("anon", "authenticated")
        )
    }
    assert callable_by_users <= USER_CALLABLE_DEFINERS


def test_every_function_pins_its_search_path(superuser):
    """Splinter 0011: no function in an exposed schema has a mutable search_path, except
    the inlinable auth.uid(), whose body names everything by schema (tested below)."""
    mutable = rows(
        superuser,
        "select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
        " where n.nspname = any(%s) and p.prokind = 'f'"
        " and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%%')",
        list(SCHEMAS),
    )
    assert mutable == [(INLINED_IDENTITY,)]


def test_auth_uid_is_inlined_into_policies(superuser, make_user):
    """Policies pay for an expression, not a SQL function call (bench/bench_rls.py)."""
    user = make_user()
    with acting_transaction(superuser, user.role_name):
        plan = superuser.execute("explain (verbose, costs off) select id from public.blogs").fetchall()
    text = "\n".join(line for (line,) in plan)
    assert "current_setting('role'" in text
    assert "auth.uid()" not in text
    # The branch for a session without SET ROLE stays one call, compiled as such (0052).
    assert "auth.session_uid()" in text
    assert "SESSION_USER" not in text.upper()


def test_auth_session_uid_is_a_pinned_out_of_line_function(superuser, make_user):
    """auth.uid()'s no-SET-ROLE branch: pinned search_path (so never inlined), invoker rights,
    callable by exactly the roles that may call auth.uid()."""
    assert rows(
        superuser,
        "select prosecdef, proconfig, provolatile from pg_proc where oid = 'auth.session_uid()'::regprocedure",
    ) == [(False, ['search_path=""'], "s")]
    grantees = "select array_agg(a.grantee::regrole::text order by a.grantee::regrole::text) from pg_proc p,"
    grantees += " aclexplode(p.proacl) a where p.oid = %s::regprocedure and a.privilege_type = 'EXECUTE'"
    uid_grantees = superuser.execute(grantees, ("auth.uid()",)).fetchone()[0]
    assert superuser.execute(grantees, ("auth.session_uid()",)).fetchone()[0] == uid_grantees
    assert {"anon", "authenticated"} <= set(uid_grantees)
    user = make_user()
    with acting_transaction(superuser, user.role_name):
        # Under SET ROLE it answers for the session (the superuser here), not for the role.
        assert superuser.execute("select auth.session_uid(), auth.uid()").fetchone() == (None, user.user_id)


def test_auth_uid_ignores_a_hostile_search_path(superuser, make_user):
    """With no pinned search_path, shadowing functions and operators must change nothing."""
    user = make_user()
    superuser.execute("create schema hostile")
    superuser.execute(
        "create function hostile.starts_with(text, text) returns boolean language sql as 'select true';"
        " create function hostile.current_setting(text) returns text language sql as $$select 'u_' || repeat('0', 32)$$;"
        " create function hostile.substr(text, integer) returns text language sql as $$select repeat('f', 32)$$;"
        " create function hostile.texteq_always(text, text) returns boolean language sql as 'select true';"
        " create operator hostile.= (leftarg = text, rightarg = text, function = hostile.texteq_always);"
        " grant usage on schema hostile to public"
    )
    with acting_transaction(superuser, user.role_name):
        superuser.execute("set local search_path = hostile, pg_catalog")
        assert superuser.execute("select auth.uid()").fetchone()[0] == user.user_id
        superuser.execute("set local role authenticated")
        assert superuser.execute("select auth.uid()").fetchone()[0] is None
    with superuser.transaction():
        # No SET ROLE: the out-of-line branch (0052) decides, and the session user is no account.
        superuser.execute("set local search_path = hostile, pg_catalog")
        assert superuser.execute("select auth.uid(), auth.session_uid()").fetchone() == (None, None)


def test_auth_uid_fails_closed_on_a_malformed_account_role(superuser, make_user):
    """Only the u_ prefix is checked (cheap); a u_ role that is no uuid raises, never matches."""
    # A row to check: on an empty table the planner may scan without evaluating a policy at all.
    superuser.execute(
        "insert into public.blogs (title, slug, author_id) values ('Draft', 'draft', %s)", (make_user().user_id,)
    )
    role = f"u_not_a_uuid_{uuid.uuid4().hex[:8]}"  # roles are cluster-wide: unique, and dropped
    superuser.execute(sql.SQL("create role {} nologin in role authenticated").format(sql.Identifier(role)))
    try:
        with pytest.raises(psycopg.errors.InvalidTextRepresentation):
            with acting_transaction(superuser, role):
                superuser.execute("select count(*) from public.blogs").fetchone()
    finally:
        superuser.execute(sql.SQL("drop role {}").format(sql.Identifier(role)))


def test_views_run_as_the_caller_and_no_materialized_view_is_exposed(superuser):
    views = rows(
        superuser,
        "select c.oid::regclass::text, c.relkind, coalesce(c.reloptions, '{}') from pg_class c"
        " join pg_namespace n on n.oid = c.relnamespace where n.nspname = any(%s) and c.relkind in ('v', 'm')",
        list(SCHEMAS),
    )
    assert ("dashboard_stats", "v") in {(name, kind) for name, kind, _ in views}
    for name, kind, options in views:
        if kind == "v":
            assert "security_invoker=true" in options, name
        else:
            for role in USER_ROLES:
                assert not superuser.execute("select has_table_privilege(%s, %s, 'SELECT')", (role, name)).fetchone()[0]


def test_only_the_worker_and_the_definer_bypass_rls(superuser):
    bypassing = {
        name for (name,) in rows(superuser, "select rolname from pg_roles where rolbypassrls and not rolsuper")
    }
    assert bypassing <= {"service_role", "blogster_definer"}
    # No user-facing role can SET ROLE its way to a privileged one.
    for role in USER_ROLES:
        for target in ("service_role", "blogster_owner", "blogster_definer"):
            assert not superuser.execute("select pg_has_role(%s, %s, 'MEMBER')", (role, target)).fetchone()[0]


def test_policies_are_role_scoped_cached_and_never_trust_user_metadata(superuser):
    """Splinter 0015/0024 and the performance rules: TO a role, (select auth.uid()), no always-true writes."""
    policies = rows(
        superuser,
        "select schemaname || '.' || tablename || ': ' || policyname, roles::text[], cmd,"
        " coalesce(qual, ''), coalesce(with_check, '') from pg_policies where schemaname = any(%s)",
        list(SCHEMAS),
    )
    assert len(policies) > 100
    for name, roles, command, qual, check in policies:
        assert "public" not in roles, name
        for expression in (qual, check):
            assert "user_meta_data" not in expression and "app_meta_data" not in expression, name
            assert expression.count("auth.uid()") == expression.count("SELECT auth.uid()"), name
        user_facing = bool(set(roles) & {"anon", "authenticated"})
        if user_facing and command in ("INSERT", "UPDATE", "DELETE", "ALL"):
            assert qual.strip() != "true" and check.strip() != "true", name


def test_every_foreign_key_is_indexed(superuser):
    unindexed = rows(
        superuser,
        """
        select c.conrelid::regclass::text || ' ' || c.conname
        from pg_constraint c join pg_class t on t.oid = c.conrelid
        join pg_namespace n on n.oid = t.relnamespace
        where c.contype = 'f' and n.nspname = any(%s) and not t.relispartition
          and not exists (
            select 1 from pg_index i
            where i.indrelid = c.conrelid
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
              and (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
        """,
        list(SCHEMAS),
    )
    assert unindexed == []


def test_every_updated_at_column_is_maintained_by_a_trigger(superuser):
    missing = rows(
        superuser,
        """
        select c.oid::regclass::text from pg_attribute a join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        where a.attname = 'updated_at' and not a.attisdropped and c.relkind in ('r', 'p') and not c.relispartition
          and n.nspname = any(%s)
          and not exists (select 1 from pg_trigger tg where tg.tgrelid = c.oid and not tg.tgisinternal
                          and tg.tgfoid = 'public.update_updated_at_column'::regproc
                          and tg.tgname = 'update_' || c.relname || '_updated_at')
        """,
        list(SCHEMAS),
    )
    assert missing == [] or missing == [("auth.users",)]


def test_spec_trigger_names_exist(superuser):
    triggers = {
        (table, name)
        for table, name in rows(
            superuser, "select tgrelid::regclass::text, tgname::text from pg_trigger where not tgisinternal"
        )
    }
    assert {
        ("blogs", "on_blog_content_update"),
        ("blogs", "update_blog_metrics"),
        ("ai_generation_logs", "on_ai_generation"),
        ("maintenance_schedules", "on_maintenance_schedule_change"),
        ("documentation_pages", "on_documentation_update"),
        ("feature_flags", "on_feature_flag_change"),
        ("chatbot_messages", "on_chatbot_message"),
        ("auth.users", "on_auth_user_created"),
    } <= triggers


def test_statistics_of_rls_tables_do_not_leak(db, make_user, superuser):
    """Checklist 29: pg_stats hides tables whose rows RLS would hide; the server is a fixed minor."""
    alice = make_user()
    superuser.execute("analyze")
    with db.connect() as conn, acting_transaction(conn, alice.role_name):
        leaked = conn.execute(
            "select tablename from pg_stats where schemaname in ('public', 'auth', 'internal')"
        ).fetchall()
    assert leaked == []
    version = superuser.execute("select current_setting('server_version_num')::int").fetchone()[0]
    assert version >= MINIMUM_SERVER_VERSIONS.get(version // 10000, 0)


def test_temp_tables_cannot_hijack_the_trigger_paths(db, make_user, superuser):
    """Checklist 22: same-named temp tables (pg_temp is searched first) are ignored by every trigger."""
    alice = make_user()
    blog = superuser.execute(
        "insert into blogs (title, slug, author_id, content) values ('T', 't', %s, %s) returning id",
        (alice.user_id, Jsonb({"version": 1, "markdown": "v1", "sections": []})),
    ).fetchone()[0]
    decoys = (
        "profiles (id uuid, username text, full_name text)",
        "user_subscriptions (id uuid, user_id uuid, subscription_tier text, is_active boolean,"
        " credits_remaining int, credits_used int)",
        "user_notification_preferences (user_id uuid)",
        "subdomain_settings (user_id uuid, subdomain text)",
        "blogs (id uuid, author_id uuid)",
        "blog_revisions (blog_id uuid, content jsonb, revision_number int, created_by uuid)",
        "ai_generation_logs (id uuid)",
        "feature_flag_logs (flag_id uuid, action text, previous_state jsonb, new_state jsonb, changed_by uuid)",
        "users (id uuid, deleted_at timestamptz)",
    )
    with db.connect() as conn:
        # Accounts may not create temp objects (0011): the session's login makes the decoys.
        for decoy in decoys:
            conn.execute(f"create temp table {decoy}")
            name = decoy.split(" ")[0]
            conn.execute(f"grant all on pg_temp.{name} to public")
        with acting_transaction(conn, alice.role_name):
            conn.execute(
                "insert into pg_temp.user_subscriptions values (gen_random_uuid(), auth.uid(), 'team', true, 1000, 0)"
            )
            conn.execute("insert into pg_temp.blog_revisions values (%s, null, 1, null)", (blog,))
            # A content change and a successful generation, as the user, with the decoys in place.
            conn.execute(
                "update public.blogs set content = %s where id = %s",
                (Jsonb({"version": 1, "markdown": "v2", "sections": []}), blog),
            )
            conn.execute("insert into public.ai_generation_logs (success) values (true)")
            decoy_credits = conn.execute("select credits_remaining from pg_temp.user_subscriptions").fetchone()[0]
        # Signup, on the same session (the decoys are per session).
        conn.execute("insert into auth.users (email) values ('decoy-victim@example.com')")
    assert decoy_credits == 1000
    assert superuser.execute(
        "select revision_number, content->>'markdown' from blog_revisions where blog_id = %s order by 1", (blog,)
    ).fetchall() == [(1, "v1"), (2, "v2")]
    assert superuser.execute(
        "select credits_remaining, credits_used from user_subscriptions where user_id = %s", (alice.user_id,)
    ).fetchone() == (2, 1)
    assert (
        superuser.execute(
            "select count(*) from profiles p join auth.users u on u.id = p.id where u.email = 'decoy-victim@example.com'"
        ).fetchone()[0]
        == 1
    )


@pytest.mark.parametrize(
    "statement",
    [
        "select auth.uid()",
        "select public.markdown_word_count('a b')",
        "select public.is_time_zone('Europe/Paris')",
    ],
)
def test_helpers_used_by_policies_and_commands_are_executable(db, make_user, statement):
    alice = make_user()
    for role in (alice.role_name, "anon"):
        with db.connect() as conn, acting_transaction(conn, role):
            conn.execute(statement)


def test_anon_cannot_call_worker_or_admin_functions(db):
    for statement in ("select internal.ensure_partitions(1)", "select refresh_chatbot_analytics(current_date)"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            with db.connect() as conn, acting_transaction(conn, "anon"):
                conn.execute(statement)


def test_every_definer_function_in_any_schema_belongs_to_the_definer_with_a_pinned_search_path(superuser):
    """Issue 8 item 10: wherever it lives, a SECURITY DEFINER function is blogster_definer's
    (the one role built for it: BYPASSRLS, no login, no table ownership) and pins search_path."""
    offenders = rows(
        superuser,
        "select p.oid::regprocedure::text, p.proowner::regrole::text, coalesce(p.proconfig, '{}')"
        " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
        " where p.prosecdef and n.nspname not in ('pg_catalog', 'information_schema')"
        " and (p.proowner <> 'blogster_definer'::regrole"
        "      or not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%%'))",
    )
    assert offenders == []
    assert rows(
        superuser,
        "select prosecdef, proowner::regrole::text from pg_proc where oid = 'internal.ensure_partitions'::regproc",
    ) == [(False, "blogster_owner")]


def test_no_user_role_holds_table_level_update_delete_or_truncate(superuser, make_user):
    """Issue 8 item 6: those privileges allow LOCK TABLE ... ACCESS EXCLUSIVE, which stalls
    every account; users update column by column and delete through definer functions."""
    user = make_user()
    held = rows(
        superuser,
        "select c.oid::regclass::text, r.rolname, a.privilege_type"
        " from pg_class c join pg_namespace n on n.oid = c.relnamespace, aclexplode(c.relacl) a"
        " left join pg_roles r on r.oid = a.grantee"
        " where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm', 'f')"
        " and a.privilege_type in ('UPDATE', 'DELETE', 'TRUNCATE', 'MAINTAIN')"
        " and (a.grantee = 0 or r.rolname in ('anon', 'authenticated', 'blogster_admin') or r.rolname ~ '^u_')",
        list(SCHEMAS),
    )
    assert held == []
    for role in ("anon", "authenticated", user.role_name):
        inherited = rows(
            superuser,
            "select c.oid::regclass::text, p.privilege from pg_class c join pg_namespace n on n.oid = c.relnamespace,"
            " unnest(array['UPDATE', 'DELETE', 'TRUNCATE']) p(privilege)"
            " where n.nspname = any(%s) and c.relkind in ('r', 'p') and has_table_privilege(%s, c.oid, p.privilege)",
            list(SCHEMAS),
            role,
        )
        assert inherited == [], role


def test_auth_uid_ignores_temp_shadows_first_in_the_search_path(db, superuser, make_user):
    """Issue 8 item 11: auth.uid() stays inlinable (no pinned search_path), so every name in
    it is qualified; temp functions, operators and tables placed first change nothing."""
    alice, bob = make_user(), make_user()
    with db.connect() as conn:
        conn.execute(
            f"create function pg_temp.current_setting(text) returns text language sql as $$select '{bob.role_name}'$$;"
            " create function pg_temp.starts_with(text, text) returns boolean language sql as 'select true';"
            f" create function pg_temp.substr(text, integer) returns text language sql as $$select '{bob.user_id}'$$;"
            " create table pg_temp.pg_settings (name text, setting text)"
        )
        conn.execute("grant all on pg_temp.pg_settings to public")
        with acting_transaction(conn, alice.role_name):
            conn.execute("set local search_path = pg_temp, pg_catalog")
            assert conn.execute("select auth.uid()").fetchone()[0] == alice.user_id
            assert conn.execute("select pg_temp.current_setting('role')").fetchone()[0] == bob.role_name
    with db.connect() as conn, acting_transaction(conn, alice.role_name):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("create function pg_temp.uid() returns uuid language sql as 'select null::uuid'")
