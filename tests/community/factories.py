"""Community factories (the shared ones live in tests/factories.py)."""

import factory

from community.models import Post, Space, Thread
from core.markdown import COMMUNITY_POST, render_markdown
from tests.factories import CategoryFactory, UserFactory


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    kind = Space.Kind.CATEGORY
    category = factory.SubFactory(CategoryFactory)
    slug = factory.Sequence(lambda n: f"space-{n}")
    name_zh = factory.Sequence(lambda n: f"空间{n}")
    name_en = factory.Sequence(lambda n: f"Space {n}")


class ThreadFactory(factory.django.DjangoModelFactory):
    """A live thread with its opening post (bypasses rate limits: test data)."""

    class Meta:
        model = Thread
        skip_postgeneration_save = True

    space = factory.SubFactory(SpaceFactory)
    author = factory.SubFactory(UserFactory)
    kind = Thread.Kind.QUESTION
    title = factory.Sequence(lambda n: f"How do I solve problem number {n}?")

    @factory.post_generation
    def body(self, create, extracted, **kwargs):
        if create:
            text = extracted or "Some details about the problem."
            Post.objects.create(
                thread=self,
                author=self.author,
                kind=Post.Kind.OPENING,
                body=text,
                body_html=render_markdown(text, profile=COMMUNITY_POST),
            )


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    kind = Post.Kind.ANSWER
    body = "An answer."
    body_html = factory.LazyAttribute(
        lambda o: render_markdown(o.body, profile=COMMUNITY_POST)
    )
