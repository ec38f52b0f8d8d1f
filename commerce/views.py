"""Pages of the shop: buy, checkout, pay, my orders, receipts, refunds, revenue."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from payments import PaymentError, RedirectNeeded
from payments.urls import static_callback

from core.money import format_money
from core.redirects import safe_next

from . import registry, selectors, services
from .forms import CouponForm, PayoutRequestForm, RefundRequestForm
from .models import Order, OrderItem, Payment, SubscriptionPlan
from .revenue import revenue_by_course, revenue_by_month, revenue_rows


@csrf_exempt
def provider_webhook(request: HttpRequest, variant: str) -> HttpResponse:
    """A provider's webhook (Stripe): verified by the provider, or refused (400)."""
    try:
        return static_callback(request, variant)
    except PaymentError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except Exception as exc:
        # Signature or payload errors of the provider's SDK (e.g. Stripe's
        # SignatureVerificationError): a forged or broken callback.
        if isinstance(exc, ValueError | NotImplementedError) or type(exc).__name__ == (
            "SignatureVerificationError"
        ):
            return JsonResponse({"error": "invalid callback"}, status=400)
        raise


def _back(request: HttpRequest, fallback: str = "home") -> HttpResponse:
    return redirect(safe_next(request, reverse(fallback), use_referer=True))


@require_safe
def plans(request: HttpRequest) -> HttpResponse:
    plan_list = (
        SubscriptionPlan.objects.filter(is_active=True)
        .select_related("creator__profile", "column")
        .order_by(F("creator_id").asc(nulls_first=True), "column_id", "price")
    )
    return render(request, "commerce/plans.html", {"plans": plan_list})


@login_required
@require_POST
def buy(request: HttpRequest, offer_type: str, offer_id: int) -> HttpResponse:
    """Create an order for one offer; prices come from the server, never the form."""
    if registry.resolve_offer(offer_type, offer_id) is None:
        raise Http404
    try:
        order = services.order_create(
            user=request.user,
            offers=[(offer_type, offer_id)],
            coupon_code=request.POST.get("coupon", "").strip(),
        )
    except services.CommerceError as exc:
        messages.error(request, exc.message)
        return _back(request)
    if order.is_paid:
        messages.success(request, _("Done: it is yours."))
    return redirect(order)


def _my_order(request: HttpRequest, number: str) -> Order:
    order = selectors.order_for(user=request.user, number=number)
    if order is None:
        raise Http404
    return order


@login_required
@require_safe
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = _my_order(request, number)
    outcome = request.GET.get("payment")
    if outcome == "failed" and order.state == Order.State.PENDING:
        messages.error(request, _("The payment did not go through. Try again."))
    waiting = order.state == Order.State.PENDING and (
        order.payments.filter(status="waiting").exists() if outcome == "done" else False
    )
    items = list(order.items.all())
    return render(
        request,
        "commerce/order_detail.html",
        {
            "order": order,
            "items": items,
            "coupon_form": CouponForm(
                initial={"code": order.coupon.code if order.coupon else ""}
            ),
            "waiting": waiting,
            "bought_at": registry.bought_at_links(item.offer_type for item in items),
        },
    )


@login_required
@require_POST
def order_coupon(request: HttpRequest, number: str) -> HttpResponse:
    order = _my_order(request, number)
    form = CouponForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid coupon code."))
        return redirect(order)
    code = form.cleaned_data["code"]
    had_coupon = order.coupon_id is not None
    try:
        order = services.order_coupon_apply(
            order=order, user=request.user, coupon_code=code
        )
    except services.CommerceError as exc:
        messages.error(request, exc.message)
        return redirect(order)
    if order.coupon_id:
        messages.success(
            request,
            _("Coupon %(code)s applied: you save %(amount)s.")
            % {
                "code": order.coupon.code,
                "amount": format_money(order.discount, order.currency),
            },
        )
    elif had_coupon:
        messages.success(request, _("The coupon was removed."))
    return redirect(order)


@login_required
@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = _my_order(request, number)
    try:
        services.order_cancel(order=order, user=request.user)
    except services.CommerceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The order was cancelled."))
    return redirect(order)


@login_required
@require_POST
def order_pay(request: HttpRequest, number: str) -> HttpResponse:
    order = _my_order(request, number)
    try:
        payment = services.payment_create(
            order=order, user=request.user, ip=request.META.get("REMOTE_ADDR")
        )
    except services.CommerceError as exc:
        messages.error(request, exc.message)
        return redirect(order)
    return redirect("commerce:payment", token=payment.token)


@login_required
def payment_page(request: HttpRequest, token: str) -> HttpResponse:
    """The provider's page (the dummy gateway, or a redirect to Stripe)."""
    payment = get_object_or_404(Payment.objects.select_related("order"), token=token)
    if payment.order.user_id != request.user.pk:
        raise Http404
    if not payment.order.is_payable:
        messages.error(request, _("This order can no longer be paid."))
        return redirect(payment.order)
    try:
        form = payment.get_form(data=request.POST if request.method == "POST" else None)
    except RedirectNeeded as redirect_to:
        return redirect(str(redirect_to))
    return render(request, "commerce/payment.html", {"form": form, "payment": payment})


@login_required
@require_safe
def order_receipt(request: HttpRequest, number: str) -> HttpResponse:
    order = _my_order(request, number)
    if not order.is_paid:
        raise Http404
    return render(
        request,
        "commerce/receipt.html",
        {"order": order, "items": list(order.items.all())},
    )


@login_required
def refund_request(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(
        OrderItem.objects.select_related("order"),
        pk=item_id,
        order__user=request.user,
    )
    try:
        services.refund_check(user=request.user, item=item)
    except services.CommerceError as exc:
        messages.error(request, exc.message)
        return redirect(item.order)
    form = RefundRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.refund_request(
                user=request.user, order_item=item, reason=form.cleaned_data["reason"]
            )
        except services.CommerceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Your refund request was sent. Staff will answer soon.")
            )
        return redirect(item.order)
    return render(request, "commerce/refund_request.html", {"item": item, "form": form})


@login_required
@require_safe
def my_orders(request: HttpRequest) -> HttpResponse:
    orders = list(selectors.orders_of(user=request.user)[:100])
    return render(request, "commerce/my_orders.html", {"orders": orders})


def _require_earner(request: HttpRequest) -> None:
    """Creators, staff, and whoever earns otherwise (an expert paid for
    consultations and questions) see their own revenue; others are refused."""
    user = request.user
    if (
        getattr(user, "is_creator", False)
        or user.is_staff
        or registry.is_registered_earner(user)
        or selectors.has_earnings(user_id=user.pk)
    ):
        return
    raise PermissionDenied


@login_required
def studio_revenue(request: HttpRequest) -> HttpResponse:
    _require_earner(request)
    form = PayoutRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.payout_request(
                creator=request.user, amount=form.cleaned_data["amount"]
            )
        except services.CommerceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your payout request was sent."))
            return redirect("commerce:studio_revenue")
    months = revenue_by_month(creator_id=request.user.pk)
    return render(
        request,
        "commerce/studio_revenue.html",
        {
            "balance": services.creator_balance(creator_id=request.user.pk),
            "by_course": revenue_by_course(creator_id=request.user.pk),
            "months": months,
            "chart": {
                "labels": [m["month"] for m in months],
                "net": [str(m["net"]) for m in months],
                "gross": [str(m["gross"]) for m in months],
            },
            "recent": revenue_rows(creator_id=request.user.pk)[:30],
            "payouts": request.user.payouts.all()[:20],
            "payout_minimum": settings.PAYOUT_MINIMUM,
            "form": form,
        },
    )


@login_required
@require_safe
def studio_revenue_csv(request: HttpRequest) -> HttpResponse:
    _require_earner(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="revenue.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    writer = csv.writer(response)
    writer.writerow(
        ["date", "order", "item", "kind", "gross", "commission", "net", "status"]
    )
    for row in revenue_rows(creator_id=request.user.pk).iterator(chunk_size=2000):
        writer.writerow(
            [
                row.created_at.date().isoformat(),
                row.order_item.order.number,
                row.display_label,
                row.kind,
                row.gross,
                row.commission,
                row.net,
                row.status,
            ]
        )
    return response
