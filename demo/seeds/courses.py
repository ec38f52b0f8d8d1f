"""Demo data of the courses app.

Order 5: categories. Order 20: courses with sections and lessons (articles in
Markdown, a short sample video, free previews, free and paid, a few in review
or draft). Order 35, after learning's enrolments (30): reviews by a share of
enrolled learners, higher stars inside the learner's interest cluster, and the
counters refreshed. `--scale bench` creates 10,000 courses with bulk inserts.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from decimal import Decimal
from pathlib import Path

from django.core.files.storage import storages
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape

from core.markdown import COURSE_TEXT, LESSON_ARTICLE, render_markdown
from courses.models import Category, Course, Lesson, Review, Section
from courses.services import course_search_vectors_refresh
from demo.bulk import bulk_insert
from demo.seeding import (
    CATEGORIES,
    DATA_DIR,
    INTEREST_CLUSTERS,
    SeedContext,
    SeedStep,
    load_data,
)

# Words of the catalogue (demo/data/courses.yaml) and the Markdown templates of
# descriptions and articles (demo/data/courses/<kind>.<language>.md).
WORDS = load_data("courses.yaml")
LANGUAGES = ("zh-hans", "en")
DESCRIPTION = {lang: load_data(f"courses/description.{lang}.md") for lang in LANGUAGES}
ARTICLE = {lang: load_data(f"courses/article.{lang}.md") for lang in LANGUAGES}
SAMPLE_VIDEO = DATA_DIR / "media" / "sample.mp4"
SAMPLE_VIDEO_NAME = "videos/seed/sample.mp4"
SAMPLE_VIDEO_SECONDS = 5
PRICES = [Decimal(p) for p in ("0", "0", "49", "99", "99", "129", "199", "299")]
COURSES_PER_SCALE = {"small": 64, "bench": 10000, "tenth": 5000}
LEVEL_LABELS = {
    "zh-hans": {"beginner": "入门", "intermediate": "进阶", "advanced": "高级"},
    "en": {
        "beginner": "beginner",
        "intermediate": "intermediate",
        "advanced": "advanced",
    },
}


def seed_categories(ctx: SeedContext) -> None:
    by_slug: dict[str, Category] = {}
    for position, (slug, name_zh, name_en, parent_slug) in enumerate(CATEGORIES):
        category, _ = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "parent": by_slug.get(parent_slug) if parent_slug else None,
                "position": position,
            },
        )
        by_slug[slug] = category
    ctx.log(f"  categories: {len(by_slug)}")


# Text that Markdown leaves as it is (no emphasis, code, links, HTML, escapes).
_PLAIN = re.compile(r"[^*_`<>&\[\]!\\{}#|~=\n\"']+")


_TEMPLATE_HTML: dict[tuple, str] = {}


def _rendered_template(template: str, profile, fixed: tuple, marks: tuple) -> str:
    key = (template, id(profile), fixed, marks)
    if key not in _TEMPLATE_HTML:
        _TEMPLATE_HTML[key] = render_markdown(
            template.format(**dict(fixed), **dict(marks)), profile=profile
        )
    return _TEMPLATE_HTML[key]


def _rendered(template: str, profile, *, fixed: dict, varying: dict) -> str:
    """`render_markdown(template.format(**fixed, **varying))`, rendering each
    template once per `fixed` values: the `varying` values (a course title, a
    creator's name) are put into the HTML afterwards, escaped, when they are
    plain text (else the whole text is rendered). Ten thousand bench courses
    share a few dozen renderings this way."""
    if not all(_PLAIN.fullmatch(value) for value in varying.values()):
        return render_markdown(template.format(**fixed, **varying), profile=profile)
    marks = {key: f"KPSEEDMARK{index}X" for index, key in enumerate(sorted(varying))}
    html = _rendered_template(
        template, profile, tuple(sorted(fixed.items())), tuple(sorted(marks.items()))
    )
    for key, mark in marks.items():
        html = html.replace(mark, escape(varying[key]))
    return html


def _sample_video_name() -> str:
    """Copy the committed sample MP4 into the protected storage (once)."""
    storage = storages["protected"]
    if not storage.exists(SAMPLE_VIDEO_NAME) and SAMPLE_VIDEO.exists():
        target = Path(storage.path(SAMPLE_VIDEO_NAME))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE_VIDEO, target)
    return SAMPLE_VIDEO_NAME if storage.exists(SAMPLE_VIDEO_NAME) else ""


def seed_courses(ctx: SeedContext) -> None:
    from accounts.models import User

    rng = ctx.rng("courses.courses")
    total = COURSES_PER_SCALE[ctx.scale]
    bench = ctx.scale != "small"
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    if not categories:
        ctx.log("  no categories: run courses.categories first")
        return
    creators = list(
        User.objects.filter(email__startswith="creator", email__endswith="@demo.kp")
        .select_related("profile")
        .prefetch_related("profile__interests")
        .order_by("id")
    )
    if not creators:
        ctx.log("  no demo creators: run accounts.people first")
        return
    teaches: dict[str, list] = {}
    for creator in creators:
        for interest in creator.profile.interests.all():
            teaches.setdefault(interest.slug, []).append(creator)

    existing = set(Course.objects.values_list("slug", flat=True))
    video_name = _sample_video_name()
    now = timezone.now()
    category_slugs = [slug for slug, *_ in CATEGORIES]
    new_courses: list[Course] = []
    for index in range(total):
        slug_cat = category_slugs[index % len(category_slugs)]
        category = categories[slug_cat]
        topics = WORDS["topics"][slug_cat]
        round_, topic_index = divmod(index // len(category_slugs), len(topics))
        topic = topics[topic_index]
        zh_title, en_title = topic["zh"], topic["en"]
        zh_sub, en_sub = topic["zh_subtitle"], topic["en_subtitle"]
        language = "zh-hans" if (index // len(category_slugs)) % 3 != 2 else "en"
        title, subtitle = (
            (zh_title, zh_sub) if language == "zh-hans" else (en_title, en_sub)
        )
        if round_:
            title += (
                f"（第{round_ + 1}期）"
                if language == "zh-hans"
                else f" (vol. {round_ + 1})"
            )
        slug = f"{slug_cat}-{index + 1}"
        # The rng is drawn for every index so that the sequence does not depend on
        # which courses exist already.
        top_slug = category.parent.slug if category.parent_id else category.slug
        pool = teaches.get(top_slug) or creators
        creator = pool[rng.randrange(len(pool))]
        level = rng.choice(["beginner", "beginner", "intermediate", "advanced"])
        price = rng.choice(PRICES)
        days_ago = rng.randint(1, 720)
        status = Course.Status.PUBLISHED
        if not bench and index >= total - 4:
            status = Course.Status.IN_REVIEW if index % 2 else Course.Status.DRAFT
        if slug in existing:
            continue
        name = creator.profile.display_name
        description = DESCRIPTION[language].format(
            subtitle=subtitle,
            creator=name,
            level=LEVEL_LABELS[language][level],
            title=title,
        )
        description_html = _rendered(
            DESCRIPTION[language],
            COURSE_TEXT,
            fixed={"subtitle": subtitle, "level": LEVEL_LABELS[language][level]},
            varying={"creator": name, "title": title},
        )
        published = now - dt.timedelta(days=days_ago, minutes=index)
        new_courses.append(
            Course(
                creator=creator,
                category=category,
                title=title,
                slug=slug,
                subtitle=subtitle,
                description=description,
                description_html=description_html,
                level=level,
                language=language,
                price=price,
                status=status,
                is_featured=not bench and index % 11 == 0,
                published_at=published if status == Course.Status.PUBLISHED else None,
                submitted_at=now if status == Course.Status.IN_REVIEW else None,
            )
        )
    bulk_insert(new_courses, batch_size=1000)
    created = list(
        Course.objects.filter(slug__in=[c.slug for c in new_courses]).order_by("id")
    )
    _seed_syllabus(ctx, created, video_name=video_name, bench=bench)
    course_search_vectors_refresh(
        queryset=Course.objects.filter(pk__in=[c.pk for c in created])
    )
    if connection.vendor == "postgresql":
        # Bulk inserts leave the planner blind until autovacuum passes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE courses_course, courses_section, courses_lesson")
    ctx.log(f"  courses: {len(created)} new, {len(existing)} already there")


def _seed_syllabus(ctx, courses: list[Course], *, video_name: str, bench: bool) -> None:
    sections_per_course = 2 if bench else 3
    lessons_per_section = 2 if bench else 3
    sections = []
    for course in courses:
        titles = WORDS["section_titles"][course.language]
        for position in range(sections_per_course):
            sections.append(
                Section(course=course, title=titles[position], position=position)
            )
    bulk_insert(sections, batch_size=2000)
    sections = list(
        Section.objects.filter(course__in=courses)
        .select_related("course")
        .order_by("course_id", "position")
    )
    lessons = []
    for section in ctx.progress(sections, total=len(sections), desc="lessons"):
        course = section.course
        titles = WORDS["lesson_titles"][course.language]
        for position in range(lessons_per_section):
            lesson_title = titles[
                (section.position * lessons_per_section + position) % len(titles)
            ]
            first = section.position == 0 and position == 0
            is_video = bool(video_name) and position == 0
            last = position == lessons_per_section - 1
            kind = Lesson.Kind.VIDEO if is_video else Lesson.Kind.ARTICLE
            # Practice closes some sections: a quiz after the last section, an
            # assignment after the first one.
            if last and not first and section.position == sections_per_course - 1:
                kind = Lesson.Kind.QUIZ
                lesson_title = WORDS["quiz_title"][course.language]
            elif last and not first and section.position == 0 and not bench:
                kind = Lesson.Kind.ASSIGNMENT
                lesson_title = WORDS["assignment_title"][course.language]
            body = ""
            body_html = ""
            if kind == Lesson.Kind.ARTICLE:
                body = ARTICLE[course.language].format(
                    lesson=lesson_title, title=course.title
                )
                body_html = _rendered(
                    ARTICLE[course.language],
                    LESSON_ARTICLE,
                    fixed={"lesson": lesson_title},
                    varying={"title": course.title},
                )
            lessons.append(
                Lesson(
                    section=section,
                    title=lesson_title,
                    kind=kind,
                    position=position,
                    is_free_preview=first or (section.position == 1 and position == 1),
                    duration_seconds=SAMPLE_VIDEO_SECONDS if is_video else 300,
                    video_file=video_name if is_video else "",
                    body=body,
                    body_html=body_html,
                )
            )
    bulk_insert(lessons, batch_size=2000)


def _stars(rng, inside: bool) -> int:
    if inside:
        return rng.choices([5, 4, 3], weights=[60, 32, 8])[0]
    return rng.choices([5, 4, 3, 2, 1], weights=[10, 25, 35, 20, 10])[0]


def seed_reviews(ctx: SeedContext) -> None:
    from accounts.models import Profile
    from learning.models import Enrollment

    cluster_of = {}
    for cluster in INTEREST_CLUSTERS:
        for slug in cluster:
            cluster_of.setdefault(slug, set()).update(cluster)
    interests: dict[int, set[str]] = {}
    through = Profile.interests.through
    for user_id, slug in through.objects.values_list(
        "profile__user_id", "category__slug"
    ):
        interests.setdefault(user_id, set()).update(cluster_of.get(slug, {slug}))
    enrollments = (
        Enrollment.objects.filter(is_active=True, course__status="published")
        .values_list(
            "user_id",
            "course_id",
            "course__category__slug",
            "course__category__parent__slug",
        )
        .order_by("id")
    )
    reviewed = set(Review.objects.values_list("user_id", "course_id"))
    now = timezone.now()
    reviews = []
    for user_id, course_id, cat_slug, parent_slug in enrollments.iterator():
        if (user_id, course_id) in reviewed:
            continue
        # One generator per pair: the choice does not depend on which other
        # enrolments exist, so a second run (or new enrolments) changes nothing.
        pair_rng = random.Random(f"{ctx.seed}:review:{user_id}:{course_id}")
        if pair_rng.random() > 0.4:
            continue
        inside = (parent_slug or cat_slug) in interests.get(user_id, set())
        stars = _stars(pair_rng, inside)
        band = "high" if stars >= 4 else "mid" if stars == 3 else "low"
        reviews.append(
            Review(
                user_id=user_id,
                course_id=course_id,
                rating=stars,
                text=pair_rng.choice(WORDS["review_texts"][band]),
            )
        )
    bulk_insert(reviews, batch_size=2000, ignore_conflicts=True)
    # Spread review dates (auto_now_add stamps them all with now).
    courses_counters_refresh_all()
    ctx.log(f"  reviews: {len(reviews)} new ({now:%Y-%m-%d})")


def courses_counters_refresh_all() -> int:
    """Recompute every course's learner and rating counters in one UPDATE."""
    from learning.models import Enrollment

    visible = Review.objects.filter(course=OuterRef("pk"), is_hidden=False)
    count = visible.values("course").annotate(n=Count("id")).values("n")
    average = visible.values("course").annotate(a=Avg("rating")).values("a")
    learners = (
        Enrollment.objects.filter(course=OuterRef("pk"), is_active=True)
        .values("course")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Course.objects.update(
        rating_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        rating_average=Coalesce(
            Subquery(
                average, output_field=DecimalField(max_digits=3, decimal_places=2)
            ),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=3, decimal_places=2),
        ),
        learner_count=Coalesce(
            Subquery(learners, output_field=IntegerField()), Value(0)
        ),
    )


SEED_STEPS = [
    SeedStep(order=5, name="courses.categories", run=seed_categories),
    SeedStep(order=20, name="courses.courses", run=seed_courses),
    SeedStep(order=35, name="courses.reviews", run=seed_reviews),
]
