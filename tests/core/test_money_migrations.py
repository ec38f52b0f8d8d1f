"""The move from decimal columns to whole cents keeps every existing amount.

Runs on the database under test (SQLite by default, PostgreSQL with
DATABASE_URL): rows written by the old schema, migrated forwards, read back
exactly; migrated backwards, the decimals are back.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.money import money

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("commerce", "0001_initial"),
    ("courses", "0003_catalogue_sort_indexes"),
    ("learning", "0005_short_answer_review"),
    ("rewards", "0002_consultation_rated_rule"),
]
APPS = {app for app, _name in BEFORE}
PRICES = ["0.01", "0.29", "89.10", "99.00", "1234567.89"]


def _raw(table: str, column: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _old_rows(apps) -> None:
    user = apps.get_model("accounts", "User").objects.create(
        email="old@example.com", password="!"
    )
    category = apps.get_model("courses", "Category").objects.create(
        slug="old", name_zh="旧", name_en="Old"
    )
    course_model = apps.get_model("courses", "Course")
    for n, price in enumerate(PRICES):
        course_model.objects.create(
            creator=user,
            category=category,
            title=f"c{n}",
            slug=f"c{n}",
            price=Decimal(price),
        )
    apps.get_model("learning", "LearningPath").objects.create(
        creator=user, title="p", slug="p", price=Decimal("101.01")
    )
    order = apps.get_model("commerce", "Order").objects.create(
        number="KPOLD1",
        user=user,
        subtotal=Decimal("99.00"),
        discount=Decimal("9.90"),
        total=Decimal("89.10"),
    )
    item = apps.get_model("commerce", "OrderItem").objects.create(
        order=order,
        offer_type="course",
        offer_id=1,
        title="x",
        list_price=Decimal("99.00"),
        discount=Decimal("9.90"),
        price=Decimal("89.10"),
    )
    apps.get_model("commerce", "CreatorEarning").objects.create(
        creator=user,
        order_item=item,
        kind="sale",
        label="x",
        gross=Decimal("10.00"),
        commission_rate=Decimal("0.2800"),
        commission=Decimal("2.80"),
        net=Decimal("7.20"),
        available_at=timezone.now(),
    )
    apps.get_model("commerce", "Payment").objects.create(
        order=order, variant="dummy", currency="CNY", total=Decimal("89.10")
    )
    apps.get_model("rewards", "Redemption").objects.create(
        user=user, points=2990, amount=Decimal("29.90")
    )


def _migrate(targets):
    """Migrate the test database (only backwards or only forwards) to `targets`."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets)


def _latest() -> list[tuple[str, str]]:
    graph = MigrationExecutor(connection).loader.graph
    return [node for node in graph.leaf_nodes() if node[0] in APPS]


def test_existing_amounts_survive_the_move_to_cents_both_ways():
    old = _migrate(BEFORE)
    _old_rows(old.apps)

    new = _migrate(_latest())
    assert _raw("courses_course", "price") == [1, 29, 8910, 9900, 123456789]
    course_model = new.apps.get_model("courses", "Course")
    assert [
        str(p)
        for p in course_model.objects.order_by("id").values_list("price", flat=True)
    ] == [*PRICES]
    order = new.apps.get_model("commerce", "Order").objects.get()
    assert (order.subtotal, order.discount, order.total) == (
        Decimal("99.00"),
        Decimal("9.90"),
        Decimal("89.10"),
    )
    item = new.apps.get_model("commerce", "OrderItem").objects.get()
    assert (item.list_price, item.discount, item.price) == (
        Decimal("99.00"),
        Decimal("9.90"),
        Decimal("89.10"),
    )
    earning = new.apps.get_model("commerce", "CreatorEarning").objects.get()
    assert (earning.gross, earning.commission, earning.net) == (
        Decimal("10.00"),
        Decimal("2.80"),
        Decimal("7.20"),
    )
    payment = new.apps.get_model("commerce", "Payment").objects.get()
    assert (payment.total, payment.captured_amount) == (Decimal("89.10"), 0)
    assert new.apps.get_model("learning", "LearningPath").objects.get().price == (
        Decimal("101.01")
    )
    assert _raw("rewards_redemption", "amount") == [2990]
    # The constraints came back and now compare whole cents.
    assert _raw("commerce_order", "total") == [8910]

    _migrate(BEFORE)
    # Raw columns: decimals again (SQLite hands back its floats).
    assert [money(str(v)) for v in _raw("courses_course", "price")] == [
        Decimal(p) for p in PRICES
    ]
    assert [money(str(v)) for v in _raw("commerce_order", "total")] == [
        Decimal("89.10")
    ]
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
