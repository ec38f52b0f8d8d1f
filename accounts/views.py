"""Profile pages, onboarding and the creator application; thin views."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from core.cards import cards_annotate
from core.params import parse_ids
from core.redirects import safe_next

from . import selectors, services
from .forms import CreatorApplicationForm, OnboardingForm, ProfileForm


def _safe_next(request, default: str) -> str:
    return safe_next(request, default)


@require_safe
def profile(request, user_id: int):
    """Public profile: name, avatar, bio, interests, and other apps' blocks."""
    profile_user = selectors.public_profile_user(user_id=user_id)
    return render(
        request,
        "accounts/profile.html",
        {
            "profile_user": profile_user,
            "profile": getattr(profile_user, "profile", None),
            "is_own": request.user.pk == profile_user.pk,
        },
    )


@login_required
def profile_edit(request):
    profile = selectors.profile_for(user=request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.profile_update(
                    user=request.user,
                    display_name=data["display_name"],
                    bio=data["bio"],
                    personalization_enabled=data["personalization_enabled"],
                    interests=data["interests"],
                    avatar=data["avatar"] or None,
                    remove_avatar=data["avatar"] is False,
                    handle=data["handle"] or None,
                )
            except ValidationError as error:
                form.add_error("handle", error)
            else:
                messages.success(request, _("Your profile was saved."))
                return redirect("accounts:profile_edit")
    else:
        form = ProfileForm(
            initial={
                "display_name": profile.display_name,
                "handle": profile.handle,
                "bio": profile.bio,
                "interests": selectors.profile_interests(profile=profile),
                "personalization_enabled": profile.personalization_enabled,
                "avatar": profile.avatar or None,
            }
        )
    return render(
        request, "accounts/profile_edit.html", {"form": form, "profile": profile}
    )


@login_required
def onboarding(request):
    """Right after sign-up: a display name (optional) and interests for
    cold-start recommendations."""
    done_url = _safe_next(request, "/")
    profile = selectors.profile_for(user=request.user)
    if request.method == "POST":
        if "skip" in request.POST:
            services.profile_set_interests(user=request.user, categories=[])
            return redirect(done_url)
        form = OnboardingForm(request.POST)
        if form.is_valid():
            services.profile_set_interests(
                user=request.user,
                categories=form.cleaned_data["interests"],
                display_name=form.cleaned_data["display_name"],
            )
            messages.success(
                request, _("Thank you! We will suggest courses on these topics.")
            )
            return redirect(done_url)
    else:
        form = OnboardingForm(
            initial={
                "display_name": profile.display_name,
                "interests": selectors.profile_interests(profile=profile),
            }
        )
    if form.is_bound:
        selected = set(parse_ids(request.POST.getlist("interests"), limit=100))
    else:
        selected = {c.pk for c in form.initial["interests"]}
    return render(
        request,
        "accounts/onboarding.html",
        {
            "form": form,
            "selected": selected,
            "categories": selectors.interest_choices(),
            "next": done_url,
        },
    )


@login_required
def creator_apply(request):
    latest = selectors.creator_application_latest(user=request.user)
    can_apply = not request.user.is_creator and (
        latest is None or latest.status != latest.Status.PENDING
    )
    form = (
        CreatorApplicationForm(request.POST if request.method == "POST" else None)
        if can_apply
        else None
    )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.creator_application_submit(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Thank you! Our team will review your application soon."),
            )
            return redirect("accounts:creator_apply")
    return render(
        request,
        "accounts/creator_apply.html",
        {"form": form, "latest": latest, "can_apply": can_apply},
    )


@login_required
@require_GET
def handle_search(request):
    """Accounts to mention while typing `@li…` (JSON for static/js/mentions.js)."""
    profiles = selectors.handle_suggestions(
        query=request.GET.get("q", ""), exclude_user_id=request.user.pk
    )
    # Other apps' short labels for each person (rewards: the learner level),
    # one batch for the list (core.cards, kind "person": objects with a user pk).
    people = [SimpleNamespace(pk=profile.user_id) for profile in profiles]
    cards_annotate(kind="person", user=request.user, objects=people)
    return JsonResponse(
        {
            "results": [
                {
                    "handle": profile.handle,
                    "name": profile.display_name or profile.handle,
                    "url": reverse("accounts:profile", args=[profile.user_id]),
                    "labels": getattr(person, "person_labels", []),
                }
                for profile, person in zip(profiles, people, strict=True)
            ]
        }
    )
