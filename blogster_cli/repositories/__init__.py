"""Queries and persistence. Functions take the connection or session first, keyword-only
arguments after, and never commit: the service owns the transaction.

Two kinds, chosen per capability:

- SQLModel (the default for every new capability and for long-lived processes: the TUI,
  the workers): `def name(session: Session, *, ...)` with `select(Model).where(...)`
  statements on the Session that `db.orm.orm_unit_of_work(acting)` yields, returning the
  row classes of `models/` (or their Public variants).
- Hand-written psycopg SQL, kept for the measured hot paths of the CLI (drafting, bulk
  import/export, accounts and sessions on every command): importing SQLModel and
  SQLAlchemy costs about 590 ms per process (models/__init__.py), several times the whole
  of a light command such as `blogster whoami`. Each such module says so in its docstring,
  with the figure `bench/bench_orm_cost.py` measured for its commands.

The workers' lookups across accounts use `orm_service_unit_of_work(db)` (service_role), and
admin work that wants a Session `orm_admin_unit_of_work(db)`.

Deletes go through the database's delete functions, never `Session.delete`.
"""

MY_ID = "(select auth.uid())"
"""The acting account's id in SQL, as the owner-only read policies write it (`owner =
(select auth.uid())`): say "mine" this way on their tables. Written `owner = auth.uid()`,
PostgreSQL compiles auth.uid() into a one-time filter checked against the policy's above each
scan (and each partition), planned every time: 20-30 us more per statement at 1M posts, over
1 ms on user_notifications' partitions. On `blogs`, whose read policy also admits others'
published posts, write `auth.uid()`: there it is an index bound (this form made the own list
a bitmap scan and a sort, 1.5x slower)."""
