# Amounts move from decimal columns to whole minor units (exact on SQLite too).

import core.money
from core.money import money_column_operations
import django.core.validators
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commerce', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='order',
            name='commerce_order_amounts_not_negative',
        ),
        migrations.RemoveConstraint(
            model_name='order',
            name='commerce_order_total_is_subtotal_minus_discount',
        ),
        migrations.RemoveConstraint(
            model_name='orderitem',
            name='commerce_item_price_consistent',
        ),
        migrations.RemoveConstraint(
            model_name='coupon',
            name='commerce_coupon_percent_at_most_100',
        ),
        migrations.RemoveConstraint(
            model_name='refund',
            name='commerce_refund_amount_positive',
        ),
        migrations.RemoveConstraint(
            model_name='subscriptionplan',
            name='commerce_plan_price_not_negative',
        ),
        migrations.RemoveConstraint(
            model_name='creatorearning',
            name='commerce_earning_gross_is_commission_plus_net',
        ),
        migrations.RemoveConstraint(
            model_name='payout',
            name='commerce_payout_amount_positive',
        ),
        *money_column_operations(
            'commerce',
            'coupon',
            'min_order_total',
            core.money.MoneyField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='minimum order'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'coupon',
            'value',
            core.money.MoneyField(decimal_places=2, help_text='Percent (1-100) or amount off.', max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0.01'))], verbose_name='value'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'couponredemption',
            'amount',
            core.money.MoneyField(decimal_places=2, max_digits=12, verbose_name='discount'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'creatorearning',
            'commission',
            core.money.MoneyField(decimal_places=2, max_digits=12, verbose_name='platform commission'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'creatorearning',
            'gross',
            core.money.MoneyField(decimal_places=2, max_digits=12, verbose_name='gross'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'creatorearning',
            'net',
            core.money.MoneyField(decimal_places=2, max_digits=12, verbose_name='net to creator'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'order',
            'discount',
            core.money.MoneyField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='discount'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'order',
            'subtotal',
            core.money.MoneyField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='subtotal'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'order',
            'total',
            core.money.MoneyField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='total'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'orderitem',
            'discount',
            core.money.MoneyField(decimal_places=2, default=Decimal('0.00'), max_digits=12, verbose_name='discount'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'orderitem',
            'list_price',
            core.money.MoneyField(decimal_places=2, max_digits=12, verbose_name='list price'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'orderitem',
            'price',
            core.money.MoneyField(decimal_places=2, max_digits=12, verbose_name='price paid'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'payment',
            'captured_amount',
            core.money.MoneyField(decimal_places=2, default=Decimal('0.00'), max_digits=9, verbose_name='captured amount'),
            old_max_digits=9,
        ),
        *money_column_operations(
            'commerce',
            'payment',
            'delivery',
            core.money.MoneyField(decimal_places=2, default=Decimal('0.00'), max_digits=9, verbose_name='delivery'),
            old_max_digits=9,
        ),
        *money_column_operations(
            'commerce',
            'payment',
            'tax',
            core.money.MoneyField(decimal_places=2, default=Decimal('0.00'), max_digits=9, verbose_name='tax'),
            old_max_digits=9,
        ),
        *money_column_operations(
            'commerce',
            'payment',
            'total',
            core.money.MoneyField(decimal_places=2, default=Decimal('0.00'), max_digits=9, verbose_name='total'),
            old_max_digits=9,
        ),
        *money_column_operations(
            'commerce',
            'payout',
            'amount',
            core.money.MoneyField(decimal_places=2, editable=False, max_digits=12, verbose_name='amount'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'refund',
            'amount',
            core.money.MoneyField(decimal_places=2, editable=False, max_digits=12, verbose_name='amount'),
            old_max_digits=12,
        ),
        *money_column_operations(
            'commerce',
            'subscriptionplan',
            'price',
            core.money.MoneyField(decimal_places=2, max_digits=12, validators=[django.core.validators.MinValueValidator(Decimal('0.00'))], verbose_name='price'),
            old_max_digits=12,
        ),
            migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(
                condition=models.Q(('total__gte', 0), ('discount__gte', 0), ('subtotal__gte', 0)),
                name='commerce_order_amounts_not_negative',
            ),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(
                condition=models.Q(('total', models.F('subtotal') - models.F('discount'))),
                name='commerce_order_total_is_subtotal_minus_discount',
            ),
        ),
        migrations.AddConstraint(
            model_name='orderitem',
            constraint=models.CheckConstraint(
                condition=models.Q(('price__gte', 0), ('discount__gte', 0), ('price', models.F('list_price') - models.F('discount'))),
                name='commerce_item_price_consistent',
            ),
        ),
        migrations.AddConstraint(
            model_name='coupon',
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(('kind', 'percent'), _negated=True), ('value__lte', 100), _connector='OR'),
                name='commerce_coupon_percent_at_most_100',
            ),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.CheckConstraint(
                condition=models.Q(('amount__gt', 0)),
                name='commerce_refund_amount_positive',
            ),
        ),
        migrations.AddConstraint(
            model_name='subscriptionplan',
            constraint=models.CheckConstraint(
                condition=models.Q(('price__gte', 0)),
                name='commerce_plan_price_not_negative',
            ),
        ),
        migrations.AddConstraint(
            model_name='creatorearning',
            constraint=models.CheckConstraint(
                condition=models.Q(('gross', models.F('commission') + models.F('net'))),
                name='commerce_earning_gross_is_commission_plus_net',
            ),
        ),
        migrations.AddConstraint(
            model_name='payout',
            constraint=models.CheckConstraint(
                condition=models.Q(('amount__gt', 0)),
                name='commerce_payout_amount_positive',
            ),
        ),
    ]
