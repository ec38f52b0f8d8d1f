# Amounts move from decimal columns to whole minor units (exact on SQLite too).

import core.money
from core.money import money_column_operations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('learning', '0005_short_answer_review'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='learningpath',
            name='learning_path_price_not_negative',
        ),
        *money_column_operations(
            'learning',
            'learningpath',
            'price',
            core.money.MoneyField(decimal_places=2, max_digits=10, verbose_name='bundle price'),
            old_max_digits=10,
        ),
            migrations.AddConstraint(
            model_name='learningpath',
            constraint=models.CheckConstraint(
                condition=models.Q(price__gte=0),
                name='learning_path_price_not_negative',
            ),
        ),
    ]
