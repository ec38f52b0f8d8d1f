"""The learning API: my enrolments, lesson detail and progress updates.

Lesson detail and progress ask the same access rule as the pages.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from core.apicache import SharedListCacheMixin
from courses.models import Lesson
from learning import selectors, services
from learning.access import can_open_lesson
from learning.models import Enrollment, LessonProgress

from .serializers import (
    EnrollmentSerializer,
    LessonDetailSerializer,
    ProgressResultSerializer,
    ProgressUpdateSerializer,
)

MAX_POSITION = services.MAX_POSITION_SECONDS


class MyEnrollmentViewSet(
    SharedListCacheMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """The signed-in learner's active enrolments with their progress."""

    # The learner's own list, kept for them (core.apicache): an enrolment,
    # progress, a certificate bump their viewer group (apps.py, services);
    # a course renamed bumps "courses".
    cache_per_viewer = True
    cache_viewer_groups = ("courses",)
    serializer_class = EnrollmentSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Enrollment.objects.none()
        return selectors.my_enrollments_brief(self.request.user)


class LessonViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A lesson's content, for whoever the access rule lets in."""

    serializer_class = LessonDetailSerializer
    permission_classes = [permissions.AllowAny]
    queryset = Lesson.objects.none()

    def get_object(self):
        try:
            lesson = selectors.lesson_for_player(
                int(self.kwargs["pk"]), viewer=self.request.user
            )
        except (Lesson.DoesNotExist, ValueError) as error:
            raise NotFound from error
        if not can_open_lesson(self.request.user, lesson):
            raise PermissionDenied
        return lesson

    def retrieve(self, request, *args, **kwargs):
        lesson = self.get_object()
        progress = None
        if request.user.is_authenticated:
            progress = LessonProgress.objects.filter(
                user=request.user, lesson=lesson
            ).first()
        serializer = self.get_serializer(
            lesson, context={**self.get_serializer_context(), "progress": progress}
        )
        return Response(serializer.data)


class ProgressViewSet(viewsets.GenericViewSet):
    """Save a position (and completion) in a lesson the user may open."""

    serializer_class = ProgressUpdateSerializer
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ProgressResultSerializer)
    def create(self, request):
        data = ProgressUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            lesson = selectors.lesson_for_player(
                data.validated_data["lesson"], viewer=request.user
            )
        except Lesson.DoesNotExist as error:
            raise NotFound from error
        if not can_open_lesson(request.user, lesson):
            raise PermissionDenied
        position = data.validated_data.get("position")
        if position is not None and position > MAX_POSITION:
            raise APIValidationError({"position": ["Too large."]})
        try:
            progress = services.progress_record(
                user=request.user,
                lesson=lesson,
                position_seconds=position,
                completed=data.validated_data["completed"],
            )
        except ValidationError as error:
            raise APIValidationError({"completed": error.messages}) from error
        enrollment = selectors.enrollment_for(request.user, lesson.section.course)
        result = ProgressResultSerializer(
            {
                "lesson": lesson.pk,
                "position": progress.position_seconds,
                "completed": progress.completed_at is not None,
                "course_progress": enrollment.progress_percent if enrollment else None,
            }
        )
        return Response(result.data, status=status.HTTP_200_OK)
