from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Assignment, Choice, Question, Quiz
from .services import MAX_POSITION_SECONDS, ChoiceRow, question_choices_check

MAX_ASSIGNMENT_FILE_MB = 100
# Files a browser would run or render as a page: never accepted as homework.
BLOCKED_EXTENSIONS = {"html", "htm", "svg", "js", "exe", "bat", "cmd", "sh", "php"}


class ProgressForm(forms.Form):
    """What the player posts every few seconds."""

    position = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_POSITION_SECONDS
    )
    completed = forms.BooleanField(required=False)


class SubmissionForm(forms.Form):
    text = forms.CharField(
        label=pgettext_lazy("quiz", "Your answer"),
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


class QuizSettingsForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = ["intro", "pass_mark_percent", "max_attempts"]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            "pass_mark_percent": forms.NumberInput(attrs={"class": "form-control"}),
            "max_attempts": forms.NumberInput(attrs={"class": "form-control"}),
        }


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["kind", "prompt", "accepted_answers", "explanation", "points"]
        widgets = {
            "kind": forms.Select(attrs={"class": "form-select"}),
            "prompt": forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            "accepted_answers": forms.Textarea(
                attrs={"rows": 2, "class": "form-control"}
            ),
            "explanation": forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            "points": forms.NumberInput(attrs={"class": "form-control", "min": 1}),
        }

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == Question.Kind.TEXT
            and not (data.get("accepted_answers") or "").strip()
        ):
            self.add_error("accepted_answers", _("Give at least one accepted answer."))
        return data

    def clean_points(self):
        points = self.cleaned_data["points"]
        if not points:
            raise forms.ValidationError(_("A question is worth at least one point."))
        return points


class BaseChoiceFormSet(forms.BaseInlineFormSet):
    """The choices must make sense for the question's kind (the service's rule)."""

    kind = None

    def rows(self) -> list[ChoiceRow]:
        """The choices as the service takes them: edited, new or to delete."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            existing = form.instance.pk
            if not data or (existing is None and not form.has_changed()):
                continue
            rows.append(
                ChoiceRow(
                    id=existing,
                    text=data.get("text") or "",
                    is_correct=bool(data.get("is_correct")),
                    position=data.get("position") or 0,
                    delete=bool(data.get("DELETE")),
                )
            )
        return rows

    def clean(self):
        super().clean()
        if any(self.errors) or self.kind is None:
            return
        try:
            question_choices_check(kind=self.kind, choices=self.rows())
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error


ChoiceFormSet = forms.inlineformset_factory(
    Question,
    Choice,
    formset=BaseChoiceFormSet,
    fields=["text", "is_correct", "position"],
    extra=3,
    can_delete=True,
    widgets={
        "text": forms.TextInput(attrs={"class": "form-control"}),
        "position": forms.NumberInput(attrs={"class": "form-control", "min": 0}),
        "is_correct": forms.CheckboxInput(attrs={"class": "form-check-input"}),
    },
)


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = [
            "instructions",
            "max_score",
            "pass_mark_percent",
            "allowed_extensions",
            "max_file_mb",
            "resubmission",
            "counts_when",
            "reference_answer",
            "key_points",
            "auto_publish",
            "auto_publish_confidence",
        ]
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 8, "class": "form-control"}),
            "reference_answer": forms.Textarea(
                attrs={"rows": 5, "class": "form-control"}
            ),
            "key_points": forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
            "auto_publish": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "auto_publish_confidence": forms.NumberInput(
                attrs={"class": "form-control", "min": 50, "max": 99}
            ),
            "max_score": forms.NumberInput(attrs={"class": "form-control", "min": 1}),
            "pass_mark_percent": forms.NumberInput(
                attrs={"class": "form-control", "min": 0, "max": 100}
            ),
            "allowed_extensions": forms.TextInput(attrs={"class": "form-control"}),
            "max_file_mb": forms.NumberInput(attrs={"class": "form-control", "min": 1}),
            "resubmission": forms.Select(attrs={"class": "form-select"}),
            "counts_when": forms.Select(attrs={"class": "form-select"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auto_publish_confidence"].required = False
        self.fields["pass_mark_percent"].required = False

    def clean_pass_mark_percent(self):
        value = self.cleaned_data.get("pass_mark_percent")
        if value is None:
            return Assignment._meta.get_field("pass_mark_percent").default
        return value

    def clean_auto_publish_confidence(self):
        value = self.cleaned_data.get("auto_publish_confidence")
        if value is None:
            return Assignment._meta.get_field("auto_publish_confidence").default
        return value

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("auto_publish")
            and not (cleaned.get("reference_answer") or "").strip()
        ):
            self.add_error(
                "auto_publish",
                _("Automatic grades need a reference answer to compare with."),
            )
        return cleaned

    def clean_max_score(self):
        value = self.cleaned_data["max_score"]
        if not value:
            raise forms.ValidationError(_("The maximum score must be at least 1."))
        return value

    def clean_max_file_mb(self):
        value = self.cleaned_data["max_file_mb"]
        if not value or value > MAX_ASSIGNMENT_FILE_MB:
            raise forms.ValidationError(
                _("Between 1 and %(max)d MB.") % {"max": MAX_ASSIGNMENT_FILE_MB}
            )
        return value

    def clean_allowed_extensions(self):
        raw = self.cleaned_data["allowed_extensions"]
        extensions = sorted(
            {e.strip().lower().lstrip(".") for e in raw.split(",") if e.strip()}
        )
        bad = [e for e in extensions if not e.isalnum() or e in BLOCKED_EXTENSIONS]
        if bad:
            raise forms.ValidationError(
                _("Not allowed: %(ext)s.") % {"ext": ", ".join(bad)}
            )
        return ",".join(extensions)
