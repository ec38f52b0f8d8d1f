"""No payload survives in any Markdown field: opening posts, answers, comments, edits."""

import re

import pytest

from community import services
from core.markdown import COMMUNITY_POST, render_markdown
from tests.xss import XSS_PAYLOADS, problems_in


def user_html(page: str) -> str:
    """The user-written parts of a page (post bodies hold no <div>)."""
    parts = re.findall(r'<div class="post-body">(.*?)</div>', page, flags=re.S)
    assert parts
    return "\n".join(parts)


@pytest.mark.django_db
def test_every_markdown_field_on_the_thread_page(client, member, other_member, space):
    """All payloads through thread body, answer, comment and edit; the page stays clean."""
    body = "\n\n".join(XSS_PAYLOADS)
    thread = services.thread_create(
        author=member,
        space=space,
        kind="question",
        title="<script>alert(1)</script> title",
        body=body,
    )
    staff_post = services.post_create(author=other_member, thread=thread, body=body)
    from community.models import Post

    # Comments bypass the rate limit for this test by being created in bulk.
    for payload in XSS_PAYLOADS:
        Post.objects.create(
            thread=thread,
            author=member,
            kind="comment",
            parent=staff_post,
            body=payload,
            body_html=render_markdown(payload, profile=COMMUNITY_POST),
        )
    services.post_edit(post=staff_post, editor=other_member, body=body + "\n\nedited")
    response = client.get(thread.get_absolute_url())
    html = response.content.decode()
    assert problems_in(user_html(html)) == []
    # Outside post bodies the page's own markup carries no trace of a payload.
    assert (
        "alert(1)</script>" not in html
        and "onerror=alert" not in html.replace("&#x27;", "'").split("post-body")[0]
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt; title" in html
    history = client.get(f"/community/p/{staff_post.pk}/history/").content.decode()
    assert "<script>alert" not in history and "<img src=x" not in history
    api = client.get(f"/api/v1/community/posts/?thread={thread.pk}").json()
    for item in api["results"]:
        assert problems_in(item["body_html"]) == []
