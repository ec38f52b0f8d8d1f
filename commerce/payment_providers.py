"""The development payment provider: a fake gateway page with signed callbacks.

django-payments' own DummyProvider accepts any `?verification_result=confirmed`
on the callback URL, so anyone could mark a payment paid. This provider shows a
page where a tester chooses success, failure or "pending" (the payment stays
waiting), and the gateway's answer comes back as a callback signed with the
site's secret key (HMAC via django.core.signing); an unsigned, altered or
replayed-for-another-payment callback is refused with 403.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core import signing
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from payments import PaymentStatus, RedirectNeeded
from payments.core import BasicProvider
from payments.forms import PaymentForm

SIGNING_SALT = "commerce.dummy-gateway"
CALLBACK_MAX_AGE = 60 * 60 * 24


class DummyGatewayForm(PaymentForm):
    OUTCOMES = (
        ("success", _("Payment succeeds")),
        ("failure", _("Payment fails")),
        ("pending", _("Payment stays pending (the bank has not answered yet)")),
    )
    outcome = forms.ChoiceField(
        label=_("Simulated outcome"),
        choices=OUTCOMES,
        initial="success",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


def sign_callback(*, token: str, status: str) -> str:
    return signing.dumps({"t": token, "s": status}, salt=SIGNING_SALT)


def signed_callback_url(payment, status: str) -> str:
    query = urlencode({"sig": sign_callback(token=payment.token, status=status)})
    return f"{payment.get_process_url()}?{query}"


class DummyProvider(BasicProvider):
    """A gateway simulator for development and tests (never in production)."""

    def get_form(self, payment, data=None):
        form = DummyGatewayForm(
            data=data, hidden_inputs=False, provider=self, payment=payment
        )
        if data is not None and form.is_valid():
            outcome = form.cleaned_data["outcome"]
            if outcome == "pending":
                if payment.status != PaymentStatus.WAITING:
                    payment.change_status(PaymentStatus.WAITING)
                raise RedirectNeeded(payment.get_success_url())
            status = (
                PaymentStatus.CONFIRMED
                if outcome == "success"
                else PaymentStatus.REJECTED
            )
            # The "gateway" sends the learner back with a signed answer.
            raise RedirectNeeded(signed_callback_url(payment, status))
        return form

    def get_token_from_request(self, payment, request) -> str | None:
        """The payment a signed callback names (None when unsigned or forged).

        Used by the static callback URL (/shop/payments/process/dummy/): an
        anonymous POST there without a valid signature gets a 400.
        """
        raw = request.GET.get("sig") or request.POST.get("sig") or ""
        try:
            data = signing.loads(raw, salt=SIGNING_SALT, max_age=CALLBACK_MAX_AGE)
        except signing.BadSignature:
            return None
        token = data.get("t") if isinstance(data, dict) else None
        return token if isinstance(token, str) else None

    def process_data(self, payment, request):
        from .services import payment_callback

        raw = request.GET.get("sig") or request.POST.get("sig") or ""
        try:
            data = signing.loads(raw, salt=SIGNING_SALT, max_age=CALLBACK_MAX_AGE)
        except signing.BadSignature:
            return HttpResponseForbidden("invalid signature")
        if data.get("t") != payment.token or data.get("s") not in (
            PaymentStatus.CONFIRMED,
            PaymentStatus.REJECTED,
        ):
            return HttpResponseForbidden("invalid callback")
        payment = payment_callback(payment_id=payment.pk, status=data["s"])
        if payment.status == PaymentStatus.CONFIRMED:
            return HttpResponseRedirect(payment.get_success_url())
        return HttpResponseRedirect(payment.get_failure_url())

    def capture(self, payment, amount=None):
        payment.change_status(PaymentStatus.CONFIRMED)
        payment.captured_amount = amount or payment.total
        return amount

    def release(self, payment) -> None:
        return None

    def refund(self, payment, amount=None):
        return amount or payment.captured_amount

    def cancel(self, payment) -> None:
        return None
