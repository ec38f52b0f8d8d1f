"""The demo experts' slots name their topics as an expert would write them.

The booking page of every demo slot said "主题 programming" (the category's
slug) on the Chinese site.
"""

import sys

import pytest

from demo.seeding import SeedContext
from demo.seeds.live import seed_experts
from live.models import Slot
from tests.factories import CategoryFactory, CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_slots_name_their_topics_not_their_slugs():
    for slug, zh in [("programming", "编程开发"), ("business", "商业管理")]:
        CategoryFactory(slug=slug, name_zh=zh, name_en=slug.title())
    CategoryFactory(slug="languages", name_zh="语言学习", name_en="Languages")
    for n in (1, 2, 4):
        CreatorFactory(email=f"creator{n}@demo.kp")
    for i in range(1, 50):
        UserFactory(email=f"learner{i}@demo.kp")
    seed_experts(SeedContext(scale="small", seed=42, stdout=sys.stdout, quiet=True))
    topics = set(Slot.objects.values_list("topic", flat=True))
    assert topics == {"编程开发", "商业管理", "语言学习"}
