"""Learning paths: a creator's bundle of courses, sold as one offer."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField


class LearningPath(models.Model):
    """A bundle of courses in order, sold at a bundle price (0 = free)."""

    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="learning_paths",
        verbose_name=_("creator"),
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    price = MoneyField(_("bundle price"), max_digits=10)
    is_published = models.BooleanField(_("published"), default=False)
    courses = models.ManyToManyField(
        "courses.Course",
        through="LearningPathCourse",
        related_name="learning_paths",
        verbose_name=_("courses"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0),
                name="learning_path_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LearningPathCourse(models.Model):
    path = models.ForeignKey(
        LearningPath, on_delete=models.CASCADE, related_name="items"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("course in a learning path")
        verbose_name_plural = _("courses in learning paths")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["path", "course"], name="learning_path_course_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} #{self.position}: {self.course}"
