-- 0108: review comments are bounded, so an assignee cannot bury an assignment.
--
-- review_act appended any note to the assignment's comments: an assignee wrote one of 19 MB
-- (`review show` printed 59 MB), and once the row reached PostgreSQL's size limit the author's
-- own comments failed too. A comment now holds at most 10,000 characters, and one person at
-- most 500 comments on one assignment: the author keeps a voice whatever the assignee writes.
-- A trigger of its own, so review_act (0071) keeps its body.

create function internal.check_review_comment() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  added jsonb;
  theirs integer;
begin
  if pg_catalog.jsonb_array_length(new.comments) <= pg_catalog.jsonb_array_length(old.comments) then
    return new;
  end if;
  added := new.comments -> -1;
  if pg_catalog.length(added ->> 'text') > 10000 then
    raise exception 'a comment has at most 10,000 characters' using errcode = '22001';
  end if;
  select pg_catalog.count(*) into theirs
  from pg_catalog.jsonb_array_elements(new.comments) c where c ->> 'author' = added ->> 'author';
  if theirs > 500 then
    raise exception 'you wrote 500 comments on this assignment, the most one person may' using errcode = '23514';
  end if;
  return new;
end
$$;
revoke all on function internal.check_review_comment() from public;
create trigger team_collaboration_comment before update of comments on public.team_collaboration
  for each row execute function internal.check_review_comment();
