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

What a module may import from its neighbours (the contract "Use cases import only shared
service modules and named compositions" checks it):

- A use case never imports another use case for a rule, a lookup or a shape. Steps
  several use cases run inside their own unit of work, and adapters to outside systems,
  live in the shared modules: post_steps (find my post, unique slugs, insert a post),
  generation_steps, media_files, site_address, post_addresses, site_files, parallel,
  ai_provider, email_delivery, platform_api, platform_accounts. A shared module imports
  no use case. Rules without I/O go lower still (content/rules.py, vocabulary.py,
  actors.require_admin).
- A use case imports another only to run it as a step of its own (quickstart, due_work,
  sync...): each such pair is named in the contract's ignore_imports with its reason.
"""
