"""Bulk inserts for the seeds: PostgreSQL COPY, `bulk_create` elsewhere.

`bulk_create` on PostgreSQL builds one INSERT … UNNEST per batch in Python
(every value prepared, quoted and put into arrays): at the bench scale that
was half of the enrolments step. `bulk_insert` writes the same rows with one
`COPY … FROM STDIN` (psycopg 3 `cursor.copy`), with the same semantics as
`bulk_create` for what the seeds use:

- the objects get their primary keys (taken from the table's sequence first),
  unless `ignore_conflicts` (as with `bulk_create`, which sets none then);
- `auto_now` / `auto_now_add` fields are stamped (one timestamp per call);
- `ignore_conflicts=True` copies into a temporary table, then inserts from it
  with `ON CONFLICT DO NOTHING`;
- no signals are sent, `save()` is not called (as with `bulk_create`).

On SQLite (the embedded `make run` seed) it is `bulk_create` itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import DateField, DateTimeField, Model
from django.utils import timezone

#: Fields whose `get_db_prep_save` gives a value of these types back as it is
#: (exact classes: a subclass may prepare its values otherwise). COPY takes
#: such values directly; Django's preparation per value (through the
#: connection proxy, a context-local lookup per call) was a third of the
#: bench enrolments step.
_AS_IS: dict[type, frozenset[type]] = {
    **dict.fromkeys(
        (
            models.AutoField,
            models.BigAutoField,
            models.SmallAutoField,
            models.IntegerField,
            models.BigIntegerField,
            models.SmallIntegerField,
            models.PositiveIntegerField,
            models.PositiveBigIntegerField,
            models.PositiveSmallIntegerField,
        ),
        frozenset({int, type(None)}),
    ),
    models.BooleanField: frozenset({bool, type(None)}),
    **dict.fromkeys(
        (models.CharField, models.TextField, models.SlugField, models.EmailField),
        frozenset({str, type(None)}),
    ),
}
_NOTHING: frozenset[type] = frozenset()


def _as_is(field) -> frozenset[type]:
    """The value types `field` writes unchanged (none when unsure)."""
    if type(field) is models.ForeignKey:
        # a key is prepared by the field it points to, and None stays None
        return _AS_IS.get(type(field.target_field), _NOTHING) | {type(None)}
    return _AS_IS.get(type(field), _NOTHING)


def _preparer(field, db) -> Callable[[Any], Any]:
    """`field.get_db_prep_save(value, db)`, shortcut for what needs nothing."""
    prepare = field.get_db_prep_save
    if type(field) is models.DateTimeField and settings.USE_TZ:

        def aware_as_is(value):
            if type(value) is datetime.datetime and value.tzinfo is not None:
                return value  # PostgreSQL's adapt_datetimefield_value is identity
            return prepare(value, db)

        return aware_as_is
    return lambda value: prepare(value, db)


def _row_writer(fields, db) -> Callable[[Model], list]:
    """A function giving an object's COPY row for `fields` (attribute values
    prepared as `get_db_prep_save` would, skipping what needs nothing)."""
    plan = [(f.attname, _as_is(f), _preparer(f, db)) for f in fields]

    def row(obj) -> list:
        values = []
        for attname, as_is, prepare in plan:
            value = getattr(obj, attname)
            values.append(value if type(value) in as_is else prepare(value))
        return values

    return row


def bulk_insert(
    objs: Sequence[Model], *, batch_size: int = 5000, ignore_conflicts: bool = False
) -> list[Model]:
    """Insert `objs` (all of one model) as `bulk_create` would, faster on PostgreSQL."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(
            objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts
        )
    opts = model._meta
    pk = opts.pk
    # Database-generated columns are left to the database, and so is the
    # key of rows that may be skipped.
    fields = [
        f
        for f in opts.concrete_fields
        if not getattr(f, "generated", False)
        and not (f.primary_key and ignore_conflicts)
    ]
    for obj in objs:
        # related objects saved after this one was built give their keys now
        obj._prepare_related_fields_for_save(operation_name="bulk_insert")
    if not ignore_conflicts:
        missing = [obj for obj in objs if obj.pk is None]
        if missing:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                    "FROM generate_series(1, %s)",
                    [opts.db_table, pk.column, len(missing)],
                )
                for obj, (value,) in zip(missing, cursor.fetchall(), strict=True):
                    setattr(obj, pk.attname, value)
    now = timezone.now()
    today = timezone.localdate(now) if timezone.is_aware(now) else now.date()
    stamped = [
        f for f in fields if isinstance(f, DateField) and (f.auto_now or f.auto_now_add)
    ]
    for f in stamped:
        value = now if isinstance(f, DateTimeField) else today
        for obj in objs:
            setattr(obj, f.attname, value)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(opts.db_table)
    target = table
    with connection.cursor() as cursor:
        if ignore_conflicts:
            target = connection.ops.quote_name(f"seed_copy_{opts.db_table}")
            cursor.execute(f"DROP TABLE IF EXISTS {target}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {target} "  # noqa: S608 (names from the model)
                f"AS SELECT {columns} FROM {table} WITH NO DATA"
            )
        row = _row_writer(fields, connections[DEFAULT_DB_ALIAS])
        raw = getattr(cursor, "cursor", cursor)  # the driver's cursor
        for start in range(0, len(objs), batch_size):
            with raw.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
                for obj in objs[start : start + batch_size]:
                    copy.write_row(row(obj))
        if ignore_conflicts:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "  # noqa: S608
                f"SELECT {columns} FROM {target} ON CONFLICT DO NOTHING"
            )
            cursor.execute(f"DROP TABLE {target}")
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


def bulk_set(objs: Sequence[Model], fields: Sequence[str], *, batch_size: int = 2000):
    """`bulk_update(objs, fields)`: one UPDATE … FROM a COPY-filled table on PostgreSQL.

    Django's `bulk_update` builds a CASE WHEN per field and row in Python: for
    the 9,840 bench threads that was most of the community step.
    """
    objs = list(objs)
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, list(fields), batch_size=batch_size)
        return
    opts = model._meta
    targets = [opts.pk] + [opts.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    temp = quote(f"seed_set_{opts.db_table}")
    columns = ", ".join(quote(f.column) for f in targets)
    assignments = ", ".join(
        f"{quote(f.column)} = s.{quote(f.column)}" for f in targets[1:]
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temp} "  # noqa: S608 (names from the model)
            f"AS SELECT {columns} FROM {table} WITH NO DATA"
        )
        row = _row_writer(targets, connections[DEFAULT_DB_ALIAS])
        raw = getattr(cursor, "cursor", cursor)
        with raw.copy(f"COPY {temp} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(row(obj))
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {temp} AS s "  # noqa: S608
            f"WHERE t.{quote(opts.pk.column)} = s.{quote(opts.pk.column)}"
        )
        cursor.execute(f"DROP TABLE {temp}")
