"""Every user has a profile, however the account was made (sign-up, admin, shell)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Profile, User


@receiver(post_save, sender=User, dispatch_uid="accounts.profile_for_new_user")
def create_profile(sender, instance: User, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
