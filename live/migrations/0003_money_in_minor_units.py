# Amounts move from decimal columns to whole minor units (exact on SQLite too),
# as commerce, courses, learning and rewards did.

from decimal import Decimal

import django.core.validators
from django.db import migrations, models

import core.money
from core.money import money_column_operations


def _money(verbose_name, **kwargs):
    return core.money.MoneyField(
        decimal_places=2,
        max_digits=12,
        validators=[django.core.validators.MinValueValidator(Decimal("0.00"))],
        verbose_name=verbose_name,
        **kwargs,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("live", "0002_paid_questions"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="livelecture", name="live_lecture_prices_not_negative"
        ),
        migrations.RemoveConstraint(
            model_name="availability", name="live_availability_price_not_negative"
        ),
        migrations.RemoveConstraint(
            model_name="slot", name="live_slot_price_not_negative"
        ),
        *money_column_operations(
            "live",
            "livelecture",
            "price",
            _money("price", default=Decimal("0.00")),
            old_max_digits=12,
        ),
        *money_column_operations(
            "live",
            "livelecture",
            "replay_price",
            _money("replay price", default=Decimal("0.00")),
            old_max_digits=12,
        ),
        *money_column_operations(
            "live",
            "availability",
            "price",
            _money("price per slot"),
            old_max_digits=12,
        ),
        *money_column_operations(
            "live", "slot", "price", _money("price"), old_max_digits=12
        ),
        *money_column_operations(
            "live",
            "expertprofile",
            "question_price",
            _money(
                "price of a question",
                default=Decimal("0.00"),
                help_text="0: you do not take paid questions.",
            ),
            old_max_digits=12,
        ),
        migrations.AddConstraint(
            model_name="livelecture",
            constraint=models.CheckConstraint(
                condition=models.Q(price__gte=0) & models.Q(replay_price__gte=0),
                name="live_lecture_prices_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="availability",
            constraint=models.CheckConstraint(
                condition=models.Q(price__gte=0),
                name="live_availability_price_not_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="slot",
            constraint=models.CheckConstraint(
                condition=models.Q(price__gte=0), name="live_slot_price_not_negative"
            ),
        ),
    ]
