"""Reads about people used by several views."""

from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from courses.models import Category

from .models import CreatorApplication, Profile, User


def profile_for(*, user: User) -> Profile:
    """The user's profile; an unsaved empty one when an old account has none.

    A read never writes: the services create the row when the user saves.
    """
    return Profile.objects.filter(user=user).first() or Profile(user=user)


def profile_interests(*, profile: Profile) -> list[Category]:
    """The profile's interests (none for a profile not saved yet)."""
    return list(profile.interests.all()) if profile.pk else []


def public_profile_user(*, user_id: int) -> User:
    """An active user with profile and interests loaded, or 404."""
    return get_object_or_404(
        User.objects.filter(is_active=True)
        .select_related("profile")
        .prefetch_related(
            Prefetch(
                "profile__interests",
                queryset=Category.objects.select_related("parent"),
            )
        ),
        pk=user_id,
    )


def interest_choices() -> QuerySet[Category]:
    """Top-level categories, each with its children, for the interest pickers."""
    return Category.objects.filter(parent__isnull=True).prefetch_related("children")


def creator_application_latest(*, user: User) -> CreatorApplication | None:
    return CreatorApplication.objects.filter(user=user).order_by("-created_at").first()


def signups_by_day(*, start, end) -> dict:
    """Accounts created in [start, end) per local day."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate
    from django.utils import timezone

    rows = (
        User.objects.filter(date_joined__gte=start, date_joined__lt=end)
        .annotate(day=TruncDate("date_joined", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["day"]: row["n"] for row in rows}


def signups_by_month() -> dict:
    """Accounts created per local month (first day of the month → count)."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    rows = (
        User.objects.annotate(
            month=TruncMonth("date_joined", tzinfo=timezone.get_current_timezone())
        )
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["month"]: row["n"] for row in rows}


def users_by_handles(handles: Iterable[str]) -> dict[str, User]:
    """Active accounts by lower-case handle: each handle names at most one."""
    wanted = {handle.lower() for handle in handles if handle}
    if not wanted:
        return {}
    users = (
        User.objects.filter(is_active=True)
        .annotate(handle_lower=Lower("profile__handle"))
        .filter(handle_lower__in=wanted)
        .select_related("profile")
    )
    return {user.handle_lower: user for user in users}


#: How many accounts the mention autocomplete offers at once.
HANDLE_SUGGESTIONS = 8


def handle_suggestions(*, query: str, exclude_user_id: int | None = None) -> list:
    """Accounts whose handle starts with, or whose name contains, `query`.

    Handles that start with the query come first, then shorter handles.
    """
    # Control characters (a NUL is refused by PostgreSQL) cannot be in a handle.
    query = "".join(ch for ch in query if ch.isprintable()).strip().lstrip("@")[:30]
    if not query:
        return []
    profiles = (
        Profile.objects.filter(user__is_active=True)
        .exclude(handle="")
        .filter(Q(handle__istartswith=query) | Q(display_name__icontains=query))
        .exclude(user_id=exclude_user_id)
        .only("user_id", "handle", "display_name", "avatar")
        .order_by("handle")[:50]
    )
    lowered = query.lower()
    ranked = sorted(
        profiles,
        key=lambda p: (not p.handle.lower().startswith(lowered), len(p.handle)),
    )
    return ranked[:HANDLE_SUGGESTIONS]


def creator_applications_pending_count() -> int:
    """Creator applications waiting for staff (the admin console's queue)."""
    return CreatorApplication.objects.filter(
        status=CreatorApplication.Status.PENDING
    ).count()


def signups_since_count(*, since) -> int:
    return User.objects.filter(date_joined__gte=since).count()
