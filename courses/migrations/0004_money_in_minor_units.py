# Amounts move from decimal columns to whole minor units (exact on SQLite too).

import core.money
from core.money import money_column_operations
import django.core.validators
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0003_catalogue_sort_indexes'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='course',
            name='courses_course_price_not_negative',
        ),
        migrations.RemoveIndex(
            model_name='course',
            name='courses_sort_price',
        ),
        *money_column_operations(
            'courses',
            'course',
            'price',
            core.money.MoneyField(decimal_places=2, default=Decimal('0.00'), help_text='0 means free.', max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0.00'))], verbose_name='price'),
            old_max_digits=10,
        ),
            migrations.AddIndex(
            model_name='course',
            index=models.Index(fields=['status', 'price', 'id'], name='courses_sort_price'),
        ),
        migrations.AddConstraint(
            model_name='course',
            constraint=models.CheckConstraint(
                condition=models.Q(price__gte=0),
                name='courses_course_price_not_negative',
            ),
        ),
    ]
