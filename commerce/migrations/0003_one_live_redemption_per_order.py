# A coupon applied to a pending order replaces the previous one (released, kept).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('commerce', '0002_money_in_minor_units'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='couponredemption',
            name='order',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='redemptions', to='commerce.order', verbose_name='order'),
        ),
        migrations.AddConstraint(
            model_name='couponredemption',
            constraint=models.UniqueConstraint(condition=models.Q(('released_at__isnull', True)), fields=('order',), name='commerce_one_live_redemption_per_order'),
        ),
    ]
