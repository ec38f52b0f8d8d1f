"""Announce the first request of the day of each signed-in user (for rewards)."""

from django.core.cache import cache
from django.utils import timezone

from core import events

# A day and a bit, so that the key outlives the local day it stands for.
_TTL = 26 * 60 * 60


class DailyVisitMiddleware:
    """Sends `events.daily_visit` at most once per user and local day.

    One cache `add` per signed-in request: cheap, and atomic in Redis and
    memcached, so two web nodes do not both announce the same visit. Receivers
    still enforce "once a day" with their own unique constraint.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            today = timezone.localdate().isoformat()
            if cache.add(f"daily-visit:{user.pk}:{today}", 1, timeout=_TTL):
                from .models import User

                # Not in a transaction here: send at once.
                events.daily_visit.send(sender=User, user_id=user.pk, date=today)
        return self.get_response(request)
