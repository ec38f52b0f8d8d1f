from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from core.pagecache import invalidate_on_change

        from .models import Category, Course, Lesson, Review, Section
        from .services import search

        search._register_courses()
        from core import warmup

        from .services.search_text import warm_analysers

        # jieba's dictionary takes 1-2 s to load: at start, not on a first search.
        warmup.register(warm_analysers, name="search analysers", order=90)
        # Anonymous pages cached by core.pagecache show these.
        from .models import LessonAttachment

        for model in (Category, Course, Section, Lesson, LessonAttachment, Review):
            invalidate_on_change(model, groups=["courses"])
        from .models import Column, ColumnPost

        for model in (Column, ColumnPost):
            invalidate_on_change(model, groups=["courses"])
        from core.pagecache import invalidate_viewer_on_change

        from .models import Wishlist

        # A signed-in viewer's cached course page shows their own review and
        # wishlist button.
        invalidate_viewer_on_change(Review)
        invalidate_viewer_on_change(Wishlist)
        from core.cards import card_template_register

        # Mixed lists (the home feed) draw courses with this.
        card_template_register(
            kind="course", template="courses/_course_card.html", name="course"
        )
