"""Who else holds Blogster's privileged roles: members and ADMIN OPTION holders Blogster never granted,
and any of those roles that can log in.

Those roles are cluster-wide, and 0001 (and 0038) adopt one that exists already. On a shared server a
login with CREATEROLE that made, say, `blogster_definer` before Blogster's first migrate keeps ADMIN
OPTION on it (PostgreSQL 16 and later record the creator's grant): it can grant itself the role and
act as the owner of every table or SECURITY DEFINER function, RLS bypassed. Before 16, CREATEROLE may
grant any role that is no superuser, whoever made it, or switch it to LOGIN with a password of its
choosing. Blogster's own grants are account roles in blogster_admin (`admin grant`) and worker logins
in service_role and blogster_job_runner (`admin workers add`, named with WORKER_LOGIN_PREFIX), never
WITH ADMIN OPTION, and none of the roles ever logs in; superusers may do everything anyway. Blogster
grants only on a superuser's login (signing up, `admin grant`, `admin workers add`, a restore, `db
migrate`), and only a superuser may record another grantor (GRANTED BY): a grant to a role merely
named like an account or a worker login, made by a CREATEROLE login (PostgreSQL 15: any role; 16 and
later: one it holds ADMIN OPTION on), is named too (red team 52). Whose account a `u_` role is, is no
help: every Blogster database of the server has its own, and roles outlive the database that had
theirs. `doctor` names what it finds; `db migrate` refuses a new database while any is found
(db/migrations.py).
Here, not in repositories/, because the migration runner (db/) uses it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg

    Connection = psycopg.Connection[tuple[Any, ...]]

PRIVILEGED_ROLES = ("blogster_owner", "blogster_definer", "service_role", "blogster_admin", "blogster_job_runner")

WORKER_LOGIN_PREFIX = "blogster_worker_"
"""How worker logins (`admin workers add`) are named: Blogster's own members of service_role and
blogster_job_runner."""


@dataclass(frozen=True)
class Holder:
    role: str
    """The privileged role."""
    member: str
    admin_option: bool
    revoke: str
    """The statement that takes this grant back, and what was granted through it (CASCADE): on
    PostgreSQL 16 and later a superuser's plain REVOKE takes back its own grants only."""

    def describe(self) -> str:
        """'m holds ADMIN OPTION on r' or 'm is a member of r'."""
        return f"{self.member} {'holds ADMIN OPTION on' if self.admin_option else 'is a member of'} {self.role}"


_UNEXPECTED_HOLDERS_SQL = """
select r.rolname::text, m.rolname::text, a.admin_option,
       pg_catalog.format('REVOKE %%I FROM %%I%%s CASCADE', r.rolname, m.rolname,
                         ' GRANTED BY ' operator(pg_catalog.||) pg_catalog.quote_ident(g.rolname))
from pg_catalog.pg_auth_members a
join pg_catalog.pg_roles r on r.oid operator(pg_catalog.=) a.roleid
join pg_catalog.pg_roles m on m.oid operator(pg_catalog.=) a.member
left join pg_catalog.pg_roles g on g.oid operator(pg_catalog.=) a.grantor
where r.rolname operator(pg_catalog.=) any (%s::pg_catalog.text[])
  and not m.rolsuper
  and not (not a.admin_option and coalesce(g.rolsuper, false) and (
        (r.rolname operator(pg_catalog.=) 'blogster_admin'
         and m.rolname operator(pg_catalog.~) '^u_[0-9a-f]{32}$')
     or (r.rolname operator(pg_catalog.=) any (array['service_role', 'blogster_job_runner'])
         and pg_catalog.starts_with(m.rolname, %s) and m.rolcanlogin)))
order by 1, 2, 4
"""

# The privileged roles that can log in, with the statement that stops it (and drops the password).
_LOGINS_SQL = """
select r.rolname::text, pg_catalog.format('ALTER ROLE %%I NOLOGIN PASSWORD NULL', r.rolname)
from pg_catalog.pg_roles r
where r.rolname operator(pg_catalog.=) any (%s::pg_catalog.text[]) and r.rolcanlogin
order by 1
"""

# Before PostgreSQL 16, CREATEROLE may grant itself any role that is no superuser.
_CREATEROLE_SQL = """
select r.rolname::text, pg_catalog.format('ALTER ROLE %I NOCREATEROLE', r.rolname) from pg_catalog.pg_roles r
where r.rolcreaterole and not r.rolsuper
order by 1
"""


def unexpected_holders(conn: Connection) -> list[Holder]:
    """Every role but a superuser that is a member of a privileged role, or holds ADMIN OPTION on
    one, other than the grants Blogster itself makes (a superuser's, to an account or a worker login)."""
    rows = conn.execute(_UNEXPECTED_HOLDERS_SQL, (list(PRIVILEGED_ROLES), WORKER_LOGIN_PREFIX))
    return [Holder(*row) for row in rows]


def logins(conn: Connection) -> list[tuple[str, str]]:
    """The privileged roles that can log in (none ever should: whoever has the password is that
    role), each with the statement that switches the login off."""
    return [(name, fix) for name, fix in conn.execute(_LOGINS_SQL, (list(PRIVILEGED_ROLES),))]


def createrole_grantors(conn: Connection) -> list[tuple[str, str]]:
    """On a server before PostgreSQL 16, the roles (no superusers) whose CREATEROLE lets them grant
    themselves any privileged role at will, each with the statement that takes it away; on 16 and
    later, none (they need ADMIN OPTION, which `unexpected_holders` lists)."""
    if conn.info.server_version >= 160000:
        return []
    return [(name, fix) for name, fix in conn.execute(_CREATEROLE_SQL)]
