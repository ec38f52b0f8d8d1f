"""Columns (专栏): the list, a column's page, a post, the audio, the feed, and
the creator's studio pages for columns and their posts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from commerce import selectors as shop
from commerce import services as shop_services
from core.media import serve_protected
from courses import services as content
from courses.models import Column, ColumnPost

from .. import selectors
from ..access import can_edit_column, can_read_post, can_see_post, column_reader


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            k: [m for e in v for m in e.messages] for k, v in error.error_dict.items()
        }
    return {"general": list(error.messages)}


@require_GET
def column_list(request):
    columns = list(selectors.published_columns()[:60])
    plans = shop.column_plans(column_ids=[c.pk for c in columns])
    subscribed = shop.subscribed_column_ids(user_id=request.user.pk)
    rows = [
        {
            "column": c,
            "cheapest": (plans.get(c.pk) or [None])[0],
            "subscribed": c.pk in subscribed,
        }
        for c in columns
    ]
    return render(request, "learning/columns/list.html", {"rows": rows})


@require_GET
def column_detail(request, slug: str):
    column = selectors.column_for_page(slug=slug, user=request.user)
    if column is None:
        raise Http404
    reader = column_reader(request.user, column)
    manage = can_edit_column(request.user, column)
    posts = list(selectors.column_posts(column, include_drafts=manage)[:200])
    plans = shop.column_plans(column_ids=[column.pk]).get(column.pk, [])
    return render(
        request,
        "learning/columns/detail.html",
        {
            "column": column,
            "posts": posts,
            "plans": plans,
            "reader": reader,
            "subscribed": reader and not manage,
            "can_manage": manage,
        },
    )


@require_GET
def column_post(request, slug: str, pk: int):
    post = selectors.column_post_for_page(slug=slug, pk=pk)
    if post is None or not can_see_post(request.user, post):
        raise Http404
    column = post.column
    readable = can_read_post(request.user, post)
    plans = (
        [] if readable else shop.column_plans(column_ids=[column.pk]).get(column.pk, [])
    )
    return render(
        request,
        "learning/columns/post.html",
        {
            "column": column,
            "post": post,
            "readable": readable,
            "plans": plans,
            "can_manage": can_edit_column(request.user, column),
        },
        status=200,
    )


def column_audio(request, pk: int):
    """The audio of a post, through the one access rule (ranged responses)."""
    post = get_object_or_404(ColumnPost.objects.select_related("column"), pk=pk)
    if not can_see_post(request.user, post) or not post.audio_file:
        raise Http404
    if not can_read_post(request.user, post):
        raise PermissionDenied
    return serve_protected(request, post.audio_file)


@login_required
@require_GET
def column_feed(request):
    column_ids = shop.subscribed_column_ids(user_id=request.user.pk)
    page = Paginator(selectors.feed_posts(column_ids=column_ids), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "learning/columns/feed.html",
        {"page": page, "has_columns": bool(column_ids)},
    )


# --- Studio -----------------------------------------------------------------------------


def _guard(request, column: Column | None = None) -> None:
    if not content.can_edit_column(request.user, None):
        raise PermissionDenied  # learners: the studio is for creators
    if column is not None and not content.can_edit_column(request.user, column):
        raise Http404  # another creator's column is not named


@login_required
@require_GET
def studio_columns(request):
    _guard(request)
    return render(
        request,
        "learning/columns/studio_list.html",
        {"columns": selectors.studio_columns(request.user)[:200]},
    )


PRICE_FIELDS = ("monthly", "yearly", "once")


@login_required
def studio_column_edit(request, pk: int | None = None):
    column = get_object_or_404(Column, pk=pk) if pk is not None else None
    _guard(request, column)
    plans = (
        {
            p.period: p
            for p in shop.column_plans(column_ids=[column.pk]).get(column.pk, [])
        }
        if column
        else {}
    )
    data = {
        "title": column.title if column else "",
        "summary": column.summary if column else "",
        "description": column.description if column else "",
        "is_published": column.is_published if column else False,
        **{f: (plans[f].price if f in plans else "") for f in PRICE_FIELDS},
    }
    errors: dict = {}
    if request.method == "POST":
        data = {
            "title": request.POST.get("title", ""),
            "summary": request.POST.get("summary", ""),
            "description": request.POST.get("description", ""),
            "is_published": request.POST.get("is_published") == "on",
            **{f: request.POST.get(f, "").strip() for f in PRICE_FIELDS},
        }
        try:
            with transaction.atomic():
                saved = content.column_save(
                    actor=request.user,
                    column=column,
                    title=data["title"],
                    summary=data["summary"],
                    description=data["description"],
                    is_published=data["is_published"],
                )
                shop_services.column_plans_set(
                    column_id=saved.pk,
                    creator_id=saved.creator_id,
                    name=saved.title,
                    prices={f: data[f] for f in PRICE_FIELDS},
                )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, _("The column is saved."))
            return redirect("learning:studio_column_edit", pk=saved.pk)
    posts = list(selectors.column_posts(column, include_drafts=True)) if column else []
    return render(
        request,
        "learning/columns/studio_form.html",
        {"column": column, "data": data, "errors": errors, "posts": posts},
    )


@login_required
def studio_post_edit(request, column_pk: int, pk: int | None = None):
    column = get_object_or_404(Column, pk=column_pk)
    _guard(request, column)
    post = get_object_or_404(ColumnPost, pk=pk, column=column) if pk else None
    data = {
        "title": post.title if post else "",
        "kind": post.kind if post else ColumnPost.Kind.ARTICLE,
        "body": post.body if post else "",
        "preview": post.preview if post else "",
        "is_free": post.is_free if post else False,
        "publish": post.is_published if post else False,
        "duration_seconds": post.duration_seconds if post else "",
    }
    errors: dict = {}
    if request.method == "POST":
        data = {
            "title": request.POST.get("title", ""),
            "kind": request.POST.get("kind", ColumnPost.Kind.ARTICLE),
            "body": request.POST.get("body", ""),
            "preview": request.POST.get("preview", ""),
            "is_free": request.POST.get("is_free") == "on",
            "publish": request.POST.get("publish") == "on",
            "duration_seconds": request.POST.get("duration_seconds", "").strip(),
        }
        try:
            duration = int(data["duration_seconds"] or 0)
        except ValueError:
            errors = {"duration_seconds": [_("Enter the length in whole seconds.")]}
        else:
            try:
                post = content.column_post_save(
                    actor=request.user,
                    column=column,
                    post=post,
                    title=data["title"],
                    kind=data["kind"],
                    body=data["body"],
                    preview=data["preview"],
                    is_free=data["is_free"],
                    publish=data["publish"],
                    audio_file=request.FILES.get("audio_file"),
                    duration_seconds=duration,
                )
            except ValidationError as error:
                errors = _errors(error)
            else:
                messages.success(request, _("The post is saved."))
                return redirect("learning:studio_column_edit", pk=column.pk)
    if errors.get("general"):
        messages.error(request, " ".join(errors["general"]))
    return render(
        request,
        "learning/columns/studio_post_form.html",
        {
            "column": column,
            "post": post,
            "data": data,
            "errors": errors,
            "kinds": ColumnPost.Kind.choices,
        },
    )


__all__ = [
    "column_audio",
    "column_detail",
    "column_feed",
    "column_list",
    "column_post",
    "studio_column_edit",
    "studio_columns",
    "studio_post_edit",
]
