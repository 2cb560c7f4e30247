"""The SQLModel classes in blogster_cli.models agree with a freshly migrated database.

The SQL is the source of truth: every public table (partitioned parents included,
partitions not) has exactly one model, with the same columns, type families,
nullability, primary key and foreign keys, and enums with the same labels in order.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.pool import NullPool
from sqlmodel import AutoString, Session, SQLModel, create_engine, select

from blogster_cli.models import (
    accounts,
    calendar,
    chatbot,
    content,
    extended,
    flags,
    ideas,
    newsletters,
    republishing,
    research,
    review,
    social,
    system,
    unblock,
)
from blogster_cli.models.accounts import ReadableJson
from blogster_cli.models.content import Blog, BlogStatus

# From calendar on: split out of extended and system for start-up time.
MODULES = (
    accounts, content, system, extended, calendar, flags, chatbot, newsletters, review, republishing, ideas, research,
    social, unblock,
)  # fmt: skip

# format_type() -> the SQLAlchemy type classes that may stand for it.
TYPE_FAMILIES: dict[str, tuple[type, ...]] = {
    "uuid": (sa.Uuid,),
    "text": (sa.String,),  # Text is a String
    "smallint": (sa.Integer,),
    "integer": (sa.Integer,),
    "bigint": (sa.BigInteger,),
    "real": (sa.Float,),
    "double precision": (sa.Float,),  # Double is a Float
    "numeric": (sa.Numeric,),
    "boolean": (sa.Boolean,),
    "timestamp with time zone": (sa.DateTime,),
    "date": (sa.Date,),
    "time without time zone": (sa.Time,),
    "interval": (sa.Interval,),
    "jsonb": (JSONB,),
    "tsvector": (TSVECTOR,),
    "regconfig": (sa.String,),
    "bytea": (sa.LargeBinary,),
}

FK_ACTIONS = {"a": None, "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def model_classes() -> dict[str, type[SQLModel]]:
    """Table name -> the one table=True class for it, across the domain modules."""
    found: dict[str, type[SQLModel]] = {}
    for module in MODULES:
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, SQLModel)
                and obj.__module__ == module.__name__
                and getattr(obj, "__table__", None) is not None
            ):
                name = obj.__table__.name
                assert name not in found, f"{name} is mapped by {found[name].__name__} and {obj.__name__}"
                assert obj.__table__.schema == "public", f"{obj.__name__} is not in schema public"
                found[name] = obj
    return found


def read_catalog(conn) -> dict:
    """Columns, primary keys, foreign keys and enum labels of the public tables."""
    tables = "n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition"
    columns: dict[str, dict[str, tuple]] = {}
    for table, column, type_name, not_null, typtype, typname in conn.execute(
        f"""select c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, t.typtype, t.typname
            from pg_class c
            join pg_namespace n on n.oid = c.relnamespace
            join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            join pg_type t on t.oid = a.atttypid
            where {tables}"""
    ):
        columns.setdefault(table, {})[column] = (type_name, not_null, typtype, typname)
    primary_keys = {
        table: set(cols)
        for table, cols in conn.execute(
            f"""select c.relname, array(select a.attname from unnest(k.conkey) as key(attnum)
                                         join pg_attribute a on a.attrelid = k.conrelid and a.attnum = key.attnum)
                from pg_constraint k join pg_class c on c.oid = k.conrelid
                join pg_namespace n on n.oid = c.relnamespace
                where k.contype = 'p' and {tables}"""
        )
    }
    foreign_keys: dict[str, set[tuple]] = {}
    for table, column, target, action in conn.execute(
        f"""select c.relname, a.attname, rn.nspname || '.' || rc.relname || '.' || ra.attname, k.confdeltype
            from pg_constraint k
            join pg_class c on c.oid = k.conrelid
            join pg_namespace n on n.oid = c.relnamespace
            cross join unnest(k.conkey, k.confkey) as key(src, dst)
            join pg_attribute a on a.attrelid = k.conrelid and a.attnum = key.src
            join pg_class rc on rc.oid = k.confrelid
            join pg_namespace rn on rn.oid = rc.relnamespace
            join pg_attribute ra on ra.attrelid = k.confrelid and ra.attnum = key.dst
            where k.contype = 'f' and k.conparentid = 0 and {tables}"""
    ):
        foreign_keys.setdefault(table, set()).add((column, target, FK_ACTIONS[action]))
    enums = dict(
        conn.execute(
            """select t.typname, array_agg(e.enumlabel order by e.enumsortorder)
               from pg_type t join pg_enum e on e.enumtypid = t.oid
               join pg_namespace n on n.oid = t.typnamespace
               where n.nspname = 'public' group by t.typname"""
        )
    )
    return {"columns": columns, "primary_keys": primary_keys, "foreign_keys": foreign_keys, "enums": enums}


def type_problem(column: sa.Column, type_name: str, typtype: str, typname: str, enums: dict) -> str | None:
    """Why the model column's type does not stand for the PostgreSQL type, or None."""
    model_type = column.type
    if isinstance(model_type, AutoString | ReadableJson):  # sqlmodel's str type, a decorated String; decorated JSONB
        model_type = model_type.impl_instance
    if typtype == "e":
        if not isinstance(model_type, sa.Enum):
            return f"{type_name} is an enum, model has {model_type!r}"
        if model_type.name != typname:
            return f"enum name {model_type.name!r} != {typname!r}"
        if list(model_type.enums) != enums[typname]:
            return f"enum values {model_type.enums} != {enums[typname]}"
        if [m.value for m in model_type.enum_class] != enums[typname]:
            return f"{model_type.enum_class.__name__} values differ from {enums[typname]}"
        return None
    if type_name.endswith("[]"):
        if not isinstance(model_type, sa.ARRAY):
            return f"{type_name} needs ARRAY, model has {model_type!r}"
        element = sa.Column(column.name, model_type.item_type)
        return type_problem(element, type_name[:-2], "b", typname.lstrip("_"), enums)
    families = TYPE_FAMILIES.get(type_name)
    if families is None:
        return f"no expected SQLAlchemy type for {type_name}"
    if not isinstance(model_type, families):
        return f"{type_name} needs {'/'.join(f.__name__ for f in families)}, model has {model_type!r}"
    if type_name == "integer" and isinstance(model_type, sa.BigInteger):
        return "integer column mapped as BigInteger"
    if type_name == "timestamp with time zone" and not model_type.timezone:
        return "timestamptz mapped without timezone=True"
    return None


def test_every_public_table_has_exactly_one_model(db):
    with db.connect() as conn:
        tables = {
            name
            for (name,) in conn.execute(
                """select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition"""
            )
        }
    models = model_classes()
    assert set(models) == tables
    assert len(models) == 51


def test_models_match_columns_types_nullability_and_keys(db):
    with db.connect() as conn:
        catalog = read_catalog(conn)
    problems: list[str] = []
    for table_name, model in sorted(model_classes().items()):
        table = model.__table__
        db_columns = catalog["columns"][table_name]
        model_columns = {c.name: c for c in table.columns}
        if set(model_columns) != set(db_columns):
            problems.append(
                f"{table_name}: only in model {sorted(set(model_columns) - set(db_columns))}, "
                f"only in database {sorted(set(db_columns) - set(model_columns))}"
            )
        for name in sorted(set(model_columns) & set(db_columns)):
            type_name, not_null, typtype, typname = db_columns[name]
            column = model_columns[name]
            if column.nullable == not_null:
                problems.append(f"{table_name}.{name}: model nullable={column.nullable}, database not null={not_null}")
            problem = type_problem(column, type_name, typtype, typname, catalog["enums"])
            if problem:
                problems.append(f"{table_name}.{name}: {problem}")
        model_pk = {c.name for c in table.primary_key.columns}
        if model_pk != catalog["primary_keys"].get(table_name):
            problems.append(f"{table_name}: primary key {model_pk} != {catalog['primary_keys'].get(table_name)}")
        model_fks = {(c.name, fk.target_fullname, fk.ondelete) for c in table.columns for fk in c.foreign_keys}
        if model_fks != catalog["foreign_keys"].get(table_name, set()):
            problems.append(
                f"{table_name}: foreign keys only in model {model_fks - catalog['foreign_keys'].get(table_name, set())}"
                f", only in database {catalog['foreign_keys'].get(table_name, set()) - model_fks}"
            )
    assert not problems, "\n".join(problems)


@pytest.fixture
def engine(db):
    # Sessions need real transactions (set_config(..., true) lasts until COMMIT), so
    # not the fixture's autocommit default; NullPool leaves no connection behind.
    engine = create_engine("postgresql+psycopg://", creator=lambda: db.connect(autocommit=False), poolclass=NullPool)
    yield engine
    engine.dispose()


def act_as(session: Session, role_name: str) -> None:
    """Switches the session's current transaction to the account's role (RLS applies)."""
    session.execute(sa.text("select set_config('role', :role, true)"), {"role": role_name})


def test_blog_round_trip_and_row_level_security(engine, make_user, superuser):
    alice, bob = make_user(), make_user()
    document = {"version": 1, "markdown": "Hello from the models test."}

    with Session(engine) as session:  # as the superuser, like the embedded CLI
        alices = Blog(
            title="Alice's draft", slug=f"a-{uuid.uuid4().hex[:8]}", author_id=alice.user_id, content=document
        )
        bobs = Blog(title="Bob's draft", slug=f"b-{uuid.uuid4().hex[:8]}", author_id=bob.user_id)
        session.add_all([alices, bobs])
        session.commit()
        alice_id, bob_id = alices.id, bobs.id

    with Session(engine) as session:
        stored = session.get(Blog, alice_id)
        assert stored.title == "Alice's draft"
        assert stored.status is BlogStatus.DRAFT
        assert stored.content == document
        assert stored.word_count == 5  # filled by the trigger, since the model left it out
        assert stored.created_at.tzinfo is not None
        assert stored.published_at is None
    # content=None is SQL NULL, not the JSON value null.
    assert superuser.execute("select content is null from public.blogs where id = %s", (bob_id,)).fetchone() == (True,)

    with Session(engine) as session:
        act_as(session, alice.role_name)
        visible = {blog.id for blog in session.exec(select(Blog))}
        assert alice_id in visible
        assert bob_id not in visible
        assert session.get(Blog, bob_id) is None
        # Omitted columns (author_id, timestamps, metrics) come from the database defaults.
        own = Blog(title="Written as Alice", slug=f"c-{uuid.uuid4().hex[:8]}")
        session.add(own)
        session.flush()
        assert own.author_id == alice.user_id
        assert own.created_at is not None
        session.commit()

    with Session(engine) as session:
        act_as(session, bob.role_name)
        assert session.exec(select(Blog).where(Blog.author_id == alice.user_id)).all() == []
