"""Demo categories (two levels, Chinese and English names)."""

from kpplatform.seeding import CATEGORIES, SeedContext, SeedStep

from .models import Category


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


SEED_STEPS = [SeedStep(order=5, name="courses.categories", run=seed_categories)]
