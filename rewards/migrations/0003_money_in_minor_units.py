# Amounts move from decimal columns to whole minor units (exact on SQLite too).

import core.money
from core.money import money_column_operations
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('rewards', '0002_consultation_rated_rule'),
    ]

    operations = [
        *money_column_operations(
            'rewards',
            'redemption',
            'amount',
            core.money.MoneyField(decimal_places=2, max_digits=10, verbose_name='coupon value'),
            old_max_digits=10,
        ),
    ]
