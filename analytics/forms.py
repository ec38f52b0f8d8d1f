"""Forms of analytics: heartbeats, dashboard filters, goals, nudges."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LearningGoal

MAX_RANGE_DAYS = 730


class BeatForm(forms.Form):
    """One heartbeat from a lesson page (or a video seek)."""

    ticket = forms.CharField(max_length=500)
    kind = forms.ChoiceField(choices=[("beat", "beat"), ("seek", "seek")])
    seconds = forms.IntegerField(min_value=0, max_value=3600, required=False)
    pos = forms.FloatField(min_value=0, max_value=24 * 3600, required=False)
    dur = forms.FloatField(min_value=0, max_value=24 * 3600, required=False)
    start = forms.FloatField(min_value=0, max_value=24 * 3600, required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == "seek" and (
            data.get("start") is None or data.get("pos") is None
        ):
            raise forms.ValidationError(_("A seek needs where it started and ended."))
        return data


class RangeForm(forms.Form):
    """Dashboard filters: a date range (default: the last 30 days) and a category."""

    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, categories=(), **kwargs):
        end = timezone.localdate()
        kwargs.setdefault("initial", {"start": end - dt.timedelta(days=29), "end": end})
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *categories]
        for name in ("start", "end"):
            self.fields[name].widget = forms.DateInput(
                attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"
            )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - dt.timedelta(days=29)
        if start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        if (end - start).days > MAX_RANGE_DAYS:
            raise forms.ValidationError(
                _("Choose a range of at most %(days)d days.") % {"days": MAX_RANGE_DAYS}
            )
        data["start"], data["end"] = start, end
        return data

    def range(self) -> tuple[dt.date, dt.date, int | None]:
        """The cleaned range, or the default one when the input was bad."""
        if self.is_valid():
            data = self.cleaned_data
            return data["start"], data["end"], data.get("category")
        end = timezone.localdate()
        return end - dt.timedelta(days=29), end, None


class GoalForm(forms.ModelForm):
    class Meta:
        model = LearningGoal
        fields = ["weekly_minutes"]
        labels = {"weekly_minutes": _("My goal: minutes of study a week")}
        widgets = {"weekly_minutes": forms.NumberInput(attrs={"step": 10})}


class NudgeForm(forms.Form):
    message = forms.CharField(
        label=_("Personal note (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
