"""Forms of the live app: they read and check input; the services write."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.forms import CategoryChoiceField
from courses.models import Category

from .models import LiveLecture
from .timezones import get_zone, zone_choices

WEEKDAYS = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


class ZoneField(forms.CharField):
    """A time zone name, offered from a list, checked against the tz database."""

    widget = forms.Select

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Time zone"))
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)
        self.widget.choices = zone_choices()

    def validate(self, value):
        super().validate(value)
        try:
            get_zone(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["time_zone"]) from None


def current_zone_name() -> str:
    return str(timezone.get_current_timezone_name())


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time, made aware in the form's chosen zone."""

    widget = forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
    )
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def to_python(self, value):
        # Stay naive here: the form applies the chosen zone in clean().
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        for fmt in self.input_formats:
            try:
                return datetime.strptime(str(value).strip(), fmt)  # noqa: DTZ007
            except ValueError:
                continue
        raise ValidationError(_("Enter a valid date and time."), code="invalid")


def _aware(form, field: str, zone_name: str):
    value = form.cleaned_data.get(field)
    if value is None or not zone_name:
        return None
    if timezone.is_aware(value):
        return value
    zone = get_zone(zone_name)
    return value.replace(tzinfo=zone)


class LectureForm(forms.ModelForm):
    category = CategoryChoiceField(
        queryset=Category.objects.select_related("parent"), label=_("Category")
    )
    starts_at = LocalDateTimeField(label=_("Starts"))
    time_zone = ZoneField(help_text=_("The zone of the start time you entered."))
    meeting_url = forms.URLField(
        label=_("Streaming or meeting URL"),
        assume_scheme="https",
        max_length=500,
        help_text=_("Only ticket holders see it, shortly before the start."),
    )

    class Meta:
        model = LiveLecture
        fields = [
            "title",
            "category",
            "starts_at",
            "time_zone",
            "duration_minutes",
            "capacity",
            "price",
            "meeting_url",
            "members_included",
            "cover",
            "description",
            "replay_for_sale",
            "replay_price",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "price": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            "replay_price": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # The time changes through "Move"; the rest here.
            for name in ("starts_at", "time_zone", "duration_minutes"):
                del self.fields[name]
        elif not self.is_bound:
            self.initial.setdefault("time_zone", current_zone_name())

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover and hasattr(cover, "size") and cover.size > settings.AVATAR_MAX_BYTES:
            raise ValidationError(
                _("The cover image is too large (limit %(mb)d MB).")
                % {"mb": settings.AVATAR_MAX_BYTES // (1024 * 1024)}
            )
        return cover

    def clean(self):
        data = super().clean()
        if "starts_at" in self.fields and data.get("time_zone"):
            data["starts_at"] = _aware(self, "starts_at", data["time_zone"])
        return data

    def _post_clean(self):
        # The service validates and saves (its messages, once).
        pass


class MoveForm(forms.Form):
    starts_at = LocalDateTimeField(label=_("New start"))
    time_zone = ZoneField()
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=600, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("time_zone"):
            data["starts_at"] = _aware(self, "starts_at", data["time_zone"])
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to every ticket holder)"),
        max_length=300,
        widget=forms.TextInput,
    )


class ReplayForm(forms.Form):
    replay_file = forms.FileField(
        label=_("Recording"),
        help_text=_("Video (MP4, WebM, MOV) or audio (MP3, M4A, OGG)."),
    )


class LectureFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Category"),
    )
    day_from = forms.DateField(
        required=False,
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    day_to = forms.DateField(
        required=False,
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    price = forms.ChoiceField(
        required=False,
        label=_("Price"),
        choices=[
            ("", _("Free or paid")),
            ("free", _("Free")),
            ("paid", pgettext_lazy("price", "Paid")),
        ],
    )


class ExpertProfileForm(forms.Form):
    headline = forms.CharField(label=_("Headline"), max_length=160)
    topics = forms.ModelMultipleChoiceField(
        queryset=Category.objects.select_related("parent"),
        label=_("Topics"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    about = forms.CharField(
        label=_("About you (Markdown)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    time_zone = ZoneField(help_text=_("The zone you work in."))
    meeting_url = forms.URLField(
        label=_("Meeting room URL"), assume_scheme="https", max_length=500
    )
    is_listed = forms.BooleanField(
        label=_("Listed in the expert directory"), required=False, initial=True
    )


class AvailabilityForm(forms.Form):
    time_zone = ZoneField(help_text=_("The days and times below are in this zone."))
    first_day = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    last_day = forms.DateField(
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    start_time = forms.TimeField(
        label=_("From time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label=_("To time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    slot_minutes = forms.TypedChoiceField(
        label=_("Slot length"),
        coerce=int,
        choices=[
            (15, _("15 minutes")),
            (30, _("30 minutes")),
            (45, _("45 minutes")),
            (60, _("1 hour")),
            (90, _("1.5 hours")),
            (120, _("2 hours")),
        ],
        initial=60,
    )
    price = forms.DecimalField(
        label=_("Price per slot"), min_value=0, max_digits=10, decimal_places=2
    )
    topic = forms.CharField(label=_("Topics"), max_length=200, required=False)


class BookingForm(forms.Form):
    note = forms.CharField(
        label=_("What would you like to discuss?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The expert reads this before confirming."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TimezoneForm(forms.Form):
    time_zone = ZoneField(label=_("Show times in"))


# --- paid questions ---------------------------------------------------------------------


class QuestionForm(forms.Form):
    body = forms.CharField(
        label=_("Your question"),
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Only you and the expert see it. No answer in time: you are refunded."
        ),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer (Markdown)"),
        min_length=5,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    audio = forms.FileField(
        label=_("Audio answer (optional)"),
        required=False,
        help_text=_(
            "MP3, M4A or OGG. Only the asker and those who pay to read hear it."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "audio/mpeg,audio/mp4,audio/ogg,.mp3,.m4a,.ogg"}
        ),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the answer miss your question?"),
        min_length=5,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("You can reject an answer once; staff then decide."),
    )


class QuestionPriceForm(forms.Form):
    question_price = forms.DecimalField(
        label=_("Price of a question"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        help_text=_("0: you do not take paid questions."),
    )
