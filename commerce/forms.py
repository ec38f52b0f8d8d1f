from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class CouponForm(forms.Form):
    code = forms.CharField(
        label=_("Coupon code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Coupon code")}),
    )


class RefundRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you want a refund?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PayoutRequestForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
