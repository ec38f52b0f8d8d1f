from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from .services import MAX_POSITION_SECONDS


class ProgressForm(forms.Form):
    """What the player posts every few seconds."""

    position = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_POSITION_SECONDS
    )
    completed = forms.BooleanField(required=False)


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, assignment=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignment is not None and assignment.extensions:
            self.fields["file"].widget.attrs["accept"] = ",".join(
                f".{ext}" for ext in assignment.extensions
            )
        elif assignment is not None:
            del self.fields["file"]


class GradeForm(forms.Form):
    score = forms.IntegerField(
        label=_("Score"),
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    feedback = forms.CharField(
        label=_("Feedback"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )

    def __init__(self, *args, max_score: int = 100, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].max_value = max_score
        self.fields["score"].validators.append(MaxValueValidator(max_score))
        self.fields["score"].widget.attrs["max"] = max_score
