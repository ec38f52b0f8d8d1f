"""Pages of the community. Thin: a form or a selector, one service, a template."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.pagecache import anonymous_page_cache, keep_while
from core.pagination import BoundedCountPaginator
from core.redirects import safe_next

from . import selectors, services, similarity
from .forms import (
    CommentForm,
    EditForm,
    PostForm,
    SpaceSettingsForm,
    ThreadForm,
)
from .models import Post, Space, Tag, Thread

User = get_user_model()
PAGE_SIZE = 20
FILTERS = {"unanswered", "featured", "following"}
SORTS = {"active", "new", "top"}
COURSE_SPACES_SHOWN = 30
POSTS_PER_PAGE = 30


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _back(request: HttpRequest, fallback: str) -> str:
    return safe_next(request, fallback, use_referer=True)


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "community/not_found.html", {"message": message}, status=404)


def handles_missing(message_key: str):
    """Turn an unknown space/thread/post into a friendly 404 page."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except Http404:
                messages_map = {
                    "space": _("This space does not exist, or you cannot see it."),
                    "thread": _(
                        "This thread does not exist, was deleted, or you cannot see it."
                    ),
                    "post": _(
                        "This post does not exist, was deleted, or you cannot see it."
                    ),
                    "tag": _("This tag does not exist."),
                }
                return _not_found(request, messages_map[message_key])

        return wrapper

    return decorator


def _visible_space(request, slug: str) -> Space:
    space = Space.objects.select_related("course", "category").filter(slug=slug).first()
    if space is None or not selectors.can_view_space(request.user, space):
        raise Http404
    return space


def _visible_thread(request, pk: int) -> Thread:
    thread = (
        Thread.objects.select_related(
            "space", "space__course", "author", "author__profile"
        )
        .filter(pk=pk)
        .first()
    )
    if thread is None or not selectors.can_view_thread(request.user, thread):
        raise Http404
    return thread


def _visible_post(request, pk: int) -> Post:
    post = (
        Post.objects.select_related(
            "thread", "thread__space", "thread__space__course", "author"
        )
        .filter(pk=pk)
        .first()
    )
    if post is None or not selectors.can_view_post(request.user, post):
        raise Http404
    return post


def _list_params(request) -> tuple[str, str]:
    current_filter = request.GET.get("filter", "")
    sort = request.GET.get("sort", "active")
    return (
        current_filter if current_filter in FILTERS else "",
        sort if sort in SORTS else "active",
    )


def _page(request, queryset):
    """A page of threads; counted up to the bound as the API's threads list is
    (core.pagination): the count no longer reads every visible thread."""
    return BoundedCountPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- lists -----------------------------------------------------------------------


@require_GET
# "rewards": the learner levels next to authors' names.
@anonymous_page_cache(groups=["community", "rewards"])
def index(request: HttpRequest) -> HttpResponse:
    spaces = selectors.visible_spaces(request.user).order_by(
        "position", "-last_activity_at", "id"
    )
    current_filter, sort = _list_params(request)
    threads = selectors.thread_list(user=request.user, filter=current_filter, sort=sort)
    return render(
        request,
        "community/index.html",
        {
            # One space per category, but one per course: only the 30 most
            # active course spaces are read, whatever the number of courses.
            "topic_spaces": list(
                spaces.filter(kind=Space.Kind.CATEGORY).select_related("category")
            ),
            "course_spaces": list(
                spaces.filter(kind=Space.Kind.COURSE).select_related("course")[
                    :COURSE_SPACES_SHOWN
                ]
            ),
            "page_obj": _page(request, threads),
            "current_filter": current_filter,
            "sort": sort,
            "popular_tags": list(
                Tag.objects.filter(thread_count__gt=0).order_by(
                    "-thread_count", "slug"
                )[:20]
            ),
        },
    )


@require_GET
@handles_missing("space")
def space_detail(request: HttpRequest, slug: str) -> HttpResponse:
    space = _visible_space(request, slug)
    current_filter, sort = _list_params(request)
    threads = selectors.thread_list(
        user=request.user, space=space, filter=current_filter, sort=sort
    )
    return render(
        request,
        "community/space_detail.html",
        {
            "space": space,
            "page_obj": _page(request, threads),
            "current_filter": current_filter,
            "sort": sort,
            "can_manage": selectors.can_manage_space(request.user, space),
        },
    )


@require_GET
@handles_missing("tag")
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    current_filter, sort = _list_params(request)
    threads = selectors.thread_list(
        user=request.user, tag=tag, filter=current_filter, sort=sort
    )
    following = (
        request.user.is_authenticated and tag.follows.filter(user=request.user).exists()
    )
    return render(
        request,
        "community/tag_detail.html",
        {
            "tag": tag,
            "page_obj": _page(request, threads),
            "current_filter": current_filter,
            "sort": sort,
            "following": following,
        },
    )


@require_GET
def best_of(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/best_of.html",
        {"page_obj": _page(request, selectors.best_of(user=request.user))},
    )


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    results = list(selectors.search(user=request.user, query=query)) if query else []
    if query:
        services.search_record(query=query, results=len(results), user=request.user)
    return render(
        request, "community/search.html", {"query": query, "results": results}
    )


@login_required
@require_GET
def bookmarks(request: HttpRequest) -> HttpResponse:
    threads = (
        selectors.listed_threads(request.user)
        .filter(bookmarks__user=request.user)
        .select_related("space", "author", "author__profile", "accepted_post")
        .prefetch_related("tags")
        .order_by("-bookmarks__created_at")
    )
    return render(
        request, "community/bookmarks.html", {"page_obj": _page(request, threads)}
    )


# --- a thread ---------------------------------------------------------------------


def _thread_cache_hit(request, extra, pk: int) -> None:
    services.thread_view_record(thread_id=pk, user=request.user)


@require_GET
@handles_missing("thread")
@anonymous_page_cache(groups=["community", "rewards"], on_hit=_thread_cache_hit)
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _visible_thread(request, pk)
    services.thread_view_record(thread_id=thread.pk, user=request.user)
    opening = selectors.opening_post(thread)
    posts_page = Paginator(
        selectors.thread_posts(thread=thread, user=request.user), POSTS_PER_PAGE
    ).get_page(request.GET.get("page"))
    posts = list(posts_page.object_list)
    post_ids = [p.pk for p in posts] + ([opening.pk] if opening else [])
    # Every post shown, comments included: their authors' extras (learner
    # levels) are fetched in one batch by the template's annotate_cards.
    authored = ([opening] if opening else []) + posts
    for post in posts:
        comments = list(post.comments.all())
        post_ids.extend(c.pk for c in comments)
        authored.extend(comments)
    user = request.user
    related = similarity.related_threads(user=user, thread=thread)
    if not similarity.index_loaded():
        # No index yet (the worker is building it): keep this page without
        # related threads only until there is one.
        keep_while(request, "community.similarity.index_missing")
    return render(
        request,
        "community/thread_detail.html",
        {
            "thread": thread,
            "space": thread.space,
            "opening": opening,
            "posts": posts,
            "posts_page": posts_page,
            "authored": authored,
            "tags": list(thread.tags.all()),
            "my_votes": selectors.user_votes(user=user, post_ids=post_ids),
            "bookmarked": selectors.is_bookmarked(user=user, thread=thread),
            "following": selectors.follows_thread(user=user, thread=thread),
            "can_accept": selectors.can_accept(user, thread),
            "can_moderate": selectors.can_moderate_space(user, thread.space),
            "related": related,
            "reply_form": PostForm(),
            "comment_form": CommentForm(),
        },
    )


@login_required
@handles_missing("space")
def thread_create(request: HttpRequest, slug: str) -> HttpResponse:
    space = _visible_space(request, slug)
    # A POST with no field at all is still a submission (errors shown).
    form = ThreadForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": request.GET.get("kind", "question")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(
                author=request.user,
                space=space,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=services.parse_tags(form.cleaned_data["tags"]),
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            if thread.status == "held":
                messages.info(
                    request,
                    _(
                        "Your thread is waiting for a moderator before it is shown to others."
                    ),
                )
            else:
                messages.success(request, _("Your thread is published."))
            return redirect(thread)
    return render(request, "community/thread_form.html", {"space": space, "form": form})


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """htmx fragment: questions close to the title being typed."""
    text = request.GET.get("title", "")
    threads = similarity.similar_threads(user=request.user, text=text, limit=5)
    return render(
        request, "community/partials/similar.html", {"threads": threads, "text": text}
    )


@login_required
@require_POST
@handles_missing("thread")
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    thread = Thread.objects.select_related("space").filter(pk=pk).first()
    if thread is None:
        raise Http404
    if not selectors.can_view_thread(request.user, thread):
        messages.error(request, _("This thread was deleted; replies are closed."))
        return redirect("community:index")
    form = PostForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("body", []):
            messages.error(request, error)
        return redirect(thread)
    try:
        post = services.post_create(
            author=request.user, thread=thread, body=form.cleaned_data["body"]
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(
            request,
            _error_text(error) if isinstance(error, ValidationError) else str(error),
        )
        return redirect(thread)
    if post.status == "held":
        messages.info(request, _("Your post is waiting for a moderator."))
    return redirect(post.get_absolute_url())


@login_required
@require_POST
@handles_missing("post")
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _visible_post(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("body", []):
            messages.error(request, error)
        return redirect(parent.get_absolute_url())
    try:
        post = services.post_create(
            author=request.user,
            thread=parent.thread,
            body=form.cleaned_data["body"],
            parent=parent,
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(parent.get_absolute_url())
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(parent.get_absolute_url())
    return redirect(post.get_absolute_url())


@login_required
@handles_missing("post")
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    if not selectors.can_edit_post(request.user, post):
        raise PermissionDenied(_("You can only edit your own posts."))
    is_opening = post.kind == Post.Kind.OPENING
    form = EditForm(
        request.POST if request.method == "POST" else None,
        initial={
            "body": post.body,
            "title": post.thread.title if is_opening else "",
            "tags": " ".join(t.name for t in post.thread.tags.all())
            if is_opening
            else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                post=post,
                editor=request.user,
                body=form.cleaned_data["body"],
                title=form.cleaned_data["title"] if is_opening else None,
                tags=services.parse_tags(form.cleaned_data["tags"])
                if is_opening
                else None,
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(post.get_absolute_url())
    return render(
        request,
        "community/post_edit.html",
        {"post": post, "form": form, "is_opening": is_opening},
    )


@login_required
@require_POST
@handles_missing("post")
def post_delete(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    services.post_delete(post=post, user=request.user)  # PermissionDenied → 403
    messages.success(request, _("Deleted."))
    if post.kind == Post.Kind.OPENING:
        return redirect(post.thread.space)
    return redirect(post.thread)


@require_GET
@handles_missing("post")
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    revisions = post.revisions.select_related("editor", "editor__profile")
    return render(
        request, "community/post_history.html", {"post": post, "revisions": revisions}
    )


@login_required
@require_POST
@handles_missing("post")
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    raw = request.POST.get("value", "1")
    error = ""
    try:
        if raw == "0":
            services.vote_withdraw(user=request.user, post=post)
        else:
            services.vote_cast(
                user=request.user, post=post, value=-1 if raw == "-1" else 1
            )
    except ValidationError as exc:
        error = _error_text(exc)
    post.refresh_from_db(fields=["score"])
    if request.htmx:
        my_votes = selectors.user_votes(user=request.user, post_ids=[post.pk])
        return render(
            request,
            "community/partials/vote.html",
            {"post": post, "my_votes": my_votes, "vote_error": error},
        )
    if error:
        messages.error(request, error)
    elif raw == "0":
        messages.success(request, _("Your vote is withdrawn."))
    else:
        messages.success(request, _("Your vote is counted."))
    return redirect(_back(request, post.get_absolute_url()))


@login_required
@require_POST
@handles_missing("post")
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    post = _visible_post(request, pk)
    try:
        services.answer_accept(post=post, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Answer accepted."))
    return redirect(post.get_absolute_url())


@login_required
@require_POST
@handles_missing("thread")
def bookmark(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _visible_thread(request, pk)
    bookmarked = services.bookmark_toggle(user=request.user, thread=thread)
    if request.htmx:
        return render(
            request,
            "community/partials/bookmark.html",
            {"thread": thread, "bookmarked": bookmarked},
        )
    messages.success(
        request, _("Bookmarked.") if bookmarked else _("Bookmark removed.")
    )
    return redirect(thread)


@login_required
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("target")
    wanted = request.POST.get("follow", "1") == "1"
    try:
        object_id = int(request.POST.get("id", ""))
    except ValueError:
        object_id = 0
    try:
        if target == "thread":
            thread = _visible_thread(request, object_id)
            state = services.follow_set(user=request.user, follow=wanted, thread=thread)
            fallback = thread.get_absolute_url()
        elif target == "tag":
            tag = get_object_or_404(Tag, pk=object_id)
            state = services.follow_set(user=request.user, follow=wanted, tag=tag)
            fallback = tag.get_absolute_url()
        elif target == "user":
            person = get_object_or_404(User, pk=object_id, is_active=True)
            state = services.follow_set(
                user=request.user, follow=wanted, followed_user=person
            )
            fallback = "/"
        else:
            raise Http404
    except Http404:
        return _not_found(request, _("There is nothing to follow here."))
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(_back(request, "/"))
    if request.htmx:
        return render(
            request,
            "community/partials/follow.html",
            {"target": target, "object_id": object_id, "following": state},
        )
    messages.success(request, _("Following.") if state else _("No longer following."))
    return redirect(_back(request, fallback))


@login_required
@require_POST
@handles_missing("thread")
def feature(request: HttpRequest, pk: int) -> HttpResponse:
    thread = _visible_thread(request, pk)
    featured = request.POST.get("featured", "1") == "1"
    services.thread_feature(thread=thread, user=request.user, featured=featured)
    messages.success(request, _("Featured.") if featured else _("No longer featured."))
    return redirect(thread)


@login_required
@handles_missing("space")
def space_settings(request: HttpRequest, slug: str) -> HttpResponse:
    space = _visible_space(request, slug)
    if not selectors.can_manage_space(request.user, space):
        raise PermissionDenied(_("Only the course creator may change this."))
    form = SpaceSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"visibility": space.visibility},
    )
    if request.method == "POST" and form.is_valid():
        services.space_set_visibility(
            space=space, user=request.user, visibility=form.cleaned_data["visibility"]
        )
        messages.success(request, _("Saved."))
        return redirect(space)
    return render(
        request, "community/space_settings.html", {"space": space, "form": form}
    )
