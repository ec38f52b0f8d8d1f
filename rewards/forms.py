"""Forms of the rewards pages: they validate, the services write."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import content_matches
from courses import selectors as course_selectors

from .models import RUBRIC, Challenge, QualityReview

# Extension → the bytes such a file starts with (the extension alone is a claim).
#: Expert applications take documents and scans only (signatures: core.uploads).
ALLOWED_UPLOADS = frozenset({".pdf", ".png", ".jpg", ".jpeg"})
MAX_ATTACHMENTS = 5


class BootstrapMixin:
    """Bootstrap 5 classes on every widget (and is-invalid on bound errors)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                css = "btn-check"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            else:
                css = "form-control"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class RedeemForm(forms.Form):
    points = forms.IntegerField(label=_("Points to redeem"), min_value=1)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item] or (
                [] if not self.required else [single(None, initial)]
            )
        return [single(data, initial)] if data else []


def check_upload(upload) -> None:
    """Refuse files that are not PDF/PNG/JPEG by name and content, or too big."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in ALLOWED_UPLOADS:
        raise forms.ValidationError(
            _("“%(name)s” is not accepted: upload PDF, PNG or JPEG files only."),
            code="file_type",
            params={"name": upload.name},
        )
    limit = settings.REWARDS_CERT_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            _("“%(name)s” is too large (%(size)s); the limit is %(limit)s."),
            code="file_size",
            params={
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
        )
    if not content_matches(upload, suffix.lstrip(".")):
        raise forms.ValidationError(
            _("“%(name)s” does not look like a real %(kind)s file."),
            code="file_content",
            params={"name": upload.name, "kind": suffix.lstrip(".").upper()},
        )


class ExpertApplicationForm(BootstrapMixin, forms.Form):
    field = forms.ModelChoiceField(
        label=_("Field"),
        queryset=course_selectors.top_categories(),
    )
    title = forms.CharField(label=_("Professional title"), max_length=120)
    credentials = forms.CharField(
        label=_("Credentials"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Degrees, positions, publications, years of practice."),
    )
    attachments = MultipleFileField(
        label=_("Supporting documents"),
        help_text=_("Up to 5 PDF, PNG or JPEG files (diplomas, certificates)."),
    )

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("Attach at most %(n)s files.") % {"n": MAX_ATTACHMENTS}
            )
        errors = []
        for upload in files:
            try:
                check_upload(upload)
            except forms.ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise forms.ValidationError(errors)
        return files


class QualityReviewForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = QualityReview
        fields = [*RUBRIC, "comment"]
        widgets = {
            name: forms.RadioSelect(choices=[(i, str(i)) for i in range(1, 6)])
            for name in RUBRIC
        }
        widgets["comment"] = forms.Textarea(attrs={"rows": 4})


class ChallengeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Challenge
        fields = [
            "course",
            "title",
            "description",
            "starts_on",
            "days",
            "lessons_per_day",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = course_selectors.published_courses_run_by(
            user
        ).order_by("title")

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on < timezone.localdate():
            raise forms.ValidationError(_("A challenge cannot start in the past."))
        return starts_on
