-- 0144: review output and review notifications name the people involved (a new user's walk, h257 M4).
--
-- 1. Nobody could see who held an assignment: `review list` and `review show` gave only the
--    accounts' ids, and no user role reads another account's email (auth.users is the definer's;
--    profiles are each owner's own). public.review_emails(ids) answers, for the ids asked about,
--    with the emails of the accounts the caller shares an assignment with, and the caller's own:
--    - the assignee reads the post's author and whoever assigned it: the author chose to assign
--      them (her comments carried her email already);
--    - the author reads her assignee's email when she named them by it (review_assign, what
--      `review assign --to EMAIL` calls), or once the assignee has taken a step or commented (her
--      notifications and their comments named them already). Not for an assignment inserted
--      directly by account id: any account may do that on its own post, with an id read from a
--      published post or a profile, and would learn the email of whoever it pleased.
--      team_collaboration.assignee_named_by_email records which: set by a trigger, true when
--      review_assign inserts the row, false when an account inserts it directly, and kept as it
--      is by an account's update. Assignments made before this migration are false (nothing told
--      them apart): their author reads the assignee's email once the assignee acts.
--    Nobody else's: not another assignee of the same post, not an account the caller shares no
--    assignment with, not an account marked for deletion.
-- 2. Review notifications (0130, 0132, 0136, 0140) said less to the assignee than to the author:
--    "TITLE is now rejected" named nobody, and every body was "assignment <uuid>". Now:
--    - the assignee's titles name the post's author when she took the step: "Assigned as editor
--      by EMAIL: TITLE", "TITLE is now rejected by EMAIL", "Withdrawn by EMAIL: your assignment as
--      editor on TITLE" (a change made without an account keeps the old titles);
--    - the body (`content`) says what to run and the step's comment: "`blogster review show
--      <first 8 characters of the id>`: <first line of the comment>", the line cut to 120
--      characters (an ellipsis says when it was cut or more lines follow); a withdrawal says the
--      post is no longer theirs to read. The comment is stored as written (control characters
--      included): the CLI and the TUI make others' text safe where they show it (terminal_text);
--    - the key that lets a step rewrite its recipient's unread notification about the same
--      assignment (0136) moves from `content` to `link`: "blogster review show <uuid>" (what to run
--      to open it, whole). Stored review notifications get their link here (their content stays as
--      it was), so an unread one is rewritten by the next step as before. The two lanes stay
--      (0140): a comment rewrites only an unread comment notice, a step only a step notice.
--    review_publish (0130) finds the approval's notice by that key too.

alter table public.team_collaboration add column assignee_named_by_email boolean not null default false;
comment on column public.team_collaboration.assignee_named_by_email is
  'The author named the assignee by their email (review_assign), so she reads it back (public.review_emails); false for an assignment an account inserted by id (0144).';

create function internal.set_assignee_named_by_email() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  -- an account's own statement (as 0107's check_review_transition reads it)
  by_account boolean := coalesce(auth.uid(), auth.session_uid()) is not null
                        and current_user not in ('blogster_definer', 'blogster_owner');
begin
  if tg_op = 'INSERT' then
    if current_user = 'blogster_definer' then  -- review_assign, which finds the assignee by the email given
      new.assignee_named_by_email := true;
    elsif by_account then
      new.assignee_named_by_email := false;
    end if;  -- else a restore or the administrator's own login: as written
  elsif by_account then
    new.assignee_named_by_email := old.assignee_named_by_email;
  end if;
  return new;
end
$$;
comment on function internal.set_assignee_named_by_email() is
  'Before an assignment is written: assignee_named_by_email is true only when review_assign inserts it, and no account changes it (0144).';
create trigger team_collaboration_assignee_named before insert or update on public.team_collaboration
  for each row execute function internal.set_assignee_named_by_email();

create function public.review_emails(account_ids uuid[])
returns table (id uuid, email text)
language sql stable security definer
set search_path = ''
as $$
  select u.id, u.email
  from auth.users u
  where u.deleted_at is null
    and u.id = any (account_ids)
    and u.id in (
      select auth.uid()
      union all
      -- assigned to me: the post's author, and whoever assigned it
      select v.party
      from public.team_collaboration t
      cross join lateral (values (t.author_id), (t.assigned_by)) v(party)
      where t.assigned_to = auth.uid()
      union all
      -- on my post: the assignee I named by email, or who has taken a step or commented since
      select t.assigned_to
      from public.team_collaboration t
      where t.author_id = auth.uid()
        and (t.assignee_named_by_email or t.status <> 'assigned'
             or t.comments @> pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('author', t.assigned_to))))
$$;
comment on function public.review_emails(uuid[]) is
  'The emails of the accounts with these ids that the caller shares an assignment with (the author and assigner of one assigned to the caller; the assignee of one on the caller''s post, named by email or since active), and the caller''s own (0144).';
revoke all on function public.review_emails(uuid[]) from public;
grant execute on function public.review_emails(uuid[]) to authenticated;

-- The first line of a review comment for a notification's body: trimmed, at most 120 characters,
-- an ellipsis when it was cut or more lines follow; null for no comment.
create function internal.review_comment_line(note text) returns text
language plpgsql immutable
set search_path = ''
as $$
declare
  lines text[] := pg_catalog.regexp_split_to_array(pg_catalog.btrim(coalesce(note, ''), E' \t\r\n'), E'\r\n|\r|\n');
  line text := pg_catalog.btrim(lines[1], E' \t');
  most constant integer := 120;
begin
  if line = '' then
    return null;
  end if;
  if pg_catalog.length(line) > most then
    return pg_catalog.rtrim(pg_catalog.left(line, most - 1)) || '…';
  end if;
  if pg_catalog.cardinality(lines) > 1 then
    return line || ' …';
  end if;
  return line;
end
$$;
revoke all on function internal.review_comment_line(text) from public;
grant execute on function internal.review_comment_line(text) to blogster_definer;
comment on function internal.review_comment_line(text) is
  'A review comment''s first line for a notification: trimmed, at most 120 characters, an ellipsis when cut or followed by more (0144).';

-- A review notification's body: the command that shows the assignment, and the step's comment.
create function internal.review_body(assignment uuid, note text) returns text
language sql immutable
set search_path = ''
as $$
  select pg_catalog.format('`blogster review show %s`', pg_catalog.left(assignment::text, 8))
    || coalesce(': ' || internal.review_comment_line(note), '')
$$;
revoke all on function internal.review_body(uuid, text) from public;
grant execute on function internal.review_body(uuid, text) to blogster_definer;
comment on function internal.review_body(uuid, text) is
  'The body of a review notification: "`blogster review show ID`: first line of the comment" (0144).';

-- The key of an assignment's notifications (0136's rewrite finds the recipient's unread one by it).
create function internal.review_link(assignment uuid) returns text
language sql immutable
set search_path = ''
as $$
  select pg_catalog.format('blogster review show %s', assignment)
$$;
revoke all on function internal.review_link(uuid) from public;
grant execute on function internal.review_link(uuid) to blogster_definer;
comment on function internal.review_link(uuid) is
  'The link of an assignment''s notifications, "blogster review show UUID": their key (0144).';

-- 0140's notify_review with a body, keyed by the link.
create function internal.notify_review(recipient uuid, assignment uuid, message text, body text) returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  about constant text := internal.review_link(assignment);
  comment_notice constant boolean := message like 'Comment by %';
begin
  if not exists (select 1 from public.user_notification_preferences p
                 join auth.users u on u.id = p.user_id and u.deleted_at is null
                 where p.user_id = recipient and p.in_app_notifications and p.blog_interaction_notifications) then
    return;
  end if;
  -- The recipient's unread one of the same lane (step or comment) about this assignment (the
  -- newest, should there be several), unless its owner marks it read first (the row is then
  -- skipped as no longer unread).
  update public.user_notifications n
     set title = message, content = body, created_at = pg_catalog.now()
   where (n.id, n.created_at) = (select o.id, o.created_at from public.user_notifications o
                                 where o.user_id = recipient and o.type = 'blog_interaction'
                                   and o.link = about and not o.read
                                   and (o.title like 'Comment by %') = comment_notice
                                 order by o.created_at desc, o.id desc limit 1)
     and n.user_id = recipient and not n.read;
  if not found then
    insert into public.user_notifications (user_id, type, title, content, link, priority, delivery_status)
    values (recipient, 'blog_interaction', message, body, about, 'medium', 'sent');
  end if;
end
$$;
revoke all on function internal.notify_review(uuid, uuid, text, text) from public;
comment on function internal.notify_review(uuid, uuid, text, text) is
  'One in-app blog_interaction notification about an assignment (link: its key), as the recipient''s preferences allow: rewrites the recipient''s unread one about it of the same lane, a step''s or a comment''s (title, content, created_at), else one is added: at most two unread per assignment and recipient (0136, 0140, 0144).';

create or replace function internal.notify_review_change() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  -- Who takes the step: the SET ROLE account, else the login's (as 0102 tells the writer).
  actor uuid := coalesce(auth.uid(), auth.session_uid());
  status_changed boolean;
  note text;
  by_author text;
  step text;
  post_title text;
  post_trashed boolean;
begin
  if tg_op = 'INSERT' then
    status_changed := true;
  else
    status_changed := new.status is distinct from old.status;
    if pg_catalog.jsonb_array_length(new.comments) > pg_catalog.jsonb_array_length(old.comments) then
      note := new.comments -> -1 ->> 'text';  -- the comment this step added (review_act appends one)
    elsif not status_changed then
      return null;  -- no step (the status set to itself, a deleted account taken off the comments)
    end if;
  end if;
  select b.title, b.deleted_at is not null into post_title, post_trashed
  from public.blogs b where b.id = new.blog_id;

  -- The assignee: the assignment and others' status changes, while the post is theirs to read;
  -- named, the post's author when she took the step (who else did is no one the assignee knows).
  if new.assigned_to is not null and new.assigned_to is distinct from actor and status_changed
     and not coalesce(post_trashed, true) then
    if actor is not distinct from new.author_id then
      select u.email into by_author from auth.users u where u.id = actor;
    end if;
    perform internal.notify_review(new.assigned_to, new.id,
      case when tg_op = 'INSERT' and by_author is not null
             then pg_catalog.format('Assigned as %s by %s: %s', new.role, by_author, post_title)
           when tg_op = 'INSERT' then pg_catalog.format('Assigned as %s: %s', new.role, post_title)
           when by_author is not null
             then pg_catalog.format('%s is now %s by %s', post_title, new.status, by_author)
           else pg_catalog.format('%s is now %s', post_title, new.status) end,
      internal.review_body(new.id, note));
  end if;

  -- The author: each step of her assignee (review_act; the author's own steps tell her nothing).
  if tg_op = 'UPDATE' and actor is not null and actor = new.assigned_to and actor is distinct from new.author_id then
    step := case
      when not status_changed then 'Comment'
      when new.status = 'in_progress' and old.status = 'rejected' then 'Rework started'
      when new.status = 'in_progress' then 'Started'
      when new.status = 'awaiting_review' then 'Submitted for approval'
      when new.status = 'reviewed' then 'Reviewed'
      when new.status = 'approved' then 'Approved'
      when new.status = 'rejected' then 'Changes requested'
      else pg_catalog.format('Moved to %s', new.status) end;
    perform internal.notify_review(new.author_id, new.id, internal.review_notice(step, actor, new.role, post_title),
      internal.review_body(new.id, note));
  end if;
  return null;
end
$$;
comment on function internal.notify_review_change() is
  'After an assignment or a review step: notifies the other party (the assignee of the assignment and of others'' status changes while the post is not trashed, naming the author who took it; the author of her assignee''s steps, comments included), never the one who took it; the body names the command and the step''s comment (0130, 0144).';

create or replace function internal.notify_review_withdrawn() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  -- Who deletes: the SET ROLE account, else the login's (as 0130 tells the one who takes a step).
  actor uuid := coalesce(auth.uid(), auth.session_uid());
  post_title text;
  author_email text;
begin
  if old.assigned_to is null or actor is null or actor is distinct from old.author_id
     or actor = old.assigned_to or old.status = 'approved' then
    return null;
  end if;
  -- The post as its assignee could read it until now: live, its author's account still there.
  select b.title, u.email into post_title, author_email
  from public.blogs b join auth.users u on u.id = b.author_id and u.deleted_at is null
  where b.id = old.blog_id and b.deleted_at is null;
  if not found then
    return null;
  end if;
  perform internal.notify_review(old.assigned_to, old.id,
    pg_catalog.format('Withdrawn by %s: your assignment as %s on %s', author_email, old.role, post_title),
    'You no longer read the post, and `blogster review list` no longer shows the assignment.');
  return null;
end
$$;
comment on function internal.notify_review_withdrawn() is
  'After the post''s author deletes an assignment (review withdraw) that is not approved: tells the assignee in the app who withdrew it, as their preferences allow, unless the post is trashed or going (0132, 0144).';

-- review_publish (0130's body) finds the approval's notice by its link, and gives "Published" a body.
create or replace function public.review_publish(assignment uuid) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  assigned public.team_collaboration;
  post public.blogs;
  -- What Python's str.strip() removes (content/rules.py's test for "no content"), every one of them.
  blank constant text := U&'\0009\000A\000B\000C\000D\001C\001D\001E\001F \0085\00A0\1680\2000\2001\2002\2003\2004\2005\2006\2007\2008\2009\200A\2028\2029\202F\205F\3000';
  me uuid := auth.uid();
begin
  select t.* into assigned from public.team_collaboration t where t.id = assignment and t.assigned_to = auth.uid() for update;
  if not found then
    raise exception 'no such assignment' using errcode = 'P0002';
  end if;
  if assigned.role <> 'approver' or not assigned.can_publish then
    raise exception 'the author has not allowed you to publish this post' using errcode = '42501';
  end if;
  if assigned.status <> 'approved' then
    raise exception 'approve the post before publishing it' using errcode = '23514';
  end if;
  if exists (select 1 from public.blogs b where b.id = assigned.blog_id
             and (pg_catalog.btrim(b.title, blank) = '' or pg_catalog.btrim(b.slug, blank) = ''
                  or pg_catalog.btrim(coalesce(b.content ->> 'markdown', ''), blank) = '')) then
    raise exception 'the post cannot be published: it has no title, slug or content' using errcode = '23514';
  end if;
  update public.blogs b set status = 'published', published_at = pg_catalog.now()
  where b.id = assigned.blog_id and b.deleted_at is null and b.status in ('draft', 'scheduled')
    and b.updated_at <= assigned.completed_at
  returning b.* into post;
  if not found then
    if exists (select 1 from public.blogs b where b.id = assigned.blog_id and b.deleted_at is null
               and b.status in ('draft', 'scheduled')) then
      raise exception 'the post changed after it was approved: its author can assign it again'
        using errcode = '23514';
    end if;
    raise exception 'the post is already published or gone' using errcode = '23514';
  end if;
  insert into public.activities (user_id, type, title, description, blog_id, metadata)
  values (post.author_id, 'published', post.title, pg_catalog.format('Published ''%s'' (approved)', post.title), post.id,
          pg_catalog.jsonb_build_object('slug', post.slug, 'approved_by', me, 'assignment', assignment));
  if post.author_id is distinct from me then
    -- The approval's notification: this transaction's (created_at is its start), about this
    -- assignment, to the author, with the title the trigger gave it (and its body: the approval's comment).
    update public.user_notifications n
       set title = internal.review_notice('Approved and published', me, assigned.role, post.title)
     where n.user_id = post.author_id and n.created_at = pg_catalog.now()
       and n.link = internal.review_link(assignment)
       and n.title = internal.review_notice('Approved', me, assigned.role, post.title);
    if not found then
      perform internal.notify_review(post.author_id, assignment,
        internal.review_notice('Published', me, assigned.role, post.title), internal.review_body(assignment, null));
    end if;
  end if;
  return post.id;
end
$$;
comment on function public.review_publish(uuid) is
  'An approver allowed to publish (can_publish) publishes an approved post, unchanged since the approval and not empty (0113); its author is notified (0130, 0144).';

drop function internal.notify_review(uuid, uuid, text);

-- Stored review notifications (keyed by content, 0130) get the link that keys them now.
update public.user_notifications n
   set link = internal.review_link(pg_catalog.substr(n.content, 12)::uuid)
 where n.type = 'blog_interaction' and n.link is null
   and n.content ~ '^assignment [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

-- The definer rewrites a notification's body too now; the partitions get the grant too.
grant update (title, content, created_at) on public.user_notifications to blogster_definer;
select internal.sync_partition_security('public.user_notifications');
