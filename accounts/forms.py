"""Forms of the profile pages; validation only, the services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from courses.models import Category

from .avatars import avatar_process
from .models import CreatorApplication


class CategoryChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Category) -> str:
        return obj.name


def _interest_field(required: bool = False) -> CategoryChoiceField:
    return CategoryChoiceField(
        queryset=Category.objects.filter(parent__isnull=True).order_by(
            "position", "slug"
        ),
        required=required,
        label=_("Interests"),
        help_text=_("We use them to suggest courses until we know you better."),
    )


def _display_name_field() -> forms.CharField:
    """The name pages show for a person; empty: the default (user<number>)."""
    return forms.CharField(
        label=_("Display name"),
        max_length=60,
        required=False,
        help_text=_("Shown on your profile, reviews and posts."),
    )


class OnboardingForm(forms.Form):
    display_name = _display_name_field()
    interests = _interest_field(required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interests"].error_messages["required"] = _(
            "Choose at least one topic, or skip this step."
        )


class ProfileForm(forms.Form):
    display_name = _display_name_field()
    handle = forms.CharField(
        label=_("Handle"),
        max_length=31,
        required=False,  # empty: unchanged
        help_text=_(
            "Unique: others mention you as @handle in the community. Letters, "
            "digits, “_”, “.” and “-”."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    # A plain file field: the type is decided by the content (Pillow), not by
    # the file name's extension.
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        help_text=_("JPEG, PNG, GIF or WebP; it is cropped to a square."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    bio = forms.CharField(
        label=_("About you"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    interests = _interest_field()
    personalization_enabled = forms.BooleanField(
        label=_("Personalised recommendations"),
        required=False,
        help_text=_(
            "Use what I learn and like to recommend courses. When off, you see "
            "only lists that are the same for everyone."
        ),
    )

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return upload  # None (unchanged) or False (clear checkbox)
        return avatar_process(upload)

    def clean(self):
        cleaned = super().clean()
        # A browser sends the text fields even when they are empty: a request
        # with none of them did not come from this form and would wipe the
        # saved profile.
        typed = ("display_name", "handle", "bio")
        if not self.files and not any(self.add_prefix(f) in self.data for f in typed):
            raise ValidationError(
                _("Nothing was sent: your profile is unchanged."), code="empty"
            )
        return cleaned


class CreatorApplicationForm(forms.ModelForm):
    sample_url = forms.URLField(
        label=_("link to your work"),
        required=False,
        assume_scheme="https",
        help_text=_("A talk, an article, a channel: anything we can look at."),
    )

    class Meta:
        model = CreatorApplication
        fields = ["expertise", "motivation"]  # sample_url is declared above
        widgets = {"motivation": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "motivation": _("Which courses would you publish, and for whom?"),
        }


class RejectionForm(forms.Form):
    """The intermediate admin page: a reason is required to reject."""

    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Sent to the applicants by email."),
    )
