"""Thin views: validate with a form, call one service or selector, render."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.money import format_money
from core.pagecache import anonymous_page_cache
from courses import selectors as course_selectors
from learning.access import can_open_course

from . import selectors, services
from .forms import ChallengeForm, ExpertApplicationForm, QualityReviewForm, RedeemForm
from .models import (
    Challenge,
    ChallengeParticipant,
    ExpertAttachment,
    QualityReview,
)


@require_safe
def badges(request):
    mine = set()
    if request.user.is_authenticated:
        mine = set(request.user.badge_awards.values_list("badge_id", flat=True))
    return render(
        request,
        "rewards/badges.html",
        {"badges": selectors.badge_catalogue(), "mine": mine},
    )


@anonymous_page_cache(groups=["rewards"])
@require_safe
def leaderboard(request):
    period = request.GET.get("period", "week")
    if period not in selectors.PERIODS:
        period = "week"
    categories = list(course_selectors.top_categories())
    category = next(
        (c for c in categories if c.slug == request.GET.get("category")), None
    )
    rows = selectors.leaderboard(
        period=period, category_id=category.pk if category else None, limit=20
    )
    selectors.attach_badges([row["user"] for row in rows])
    levels = selectors.learner_levels_for([row["user"].pk for row in rows])
    for row in rows:
        row["learner_level"] = levels.get(row["user"].pk)
    return render(
        request,
        "rewards/leaderboard.html",
        {
            "rows": rows,
            "period": period,
            "periods": [
                ("week", _("This week")),
                ("month", _("This month")),
                ("all", _("All time")),
            ],
            "categories": categories,
            "category": category,
            "top_creators": selectors.top_creators(limit=10),
        },
    )


@login_required
@require_safe
def my_points(request):
    rate = selectors.redemption_rate()
    return render(
        request,
        "rewards/my_points.html",
        {
            "balance": selectors.balance_of(request.user.pk),
            "entries": selectors.user_entries(request.user.pk, limit=50),
            "rate": rate,
            "form": RedeemForm(initial={"points": rate.min_points}),
            "redemptions": request.user.redemptions.all()[:10],
            "level": selectors.creator_level_of(request.user.pk),
        },
    )


@login_required
@require_POST
def redeem(request):
    form = RedeemForm(request.POST)
    if form.is_valid():
        try:
            redemption = services.redemption_create(
                user=request.user, points=form.cleaned_data["points"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Redeemed %(points)s points for a coupon worth %(amount)s.")
                % {
                    "points": redemption.points,
                    "amount": format_money(redemption.amount),
                },
            )
    else:
        messages.error(request, _("Enter a whole number of points."))
    return redirect("rewards:my_points")


@require_safe
def challenges(request):
    today = timezone.localdate()
    items = (
        Challenge.objects.filter(is_active=True)
        .select_related("course", "badge")
        .order_by("-starts_on")
    )
    running = [c for c in items[:100] if c.ends_on >= today]
    return render(request, "rewards/challenges.html", {"challenges": running})


@require_safe
def challenge_detail(request, pk):
    challenge = get_object_or_404(
        Challenge.objects.select_related("course", "badge"), pk=pk
    )
    participant = None
    if request.user.is_authenticated:
        participant = ChallengeParticipant.objects.filter(
            challenge=challenge, user=request.user
        ).first()
    board = selectors.challenge_leaderboard(challenge)
    selectors.attach_badges([p.user for p in board])
    return render(
        request,
        "rewards/challenge_detail.html",
        {
            "challenge": challenge,
            "participant": participant,
            "can_join": request.user.is_authenticated
            and can_open_course(request.user, challenge.course),
            "board": board,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def challenge_join(request, pk):
    challenge = get_object_or_404(Challenge, pk=pk)
    try:
        services.challenge_join(user=request.user, challenge=challenge)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("You joined. Complete a lesson of the course each day.")
        )
    return redirect(challenge)


@login_required
def challenge_create(request):
    if not request.user.is_creator:
        messages.error(request, _("Only creators can set up check-in challenges."))
        return redirect("rewards:challenges")
    form = ChallengeForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.challenge_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Challenge created."))
            return redirect(challenge)
    return render(request, "rewards/challenge_form.html", {"form": form})


@login_required
def expert_apply(request):
    applications = request.user.expert_applications.select_related("field")[:5]
    form = ExpertApplicationForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.expert_application_submit(
                user=request.user,
                field=data["field"],
                title=data["title"],
                credentials=data["credentials"],
                files=data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Application sent. Staff will review it and tell you.")
            )
            return redirect("rewards:expert_apply")
    return render(
        request,
        "rewards/expert_apply.html",
        {
            "form": form,
            "applications": applications,
            "is_expert": selectors.is_certified_expert(request.user),
        },
    )


@staff_member_required
@require_safe
def expert_attachment(request, pk):
    attachment = get_object_or_404(ExpertAttachment, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)


@login_required
def quality_review(request, course_id):
    course = course_selectors.published_course_or_404(course_id)
    if not selectors.is_certified_expert(request.user):
        messages.error(request, _("Only certified experts can write quality reviews."))
        return redirect("rewards:expert_apply")
    existing = QualityReview.objects.filter(course=course, expert=request.user).first()
    form = QualityReviewForm(
        request.POST if request.method == "POST" else None, instance=existing
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.quality_review_save(
                    expert=request.user,
                    course=course,
                    accuracy=data["accuracy"],
                    depth=data["depth"],
                    clarity=data["clarity"],
                    practicality=data["practicality"],
                    comment=data["comment"],
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: your review is saved."))
            try:
                return redirect(course.get_absolute_url())
            except NoReverseMatch:  # the courses pages have not landed yet
                return redirect("rewards:leaderboard")
    return render(
        request, "rewards/quality_review.html", {"form": form, "course": course}
    )
