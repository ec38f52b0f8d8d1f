"""Full-text + trigram search on PostgreSQL (run with DATABASE_URL on PG)."""

import pytest
from django.db import connection
from django.urls import reverse

from courses.filters import search_courses
from courses.models import Course
from courses.services import _save_search
from tests.factories import CourseFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def catalogue():
    specs = [
        ("机器学习实战：从零开始", "监督学习与模型评估", ""),
        ("深度学习与神经网络", "从感知机到 Transformer", ""),
        ("Photography basics", "Light and composition", "Taking photographs"),
        ("Python programming basics", "Python for beginners", ""),
        ("Running a business", "Plans and teams", ""),
    ]
    courses = []
    for title, subtitle, description in specs:
        course = CourseFactory(title=title, subtitle=subtitle, description=description)
        _save_search(course)
        courses.append(course)
    return courses


def titles(query):
    qs = search_courses(Course.objects.all(), query).order_by("-relevance")
    return [c.title for c in qs]


def test_search_vector_and_trigram_index_are_used():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'courses_course'"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert "courses_course_search_vector_gin" in names
    assert "courses_course_search_document_trgm" in names


def test_chinese_substring(catalogue):
    assert titles("机器学习") == ["机器学习实战：从零开始"]
    assert set(titles("学习")) == {"机器学习实战：从零开始", "深度学习与神经网络"}


def test_english_stemming_finds_other_word_forms(catalogue):
    assert "Photography basics" in titles("photograph")
    assert "Running a business" in titles("run")


def test_typo_tolerance_with_trigrams(catalogue):
    assert titles("programing")[0] == "Python programming basics"
    assert titles("photograpy") == ["Photography basics"]


def test_title_match_ranks_first(catalogue):
    CourseFactory(title="Cooking", description="python is mentioned here once")
    _save_search(Course.objects.get(title="Cooking"))
    assert titles("python")[0] == "Python programming basics"


def test_catalogue_page_search_on_postgres(client, catalogue):
    response = client.get(reverse("courses:catalogue"), {"q": "神经网络"})
    assert [c.title for c in response.context["courses"]] == ["深度学习与神经网络"]
