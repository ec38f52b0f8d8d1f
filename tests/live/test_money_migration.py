"""Live prices move from decimal columns to whole cents, every amount kept.

Runs on the database under test (SQLite by default, PostgreSQL with
DATABASE_URL), forwards and backwards, as tests/core/test_money_migrations.py
does for the other apps.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.money import money

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("live", "0002_paid_questions")]
AFTER = [("live", "0003_money_in_minor_units")]
PRICES = ["0.01", "0.29", "89.10", "99.00", "1234567.89"]
REPLAY_PRICES = ["0.00", "0.15", "44.55", "49.50", "617283.95"]


def _raw(table: str, column: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def test_lecture_and_slot_prices_survive_the_move_to_cents_both_ways():
    apps = _migrate(BEFORE)
    user = apps.get_model("accounts", "User").objects.create(
        email="expert@example.com", password="!"
    )
    category = apps.get_model("courses", "Category").objects.create(
        slug="live-old", name_zh="旧", name_en="Old"
    )
    start = timezone.now() + timedelta(days=3)
    lecture_model = apps.get_model("live", "LiveLecture")
    for n, (price, replay) in enumerate(zip(PRICES, REPLAY_PRICES, strict=True)):
        lecture_model.objects.create(
            creator=user,
            category=category,
            title=f"l{n}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            duration_minutes=60,
            time_zone="Asia/Shanghai",
            capacity=10,
            price=Decimal(price),
            replay_price=Decimal(replay),
            meeting_url="https://meet.example.com/x",
        )
    profile = apps.get_model("live", "ExpertProfile").objects.create(
        user=user, headline="h", question_price=Decimal("49.90")
    )
    apps.get_model("live", "Slot").objects.create(
        expert=profile,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        price=Decimal("199.99"),
    )

    apps = _migrate(AFTER)
    assert _raw("live_livelecture", "price") == [1, 29, 8910, 9900, 123456789]
    lectures = apps.get_model("live", "LiveLecture").objects.order_by("id")
    assert [str(p) for p in lectures.values_list("price", flat=True)] == PRICES
    assert [
        str(p) for p in lectures.values_list("replay_price", flat=True)
    ] == REPLAY_PRICES
    assert apps.get_model("live", "Slot").objects.get().price == Decimal("199.99")
    profile = apps.get_model("live", "ExpertProfile").objects.get()
    assert profile.question_price == Decimal("49.90")

    _migrate(BEFORE)
    assert [money(str(v)) for v in _raw("live_livelecture", "price")] == [
        Decimal(p) for p in PRICES
    ]
    assert [money(str(v)) for v in _raw("live_slot", "price")] == [Decimal("199.99")]
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
