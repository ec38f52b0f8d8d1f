"""The ledger's and the inbox's lookups by person keep an index, and only one.

A deleted account's rows (its points ledger, its notifications) are found by
user: without an index whose first column is the user, the cascade and
PostgreSQL's own foreign key check read the whole table. The single-column
foreign key indexes were dropped (core.migration_ops.drop_field_index): the
list indexes (user, -created_at, -id) start with the same column, and every
insert kept both up to date.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification
from rewards.models import PointEntry

BY_PERSON = [(PointEntry, "user"), (Notification, "recipient")]


def _indexes(model) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name: info["columns"] for name, info in found.items() if info["index"]}


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "field"), BY_PERSON, ids=["ledger", "inbox"])
def test_rows_of_a_person_are_found_through_one_index(model, field):
    column = model._meta.get_field(field).column
    indexes = _indexes(model)
    assert any(columns[0] == column for columns in indexes.values()), indexes
    assert not [name for name, columns in indexes.items() if columns == [column]]


@pytest.mark.django_db(transaction=True)
def test_the_migrations_drop_the_single_column_index_and_reversed_make_it_again():
    before = [
        ("rewards", "0007_pointentry_user_list_index"),
        ("notifications", "0005_notification_recipient_list_index"),
    ]
    try:
        _migrate(before)
        for model, field in BY_PERSON:
            column = model._meta.get_field(field).column
            assert [column] in _indexes(model).values(), model
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    for model, field in BY_PERSON:
        column = model._meta.get_field(field).column
        assert [column] not in _indexes(model).values(), model
