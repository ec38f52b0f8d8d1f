"""Domain events that cross app boundaries.

The domain apps (courses, learning, live, commerce, community) send these from
their services, always inside `transaction.on_commit`, so that a rolled-back
transaction announces nothing. Apps that react (rewards, community
notifications, recommendations, analytics) connect receivers in their
`AppConfig.ready()`; receivers must be idempotent and quick, handing slow work
to a Celery task that takes ids.

Every signal is sent with keyword arguments of plain ids (never model
instances), so that a receiver can pass them straight to a task. `sender` is the
model class of the source object. The arguments listed are always present;
receivers accept `**kwargs` for anything added later.

Use `send_on_commit(signal, sender=..., **kwargs)` to send one.
"""

from django.db import transaction
from django.dispatch import Signal

# --- courses ---------------------------------------------------------------
#: A course went live. kwargs: course_id, creator_id
course_published = Signal()
#: A column post went live (its first publication only). kwargs: post_id,
#: column_id, creator_id
column_post_published = Signal()
#: Staff rejected a course. kwargs: course_id, creator_id, reason
course_rejected = Signal()
#: A learner wrote a review. kwargs: review_id, course_id, user_id, rating
review_created = Signal()
#: A review was hidden or deleted. kwargs: review_id, course_id, user_id
review_removed = Signal()
#: A course page was viewed. kwargs: course_id, user_id (None for anonymous)
course_viewed = Signal()
#: A course was added to / removed from a wishlist. kwargs: course_id, user_id
course_wishlisted = Signal()
course_unwishlisted = Signal()
#: Someone searched. kwargs: query (str), results (int, how many matched),
#: scope ("courses", "community"), user_id (None for anonymous)
search_performed = Signal()

# --- learning --------------------------------------------------------------
#: kwargs: enrollment_id, course_id, user_id, source ("free", "purchase",
#: "membership", "staff")
enrollment_created = Signal()
#: Access was taken back (refund, membership end). kwargs: enrollment_id,
#: course_id, user_id, reason
enrollment_revoked = Signal()
#: A lesson was opened in the player. kwargs: lesson_id, course_id, user_id
#: (None for an anonymous visitor of a free preview)
lesson_viewed = Signal()
#: A learner saved progress in a lesson for the first time. kwargs: lesson_id,
#: course_id, user_id
lesson_started = Signal()
#: kwargs: lesson_id, course_id, user_id
lesson_completed = Signal()
#: An enrolment's course progress changed. kwargs: enrollment_id, course_id,
#: user_id, percent, previous_percent
enrollment_progressed = Signal()
#: kwargs: enrollment_id, course_id, user_id, certificate_id
course_completed = Signal()
#: kwargs: attempt_id, quiz_id, lesson_id, course_id, user_id, score, passed
quiz_attempted = Signal()
#: A learner handed in an assignment. kwargs: submission_id, assignment_id,
#: lesson_id, course_id, user_id, number
submission_created = Signal()
#: A creator graded (or regraded) an assignment submission. kwargs:
#: submission_id, assignment_id, course_id, user_id (learner), grader_id,
#: score, max_score
submission_graded = Signal()

# --- live ------------------------------------------------------------------
#: A learner rated a consultation that took place. kwargs: booking_id,
#: expert_id (user id), learner_id, rating (1-5)
consultation_rated = Signal()
#: A paid question's answer was accepted (by the asker, by time, or by staff);
#: the expert is paid. kwargs: question_id, expert_id (user id), asker_id
paid_question_accepted = Signal()

# --- commerce --------------------------------------------------------------
#: kwargs: order_id, user_id, total (str Decimal)
order_paid = Signal()
#: One sold item, after fulfilment. kwargs: order_item_id, order_id, user_id,
#: offer_type, offer_id, creator_id (or None), amount (str Decimal)
item_sold = Signal()
#: kwargs: order_item_id, order_id, user_id, offer_type, offer_id, creator_id,
#: amount (str Decimal)
item_refunded = Signal()
#: A membership or column period ended (expired, or revoked by a refund); the
#: member may still have another period. kwargs: subscription_id, user_id,
#: creator_id (or None for a site-wide plan), column_id (or None)
membership_ended = Signal()

# --- community -------------------------------------------------------------
#: kwargs: thread_id, space_id, author_id, kind ("discussion" or "question")
thread_created = Signal()
#: kwargs: post_id, thread_id, author_id, kind ("reply", "answer", "comment")
post_created = Signal()
#: A post or thread was removed (soft delete or hidden by moderation).
#: kwargs: post_id (or None), thread_id, author_id
post_removed = Signal()
#: kwargs: post_id, thread_id, author_id (of the answer), accepted_by_id
answer_accepted = Signal()
#: An accepted answer lost its mark (another answer accepted, or it was removed).
#: kwargs: post_id, thread_id, author_id (of the answer)
answer_unaccepted = Signal()
#: kwargs: vote_id, post_id, author_id (of the post), voter_id, value (+1/-1)
post_voted = Signal()
#: kwargs: vote_id, post_id, author_id, voter_id
vote_withdrawn = Signal()
#: kwargs: thread_id, author_id, featured_by_id
thread_featured = Signal()
#: A thread page was viewed. kwargs: thread_id, user_id (None for anonymous)
thread_viewed = Signal()
#: Someone reported a post. kwargs: report_id, post_id, reporter_id, reason
post_reported = Signal()
#: kwargs: user_id, until (ISO datetime), reason
user_suspended = Signal()
#: A moderator lifted a suspension early. kwargs: user_id, until (ISO datetime
#: of another suspension still running, or None when none is left)
user_suspension_lifted = Signal()

# --- recommendations -------------------------------------------------------
#: A list of recommended courses was shown. kwargs: user_id, course_ids (list),
#: surface ("home", "my_learning", ...)
recommendations_shown = Signal()
#: A recommended course was opened from a list. kwargs: user_id, course_id,
#: surface
recommendation_clicked = Signal()

# --- accounts --------------------------------------------------------------
#: First request of the day by a signed-in user. kwargs: user_id, date (ISO)
daily_visit = Signal()
#: kwargs: user_id
creator_approved = Signal()


def send_on_commit(signal: Signal, *, sender: type, **kwargs) -> None:
    """Send `signal` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs))
