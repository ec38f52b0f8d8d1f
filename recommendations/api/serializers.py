from rest_framework import serializers

from courses.models import Course


class RecommendedCourseSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.name", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Course
        fields = ["id", "title", "slug", "category", "price", "url"]


class SuggestionSerializer(serializers.Serializer):
    course = RecommendedCourseSerializer()
    reason = serializers.CharField()
    reason_kind = serializers.CharField()
    reason_course_id = serializers.SerializerMethodField()

    def get_reason_course_id(self, obj) -> int | None:
        return obj.reason_course.pk if obj.reason_course else None
