from django.urls import path, re_path
from payments.urls import process_data

from . import views

app_name = "commerce"

urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("buy/<slug:offer_type>/<int:offer_id>/", views.buy, name="buy"),
    path("orders/", views.my_orders, name="my_orders"),
    path("orders/<str:number>/", views.order_detail, name="order_detail"),
    path("orders/<str:number>/coupon/", views.order_coupon, name="order_coupon"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<str:number>/pay/", views.order_pay, name="order_pay"),
    path("orders/<str:number>/receipt/", views.order_receipt, name="order_receipt"),
    path("refund/<int:item_id>/", views.refund_request, name="refund_request"),
    path("pay/<uuid:token>/", views.payment_page, name="payment"),
    path("studio/revenue/", views.studio_revenue, name="studio_revenue"),
    path("studio/revenue.csv", views.studio_revenue_csv, name="studio_revenue_csv"),
    # django-payments' callback endpoints (per payment, and per provider for
    # webhooks such as Stripe's: /shop/payments/process/stripe/).
    path("payments/process/<uuid:token>/", process_data, name="process_payment"),
    re_path(
        r"^payments/process/(?P<variant>[a-z-]+)/$",
        views.provider_webhook,
        name="static_process_payment",
    ),
]
