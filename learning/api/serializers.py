from django.urls import reverse
from rest_framework import serializers

from courses.models import Lesson
from learning.models import Enrollment


class CourseBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class EnrollmentSerializer(serializers.ModelSerializer):
    course = CourseBriefSerializer(read_only=True)
    certificate_code = serializers.SerializerMethodField()
    resume_url = serializers.SerializerMethodField()

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "course",
            "source",
            "progress_percent",
            "completed_at",
            "created_at",
            "last_lesson_id",
            "last_activity_at",
            "certificate_code",
            "resume_url",
        ]

    def get_certificate_code(self, obj) -> str | None:
        certificate = getattr(obj, "certificate", None)
        return certificate.code if certificate else None

    def get_resume_url(self, obj) -> str:
        return reverse("learning:course_home", kwargs={"slug": obj.course.slug})


class LessonDetailSerializer(serializers.ModelSerializer):
    course_id = serializers.IntegerField(source="section.course_id")
    section = serializers.CharField(source="section.title")
    video_src = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = [
            "id",
            "title",
            "kind",
            "course_id",
            "section",
            "is_free_preview",
            "duration_seconds",
            "body_html",
            "video_src",
            "attachments",
            "progress",
        ]

    def get_video_src(self, obj) -> str | None:
        if obj.video_file:
            return reverse("learning:lesson_video", kwargs={"lesson_id": obj.pk})
        return obj.video_url or None

    def get_attachments(self, obj) -> list[dict]:
        return [
            {
                "id": a.pk,
                "title": a.title,
                "size": a.size_bytes,
                "url": reverse("learning:attachment", kwargs={"attachment_id": a.pk}),
            }
            for a in obj.attachments.all()
        ]

    def get_progress(self, obj) -> dict | None:
        progress = self.context.get("progress")
        if progress is None:
            return None
        return {
            "position": progress.position_seconds,
            "completed": progress.completed_at is not None,
        }


class ProgressUpdateSerializer(serializers.Serializer):
    lesson = serializers.IntegerField(min_value=1)
    position = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    completed = serializers.BooleanField(required=False, default=False)


class ProgressResultSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    position = serializers.IntegerField()
    completed = serializers.BooleanField()
    course_progress = serializers.IntegerField(allow_null=True)
