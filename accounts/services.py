"""Writes about people: profiles, interests, creator applications, deactivation."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events
from core.decisions import (
    DecisionStatus,
    decision_lock_pending,
    decision_record,
    decision_submit,
    rejection_reason_clean,
)
from core.tasks import enqueue
from courses.models import Category

from .handles import DEFAULT_HANDLE_RE, default_handle, is_valid_handle
from .models import CreatorApplication, Profile, User


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    bio: str,
    personalization_enabled: bool,
    interests: Iterable[Category] | None = None,
    avatar: ContentFile | None = None,
    remove_avatar: bool = False,
    handle: str | None = None,
) -> Profile:
    """Change the public profile; `avatar` is an already processed image.

    ValidationError (code ``handle``) when the handle is malformed or taken.
    """
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    if handle is not None and handle.strip() != profile.handle:
        profile.handle = handle_check(user=user, handle=handle)
    old_avatar = profile.avatar.name if profile.avatar else ""
    profile.display_name = display_name.strip()
    profile.bio = bio.strip()
    profile.personalization_enabled = personalization_enabled
    if avatar is not None:
        profile.avatar.save(avatar.name, avatar, save=False)
    elif remove_avatar:
        profile.avatar = ""
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as error:  # taken between the check and the save
        raise _handle_taken() from error
    if interests is not None:
        profile.interests.set(interests)
    new_avatar = profile.avatar.name if profile.avatar else ""
    if old_avatar and old_avatar != new_avatar:
        storage = profile.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return profile


def _handle_taken() -> ValidationError:
    return ValidationError(
        _("This handle is taken. Choose another one."), code="handle"
    )


def handle_check(*, user: User, handle: str) -> str:
    """The handle as it will be stored, or ValidationError saying what is wrong."""
    handle = handle.strip().lstrip("@")
    if not is_valid_handle(handle):
        raise ValidationError(
            _(
                "A handle is 2 to 30 letters, digits, “_”, “.” or “-”, starting "
                "and ending with a letter or digit."
            ),
            code="handle",
        )
    if DEFAULT_HANDLE_RE.match(handle) and handle.lower() != default_handle(user.pk):
        raise ValidationError(
            _("Handles of the form user<number> are reserved for new accounts."),
            code="handle",
        )
    if Profile.objects.filter(handle__iexact=handle).exclude(user_id=user.pk).exists():
        raise _handle_taken()
    return handle


@transaction.atomic
def profile_set_interests(
    *, user: User, categories: Iterable[Category], display_name: str = ""
) -> Profile:
    """Onboarding: store the chosen interests (and a display name, when one is
    given: empty keeps the current one) and mark onboarding as done."""
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile.interests.set(categories)
    changed = []
    if display_name.strip() and display_name.strip() != profile.display_name:
        profile.display_name = display_name.strip()
        changed.append("display_name")
    if profile.onboarded_at is None:
        profile.onboarded_at = timezone.now()
        changed.append("onboarded_at")
    if changed:
        profile.save(update_fields=changed)
    return profile


@transaction.atomic
def creator_application_submit(
    *, user: User, motivation: str, expertise: str, sample_url: str = ""
) -> CreatorApplication:
    """A learner asks to become a creator (one open application at a time)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_creator:
        raise ValidationError(_("You are a creator already."), code="already_creator")
    return decision_submit(
        CreatorApplication,
        user=user,
        already_pending=_("Your application is already waiting for a decision."),
        motivation=motivation.strip(),
        expertise=expertise.strip(),
        sample_url=sample_url.strip(),
    )


def _lock_pending(application: CreatorApplication) -> CreatorApplication:
    return decision_lock_pending(
        CreatorApplication,
        pk=application.pk,
        already_decided=_("This application was already decided."),
    )


@transaction.atomic
def creator_application_approve(
    *, application: CreatorApplication, decided_by: User
) -> CreatorApplication:
    """Staff approve: the applicant becomes a creator and is told so."""
    application = _lock_pending(application)
    user = User.objects.select_for_update().get(pk=application.user_id)
    decision_record(application, by=decided_by, status=DecisionStatus.APPROVED)
    if user.role == User.Role.LEARNER:
        user.role = User.Role.CREATOR
        user.save(update_fields=["role"])
    events.send_on_commit(events.creator_approved, sender=User, user_id=user.pk)
    _email_on_commit(application.pk)
    return application


@transaction.atomic
def creator_application_reject(
    *, application: CreatorApplication, decided_by: User, reason: str
) -> CreatorApplication:
    """Staff reject with a reason that the applicant reads."""
    reason = rejection_reason_clean(
        reason, missing=_("Give a reason for the rejection.")
    )
    application = _lock_pending(application)
    decision_record(
        application, by=decided_by, status=DecisionStatus.REJECTED, reason=reason
    )
    _email_on_commit(application.pk)
    return application


def _email_on_commit(application_id: int) -> None:
    from .tasks import creator_application_notify

    enqueue(creator_application_notify, application_id=application_id)


@transaction.atomic
def user_deactivate(*, user: User, by: User | None = None) -> bool:
    """Block a user from logging in; returns False when already inactive."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_active:
        return False
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    return True


def profile_set_language(*, user: User, language: str) -> None:
    """Remember the language a person reads in (an unknown code is ignored)."""
    if language not in dict(settings.LANGUAGES):
        return
    Profile.objects.filter(user=user).exclude(language=language).update(
        language=language
    )
