"""Catalogue search as a learner meets it, on SQLite (FTS5) and PostgreSQL alike.

The same tests run on both databases: `DATABASE_URL=` for SQLite and
`DATABASE_URL=postgres://…` for PostgreSQL.
"""

import pytest
from django.db import connection
from django.urls import reverse

from courses.models import Course, SearchTerm
from courses.services import _save_search, search
from tests.factories import CategoryFactory, CourseFactory, CreatorFactory

pytestmark = pytest.mark.django_db
CATALOGUE = reverse("courses:catalogue")


@pytest.fixture
def catalogue():
    data = CategoryFactory(
        slug="data-science", name_zh="数据科学", name_en="Data science"
    )
    ml = CategoryFactory(
        slug="machine-learning",
        name_zh="机器学习",
        name_en="Machine learning",
        parent=data,
    )
    psychology = CategoryFactory(
        slug="psychology", name_zh="心理学", name_en="Psychology"
    )
    design = CategoryFactory(slug="design", name_zh="设计", name_en="Design")
    programming = CategoryFactory(slug="programming", name_zh="编程", name_en="Coding")
    teacher = CreatorFactory()
    teacher.profile.display_name = "王晓明"
    teacher.profile.save()
    specs = [
        ("机器学习实战：从零开始", "监督学习与模型评估", ml, 50),
        ("深度学习与神经网络", "从感知机到 Transformer", ml, 40),
        ("Deep nets in practice", "From the perceptron to transformers", ml, 5),
        ("心理学入门", "认识自己与他人", psychology, 30),
        ("Cognitive thinking", "Memory, attention and decisions", psychology, 20),
        ("情绪管理与压力应对", "实用的自我调节方法", psychology, 10),
        ("Photography basics", "Light and composition", design, 60),
        (
            "Python programming basics",
            "Variables, loops and functions",
            programming,
            70,
        ),
    ]
    for title, subtitle, category, learners in specs:
        course = CourseFactory(
            title=title,
            subtitle=subtitle,
            category=category,
            creator=teacher if title.startswith("Photography") else CreatorFactory(),
            description="Taking photographs at dusk." if "Photo" in title else "",
            learner_count=learners,
        )
        _save_search(course)
    CourseFactory(title="机器学习草稿", category=ml, status=Course.Status.DRAFT)
    return specs


def titles(client, query, **params):
    response = client.get(CATALOGUE, {"q": query, **params})
    assert response.status_code == 200
    return [c.title for c in response.context["courses"]]


def test_a_category_name_finds_every_course_in_it(client, catalogue):
    # 深度学习与神经网络 says nothing of 机器学习 but sits in that category.
    assert set(titles(client, "机器学习")) == {
        "机器学习实战：从零开始",
        "深度学习与神经网络",
        "Deep nets in practice",
    }


def test_part_of_a_chinese_word_finds_all_its_courses(client, catalogue):
    assert set(titles(client, "心理")) == {
        "心理学入门",
        "Cognitive thinking",
        "情绪管理与压力应对",
    }


def test_english_words_find_chinese_courses_through_their_category(client, catalogue):
    found = titles(client, "machine learning")
    assert set(found) == {
        "机器学习实战：从零开始",
        "深度学习与神经网络",
        "Deep nets in practice",
    }


def test_a_top_category_name_finds_its_subcategories_courses(client, catalogue):
    assert "深度学习与神经网络" in titles(client, "数据科学")


def test_english_is_stemmed(client, catalogue):
    assert titles(client, "photograph") == ["Photography basics"]
    assert titles(client, "perceptrons") == ["Deep nets in practice"]


def test_the_creator_name_finds_their_courses(client, catalogue):
    assert titles(client, "王晓明") == ["Photography basics"]


def test_a_word_being_typed_matches_as_a_prefix(client, catalogue):
    assert titles(client, "pyth") == ["Python programming basics"]


def test_a_typo_still_finds_its_course_and_says_what_was_searched(client, catalogue):
    response = client.get(CATALOGUE, {"q": "pyhton"})
    assert [c.title for c in response.context["courses"]] == [
        "Python programming basics"
    ]
    assert "python" in response.context["corrected_query"]
    assert "Showing results for" in response.content.decode() or "以下是" in (
        response.content.decode()
    )
    assert titles(client, "photograpy basics") == ["Photography basics"]
    assert set(titles(client, "machine lerning")) == {
        "机器学习实战：从零开始",
        "深度学习与神经网络",
        "Deep nets in practice",
    }


def test_drafts_are_never_found(client, catalogue):
    assert "机器学习草稿" not in titles(client, "草稿")


def test_title_matches_rank_before_category_matches(client, catalogue):
    assert titles(client, "机器学习", sort="relevance")[0] == "机器学习实战：从零开始"


def test_search_combines_with_facets(client, catalogue):
    assert titles(client, "机器学习", language="en") == []
    assert titles(client, "学习", category="psychology") == []


def test_nothing_found_suggests_close_categories_and_popular_courses(client, catalogue):
    response = client.get(CATALOGUE, {"q": "心理咨询师认证"})
    assert response.context["courses"] == []
    suggestions = response.context["suggestions"]
    assert suggestions["categories"][0].slug == "psychology"
    assert [c.title for c in suggestions["courses"]][:2] == [
        "Python programming basics",
        "Photography basics",
    ]
    html = response.content.decode()
    assert 'data-testid="search-suggestions"' in html
    assert "?category=psychology" in html


def test_nothing_close_still_suggests_popular_courses(client, catalogue):
    response = client.get(CATALOGUE, {"q": "zzqx"})
    assert response.context["courses"] == []
    assert response.context["suggestions"]["courses"]
    assert response.context["suggestions"]["categories"]


def test_odd_input_is_harmless(client, catalogue):
    for query in ['"', "'", "*", "(", "AND", "NOT OR", "a:b", "\\", "标题 -- ;", "💡"]:
        assert client.get(CATALOGUE, {"q": query}).status_code == 200
    assert client.get(CATALOGUE, {"q": "x" * 500}).status_code == 200


def test_a_search_page_runs_a_bounded_number_of_queries(
    client, catalogue, django_assert_max_num_queries
):
    # Page, count, vocabulary look-up, session/user and the analytics event;
    # a search without results adds the popular courses (categories are loaded).
    with django_assert_max_num_queries(8):
        client.get(CATALOGUE, {"q": "machine learning"})
    with django_assert_max_num_queries(10):
        client.get(CATALOGUE, {"q": "zzqx wwwqx"})


def test_renaming_a_category_in_the_admin_reindexes_its_courses(client, catalogue):
    from tests.factories import StaffFactory

    category = Course.objects.get(title="心理学入门").category
    client.force_login(StaffFactory())
    response = client.post(
        reverse("admin:courses_category_change", args=[category.pk]),
        {
            "slug": category.slug,
            "name_zh": "心理学",
            "name_en": "Mind science",
            "position": 0,
        },
    )
    assert response.status_code == 302
    found = search.search_filter(Course.objects.all(), "mind science")
    assert {c.title for c in found} == {
        "心理学入门",
        "Cognitive thinking",
        "情绪管理与压力应对",
    }


def test_the_vocabulary_remembers_words_for_corrections(catalogue):
    assert SearchTerm.objects.filter(kind="course", term="python").exists()
    assert SearchTerm.objects.get(kind="course", term="photographi").word == (
        "photography"
    )


def test_both_databases_index_the_analysed_terms(catalogue):
    course = Course.objects.get(title="深度学习与神经网络")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT keywords FROM courses_course_fts WHERE rowid = %s", [course.pk]
            )
        else:
            cursor.execute(
                "SELECT search_vector::text FROM courses_course WHERE id = %s",
                [course.pk],
            )
        (terms,) = cursor.fetchone()
    # The category's name, segmented (机器学习 → 机器) and stemmed (learning).
    assert "机器" in terms and "learn" in terms and "learning" not in terms
