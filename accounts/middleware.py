"""Announce the first request of the day of each signed-in user (for rewards)."""

from django.core.cache import cache
from django.utils import timezone

from core import events

# A day and a bit, so that the key outlives the local day it stands for.
_TTL = 26 * 60 * 60
#: The (user, account, local day) this process has already asked the cache
#: about: their visit is announced (here or by another process), so the next
#: requests of the day ask nothing (one round trip less on every page).
_asked: set[tuple] = set()
_ASKED_MAX = 50_000


class DailyVisitMiddleware:
    """Sends `events.daily_visit` at most once per user and local day.

    One cache `add` per signed-in user and day in each web process: atomic
    in Redis and memcached, so two web nodes do not both announce the same
    visit; later requests of the day in the same process ask nothing.
    Receivers still enforce "once a day" with their own unique constraint.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            today = timezone.localdate().isoformat()
            # The account's join time too: a database rebuilt (tests, a
            # restored copy) may give another account the same id.
            asked = (user.pk, user.date_joined, today)
            if asked not in _asked:
                if cache.add(f"daily-visit:{user.pk}:{today}", 1, timeout=_TTL):
                    from .models import User

                    # Not in a transaction here: send at once.
                    events.daily_visit.send(sender=User, user_id=user.pk, date=today)
                if len(_asked) >= _ASKED_MAX:
                    _asked.clear()
                _asked.add(asked)
        return self.get_response(request)
