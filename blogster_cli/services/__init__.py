"""Use cases. Each opens its unit of work as the acting user and returns public shapes;
none imports psycopg, typer, textual or rich, and none runs an editor or a prompt.

The calling convention, the same in every module:

- A use case someone performs takes `acting: ActingUser` (blogster_cli.actors) as its
  only positional parameter; everything else is keyword-only:
  `blogs.trash(acting, refs=[...])`, `accounts.ban(acting, ctx=ctx, email=..., until=None)`.
  Whether `acting.db` is the account's own login or the administrative one that switches
  roles is `acting.own_login`, never decided by comparing objects.
- Work done before anyone acts (signup, login, quickstart, doctor) takes the
  `AppContext` first; maintenance of the whole database (migrate, backup, restore, the
  workers' periodic jobs and queue bookkeeping) takes the administrative `Database`
  first. The rest is keyword-only there too.
"""
