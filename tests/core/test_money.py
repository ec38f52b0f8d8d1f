"""Amounts are exact on every database: stored as whole cents, read as Decimal.

These run on SQLite (the default) and on PostgreSQL (DATABASE_URL): on SQLite
a plain DecimalField is a float, where 24.95 + 64.15 = 89.10 is false and a
sum of prices reads 668.640000000000.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import FieldError
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, F, Max, Min, Sum, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commerce.models import CreatorEarning, Order, OrderItem
from core.money import MoneyField, money
from courses.models import Course
from tests.factories import CourseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _stored(table: str, column: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _item(price: str) -> OrderItem:
    order = Order.objects.create(
        user=UserFactory(), subtotal=Decimal(price), total=Decimal(price)
    )
    return OrderItem.objects.create(
        order=order,
        offer_type="course",
        offer_id=1,
        title="x",
        list_price=Decimal(price),
        price=Decimal(price),
    )


def test_an_amount_is_stored_as_whole_cents_and_read_as_decimal():
    course = CourseFactory(price=Decimal("89.10"))
    assert _stored("courses_course", "price", course.pk) == 8910
    course.refresh_from_db()
    assert course.price == Decimal("89.10")
    assert str(course.price) == "89.10"
    assert Course.objects.values_list("price", flat=True).get(pk=course.pk) == (
        Decimal("89.10")
    )


def test_the_ledger_row_of_the_newcomer_purchase_is_accepted():
    # ¥99 with 10% off, 28% commission: the CHECK constraint that refused this
    # row on SQLite (gross = commission + net compared as floats).
    item = _item("89.10")
    earning = CreatorEarning.objects.create(
        order_item=item,
        kind=CreatorEarning.Kind.SALE,
        label="心理学入门",
        gross=Decimal("89.10"),
        commission_rate=Decimal("0.28"),
        commission=Decimal("24.95"),
        net=Decimal("64.15"),
        available_at=item.order.created_at,
    )
    assert _stored("commerce_creatorearning", "gross", earning.pk) == 8910


def test_an_inconsistent_ledger_row_is_still_refused():
    item = _item("89.10")
    with pytest.raises(IntegrityError), transaction.atomic():
        CreatorEarning.objects.create(
            order_item=item,
            kind=CreatorEarning.Kind.SALE,
            label="x",
            gross=Decimal("89.10"),
            commission_rate=Decimal("0.28"),
            commission=Decimal("24.95"),
            net=Decimal("64.14"),
            available_at=item.order.created_at,
        )


def test_sums_and_extremes_are_exact():
    prices = ["0.10", "0.20", "0.30", "222.88", "222.88", "222.28", "0.01"]
    for price in prices:
        CourseFactory(price=Decimal(price))
    totals = Course.objects.aggregate(
        total=Sum("price"), low=Min("price"), high=Max("price")
    )
    assert totals["total"] == Decimal("668.65")
    assert str(totals["total"]) == "668.65"
    assert (totals["low"], totals["high"]) == (Decimal("0.01"), Decimal("222.88"))


def test_money_arithmetic_in_sql_stays_in_money():
    course = CourseFactory(price=Decimal("19.99"))
    row = Course.objects.annotate(
        doubled=F("price") + F("price"),
        nothing=F("price") - F("price"),
        tripled=F("price") * 3,
    ).get(pk=course.pk)
    assert (row.doubled, row.nothing, row.tripled) == (
        Decimal("39.98"),
        Decimal("0.00"),
        Decimal("59.97"),
    )
    Course.objects.filter(pk=course.pk).update(price=F("price") + F("price"))
    course.refresh_from_db()
    assert course.price == Decimal("39.98")


@pytest.mark.parametrize(
    "expression",
    [
        F("price") / 2,
        F("price") * Value(Decimal("0.5")),
        F("price") + Value(Decimal("1.00")),
        F("price") + 1,
    ],
    ids=["divide", "times-decimal", "plus-decimal", "plus-integer"],
)
def test_ambiguous_arithmetic_on_money_refuses_to_guess(expression):
    CourseFactory(price=Decimal("10.00"))
    with pytest.raises(FieldError, match="output_field"):
        list(Course.objects.annotate(x=expression).values_list("x", flat=True))


def test_ambiguous_arithmetic_works_with_an_explicit_output_field():
    course = CourseFactory(price=Decimal("10.00"))
    row = Course.objects.annotate(
        plus=F("price") + Value(Decimal("1.50"), output_field=MoneyField())
    ).get(pk=course.pk)
    assert row.plus == Decimal("11.50")


def test_average_with_a_money_output_field_is_rounded_to_the_cent():
    for price in ["10.00", "10.00", "10.01"]:
        CourseFactory(price=Decimal(price))
    average = Course.objects.aggregate(a=Avg("price", output_field=MoneyField()))["a"]
    assert average == Decimal("10.00")


def test_lookups_compare_exactly_even_between_two_cents():
    cheap = CourseFactory(price=Decimal("9.99"))
    ten = CourseFactory(price=Decimal("10.00"))
    lte = set(
        Course.objects.filter(price__lte=Decimal("9.999")).values_list("pk", flat=True)
    )
    assert cheap.pk in lte and ten.pk not in lte
    assert list(
        Course.objects.filter(price=Decimal("10")).values_list("pk", flat=True)
    ) == [ten.pk]
    assert not Course.objects.filter(price=Decimal("9.995")).exists()
    gt = Course.objects.filter(price__gt=Decimal("9.991")).values_list("pk", flat=True)
    assert list(gt) == [ten.pk]
    assert set(
        Course.objects.filter(price__in=["9.99", 10]).values_list("pk", flat=True)
    ) == {cheap.pk, ten.pk}


def test_saving_more_decimals_than_the_currency_rounds_half_up():
    course = CourseFactory(price=Decimal("1.005"))
    course.refresh_from_db()
    assert course.price == Decimal("1.01")


def test_a_form_refuses_more_decimals_than_the_currency_has():
    field = Course._meta.get_field("price").formfield()
    assert field.clean("12.34") == Decimal("12.34")
    with pytest.raises(Exception, match="2"):
        field.clean("12.345")


cents = st.integers(min_value=0, max_value=10_000_000)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(amounts=st.lists(cents, min_size=1, max_size=12))
def test_the_database_sum_of_amounts_is_the_exact_sum(amounts):
    Course.objects.all().delete()
    creator = UserFactory()
    values = [Decimal(c).scaleb(-2) for c in amounts]
    for value in values:
        CourseFactory(price=value, creator=creator)
    total = Course.objects.aggregate(total=Sum("price"))["total"]
    assert total == sum(values, Decimal("0.00"))
    assert total == money(total)
