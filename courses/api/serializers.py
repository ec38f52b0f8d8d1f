from rest_framework import serializers

from ..models import Category, Course, Lesson, Review, Section


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Category
        fields = ["id", "slug", "name", "name_zh", "name_en", "parent", "position"]


class CreatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class CourseListSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    creator = CreatorSerializer(read_only=True)
    is_free = serializers.BooleanField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "slug",
            "title",
            "subtitle",
            "category",
            "creator",
            "level",
            "language",
            "price",
            "is_free",
            "learner_count",
            "rating_count",
            "rating_average",
            "published_at",
            "url",
        ]


class LessonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lesson
        fields = [
            "id",
            "title",
            "kind",
            "position",
            "is_free_preview",
            "duration_seconds",
        ]


class SectionSerializer(serializers.ModelSerializer):
    lessons = LessonSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "title", "position", "lessons"]


class CourseDetailSerializer(CourseListSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    description_html = serializers.CharField(read_only=True)

    class Meta(CourseListSerializer.Meta):
        fields = [*CourseListSerializer.Meta.fields, "description_html", "sections"]


class ReviewSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.display_name", read_only=True)
    rating = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = Review
        fields = ["id", "user", "rating", "text", "reply", "replied_at", "created_at"]
        read_only_fields = ["reply", "replied_at", "created_at"]
