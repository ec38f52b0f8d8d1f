"""Paid questions: asked and paid through commerce, held in escrow, answered
in time or refunded, accepted or disputed, made public and read for a fee.

Every change locks the question row first, so that a question timing out
while its answer is posted ends one way only: answered (and later paid) or
refunded. Money moves through commerce after the question's change has
committed (`escrow_release`, `refund_automatic`); the beat reconciliation
retries whatever failed.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce.registry import OfferUnavailable
from core import events
from core.markdown import COMMUNITY_POST, render_markdown
from core.money import money
from courses.validators import validate_audio_file

from .. import experts, notices
from ..models import (
    AnswerRead,
    ExpertProfile,
    PaidQuestion,
    QuestionPolicy,
)
from ..question_models import READ_LIVE_STATES

logger = logging.getLogger(__name__)
Status = PaidQuestion.Status
#: States in which the asker's money is still held or owed back.
SETTLED = (Status.ACCEPTED, Status.EXPIRED, Status.REFUNDED)


def _locked(question_id: int) -> PaidQuestion:
    return (
        PaidQuestion.objects.select_for_update(of=("self",))
        .select_related("expert__user", "asker")
        .get(pk=question_id)
    )


# --- the expert's price ---------------------------------------------------------------


@transaction.atomic
def expert_question_price_set(*, expert: ExpertProfile, price) -> ExpertProfile:
    """Set (or with 0 stop) the price of a question to this expert."""
    try:
        price = money(price)
    except (ArithmeticError, TypeError, ValueError):
        raise ValidationError(
            {"question_price": _("Enter an amount such as 99.00.")}
        ) from None
    policy = QuestionPolicy.current()
    if price < 0 or (0 < price < policy.min_price):
        raise ValidationError(
            {
                "question_price": _(
                    "A question costs at least %(min)s, or 0 to take no questions."
                )
                % {"min": policy.min_price}
            }
        )
    if price > Decimal("100000"):
        raise ValidationError({"question_price": _("This price is too high.")})
    ExpertProfile.objects.filter(pk=expert.pk).update(question_price=price)
    expert.question_price = price
    return expert


# --- asking: the question is its own offer ----------------------------------------------


def refusal_to_ask(expert: ExpertProfile, user) -> str | None:
    """Why `user` may not ask `expert` now (translated), or None."""
    if expert.user_id == getattr(user, "pk", None):
        return _("You cannot ask yourself a question.")
    if not expert.question_price or expert.question_price <= 0:
        return _("This expert does not take paid questions at the moment.")
    if not experts.is_certified(expert.user):
        return _("This expert does not take paid questions at the moment.")
    return None


@transaction.atomic
def question_ask(*, asker, expert: ExpertProfile, body: str):
    """Write the question at the expert's current price and open its order.

    One transaction: the question and its order are saved together or not at
    all. Returns the order (the asker pays it; the money is then held in escrow).
    Raises ValidationError for an empty question or an expert who takes none,
    and commerce's CommerceError when the order cannot be made.
    """
    from commerce.services import order_create

    body = (body or "").strip()
    if len(body) < 5:
        raise ValidationError(
            {"body": _("Write your question (5 characters or more).")}
        )
    if len(body) > 2000:
        raise ValidationError({"body": _("Keep the question under 2000 characters.")})
    expert = ExpertProfile.objects.select_related("user").get(pk=expert.pk)
    refusal = refusal_to_ask(expert, asker)
    if refusal:
        raise ValidationError(refusal)
    # Two submits at the same moment (double click, two tabs) queue on the
    # asker's row, so the second one sees the first's question below. No
    # unique constraint: a 2000-character body is too long for an index.
    get_user_model().objects.select_for_update().filter(pk=asker.pk).first()
    # A second click (or a resent form) pays for the question already written.
    unpaid = (
        PaidQuestion.objects.filter(
            expert=expert, asker=asker, body=body, status=Status.UNPAID
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if unpaid is not None:
        return order_create(user=asker, offers=[("question", unpaid)])
    question = PaidQuestion.objects.create(
        expert=expert, asker=asker, body=body, price=expert.question_price
    )
    return order_create(
        user=asker, offers=[("question", question.pk)], reuse_pending=False
    )


def question_hold(*, user, question_id: int, order_item, expires_at) -> None:
    """The question's order is being paid (commerce's `hold`): only its asker."""
    question = _locked(question_id)
    if question.asker_id != user.pk or question.status != Status.UNPAID:
        raise OfferUnavailable(_("This question cannot be paid."), "not_for_sale")


def question_release_unpaid(*, order_item) -> None:
    """The order closed unpaid: the question is dropped (commerce's `release`)."""
    PaidQuestion.objects.filter(pk=order_item.offer_id, status=Status.UNPAID).update(
        status=Status.CANCELLED
    )


def question_confirm_hold(*, order_item) -> bool:
    """A payment is captured: a question dropped a moment ago is taken up again."""
    question = _locked(order_item.offer_id)
    if question.status == Status.CANCELLED:
        question.status = Status.UNPAID
        question.save(update_fields=["status"])
    return question.status == Status.UNPAID


def question_fulfil(*, question_id: int, order_item) -> PaidQuestion:
    """Paid (commerce's fulfilment): the expert has `answer_hours` to answer."""
    question = _locked(question_id)
    if question.status != Status.UNPAID:
        return question
    now = timezone.now()
    policy = QuestionPolicy.current()
    question.status = Status.OPEN
    question.order_item_id = order_item.pk
    question.paid_at = now
    question.answer_by = now + timedelta(hours=policy.answer_hours)
    question.save(update_fields=["status", "order_item_id", "paid_at", "answer_by"])
    transaction.on_commit(lambda: notices.question_asked(question_id=question_id))
    return question


def question_revoke(*, order_item) -> None:
    """The question's money went back (commerce refunded the item)."""
    question = PaidQuestion.objects.filter(order_item_id=order_item.pk).first()
    if question is None:
        return
    question = _locked(question.pk)
    update = ["refunded"]
    question.refunded = True
    if question.status not in (Status.EXPIRED, Status.REFUNDED):
        question.status = Status.REFUNDED
        question.is_public = False
        question.settled_at = question.settled_at or timezone.now()
        update += ["status", "is_public", "settled_at"]
    question.save(update_fields=update)


# --- answering, and the clock -----------------------------------------------------------


@transaction.atomic
def question_answer(
    *,
    question: PaidQuestion,
    expert_user,
    text: str,
    audio: UploadedFile | None = None,
) -> PaidQuestion:
    """The expert answers (text, and optionally a recording); the asker then
    has `accept_hours` to object.

    The recording is checked by its content (MP3, M4A, OGG) before anything is
    saved; it is stored in the protected storage and played only to those who
    may read the answer (`can_read_answer`).
    """
    text = (text or "").strip()
    if audio is not None:
        validate_audio_file(audio, field="audio")
    question = _locked(question.pk)
    if question.expert.user_id != expert_user.pk:
        raise PermissionDenied(_("Only the expert asked can answer."))
    if len(text) < 5:
        raise ValidationError({"text": _("Write an answer (5 characters or more).")})
    if len(text) > 8000:
        raise ValidationError({"text": _("Keep the answer under 8000 characters.")})
    now = timezone.now()
    if question.status != Status.OPEN:
        raise ValidationError(_("This question is not waiting for an answer."))
    if question.answer_by and question.answer_by <= now:
        raise ValidationError(
            _("The time to answer has passed; the asker is being refunded.")
        )
    policy = QuestionPolicy.current()
    question.answer = text
    question.answer_html = render_markdown(text, profile=COMMUNITY_POST)
    question.answered_at = now
    question.status = Status.ANSWERED
    question.accept_by = now + timedelta(hours=policy.accept_hours)
    fields = ["answer", "answer_html", "answered_at", "status", "accept_by"]
    if audio is not None:
        # Saved last, once every check passed: a refused answer leaves no file.
        question.answer_audio.save(audio.name, audio, save=False)
        fields.append("answer_audio")
    question.save(update_fields=fields)
    question_id = question.pk
    transaction.on_commit(lambda: notices.question_answered(question_id=question_id))
    return question


@transaction.atomic
def question_expire(*, question_id: int, now=None) -> bool:
    """No answer in time: the asker is refunded. True if it expired now."""
    now = now or timezone.now()
    question = _locked(question_id)
    if question.status != Status.OPEN or question.answer_by is None:
        return False
    if question.answer_by > now:
        return False
    question.status = Status.EXPIRED
    question.settled_at = now
    question.save(update_fields=["status", "settled_at"])
    transaction.on_commit(lambda: question_refund(question_id=question_id), robust=True)
    transaction.on_commit(lambda: notices.question_expired(question_id=question_id))
    return True


def questions_expire(*, now=None) -> int:
    """Refund every question not answered by its deadline (beat)."""
    now = now or timezone.now()
    ids = list(
        PaidQuestion.objects.filter(status=Status.OPEN, answer_by__lte=now)
        .order_by("answer_by")
        .values_list("pk", flat=True)[:500]
    )
    return sum(question_expire(question_id=pk, now=now) for pk in ids)


def question_refund(*, question_id: int) -> bool:
    """Give the asker the held money back (expired or decided so). Idempotent."""
    from commerce.services import CommerceError, refund_automatic

    question = PaidQuestion.objects.get(pk=question_id)
    if question.refunded or question.status not in (Status.EXPIRED, Status.REFUNDED):
        return False
    if question.order_item_id is None:
        return False
    try:
        refund_automatic(
            order_item_id=question.order_item_id,
            reason="paid question: " + question.status,
        )
    except CommerceError:
        logger.exception("refund of question %s failed; will retry", question_id)
        return False
    PaidQuestion.objects.filter(pk=question_id).update(refunded=True)
    return True


# --- accepting, rejecting, disputes -------------------------------------------------------


def _settle_accepted(question: PaidQuestion, *, now) -> None:
    question.status = Status.ACCEPTED
    question.settled_at = now
    question.save(update_fields=["status", "settled_at", "decided_by", "decision_note"])
    question_id = question.pk
    transaction.on_commit(
        lambda: question_release(question_id=question_id), robust=True
    )
    events.send_on_commit(
        events.paid_question_accepted,
        sender=PaidQuestion,
        question_id=question.pk,
        expert_id=question.expert.user_id,
        asker_id=question.asker_id,
    )


def question_release(*, question_id: int) -> bool:
    """Pay the expert the held money of an accepted question. Idempotent."""
    from commerce.services import escrow_release

    question = PaidQuestion.objects.get(pk=question_id)
    if question.status != Status.ACCEPTED or question.order_item_id is None:
        return False
    return escrow_release(order_item_id=question.order_item_id)


@transaction.atomic
def question_accept(*, question: PaidQuestion, asker) -> PaidQuestion:
    question = _locked(question.pk)
    if question.asker_id != asker.pk:
        raise PermissionDenied(_("Only the asker can accept the answer."))
    if question.status == Status.ACCEPTED:
        return question
    if question.status != Status.ANSWERED:
        raise ValidationError(_("This question has no answer to accept."))
    _settle_accepted(question, now=timezone.now())
    return question


def questions_settle(*, now=None) -> int:
    """Answers nobody objected to in time count as accepted (beat)."""
    now = now or timezone.now()
    ids = list(
        PaidQuestion.objects.filter(status=Status.ANSWERED, accept_by__lte=now)
        .order_by("accept_by")
        .values_list("pk", flat=True)[:500]
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            question = _locked(pk)
            if question.status == Status.ANSWERED and question.accept_by <= now:
                _settle_accepted(question, now=now)
                done += 1
    return done


@transaction.atomic
def question_reject(*, question: PaidQuestion, asker, reason: str) -> PaidQuestion:
    """The asker objects to the answer, once: staff decide in the admin."""
    reason = (reason or "").strip()
    question = _locked(question.pk)
    if question.asker_id != asker.pk:
        raise PermissionDenied(_("Only the asker can reject the answer."))
    if question.rejected_at is not None:
        raise ValidationError(_("You have already rejected this answer once."))
    if question.status != Status.ANSWERED:
        raise ValidationError(_("This question has no answer to reject."))
    if len(reason) < 5:
        raise ValidationError({"reason": _("Say why the answer misses your question.")})
    question.status = Status.DISPUTED
    question.rejected_at = timezone.now()
    question.reject_reason = reason[:500]
    question.save(update_fields=["status", "rejected_at", "reject_reason"])
    return question


@transaction.atomic
def question_dispute_decide(
    *, question_id: int, staff, refund: bool, note: str = ""
) -> PaidQuestion:
    """Staff decide a rejected answer: refund the asker or pay the expert."""
    question = _locked(question_id)
    if question.status != Status.DISPUTED:
        raise ValidationError(_("This question is not disputed."))
    now = timezone.now()
    question.decided_by = staff
    question.decision_note = (note or "")[:500]
    if refund:
        question.status = Status.REFUNDED
        question.settled_at = now
        question.save(
            update_fields=["status", "settled_at", "decided_by", "decision_note"]
        )
        transaction.on_commit(
            lambda: question_refund(question_id=question_id), robust=True
        )
        transaction.on_commit(
            lambda: notices.question_refunded(question_id=question_id)
        )
    else:
        _settle_accepted(question, now=now)
    return question


# --- public answers and pay-to-read ----------------------------------------------------------


@transaction.atomic
def question_publish(*, question: PaidQuestion, asker) -> PaidQuestion:
    """The asker lets others read the answer for a fee (偷听)."""
    question = _locked(question.pk)
    if question.asker_id != asker.pk:
        raise PermissionDenied(_("Only the asker can make the question public."))
    if question.is_public:
        return question
    if question.status != Status.ACCEPTED:
        raise ValidationError(_("Only an accepted answer can be made public."))
    question.is_public = True
    question.made_public_at = timezone.now()
    question.save(update_fields=["is_public", "made_public_at"])
    question_id = question.pk
    transaction.on_commit(lambda: notices.question_public(question_id=question_id))
    return question


def can_read_answer(user, question: PaidQuestion) -> bool:
    """The one rule for reading an answer: asker, expert, staff, or paid."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk in (question.asker_id, question.expert.user_id) or user.is_staff:
        return True
    if not question.is_public:
        return False
    return AnswerRead.objects.filter(
        question_id=question.pk, user=user, status=AnswerRead.Status.ACTIVE
    ).exists()


def _refusal_to_read(question: PaidQuestion, user) -> str | None:
    if not question.is_public or question.status != Status.ACCEPTED:
        return _("This answer is not public.")
    if user.pk in (question.asker_id, question.expert.user_id):
        return _("You can already read this answer.")
    return None


def answer_read_hold(*, user, question_id: int, order_item, expires_at) -> AnswerRead:
    """Hold the reader's one purchase while they pay (commerce's `hold`).

    The partial unique constraint on (question, reader) makes twenty
    concurrent clicks one order: the others are refused here.
    """
    now = timezone.now()
    question = _locked(question_id)
    refusal = _refusal_to_read(question, user)
    if refusal:
        raise OfferUnavailable(refusal, "not_for_sale")
    AnswerRead.objects.filter(
        question=question,
        user=user,
        status=AnswerRead.Status.HELD,
        hold_expires_at__lte=now,
    ).update(status=AnswerRead.Status.EXPIRED)
    busy = _("You are already paying for this answer: finish that order.")
    try:
        with transaction.atomic():
            return AnswerRead.objects.create(
                question=question,
                user=user,
                status=AnswerRead.Status.HELD,
                order_item_id=order_item.pk,
                hold_expires_at=expires_at,
            )
    except IntegrityError:
        raise OfferUnavailable(busy, "already_pending") from None


def answer_read_release(*, order_item) -> None:
    AnswerRead.objects.filter(
        order_item_id=order_item.pk, status=AnswerRead.Status.HELD
    ).update(status=AnswerRead.Status.EXPIRED)


def answer_read_confirm_hold(*, order_item) -> bool:
    """Keep the read for a captured payment, unless another one is live now."""
    read = AnswerRead.objects.filter(order_item_id=order_item.pk).first()
    if read is None:
        return False
    _locked(read.question_id)
    read = AnswerRead.objects.select_for_update().get(pk=read.pk)
    if read.status in READ_LIVE_STATES:
        if read.status == AnswerRead.Status.HELD:
            read.hold_expires_at = None
            read.save(update_fields=["hold_expires_at"])
        return True
    if read.status != AnswerRead.Status.EXPIRED:
        return False
    others = AnswerRead.objects.filter(
        question_id=read.question_id, user_id=read.user_id, status__in=READ_LIVE_STATES
    ).exclude(pk=read.pk)
    if others.exists():
        return False  # paid twice: this payment is refunded by commerce
    read.status = AnswerRead.Status.HELD
    read.hold_expires_at = None
    read.save(update_fields=["status", "hold_expires_at"])
    return True


def answer_read_fulfil(*, order_item) -> AnswerRead:
    read = AnswerRead.objects.select_for_update().get(order_item_id=order_item.pk)
    if read.status == AnswerRead.Status.HELD:
        read.status = AnswerRead.Status.ACTIVE
        read.hold_expires_at = None
        read.save(update_fields=["status", "hold_expires_at"])
    return read


def answer_read_revoke(*, order_item) -> None:
    AnswerRead.objects.filter(order_item_id=order_item.pk).update(
        status=AnswerRead.Status.REVOKED
    )


def answer_read_buy(*, user, question: PaidQuestion):
    """Order the pay-to-read of a public answer (the pending one if any)."""
    from commerce.services import order_create

    return order_create(user=user, offers=[("answer", question.pk)])


def questions_reconcile() -> dict[str, int]:
    """Finish money moves an error left behind (beat): refunds and releases."""
    refunds = sum(
        question_refund(question_id=pk)
        for pk in PaidQuestion.objects.filter(
            status__in=[Status.EXPIRED, Status.REFUNDED],
            refunded=False,
            order_item_id__isnull=False,
        ).values_list("pk", flat=True)[:200]
    )
    from commerce.selectors import escrow_held_items

    accepted = dict(
        PaidQuestion.objects.filter(
            status=Status.ACCEPTED, order_item_id__isnull=False
        ).values_list("order_item_id", "pk")
    )
    held = escrow_held_items(order_item_ids=list(accepted))
    releases = sum(
        question_release(question_id=accepted[item_id]) for item_id in sorted(held)
    )
    return {"refunded": refunds, "released": releases}
