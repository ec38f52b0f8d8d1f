"""Reads of the live app, used by pages, the API, the admin and other apps.

Every list reads a bounded number of rows in a constant number of queries.
`upcoming_lectures()` is the hook other apps (recommendations) use to find
lectures to suggest.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from . import experts
from .models import (
    LIVE_BOOKING_STATES,
    AnswerRead,
    Availability,
    Booking,
    ExpertProfile,
    LiveLecture,
    PaidQuestion,
    Slot,
    Ticket,
    seat_holding_q,
)


def with_seats(queryset: QuerySet[LiveLecture], now=None) -> QuerySet[LiveLecture]:
    taken = seat_holding_q(now, prefix="tickets__")
    return queryset.annotate(seats_taken=Count("tickets", filter=taken, distinct=True))


def seat_counts(lecture_ids, *, now=None) -> dict[int, int]:
    """Seats taken per lecture, in one query."""
    rows = (
        Ticket.objects.filter(lecture_id__in=list(lecture_ids))
        .filter(seat_holding_q(now))
        .values("lecture_id")
        .annotate(n=Count("pk"))
    )
    return {row["lecture_id"]: row["n"] for row in rows}


def lecture_queryset() -> QuerySet[LiveLecture]:
    return LiveLecture.objects.select_related("creator__profile", "category")


def upcoming_lectures(
    *,
    category=None,
    day_from: date | None = None,
    day_to: date | None = None,
    price: str = "",
    featured_first: bool = True,
    now=None,
) -> QuerySet[LiveLecture]:
    """Scheduled lectures that have not ended, soonest first, with `seats_taken`.

    `price` is "free" or "paid"; days are in the active time zone.
    """
    now = now or timezone.now()
    queryset = lecture_queryset().filter(
        status=LiveLecture.Status.SCHEDULED, ends_at__gt=now
    )
    if category is not None:
        queryset = queryset.filter(Q(category=category) | Q(category__parent=category))
    zone = timezone.get_current_timezone()
    if day_from:
        queryset = queryset.filter(
            starts_at__gte=datetime.combine(day_from, datetime.min.time(), tzinfo=zone)
        )
    if day_to:
        queryset = queryset.filter(
            starts_at__lt=datetime.combine(
                day_to + timedelta(days=1), datetime.min.time(), tzinfo=zone
            )
        )
    if price == "free":
        queryset = queryset.filter(price__lte=0)
    elif price == "paid":
        queryset = queryset.filter(price__gt=0)
    order = ["starts_at", "pk"]
    if featured_first:
        order = ["-is_featured", *order]
    return with_seats(queryset, now).order_by(*order)


def past_lectures(*, limit: int = 12, now=None) -> list[LiveLecture]:
    """Lectures that took place, latest first (with or without a replay)."""
    now = now or timezone.now()
    return list(
        lecture_queryset()
        .filter(status=LiveLecture.Status.SCHEDULED, starts_at__lte=now)
        .order_by("-starts_at", "-pk")[:limit]
    )


def lecture_for_page(pk: int) -> LiveLecture:
    """The lecture with `seats_taken`; raises LiveLecture.DoesNotExist."""
    return with_seats(lecture_queryset().filter(pk=pk)).get()


def user_ticket(user, lecture: LiveLecture) -> Ticket | None:
    """The user's active or held ticket for `lecture`."""
    if not user.is_authenticated:
        return None
    return (
        Ticket.objects.filter(
            lecture=lecture,
            user=user,
            status__in=[Ticket.Status.ACTIVE, Ticket.Status.HELD],
        )
        .order_by("-pk")
        .first()
    )


def my_tickets(user, *, upcoming_only: bool = False) -> QuerySet[Ticket]:
    queryset = (
        Ticket.objects.filter(user=user, status=Ticket.Status.ACTIVE)
        .select_related("lecture__creator__profile", "lecture__category")
        .order_by("lecture__starts_at", "pk")
    )
    if upcoming_only:
        queryset = queryset.filter(lecture__ends_at__gt=timezone.now())
    return queryset


def _booking_queryset() -> QuerySet[Booking]:
    return Booking.objects.select_related(
        "slot__expert__user__profile", "learner__profile"
    )


def my_bookings(user) -> QuerySet[Booking]:
    """The learner's bookings that were paid (not holds that ran out)."""
    return (
        _booking_queryset()
        .filter(learner=user)
        .exclude(status__in=[Booking.Status.HELD, Booking.Status.EXPIRED])
        .order_by("slot__starts_at", "pk")
    )


def expert_bookings(user) -> QuerySet[Booking]:
    """Bookings of the expert's slots that were paid."""
    return (
        _booking_queryset()
        .filter(slot__expert__user=user)
        .exclude(status__in=[Booking.Status.HELD, Booking.Status.EXPIRED])
        .order_by("slot__starts_at", "pk")
    )


def booking_for_page(pk: int) -> Booking:
    return _booking_queryset().get(pk=pk)


# --- experts --------------------------------------------------------------------------------


def _held_by_a_booking(now) -> Exists:
    """The slot (OuterRef "pk") is asked, confirmed or held for a live payment."""
    return Exists(
        Booking.objects.filter(slot=OuterRef("pk")).filter(
            Q(status__in=[Booking.Status.REQUESTED, Booking.Status.CONFIRMED])
            | (
                Q(status=Booking.Status.HELD)
                & (Q(hold_expires_at__isnull=True) | Q(hold_expires_at__gt=now))
            )
        )
    )


def _free(queryset: QuerySet[Slot], now) -> QuerySet[Slot]:
    return queryset.filter(status=Slot.Status.OPEN, starts_at__gt=now).exclude(
        _held_by_a_booking(now)
    )


def free_slots(expert: ExpertProfile, *, limit: int = 200, now=None) -> list[Slot]:
    now = now or timezone.now()
    return list(
        _free(Slot.objects.filter(expert=expert), now).order_by("starts_at", "pk")[
            :limit
        ]
    )


def experts_directory(*, topic=None, now=None) -> QuerySet[ExpertProfile]:
    """Listed, certified experts, those with free slots first."""
    now = now or timezone.now()
    certified = experts.certified_user_ids()
    if certified is None:
        return ExpertProfile.objects.none()
    queryset = ExpertProfile.objects.filter(
        is_listed=True, user_id__in=certified
    ).select_related("user__profile")
    if topic is not None:
        queryset = queryset.filter(Q(topics=topic) | Q(topics__parent=topic)).distinct()
    has_free = Exists(_free(Slot.objects.filter(expert=OuterRef("pk")), now))
    return queryset.annotate(has_free=has_free).order_by(
        "-has_free", "-rating_count", "pk"
    )


def attach_next_slots(profiles: list[ExpertProfile], *, per_expert: int = 3, now=None):
    """Set `next_slots` (the first free slots) on each profile: one query."""
    now = now or timezone.now()
    by_expert: dict[int, list[Slot]] = {p.pk: [] for p in profiles}
    if profiles:
        ranked = _free(
            Slot.objects.filter(expert_id__in=list(by_expert)), now
        ).annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("expert_id")],
                order_by=[F("starts_at").asc(), F("pk").asc()],
            )
        )
        for slot in ranked.filter(rank__lte=per_expert).order_by(
            "expert_id", "starts_at"
        ):
            by_expert[slot.expert_id].append(slot)
    for profile in profiles:
        profile.next_slots = by_expert.get(profile.pk, [])
        for slot in profile.next_slots:
            slot.expert = profile  # no query per slot for the expert's zone
    return profiles


def expert_slots_overview(expert: ExpertProfile, *, limit: int = 100, now=None):
    """The expert's open future slots, each with `booked` (a live booking)."""
    now = now or timezone.now()
    return list(
        Slot.objects.filter(expert=expert, status=Slot.Status.OPEN, starts_at__gt=now)
        .annotate(booked=_held_by_a_booking(now))
        .order_by("starts_at", "pk")[:limit]
    )


def _count(slots: QuerySet[Slot]) -> Coalesce:
    per = slots.order_by().values("availability").annotate(n=Count("pk"))
    return Coalesce(Subquery(per.values("n")[:1]), 0)


def expert_availabilities_overview(expert: ExpertProfile, *, limit: int = 50, now=None):
    """The expert's publications with open future slots (`upcoming`, `booked`,
    `unbooked`: what withdrawing takes off, `next_start`), in one query."""
    now = now or timezone.now()
    upcoming = Slot.objects.filter(
        availability=OuterRef("pk"), status=Slot.Status.OPEN, starts_at__gt=now
    )
    return list(
        Availability.objects.filter(expert=expert)
        .annotate(
            upcoming=_count(upcoming),
            booked=_count(upcoming.filter(_held_by_a_booking(now))),
            next_start=Subquery(upcoming.order_by("starts_at").values("starts_at")[:1]),
        )
        .filter(upcoming__gt=0)
        .annotate(unbooked=F("upcoming") - F("booked"))
        .order_by("first_day", "pk")[:limit]
    )


def expert_for_page(pk: int) -> ExpertProfile:
    return (
        ExpertProfile.objects.select_related("user__profile")
        .prefetch_related("topics")
        .get(pk=pk)
    )


def expert_profile_of(user) -> ExpertProfile | None:
    if not user.is_authenticated:
        return None
    return ExpertProfile.objects.filter(user=user).first()


def expert_ratings(expert_user_id: int) -> dict:
    """Count and mean of the ratings an expert's sessions got (for rewards)."""
    from django.db.models import Avg

    row = Booking.objects.filter(
        slot__expert__user_id=expert_user_id, rating__isnull=False
    ).aggregate(count=Count("pk"), mean=Avg("rating"))
    return {"count": row["count"] or 0, "mean": row["mean"]}


# --- schedules ---------------------------------------------------------------------------------


@dataclasses.dataclass
class ScheduleEntry:
    kind: str  # "lecture" (a ticket or my own lecture) or "consultation"
    role: str  # "attendee", "host", "learner", "expert"
    title: str
    starts_at: datetime
    ends_at: datetime
    url: str
    status: str
    lecture: LiveLecture | None = None
    booking: Booking | None = None


def my_schedule(user, *, now=None, limit: int = 50) -> list[ScheduleEntry]:
    """What the user attends or hosts from now on, soonest first (4 queries)."""
    now = now or timezone.now()
    since = now - timedelta(hours=2)
    entries: list[ScheduleEntry] = []
    for ticket in my_tickets(user).filter(
        lecture__ends_at__gt=since, lecture__status=LiveLecture.Status.SCHEDULED
    )[:limit]:
        lecture = ticket.lecture
        entries.append(
            ScheduleEntry(
                "lecture",
                "attendee",
                lecture.title,
                lecture.starts_at,
                lecture.ends_at,
                lecture.get_absolute_url(),
                ticket.status,
                lecture,
            )
        )
    for lecture in (
        lecture_queryset()
        .filter(creator=user, status=LiveLecture.Status.SCHEDULED, ends_at__gt=since)
        .order_by("starts_at")[:limit]
    ):
        entries.append(
            ScheduleEntry(
                "lecture",
                "host",
                lecture.title,
                lecture.starts_at,
                lecture.ends_at,
                lecture.get_absolute_url(),
                lecture.status,
                lecture,
            )
        )
    live = [Booking.Status.REQUESTED, Booking.Status.CONFIRMED]
    for role, queryset in (
        ("learner", my_bookings(user)),
        ("expert", expert_bookings(user)),
    ):
        for booking in queryset.filter(status__in=live, slot__ends_at__gt=since)[
            :limit
        ]:
            entries.append(
                ScheduleEntry(
                    "consultation",
                    role,
                    "",
                    booking.slot.starts_at,
                    booking.slot.ends_at,
                    booking.get_absolute_url(),
                    booking.status,
                    booking=booking,
                )
            )
    entries.sort(key=lambda e: (e.starts_at, e.kind))
    return entries[:limit]


def day_schedule(day: date) -> dict:
    """Everything live on `day` (in the active zone), for staff."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    end = start + timedelta(days=1)
    lectures = list(
        with_seats(
            lecture_queryset().filter(starts_at__gte=start, starts_at__lt=end)
        ).order_by("starts_at", "pk")[:200]
    )
    bookings = list(
        _booking_queryset()
        .filter(slot__starts_at__gte=start, slot__starts_at__lt=end)
        .filter(status__in=LIVE_BOOKING_STATES)
        .order_by("slot__starts_at", "pk")[:200]
    )
    return {"day": day, "lectures": lectures, "bookings": bookings}


def cancelled_lecture_ids_with_tickets(*, limit: int = 50) -> list[int]:
    """Cancelled lectures whose tickets are still active or held (to refund)."""
    return list(
        Ticket.objects.filter(
            lecture__status=LiveLecture.Status.CANCELLED,
            status__in=[Ticket.Status.ACTIVE, Ticket.Status.HELD],
        )
        .order_by("lecture_id")
        .values_list("lecture_id", flat=True)
        .distinct()[:limit]
    )


# --- paid questions -----------------------------------------------------------------------


def _question_queryset() -> QuerySet[PaidQuestion]:
    return PaidQuestion.objects.select_related(
        "expert__user__profile", "asker__profile"
    )


def question_for_page(pk: int) -> PaidQuestion:
    return _question_queryset().get(pk=pk)


def experts_taking_questions() -> QuerySet[ExpertProfile]:
    """Listed, certified experts with a question price, most answers first."""
    certified = experts.certified_user_ids()
    if certified is None:
        return ExpertProfile.objects.none()
    answered = Count(
        "questions",
        filter=Q(questions__answered_at__isnull=False),
    )
    return (
        ExpertProfile.objects.filter(
            is_listed=True, user_id__in=certified, question_price__gt=0
        )
        .select_related("user__profile")
        .annotate(answered_count=answered)
        .order_by("-answered_count", "pk")
    )


def public_questions(*, expert: ExpertProfile | None = None) -> QuerySet[PaidQuestion]:
    """Accepted questions their askers made public (newest first)."""
    queryset = _question_queryset().filter(
        is_public=True, status=PaidQuestion.Status.ACCEPTED
    )
    if expert is not None:
        queryset = queryset.filter(expert=expert)
    return queryset.annotate(
        read_count=Count("reads", filter=Q(reads__status=AnswerRead.Status.ACTIVE))
    ).order_by("-made_public_at", "-pk")


def questions_asked_by(user) -> QuerySet[PaidQuestion]:
    return (
        _question_queryset()
        .filter(asker=user)
        .exclude(status=PaidQuestion.Status.CANCELLED)
        .order_by("-created_at", "-pk")
    )


def questions_to_answer(user) -> QuerySet[PaidQuestion]:
    """Paid questions to this expert: waiting ones first, by deadline."""
    waiting = Q(status=PaidQuestion.Status.OPEN)
    return (
        _question_queryset()
        .filter(expert__user=user)
        .exclude(status__in=[PaidQuestion.Status.UNPAID, PaidQuestion.Status.CANCELLED])
        .annotate(waiting=Count("pk", filter=waiting))
        .order_by("-waiting", "answer_by", "-pk")
    )


def expert_question_stats(expert: ExpertProfile) -> dict:
    """Answered and unanswered questions, the response rate (%) and the price."""
    row = PaidQuestion.objects.filter(expert=expert).aggregate(
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        expired=Count("pk", filter=Q(status=PaidQuestion.Status.EXPIRED)),
    )
    due = row["answered"] + row["expired"]
    return {
        "answered": row["answered"],
        "expired": row["expired"],
        "response_rate": round(100 * row["answered"] / due) if due else None,
        "price": expert.question_price,
    }


def bought_answers(user, question_ids: list[int]) -> set[int]:
    """Which of these public answers `user` paid to read."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        AnswerRead.objects.filter(
            user=user, question_id__in=question_ids, status=AnswerRead.Status.ACTIVE
        ).values_list("question_id", flat=True)
    )


# --- suggestions (recommendations' home feed) --------------------------------------


def _in_categories(category_ids, prefix: str = "") -> Q | None:
    ids = [int(c) for c in category_ids or ()]
    if not ids:
        return None
    return Q(**{f"{prefix}category_id__in": ids}) | Q(
        **{f"{prefix}category__parent_id__in": ids}
    )


def _flag(condition: Q | None):
    from django.db.models import BooleanField, Case, Value, When

    if condition is None:
        return Value(False, output_field=BooleanField())
    return Case(
        When(condition, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def lectures_to_suggest(
    *, user=None, category_ids=(), creator_ids=(), limit: int = 6, now=None
) -> list[LiveLecture]:
    """Upcoming lectures that still sell tickets, for a learner's home feed.

    Scheduled (never cancelled), not started, a seat left, by an active
    account; not the viewer's own nor one they hold a ticket for. Flagged
    `in_interest` (a category of `category_ids` or a child) and
    `by_known_creator` (`creator_ids`), those first, then soonest. One query,
    at most `limit` rows.
    """
    now = now or timezone.now()
    queryset = upcoming_lectures(featured_first=False, now=now).filter(
        starts_at__gt=now, creator__is_active=True, seats_taken__lt=F("capacity")
    )
    if getattr(user, "is_authenticated", False):
        mine = Ticket.objects.filter(seat_holding_q(now), lecture=OuterRef("pk"))
        queryset = queryset.exclude(creator=user).exclude(
            Exists(mine.filter(user=user))
        )
    creators = [int(c) for c in creator_ids or ()]
    queryset = queryset.annotate(
        in_interest=_flag(_in_categories(category_ids)),
        by_known_creator=_flag(Q(creator_id__in=creators) if creators else None),
    )
    return list(
        queryset.order_by(
            "-by_known_creator", "-in_interest", "-is_featured", "starts_at", "pk"
        )[:limit]
    )


def experts_to_suggest(
    *, user=None, category_ids=(), creator_ids=(), limit: int = 6, now=None
) -> list[ExpertProfile]:
    """Certified experts who answer paid questions or have a free slot.

    Listed and certified (`experts_directory`), an active account, not the
    viewer. Flagged `topic_match` (a topic in `category_ids` or a child of
    one) and `by_known_creator`; those first, then by ratings. Topics are
    prefetched (two queries in all, `limit` rows).
    """
    from django.db.models import Prefetch

    from courses.models import Category

    queryset = (
        experts_directory(now=now)
        .filter(Q(question_price__gt=0) | Q(has_free=True), user__is_active=True)
        .prefetch_related(
            Prefetch("topics", queryset=Category.objects.select_related("parent"))
        )
    )
    if getattr(user, "is_authenticated", False):
        queryset = queryset.exclude(user=user)
    topics = _in_categories(category_ids)
    match = None
    if topics is not None:
        through = ExpertProfile.topics.through.objects.filter(
            expertprofile_id=OuterRef("pk")
        ).filter(_in_categories(category_ids))
        match = Q(Exists(through))
    creators = [int(c) for c in creator_ids or ()]
    queryset = queryset.annotate(
        topic_match=_flag(match),
        by_known_creator=_flag(Q(user_id__in=creators) if creators else None),
    )
    return list(
        queryset.order_by(
            "-by_known_creator", "-topic_match", "-has_free", "-rating_count", "pk"
        )[:limit]
    )
