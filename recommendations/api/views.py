from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core.params import parse_int
from courses.models import Course

from .. import selectors
from .serializers import RecommendedCourseSerializer, SuggestionSerializer

MAX_LIMIT = 50


def _limit(request, default: int) -> int:
    return parse_int(
        request.query_params.get("limit"), default=default, low=1, high=MAX_LIMIT
    )


class MyRecommendationsView(APIView):
    """The signed-in learner's recommendations, each with its reason."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=SuggestionSerializer(many=True))
    def get(self, request):
        assignment = selectors.active_assignment(request.user)
        items = selectors.recommendations_for(
            request.user, limit=_limit(request, 10), assignment=assignment
        )
        return Response(SuggestionSerializer(items, many=True).data)


class RelatedCoursesView(APIView):
    """ "Learners also took" for a published course."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=RecommendedCourseSerializer(many=True))
    def get(self, request, course_id: int):
        course = get_object_or_404(Course, pk=course_id, status=Course.Status.PUBLISHED)
        related = selectors.related_courses(course, limit=_limit(request, 6))
        return Response(RecommendedCourseSerializer(related, many=True).data)
