"""Every user has a profile, however the account was made (sign-up, admin, shell)."""

from allauth.account.signals import user_signed_up
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation

from core.signals import language_chosen

from . import services
from .models import Profile, User


@receiver(post_save, sender=User, dispatch_uid="accounts.profile_for_new_user")
def create_profile(sender, instance: User, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(language_chosen, dispatch_uid="accounts.remember_language")
def remember_language(sender, request, language: str, **kwargs):
    services.profile_set_language(user=request.user, language=language)


@receiver(user_signed_up, dispatch_uid="accounts.language_at_signup")
def language_at_signup(sender, request, user: User, **kwargs):
    """The verification email is in the page's language; so are later ones."""
    services.profile_set_language(user=user, language=translation.get_language())
