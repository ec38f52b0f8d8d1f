"""Paid questions: ask an expert, the question page, my questions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commerce.services import CommerceError
from core.media import serve_protected

from .. import experts, selectors, services
from ..forms import AnswerForm, QuestionForm, QuestionPriceForm, RejectForm
from ..models import ExpertProfile, PaidQuestion, QuestionPolicy
from .common import add_errors, flash_errors


@require_GET
def ask_home(request):
    """Ask an expert: who takes paid questions, and answers made public."""
    experts = Paginator(selectors.experts_taking_questions(), 12).get_page(
        request.GET.get("page")
    )
    public = list(selectors.public_questions()[:10])
    return render(
        request,
        "live/questions/ask_home.html",
        {
            "experts": experts,
            "public": public,
            "bought": selectors.bought_answers(request.user, [q.pk for q in public]),
            "policy": QuestionPolicy.current(),
        },
    )


def _expert(pk: int) -> ExpertProfile:
    try:
        return selectors.expert_for_page(pk)
    except ExpertProfile.DoesNotExist:
        raise Http404 from None


@login_required
def expert_ask(request, pk: int):
    expert = _expert(pk)
    refusal = services.refusal_to_ask(expert, request.user)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            order = services.question_ask(
                asker=request.user, expert=expert, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_errors(form, error)
        except CommerceError as error:
            form.add_error(None, error.message)
        else:
            return redirect(order)
    return render(
        request,
        "live/questions/ask.html",
        {
            "expert": expert,
            "form": form,
            "refusal": refusal,
            "stats": selectors.expert_question_stats(expert),
            "policy": QuestionPolicy.current(),
        },
    )


def _question_for(request, pk: int) -> PaidQuestion:
    """The question if this user may see it at all (the answer is separate)."""
    try:
        question = selectors.question_for_page(pk)
    except PaidQuestion.DoesNotExist:
        raise Http404 from None
    user = request.user
    involved = user.is_authenticated and (
        user.pk in (question.asker_id, question.expert.user_id) or user.is_staff
    )
    if not involved and not question.is_public:
        raise Http404
    return question


@require_GET
def question_detail(request, pk: int):
    question = _question_for(request, pk)
    user = request.user
    is_asker = user.is_authenticated and user.pk == question.asker_id
    is_expert = user.is_authenticated and user.pk == question.expert.user_id
    Status = PaidQuestion.Status
    can_answer = is_expert and question.status == Status.OPEN
    can_settle = is_asker and question.status == Status.ANSWERED
    return render(
        request,
        "live/questions/detail.html",
        {
            "question": question,
            "expert": question.expert,
            "is_asker": is_asker,
            "is_expert": is_expert,
            "can_read": services.can_read_answer(user, question),
            "answer_form": AnswerForm() if can_answer else None,
            "can_accept": can_settle,
            "reject_form": RejectForm()
            if can_settle and question.rejected_at is None
            else None,
            "can_publish": is_asker
            and question.status == Status.ACCEPTED
            and not question.is_public,
            "policy": QuestionPolicy.current(),
        },
    )


def _flash_form(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _act(request, pk: int, action, success: str):
    question = _question_for(request, pk)
    try:
        action(question)
    except ValidationError as error:
        flash_errors(request, error)
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You cannot do that."))
    else:
        messages.success(request, success)
    return redirect(question)


@require_POST
@login_required
def question_answer(request, pk: int):
    _question_for(request, pk)
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        _flash_form(request, form)
        return redirect("live:question", pk=pk)
    return _act(
        request,
        pk,
        lambda q: services.question_answer(
            question=q,
            expert_user=request.user,
            text=form.cleaned_data["text"],
            audio=form.cleaned_data.get("audio") or None,
        ),
        _("Your answer is sent to the asker."),
    )


@require_GET
def question_audio(request, pk: int):
    """The recorded answer, for whoever may read the answer (ranges supported).

    Everyone else gets a 404, as for the file of a question they cannot see:
    the URL alone opens nothing.
    """
    try:
        question = selectors.question_for_page(pk)
    except PaidQuestion.DoesNotExist:
        raise Http404 from None
    if not question.answer_audio or not services.can_read_answer(
        request.user, question
    ):
        raise Http404
    return serve_protected(request, question.answer_audio)


@require_POST
@login_required
def question_accept(request, pk: int):
    return _act(
        request,
        pk,
        lambda q: services.question_accept(question=q, asker=request.user),
        _("Thank you. The expert is paid."),
    )


@require_POST
@login_required
def question_reject(request, pk: int):
    _question_for(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        _flash_form(request, form)
        return redirect("live:question", pk=pk)
    return _act(
        request,
        pk,
        lambda q: services.question_reject(
            question=q, asker=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The answer is rejected. Staff will decide and tell you."),
    )


@require_POST
@login_required
def question_publish(request, pk: int):
    return _act(
        request,
        pk,
        lambda q: services.question_publish(question=q, asker=request.user),
        _("The question is public. You get a share of every paid read."),
    )


@require_POST
@login_required
def question_read(request, pk: int):
    """Buy the right to read a public answer (偷听)."""
    question = _question_for(request, pk)
    try:
        order = services.answer_read_buy(user=request.user, question=question)
    except CommerceError as error:
        messages.error(request, error.message)
        return redirect(question)
    if order.is_paid:
        return redirect(question)
    return redirect(order)


@require_GET
@login_required
def my_questions(request):
    tab = request.GET.get("tab")
    if tab not in ("asked", "answer"):
        has_expert = ExpertProfile.objects.filter(user=request.user).exists()
        tab = "answer" if has_expert and not request.GET.get("tab") else "asked"
    queryset = (
        selectors.questions_to_answer(request.user)
        if tab == "answer"
        else selectors.questions_asked_by(request.user)
    )
    page = Paginator(queryset, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "live/questions/mine.html",
        {"page": page, "tab": tab},
    )


@require_POST
@login_required
def question_price(request):
    """The expert sets (or with 0 stops) the price of a question."""
    if not experts.is_certified(request.user):
        return render(request, "live/studio/not_expert.html", status=403)
    expert = selectors.expert_profile_of(request.user)
    if expert is None:
        messages.error(request, _("Create your expert profile first."))
        return redirect("live:expert_studio")
    form = QuestionPriceForm(request.POST)
    if form.is_valid():
        try:
            services.expert_question_price_set(
                expert=expert, price=form.cleaned_data["question_price"]
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Your question price is saved."))
    else:
        _flash_form(request, form)
    return redirect(reverse("live:expert_studio") + "#questions")
