"""Every user has a profile, however the account was made (sign-up, admin, shell);
an account deactivated or reactivated makes the pages that hide such accounts'
work stale."""

from allauth.account.signals import user_signed_up
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import translation

from core.pagecache import bump_on_commit
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


#: The page-cache group of accounts shown or hidden: an account deactivated or
#: reactivated, a suspension that starts or ends (community bumps it too).
#: Pages that leave such people's work out read it (the home feed).
ACCOUNTS_GROUP = "accounts"
_ACTIVE_BEFORE = "_accounts_active_before"


@receiver(pre_save, sender=User, dispatch_uid="accounts.active_before")
def active_before(sender, instance: User, raw: bool = False, **kwargs):
    """What `is_active` was in the database (one query, for saves that may
    write it: not a login's `last_login`); an instance's own copy may be
    older than the row."""
    update_fields = kwargs.get("update_fields")
    if (
        raw
        or instance._state.adding
        or (update_fields is not None and "is_active" not in update_fields)
    ):
        return
    instance.__dict__[_ACTIVE_BEFORE] = (
        User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    )


@receiver(post_save, sender=User, dispatch_uid="accounts.active_changed")
def active_changed(sender, instance: User, **kwargs):
    """An account deactivated or reactivated with save() (`user_deactivate`,
    the admin): the pages that hide inactive accounts' work render afresh.
    A write of `is_active` with an UPDATE would have to bump the group itself
    (none does)."""
    if _ACTIVE_BEFORE not in instance.__dict__:
        return  # created, or a save that does not write it
    if instance.__dict__.pop(_ACTIVE_BEFORE) != instance.is_active:
        bump_on_commit(ACCOUNTS_GROUP)


@receiver(post_delete, sender=User, dispatch_uid="accounts.deleted")
def account_deleted(sender, instance: User, **kwargs):
    bump_on_commit(ACCOUNTS_GROUP)


@receiver(post_save, sender=User, dispatch_uid="accounts.forget_session_user_saved")
@receiver(post_delete, sender=User, dispatch_uid="accounts.forget_session_user_gone")
def forget_session_user(sender, instance: User, **kwargs):
    """The session copy of this user (accounts.authcache) is stale."""
    from .authcache import forget_user

    forget_user(instance.pk)
