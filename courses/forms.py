"""Forms of the courses app: they validate input; the services write."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Category, Course, Lesson
from .validators import validate_attachment_file, validate_lesson_media


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"— {obj.name}" if obj.parent_id else obj.name


class CourseForm(forms.ModelForm):
    category = CategoryChoiceField(
        queryset=Category.objects.select_related("parent"), label=_("Category")
    )
    slug = forms.CharField(
        label=_("Address (slug)"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to derive it from the title."),
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "slug",
            "subtitle",
            "category",
            "level",
            "language",
            "price",
            "cover",
            "description",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 10}),
            "price": forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        }

    def clean_price(self):
        price = self.cleaned_data.get("price")
        if price is not None and price < 0:
            raise ValidationError(_("The price cannot be negative (0 means free)."))
        return price

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover and hasattr(cover, "size") and cover.size > settings.AVATAR_MAX_BYTES:
            raise ValidationError(
                _("The cover image is too large (limit %(mb)d MB).")
                % {"mb": settings.AVATAR_MAX_BYTES // (1024 * 1024)}
            )
        return cover

    def _post_clean(self):
        # The service validates uniqueness and saves; skip ModelForm's instance
        # validation so a duplicate slug gets the service's message only once.
        pass


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200)


class LessonForm(forms.ModelForm):
    video_url = forms.URLField(
        label=Lesson._meta.get_field("video_url").verbose_name,
        required=False,
        assume_scheme="https",
    )
    video_file = forms.FileField(
        label=_("Video file"),
        required=False,
        help_text=_("MP4, WebM or MOV; for an audio lesson MP3, M4A or OGG."),
        widget=forms.ClearableFileInput(attrs={"accept": "video/*,audio/*"}),
    )

    class Meta:
        model = Lesson
        fields = [
            "title",
            "kind",
            "is_free_preview",
            "duration_seconds",
            "video_url",
            "body",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}

    def clean_video_file(self):
        upload = self.cleaned_data.get("video_file")
        if upload:
            try:
                validate_lesson_media(upload, kind=self.data.get("kind", ""))
            except ValidationError as error:
                raise ValidationError(error.message_dict["video_file"]) from None
        return upload

    def _post_clean(self):
        pass


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            validate_attachment_file(upload)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from None
        return upload


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Stars"),
        choices=[(i, "★" * i) for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your review"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("The creator receives it by email."),
    )
