"""The orders API documents itself without errors (drf-spectacular)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory

from commerce.api.views import OrderViewSet
from commerce.models import Order


@pytest.mark.django_db
def test_order_viewset_queryset_during_schema_generation():
    view = OrderViewSet()
    view.swagger_fake_view = True
    request = APIRequestFactory().get("/api/v1/orders/")
    request.user = AnonymousUser()
    view.request = request
    queryset = view.get_queryset()
    assert queryset.model is Order
    assert list(queryset) == []
