"""People: the custom user (email as login), profiles and creator applications."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.decisions import StaffDecision, one_pending_per_user
from core.uploads import safe_upload_name

from .handles import HANDLE_MAX_LENGTH, default_handle


class UserQuerySet(models.QuerySet):
    def update(self, **kwargs):
        """Also make every kept session copy of a user stale: a bulk update
        sends no signal (accounts.authcache)."""
        from .authcache import forget_all_users

        rows = super().update(**kwargs)
        forget_all_users()
        return rows

    update.alters_data = True


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Email login is case-insensitive everywhere, the admin included.
        return self.get(email__iexact=username)

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.STAFF)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person on the platform. Email is the login; there is no username."""

    class Role(models.TextChoices):
        LEARNER = "learner", _("Learner")
        CREATOR = "creator", _("Creator")
        STAFF = "staff", _("Staff")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=Role.choices,
        default=Role.LEARNER,
        db_index=True,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), name="accounts_user_email_ci_unique"
            ),
        ]

    def __str__(self) -> str:
        # For staff consoles (the admin), where the address identifies the
        # account. Pages other people see name an account by `display_name`;
        # tests/test_privacy.py crawls the site for addresses.
        return self.email

    def save(self, *args, **kwargs):
        if self.email:
            self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def is_creator(self) -> bool:
        return self.role == self.Role.CREATOR or self.is_staff

    @property
    def display_name(self) -> str:
        profile = getattr(self, "profile", None)
        if profile is not None and profile.display_name:
            return profile.display_name
        # Not the email's local part either (it is often a person's name): a
        # neutral handle until the person chooses a name, the same in every
        # language (a name is not translated).
        return f"user{self.pk}" if self.pk else "user"

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


def avatar_upload_to(instance: "Profile", filename: str) -> str:
    filename = safe_upload_name(filename)
    return f"avatars/{instance.user_id}/{filename}"


class Profile(models.Model):
    """Public face of a user and the interests used for cold-start recommendations."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    handle = models.CharField(
        _("handle"),
        max_length=HANDLE_MAX_LENGTH,
        blank=True,
        help_text=_("Unique; others mention you as @handle."),
    )
    avatar = models.ImageField(_("avatar"), upload_to=avatar_upload_to, blank=True)
    bio = models.TextField(_("bio"), max_length=2000, blank=True)
    #: The language emails are written in (notifications, decisions): the one
    #: chosen in the switcher or used to sign up; empty means the site's.
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )
    interests = models.ManyToManyField(
        "courses.Category", verbose_name=_("interests"), blank=True, related_name="+"
    )
    onboarded_at = models.DateTimeField(
        _("onboarding completed"), null=True, blank=True
    )
    personalization_enabled = models.BooleanField(
        _("personalised recommendations"),
        default=True,
        help_text=_("When off, only non-personal lists are shown."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            # One account per handle whatever its case: a mention names one person.
            models.UniqueConstraint(
                Lower("handle"),
                condition=~models.Q(handle=""),
                name="accounts_profile_handle_ci_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or str(self.user)

    def save(self, *args, **kwargs):
        # Every profile can be mentioned: `user<id>` until a handle is chosen.
        if not self.handle and self.user_id:
            self.handle = default_handle(self.user_id)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "handle"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"user_id": self.user_id})


class CreatorApplication(StaffDecision):
    """A learner asks to become a creator; staff approve or reject it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="creator_applications",
        verbose_name=_("user"),
    )
    motivation = models.TextField(_("what you want to teach"), max_length=4000)
    expertise = models.CharField(_("field of expertise"), max_length=200)
    sample_url = models.URLField(_("link to your work"), blank=True)

    class Meta(StaffDecision.Meta):
        verbose_name = _("creator application")
        verbose_name_plural = _("creator applications")
        constraints = [
            one_pending_per_user(name="accounts_one_pending_creator_application"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"
