"""The expected status of every URL for every role (see test_access_matrix.py).

One line per URL name and method:

    name  kwargs  METHOD  anonymous learner enrolled member owner other staff

- kwargs: `-` for none, else `key=path` pairs; a path is read from the world
  (tests/security/world.py): `course.slug`, `order.number`, `post.pk`,
  `users.enrolled.pk`, `missing` (an id that does not exist); a bare word
  without a dot (`course`, `up`, `dummy`) is taken as it is.
- statuses: the HTTP status, or `L` for a redirect to the login page.
- writes are sent with an empty body (PUT/PATCH as empty JSON); each request
  runs in a transaction that is rolled back, so the order of lines is free.

Roles: anonymous; learner (bought nothing); enrolled (bought the course, owns
the order, the review, the thread and post, the submission, the certificate);
member (membership of the owner's plan); owner (creator of the course); other
(another creator); staff.
"""

from __future__ import annotations

import dataclasses

WORLD_ATTRIBUTES_WITHOUT_DOT = {"missing", "missing_uuid"}


@dataclasses.dataclass(frozen=True)
class Row:
    name: str
    kwargs: tuple[tuple[str, str], ...]
    method: str
    expected: tuple[str, ...]

    def resolve_kwargs(self, world) -> dict:
        resolved = {}
        for key, path in self.kwargs:
            if "." not in path and path not in WORLD_ATTRIBUTES_WITHOUT_DOT:
                resolved[key] = path
                continue
            value = world
            for part in path.split("."):
                value = value[part] if isinstance(value, dict) else getattr(value, part)
            resolved[key] = str(value)
        return resolved

    def line_with(self, statuses) -> str:
        kwargs = " ".join(f"{k}={v}" for k, v in self.kwargs) or "-"
        return f"{self.name:<44} {kwargs:<52} {self.method:<6} " + " ".join(
            f"{s:<3}" for s in statuses
        )


def parse_matrix(text: str) -> list[Row]:
    rows = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        name, method_index = parts[0], None
        for index, part in enumerate(parts[1:], 1):
            if part in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                method_index = index
                break
        if method_index is None:
            raise ValueError(f"access_matrix line {number}: no method: {raw!r}")
        kwargs_parts = [p for p in parts[1:method_index] if p != "-"]
        kwargs = tuple(tuple(p.split("=", 1)) for p in kwargs_parts)
        expected = tuple(parts[method_index + 1 :])
        if len(expected) != 7:
            raise ValueError(
                f"access_matrix line {number}: 7 statuses needed, got {raw!r}"
            )
        rows.append(Row(name, kwargs, parts[method_index], expected))
    return rows


MATRIX = """
# name                                       kwargs                                               method anon lrn enr mem own oth stf
home                                         -                                                    GET    200 200 200 200 200 200 200
home                                         -                                                    POST   405 405 405 405 405 405 405
healthz                                      -                                                    GET    200 200 200 200 200 200 200
healthz                                      -                                                    POST   405 405 405 405 405 405 405
favicon                                      -                                                    GET    301 301 301 301 301 301 301
favicon                                      -                                                    POST   405 405 405 405 405 405 405
set_language                                 -                                                    GET    405 405 405 405 405 405 405
set_language                                 -                                                    POST   302 302 302 302 302 302 302
account_login                                -                                                    GET    200 302 302 302 302 302 302
account_login                                -                                                    POST   200 302 302 302 302 302 302
account_logout                               -                                                    GET    302 200 200 200 200 200 200
account_logout                               -                                                    POST   302 302 302 302 302 302 302
account_inactive                             -                                                    GET    200 200 200 200 200 200 200
account_inactive                             -                                                    POST   405 405 405 405 405 405 405
account_signup                               -                                                    GET    200 302 302 302 302 302 302
account_signup                               -                                                    POST   200 302 302 302 302 302 302
account_reauthenticate                       -                                                    GET    L   200 200 200 200 200 200
account_reauthenticate                       -                                                    POST   L   200 200 200 200 200 200
account_email                                -                                                    GET    L   200 200 200 200 200 200
account_email                                -                                                    POST   L   302 302 302 302 302 302
account_email_verification_sent              -                                                    GET    200 200 200 200 200 200 200
account_email_verification_sent              -                                                    POST   405 405 405 405 405 405 405
account_change_password                      -                                                    GET    L   200 200 200 200 200 200
account_change_password                      -                                                    POST   L   200 200 200 200 200 200
account_set_password                         -                                                    GET    L   302 302 302 302 302 302
account_set_password                         -                                                    POST   L   302 302 302 302 302 302
account_reset_password                       -                                                    GET    200 200 200 200 200 200 200
account_reset_password                       -                                                    POST   200 200 200 200 200 200 200
account_confirm_login_code                   -                                                    GET    L   302 302 302 302 302 302
account_confirm_login_code                   -                                                    POST   L   302 302 302 302 302 302
account_confirm_email                        key=extras.confirmation.key                          GET    200 200 200 200 200 200 200
account_confirm_email                        key=extras.confirmation.key                          POST   L   302 L   L   L   L   L
account_reset_password_from_key_done         -                                                    GET    200 200 200 200 200 200 200
account_reset_password_from_key_done         -                                                    POST   405 405 405 405 405 405 405
account_reset_password_from_key              uidb36=missing key=missing                           GET    200 200 200 200 200 200 200
account_reset_password_from_key              uidb36=missing key=missing                           POST   200 200 200 200 200 200 200
account_reset_password_done                  -                                                    GET    200 200 200 200 200 200 200
account_reset_password_done                  -                                                    POST   405 405 405 405 405 405 405
accounts:profile                             user_id=users.enrolled.pk                            GET    200 200 200 200 200 200 200
accounts:profile                             user_id=users.enrolled.pk                            POST   405 405 405 405 405 405 405
accounts:profile_edit                        -                                                    GET    L   200 200 200 200 200 200
accounts:profile_edit                        -                                                    POST   L   200 200 200 200 200 200
accounts:handle_search                       -                                                    GET    L   200 200 200 200 200 200
accounts:handle_search                       -                                                    POST   L   405 405 405 405 405 405
accounts:onboarding                          -                                                    GET    L   200 200 200 200 200 200
accounts:onboarding                          -                                                    POST   L   200 200 200 200 200 200
accounts:creator_apply                       -                                                    GET    L   200 200 200 200 200 200
accounts:creator_apply                       -                                                    POST   L   200 200 200 200 200 200
courses:catalogue                            -                                                    GET    200 200 200 200 200 200 200
courses:catalogue                            -                                                    POST   405 405 405 405 405 405 405
courses:wishlist                             -                                                    GET    L   200 200 200 200 200 200
courses:wishlist                             -                                                    POST   L   405 405 405 405 405 405
courses:studio                               -                                                    GET    L   403 403 403 200 200 200
courses:studio                               -                                                    POST   L   403 403 403 405 405 405
courses:studio_course_create                 -                                                    GET    L   403 403 403 200 200 200
courses:studio_course_create                 -                                                    POST   L   403 403 403 200 200 200
courses:studio_course                        pk=course.pk                                         GET    L   403 403 403 200 404 200
courses:studio_course                        pk=course.pk                                         POST   L   403 403 403 200 404 200
courses:studio_section_create                pk=course.pk                                         GET    L   403 403 403 405 405 405
courses:studio_section_create                pk=course.pk                                         POST   L   403 403 403 302 404 302
courses:studio_submit                        pk=draft.pk                                          GET    L   403 403 403 405 405 405
courses:studio_submit                        pk=draft.pk                                          POST   L   403 403 403 302 404 302
courses:studio_archive                       pk=course.pk                                         GET    L   403 403 403 405 405 405
courses:studio_archive                       pk=course.pk                                         POST   L   403 403 403 302 404 302
courses:studio_learners                      pk=course.pk                                         GET    L   403 403 403 200 404 200
courses:studio_learners                      pk=course.pk                                         POST   L   403 403 403 405 405 405
courses:studio_section_update                pk=section.pk                                        GET    L   403 403 403 405 405 405
courses:studio_section_update                pk=section.pk                                        POST   L   403 403 403 302 404 302
courses:studio_section_delete                pk=section.pk                                        GET    L   403 403 403 405 405 405
courses:studio_section_delete                pk=section.pk                                        POST   L   403 403 403 302 404 302
courses:studio_section_move                  pk=section.pk direction=up                           GET    L   403 403 403 405 405 405
courses:studio_section_move                  pk=section.pk direction=up                           POST   L   403 403 403 302 404 302
courses:studio_lesson_create                 section_pk=section.pk                                GET    L   403 403 403 200 404 200
courses:studio_lesson_create                 section_pk=section.pk                                POST   L   403 403 403 400 404 400
courses:studio_lesson                        pk=article.pk                                        GET    L   403 403 403 200 404 200
courses:studio_lesson                        pk=article.pk                                        POST   L   403 403 403 400 404 400
courses:studio_lesson_delete                 pk=article.pk                                        GET    L   403 403 403 405 405 405
courses:studio_lesson_delete                 pk=article.pk                                        POST   L   403 403 403 302 404 302
courses:studio_lesson_move                   pk=article.pk direction=up                           GET    L   403 403 403 405 405 405
courses:studio_lesson_move                   pk=article.pk direction=up                           POST   L   403 403 403 302 404 302
courses:studio_attachment_create             pk=article.pk                                        GET    L   403 403 403 405 405 405
courses:studio_attachment_create             pk=article.pk                                        POST   L   403 403 403 302 404 302
courses:studio_attachment_delete             pk=attachment.pk                                     GET    L   403 403 403 405 405 405
courses:studio_attachment_delete             pk=attachment.pk                                     POST   L   403 403 403 302 404 302
courses:review_reply                         pk=review.pk                                         GET    L   405 405 405 405 405 405
courses:review_reply                         pk=review.pk                                         POST   L   404 404 404 302 404 404
courses:detail                               slug=course.slug                                     GET    200 200 200 200 200 200 200
courses:detail                               slug=course.slug                                     POST   405 405 405 405 405 405 405
courses:wishlist_toggle                      slug=course.slug                                     GET    405 405 405 405 405 405 405
courses:wishlist_toggle                      slug=course.slug                                     POST   L   302 302 302 302 302 302
courses:review_create                        slug=course.slug                                     GET    L   405 405 405 405 405 405
courses:review_create                        slug=course.slug                                     POST   L   302 302 302 302 302 302
learning:my_learning                         -                                                    GET    L   200 200 200 200 200 200
learning:column_list                         -                                                    GET    200 200 200 200 200 200 200
learning:column_list                         -                                                    POST   405 405 405 405 405 405 405
learning:column                              slug=column.slug                                     GET    200 200 200 200 200 200 200
learning:column                              slug=column.slug                                     POST   405 405 405 405 405 405 405
learning:column_post                         slug=column.slug pk=paid_post.pk                     GET    200 200 200 200 200 200 200
learning:column_post                         slug=column.slug pk=paid_post.pk                     POST   405 405 405 405 405 405 405
learning:column_feed                         -                                                    GET    L   200 200 200 200 200 200
learning:column_feed                         -                                                    POST   L   405 405 405 405 405 405
learning:column_audio                        pk=paid_post.pk                                      GET    404 404 404 404 404 404 404
learning:column_audio                        pk=paid_post.pk                                      POST   404 404 404 404 404 404 404
learning:studio_columns                      -                                                    GET    L   403 403 403 200 200 200
learning:studio_columns                      -                                                    POST   L   405 405 405 405 405 405
learning:studio_column_create                -                                                    GET    L   403 403 403 200 200 200
learning:studio_column_create                -                                                    POST   L   403 403 403 200 200 200
learning:studio_column_edit                  pk=column.pk                                         GET    L   403 403 403 200 404 200
learning:studio_column_edit                  pk=column.pk                                         POST   L   403 403 403 200 404 200
learning:studio_post_create                  column_pk=column.pk                                  GET    L   403 403 403 200 404 200
learning:studio_post_create                  column_pk=column.pk                                  POST   L   403 403 403 200 404 200
learning:studio_post_edit                    column_pk=column.pk pk=paid_post.pk                  GET    L   403 403 403 200 404 200
learning:studio_post_edit                    column_pk=column.pk pk=paid_post.pk                  POST   L   403 403 403 200 404 200
learning:path_list                           -                                                    GET    200 200 200 200 200 200 200
learning:path_list                           -                                                    POST   405 405 405 405 405 405 405
learning:path_detail                         slug=path.slug                                       GET    200 200 200 200 200 200 200
learning:path_detail                         slug=path.slug                                       POST   405 405 405 405 405 405 405
learning:studio_paths                        -                                                    GET    L   403 403 403 200 200 200
learning:studio_paths                        -                                                    POST   L   405 405 405 405 405 405
learning:studio_path_create                  -                                                    GET    L   403 403 403 200 200 200
learning:studio_path_create                  -                                                    POST   L   403 403 403 200 200 200
learning:studio_path_edit                    pk=path.pk                                           GET    L   403 403 403 200 404 200
learning:studio_path_edit                    pk=path.pk                                           POST   L   403 403 403 200 404 200
learning:my_learning                         -                                                    POST   L   405 405 405 405 405 405
learning:enroll                              slug=course.slug                                     GET    405 405 405 405 405 405 405
learning:enroll                              slug=course.slug                                     POST   L   307 307 302 307 307 307
learning:course_home                         slug=course.slug                                     GET    302 302 302 302 302 302 302
learning:course_home                         slug=course.slug                                     POST   405 405 405 405 405 405 405
learning:lesson                              lesson_id=article.pk                                 GET    L   403 200 200 200 403 200
learning:lesson                              lesson_id=article.pk                                 POST   405 405 405 405 405 405 405
learning:lesson_progress                     lesson_id=article.pk                                 GET    405 405 405 405 405 405 405
learning:lesson_progress                     lesson_id=article.pk                                 POST   401 403 200 200 200 403 200
learning:lesson_opened                       lesson_id=article.pk                                 GET    405 405 405 405 405 405 405
learning:lesson_opened                       lesson_id=article.pk                                 POST   403 403 204 204 204 403 204
learning:lesson_complete                     lesson_id=article.pk                                 GET    405 405 405 405 405 405 405
learning:lesson_complete                     lesson_id=article.pk                                 POST   403 403 302 302 302 403 302
learning:quiz_submit                         lesson_id=quiz_lesson.pk                             GET    405 405 405 405 405 405 405
learning:quiz_submit                         lesson_id=quiz_lesson.pk                             POST   403 403 302 302 302 403 302
learning:assignment_submit                   lesson_id=assignment_lesson.pk                       GET    405 405 405 405 405 405 405
learning:assignment_submit                   lesson_id=assignment_lesson.pk                       POST   403 403 400 400 400 403 400
learning:lesson_video                        lesson_id=article.pk                                 GET    404 403 404 404 404 403 404
learning:lesson_video                        lesson_id=article.pk                                 POST   404 403 404 404 404 403 404
learning:attachment                          attachment_id=attachment.pk                          GET    404 403 404 404 404 403 404
learning:attachment                          attachment_id=attachment.pk                          POST   404 403 404 404 404 403 404
learning:submission_file                     submission_id=submission.pk                          GET    404 403 200 403 200 403 200
learning:submission_file                     submission_id=submission.pk                          POST   405 405 405 405 405 405 405
learning:certificate_verify                  code=certificate.code                                GET    200 200 200 200 200 200 200
learning:certificate_verify                  code=certificate.code                                POST   405 405 405 405 405 405 405
learning:studio_grading                      -                                                    GET    L   403 403 403 200 200 200
learning:studio_grading                      -                                                    POST   L   405 405 405 405 405 405
learning:studio_grade_accept                 submission_id=submission.pk                          GET    L   405 405 405 405 405 405
learning:studio_grade_accept                 submission_id=submission.pk                          POST   L   403 403 403 302 403 302
learning:studio_grading_quality              -                                                    GET    L   403 403 403 200 200 200
learning:studio_grading_quality              -                                                    POST   L   405 405 405 405 405 405
learning:studio_short_answers                -                                                    GET    L   403 403 403 200 200 200
learning:studio_short_answers                -                                                    POST   L   405 405 405 405 405 405
learning:studio_short_answer_review          answer_id=extras.short_answer.pk                     GET    L   405 405 405 405 405 405
learning:studio_short_answer_review          answer_id=extras.short_answer.pk                     POST   L   403 403 403 302 403 302
learning:studio_grade                        submission_id=submission.pk                          GET    L   403 403 403 200 403 200
learning:studio_grade                        submission_id=submission.pk                          POST   L   403 403 403 400 403 400
learning:studio_quiz                         lesson_id=quiz_lesson.pk                             GET    L   403 403 403 200 403 200
learning:studio_quiz                         lesson_id=quiz_lesson.pk                             POST   L   403 403 403 400 403 400
learning:studio_question_add                 lesson_id=quiz_lesson.pk                             GET    L   403 403 403 200 403 200
learning:studio_question_add                 lesson_id=quiz_lesson.pk                             POST   L   403 403 403 400 403 400
learning:studio_question                     lesson_id=quiz_lesson.pk question_id=question.pk     GET    L   403 403 403 200 403 200
learning:studio_question                     lesson_id=quiz_lesson.pk question_id=question.pk     POST   L   403 403 403 400 403 400
learning:studio_question_delete              lesson_id=quiz_lesson.pk question_id=question.pk     GET    405 405 405 405 405 405 405
learning:studio_question_delete              lesson_id=quiz_lesson.pk question_id=question.pk     POST   L   403 403 403 302 403 302
learning:studio_assignment                   lesson_id=assignment_lesson.pk                       GET    L   403 403 403 200 403 200
learning:studio_assignment                   lesson_id=assignment_lesson.pk                       POST   L   403 403 403 400 403 400
learning:studio_learners                     slug=course.slug                                     GET    L   403 403 403 200 403 200
learning:studio_learners                     slug=course.slug                                     POST   L   405 405 405 405 405 405
commerce:plans                               -                                                    GET    200 200 200 200 200 200 200
commerce:plans                               -                                                    POST   405 405 405 405 405 405 405
commerce:buy                                 offer_type=course offer_id=other_course.pk           GET    L   405 405 405 405 405 405
commerce:buy                                 offer_type=course offer_id=other_course.pk           POST   L   302 302 302 302 302 302
commerce:my_orders                           -                                                    GET    L   200 200 200 200 200 200
commerce:my_orders                           -                                                    POST   L   405 405 405 405 405 405
commerce:order_detail                        number=order.number                                  GET    L   404 200 404 404 404 404
commerce:order_detail                        number=order.number                                  POST   L   405 405 405 405 405 405
commerce:order_coupon                        number=order.number                                  GET    L   405 405 405 405 405 405
commerce:order_coupon                        number=order.number                                  POST   L   404 302 404 404 404 404
commerce:order_cancel                        number=order.number                                  GET    L   405 405 405 405 405 405
commerce:order_cancel                        number=order.number                                  POST   L   404 302 404 404 404 404
commerce:order_pay                           number=order.number                                  GET    L   405 405 405 405 405 405
commerce:order_pay                           number=order.number                                  POST   L   404 302 404 404 404 404
commerce:order_receipt                       number=order.number                                  GET    L   404 200 404 404 404 404
commerce:order_receipt                       number=order.number                                  POST   L   405 405 405 405 405 405
commerce:refund_request                      item_id=order_item.pk                                GET    L   404 200 404 404 404 404
commerce:refund_request                      item_id=order_item.pk                                POST   L   404 302 404 404 404 404
commerce:payment                             token=payment.token                                  GET    L   404 302 404 404 404 404
commerce:payment                             token=payment.token                                  POST   L   404 302 404 404 404 404
commerce:studio_revenue                      -                                                    GET    L   403 403 403 200 200 200
commerce:studio_revenue                      -                                                    POST   L   403 403 403 200 200 200
commerce:studio_revenue_csv                  -                                                    GET    L   403 403 403 200 200 200
commerce:studio_revenue_csv                  -                                                    POST   L   405 405 405 405 405 405
commerce:process_payment                     token=payment.token                                  GET    403 403 403 403 403 403 403
commerce:process_payment                     token=payment.token                                  POST   403 403 403 403 403 403 403
commerce:static_process_payment              variant=dummy                                        GET    400 400 400 400 400 400 400
commerce:static_process_payment              variant=dummy                                        POST   400 400 400 400 400 400 400
community:index                              -                                                    GET    200 200 200 200 200 200 200
community:index                              -                                                    POST   405 405 405 405 405 405 405
community:best_of                            -                                                    GET    200 200 200 200 200 200 200
community:best_of                            -                                                    POST   405 405 405 405 405 405 405
community:search                             -                                                    GET    200 200 200 200 200 200 200
community:search                             -                                                    POST   405 405 405 405 405 405 405
community:similar                            -                                                    GET    200 200 200 200 200 200 200
community:similar                            -                                                    POST   405 405 405 405 405 405 405
community:bookmarks                          -                                                    GET    L   200 200 200 200 200 200
community:bookmarks                          -                                                    POST   L   405 405 405 405 405 405
community:follow                             -                                                    GET    L   405 405 405 405 405 405
community:follow                             -                                                    POST   L   404 404 404 404 404 404
community:space                              slug=space.slug                                      GET    200 200 200 200 200 200 200
community:space                              slug=space.slug                                      POST   405 405 405 405 405 405 405
community:thread_create                      slug=space.slug                                      GET    L   200 200 200 200 200 200
community:thread_create                      slug=space.slug                                      POST   L   200 200 200 200 200 200
community:space_settings                     slug=extras.course_space.slug                        GET    L   404 403 403 200 404 200
community:space_settings                     slug=extras.course_space.slug                        POST   L   404 403 403 200 404 200
community:tag                                slug=missing                                         GET    404 404 404 404 404 404 404
community:tag                                slug=missing                                         POST   405 405 405 405 405 405 405
community:thread                             pk=thread.pk                                         GET    200 200 200 200 200 200 200
community:thread                             pk=thread.pk                                         POST   405 405 405 405 405 405 405
community:post_create                        pk=thread.pk                                         GET    L   405 405 405 405 405 405
community:post_create                        pk=thread.pk                                         POST   L   302 302 302 302 302 302
community:bookmark                           pk=thread.pk                                         GET    L   405 405 405 405 405 405
community:bookmark                           pk=thread.pk                                         POST   L   302 302 302 302 302 302
community:feature                            pk=thread.pk                                         GET    L   405 405 405 405 405 405
community:feature                            pk=thread.pk                                         POST   L   403 403 403 403 403 302
community:comment_create                     pk=post.pk                                           GET    L   405 405 405 405 405 405
community:comment_create                     pk=post.pk                                           POST   L   302 302 302 302 302 302
community:post_edit                          pk=post.pk                                           GET    L   403 200 403 403 403 200
community:post_edit                          pk=post.pk                                           POST   L   403 200 403 403 403 200
community:post_delete                        pk=post.pk                                           GET    L   405 405 405 405 405 405
community:post_delete                        pk=post.pk                                           POST   L   403 302 403 403 403 302
community:post_history                       pk=post.pk                                           GET    200 200 200 200 200 200 200
community:post_history                       pk=post.pk                                           POST   405 405 405 405 405 405 405
community:vote                               pk=post.pk                                           GET    L   405 405 405 405 405 405
community:vote                               pk=post.pk                                           POST   L   302 302 302 302 302 302
community:accept                             pk=post.pk                                           GET    L   405 405 405 405 405 405
community:accept                             pk=post.pk                                           POST   L   403 302 403 403 403 302
community:report                             pk=post.pk                                           GET    L   200 200 200 200 200 200
community:report                             pk=post.pk                                           POST   L   200 200 200 200 200 200
# a review's author is sent back (no reporting one's own); others get the form
community:review_report                      pk=review.pk                                         GET    L   200 302 200 200 200 200
community:review_report                      pk=review.pk                                         POST   L   200 302 200 200 200 200
/community/notifications/                    -                                                    GET    302 302 302 302 302 302 302
/community/notifications/                    -                                                    POST   302 302 302 302 302 302 302
/community/notifications/settings/           -                                                    GET    302 302 302 302 302 302 302
/community/notifications/settings/           -                                                    POST   302 302 302 302 302 302 302
notifications:list                           -                                                    GET    L   200 200 200 200 200 200
notifications:list                           -                                                    POST   L   405 405 405 405 405 405
notifications:bell                           -                                                    GET    200 200 200 200 200 200 200
notifications:bell                           -                                                    POST   405 405 405 405 405 405 405
notifications:read                           -                                                    GET    L   405 405 405 405 405 405
notifications:read                           -                                                    POST   L   302 302 302 302 302 302
notifications:settings                       -                                                    GET    L   200 200 200 200 200 200
notifications:settings                       -                                                    POST   L   302 302 302 302 302 302
rewards:badges                               -                                                    GET    200 200 200 200 200 200 200
rewards:badges                               -                                                    POST   405 405 405 405 405 405 405
rewards:leaderboard                          -                                                    GET    200 200 200 200 200 200 200
rewards:leaderboard                          -                                                    POST   405 405 405 405 405 405 405
rewards:my_points                            -                                                    GET    L   200 200 200 200 200 200
rewards:my_points                            -                                                    POST   L   405 405 405 405 405 405
rewards:redeem                               -                                                    GET    L   405 405 405 405 405 405
rewards:redeem                               -                                                    POST   L   302 302 302 302 302 302
rewards:challenges                           -                                                    GET    200 200 200 200 200 200 200
rewards:challenges                           -                                                    POST   405 405 405 405 405 405 405
rewards:challenge_create                     -                                                    GET    L   302 302 302 200 200 200
rewards:challenge_create                     -                                                    POST   L   302 302 302 200 200 200
rewards:challenge_detail                     pk=challenge.pk                                      GET    200 200 200 200 200 200 200
rewards:challenge_detail                     pk=challenge.pk                                      POST   405 405 405 405 405 405 405
rewards:challenge_join                       pk=challenge.pk                                      GET    L   405 405 405 405 405 405
rewards:challenge_join                       pk=challenge.pk                                      POST   L   302 302 302 302 302 302
rewards:expert_apply                         -                                                    GET    L   200 200 200 200 200 200
rewards:expert_apply                         -                                                    POST   L   200 200 200 200 200 200
rewards:expert_attachment                    pk=expert_attachment.pk                              GET    L   L   L   L   L   L   200
rewards:expert_attachment                    pk=expert_attachment.pk                              POST   L   L   L   L   L   L   405
rewards:quality_review                       course_id=course.pk                                  GET    L   302 302 302 302 200 302
rewards:quality_review                       course_id=course.pk                                  POST   L   302 302 302 302 200 302
recommendations:dismiss                      course_id=other_course.pk                            GET    L   405 405 405 405 405 405
recommendations:dismiss                      course_id=other_course.pk                            POST   L   302 302 302 302 302 302
recommendations:undismiss                    course_id=other_course.pk                            GET    L   405 405 405 405 405 405
recommendations:undismiss                    course_id=other_course.pk                            POST   L   302 302 302 302 302 302
recommendations:click                        course_id=other_course.pk                            GET    302 302 302 302 302 302 302
recommendations:click                        course_id=other_course.pk                            POST   302 302 302 302 302 302 302
analytics:heartbeat                          -                                                    GET    405 405 405 405 405 405 405
analytics:heartbeat                          -                                                    POST   401 400 400 400 400 400 400
analytics:goal_set                           -                                                    GET    L   405 405 405 405 405 405
analytics:goal_set                           -                                                    POST   L   302 302 302 302 302 302
analytics:studio                             -                                                    GET    L   403 403 403 200 200 200
analytics:studio                             -                                                    POST   L   405 405 405 405 405 405
analytics:studio_csv                         chart=revenue                                        GET    L   403 403 403 200 200 200
analytics:studio_csv                         chart=revenue                                        POST   L   405 405 405 405 405 405
analytics:nudge                              enrollment_id=missing                                GET    L   405 405 405 405 405 405
analytics:nudge                              enrollment_id=missing                                POST   L   302 302 302 302 302 302
api:schema                                   -                                                    GET    200 200 200 200 200 200 200
api:schema                                   -                                                    POST   405 405 405 405 405 405 405
api:docs                                     -                                                    GET    200 200 200 200 200 200 200
api:docs                                     -                                                    POST   405 405 405 405 405 405 405
api:notification-list                        -                                                    GET    403 200 200 200 200 200 200
api:notification-list                        -                                                    POST   403 405 405 405 405 405 405
api:notification-mark-read                   -                                                    GET    403 405 405 405 405 405 405
api:notification-mark-read                   -                                                    POST   403 200 200 200 200 200 200
api:notification-unread-count                -                                                    GET    403 200 200 200 200 200 200
api:notification-unread-count                -                                                    POST   403 405 405 405 405 405 405
api:notification-detail                      pk=notification.pk                                   GET    403 404 200 404 404 404 404
api:notification-detail                      pk=notification.pk                                   POST   403 405 405 405 405 405 405
api:notification-detail                      pk=notification.pk                                   PUT    403 405 405 405 405 405 405
api:notification-detail                      pk=notification.pk                                   PATCH  403 405 405 405 405 405 405
api:notification-detail                      pk=notification.pk                                   DELETE 403 405 405 405 405 405 405
api:community-notification-list              -                                                    GET    403 200 200 200 200 200 200
api:community-notification-list              -                                                    POST   403 405 405 405 405 405 405
api:community-notification-mark-read         -                                                    GET    403 405 405 405 405 405 405
api:community-notification-mark-read         -                                                    POST   403 200 200 200 200 200 200
api:community-notification-unread-count      -                                                    GET    403 200 200 200 200 200 200
api:community-notification-unread-count      -                                                    POST   403 405 405 405 405 405 405
api:community-notification-detail            pk=notification.pk                                   GET    403 404 200 404 404 404 404
api:community-notification-detail            pk=notification.pk                                   POST   403 405 405 405 405 405 405
api:community-notification-detail            pk=notification.pk                                   PUT    403 405 405 405 405 405 405
api:community-notification-detail            pk=notification.pk                                   PATCH  403 405 405 405 405 405 405
api:community-notification-detail            pk=notification.pk                                   DELETE 403 405 405 405 405 405 405
api:api-root                                 -                                                    GET    200 200 200 200 200 200 200
api:api-root                                 -                                                    POST   403 405 405 405 405 405 405
api:category-list                            -                                                    GET    200 200 200 200 200 200 200
api:category-list                            -                                                    POST   403 405 405 405 405 405 405
api:category-detail                          slug=course.category.slug                            GET    200 200 200 200 200 200 200
api:category-detail                          slug=course.category.slug                            POST   403 405 405 405 405 405 405
api:category-detail                          slug=course.category.slug                            PUT    403 405 405 405 405 405 405
api:category-detail                          slug=course.category.slug                            PATCH  403 405 405 405 405 405 405
api:category-detail                          slug=course.category.slug                            DELETE 403 405 405 405 405 405 405
api:course-list                              -                                                    GET    200 200 200 200 200 200 200
api:course-list                              -                                                    POST   403 405 405 405 405 405 405
api:course-detail                            slug=course.slug                                     GET    200 200 200 200 200 200 200
api:course-detail                            slug=course.slug                                     POST   403 405 405 405 405 405 405
api:course-detail                            slug=course.slug                                     PUT    403 405 405 405 405 405 405
api:course-detail                            slug=course.slug                                     PATCH  403 405 405 405 405 405 405
api:course-detail                            slug=course.slug                                     DELETE 403 405 405 405 405 405 405
api:course-reviews                           slug=course.slug                                     GET    200 200 200 200 200 200 200
api:course-reviews                           slug=course.slug                                     POST   403 400 400 400 400 400 400
api:learning-enrollment-list                 -                                                    GET    403 200 200 200 200 200 200
api:learning-enrollment-list                 -                                                    POST   403 405 405 405 405 405 405
api:learning-lesson-detail                   pk=article.pk                                        GET    403 403 200 200 200 403 200
api:learning-lesson-detail                   pk=article.pk                                        POST   405 405 405 405 405 405 405
api:learning-lesson-detail                   pk=article.pk                                        PUT    405 405 405 405 405 405 405
api:learning-lesson-detail                   pk=article.pk                                        PATCH  405 405 405 405 405 405 405
api:learning-lesson-detail                   pk=article.pk                                        DELETE 405 405 405 405 405 405 405
api:learning-progress-list                   -                                                    GET    403 405 405 405 405 405 405
api:learning-progress-list                   -                                                    POST   403 400 400 400 400 400 400
api:order-list                               -                                                    GET    403 200 200 200 200 200 200
api:order-list                               -                                                    POST   403 400 400 400 400 400 400
api:order-detail                             number=order.number                                  GET    403 404 200 404 404 404 404
api:order-detail                             number=order.number                                  POST   403 405 405 405 405 405 405
api:order-detail                             number=order.number                                  PUT    403 405 405 405 405 405 405
api:order-detail                             number=order.number                                  PATCH  403 405 405 405 405 405 405
api:order-detail                             number=order.number                                  DELETE 403 405 405 405 405 405 405
api:order-status                             number=order.number                                  GET    403 404 200 404 404 404 404
api:order-status                             number=order.number                                  POST   403 405 405 405 405 405 405
api:community-space-list                     -                                                    GET    200 200 200 200 200 200 200
api:community-space-list                     -                                                    POST   403 405 405 405 405 405 405
api:community-space-detail                   pk=space.pk                                          GET    200 200 200 200 200 200 200
api:community-space-detail                   pk=space.pk                                          POST   403 405 405 405 405 405 405
api:community-space-detail                   pk=space.pk                                          PUT    403 405 405 405 405 405 405
api:community-space-detail                   pk=space.pk                                          PATCH  403 405 405 405 405 405 405
api:community-space-detail                   pk=space.pk                                          DELETE 403 405 405 405 405 405 405
api:community-thread-list                    -                                                    GET    200 200 200 200 200 200 200
api:community-thread-list                    -                                                    POST   403 400 400 400 400 400 400
api:community-thread-detail                  pk=thread.pk                                         GET    200 200 200 200 200 200 200
api:community-thread-detail                  pk=thread.pk                                         POST   403 405 405 405 405 405 405
api:community-thread-detail                  pk=thread.pk                                         PUT    403 405 405 405 405 405 405
api:community-thread-detail                  pk=thread.pk                                         PATCH  403 405 405 405 405 405 405
api:community-thread-detail                  pk=thread.pk                                         DELETE 403 405 405 405 405 405 405
api:community-post-list                      -                                                    GET    200 200 200 200 200 200 200
api:community-post-list                      -                                                    POST   403 400 400 400 400 400 400
api:community-post-detail                    pk=post.pk                                           GET    200 200 200 200 200 200 200
api:community-post-detail                    pk=post.pk                                           POST   403 405 405 405 405 405 405
api:community-post-detail                    pk=post.pk                                           PUT    403 405 405 405 405 405 405
api:community-post-detail                    pk=post.pk                                           PATCH  403 400 400 400 400 400 400
api:community-post-detail                    pk=post.pk                                           DELETE 403 403 204 403 403 403 204
api:community-post-accept                    pk=post.pk                                           GET    405 405 405 405 405 405 405
api:community-post-accept                    pk=post.pk                                           POST   403 403 200 403 403 403 200
api:community-post-vote                      pk=post.pk                                           GET    405 405 405 405 405 405 405
api:community-post-vote                      pk=post.pk                                           POST   403 200 400 200 200 200 200
api:community-vote-list                      -                                                    GET    403 200 200 200 200 200 200
api:community-vote-list                      -                                                    POST   403 405 405 405 405 405 405
api:community-vote-detail                    pk=missing                                           GET    403 404 404 404 404 404 404
api:community-vote-detail                    pk=missing                                           POST   403 405 405 405 405 405 405
api:community-vote-detail                    pk=missing                                           PUT    403 405 405 405 405 405 405
api:community-vote-detail                    pk=missing                                           PATCH  403 405 405 405 405 405 405
api:community-vote-detail                    pk=missing                                           DELETE 403 405 405 405 405 405 405
api:community-follow-list                    -                                                    GET    403 200 200 200 200 200 200
api:community-follow-list                    -                                                    POST   403 400 400 400 400 400 400
api:community-follow-detail                  pk=missing                                           GET    403 405 405 405 405 405 405
api:community-follow-detail                  pk=missing                                           POST   403 405 405 405 405 405 405
api:community-follow-detail                  pk=missing                                           PUT    403 405 405 405 405 405 405
api:community-follow-detail                  pk=missing                                           PATCH  403 405 405 405 405 405 405
api:community-follow-detail                  pk=missing                                           DELETE 403 404 404 404 404 404 404
api:rewards-badge-list                       -                                                    GET    200 200 200 200 200 200 200
api:rewards-badge-list                       -                                                    POST   405 405 405 405 405 405 405
api:rewards-badge-detail                     slug=missing                                         GET    404 404 404 404 404 404 404
api:rewards-badge-detail                     slug=missing                                         POST   405 405 405 405 405 405 405
api:rewards-badge-detail                     slug=missing                                         PUT    405 405 405 405 405 405 405
api:rewards-badge-detail                     slug=missing                                         PATCH  405 405 405 405 405 405 405
api:rewards-badge-detail                     slug=missing                                         DELETE 405 405 405 405 405 405 405
api:rewards-points-list                      -                                                    GET    403 200 200 200 200 200 200
api:rewards-points-list                      -                                                    POST   403 405 405 405 405 405 405
api:rewards-points-balance                   -                                                    GET    403 200 200 200 200 200 200
api:rewards-points-balance                   -                                                    POST   403 405 405 405 405 405 405
api:rewards-points-redeem                    -                                                    GET    403 405 405 405 405 405 405
api:rewards-points-redeem                    -                                                    POST   403 400 400 400 400 400 400
api:rewards-leaderboard-list                 -                                                    GET    200 200 200 200 200 200 200
api:rewards-leaderboard-list                 -                                                    POST   405 405 405 405 405 405 405
api:rewards-quality-list                     -                                                    GET    200 200 200 200 200 200 200
api:rewards-quality-list                     -                                                    POST   405 405 405 405 405 405 405
api:recommendations-me                       -                                                    GET    403 200 200 200 200 200 200
api:recommendations-me                       -                                                    POST   403 405 405 405 405 405 405
api:recommendations-related                  course_id=course.pk                                  GET    200 200 200 200 200 200 200
api:recommendations-related                  course_id=course.pk                                  POST   405 405 405 405 405 405 405
# live: the objects are the world's extras (world_extras.py): the owner's
# lectures (a free one the enrolled learner holds a ticket for, one with a
# replay), the other creator's expert profile, slot and availability, a
# booking and paid questions of the enrolled learner with him. The other
# creator is a certified expert (his studio, his question price, the quality
# reviews); the owner is not.
live:index                                   -                                                    GET    200 200 200 200 200 200 200
live:index                                   -                                                    POST   405 405 405 405 405 405 405
live:lecture                                 pk=extras.free_lecture.pk                            GET    200 200 200 200 200 200 200
live:lecture                                 pk=extras.free_lecture.pk                            POST   405 405 405 405 405 405 405
live:join_panel                              pk=extras.free_lecture.pk                            GET    200 200 200 200 200 200 200
live:join_panel                              pk=extras.free_lecture.pk                            POST   405 405 405 405 405 405 405
live:claim                                   pk=extras.free_lecture.pk                            GET    L   405 405 405 405 405 405
live:claim                                   pk=extras.free_lecture.pk                            POST   L   302 302 302 302 302 302
live:replay_media                            pk=extras.replayed.pk                                GET    404 404 404 200 200 404 200
live:replay_media                            pk=extras.replayed.pk                                POST   405 405 405 405 405 405 405
live:lecture_ics                             pk=extras.free_lecture.pk                            GET    200 200 200 200 200 200 200
live:lecture_ics                             pk=extras.free_lecture.pk                            POST   405 405 405 405 405 405 405
live:ticket_refund                           pk=extras.ticket.pk                                  GET    L   405 405 405 405 405 405
live:ticket_refund                           pk=extras.ticket.pk                                  POST   L   404 302 404 404 404 404
live:experts                                 -                                                    GET    200 200 200 200 200 200 200
live:experts                                 -                                                    POST   405 405 405 405 405 405 405
live:expert                                  pk=extras.expert.pk                                  GET    200 200 200 200 200 200 200
live:expert                                  pk=extras.expert.pk                                  POST   405 405 405 405 405 405 405
live:book                                    pk=extras.slot.pk                                    GET    L   200 200 200 200 200 200
live:book                                    pk=extras.slot.pk                                    POST   L   200 200 200 200 200 200
live:booking                                 pk=extras.booking.pk                                 GET    L   404 200 404 404 200 200
live:booking                                 pk=extras.booking.pk                                 POST   L   405 405 405 405 405 405
live:booking_confirm                         pk=extras.booking.pk                                 GET    L   405 405 405 405 405 405
live:booking_confirm                         pk=extras.booking.pk                                 POST   L   404 302 404 404 302 302
live:booking_decline                         pk=extras.booking.pk                                 GET    L   405 405 405 405 405 405
live:booking_decline                         pk=extras.booking.pk                                 POST   L   404 302 404 404 302 302
live:booking_cancel                          pk=extras.booking.pk                                 GET    L   405 405 405 405 405 405
live:booking_cancel                          pk=extras.booking.pk                                 POST   L   404 302 404 404 302 302
live:booking_note                            pk=extras.booking.pk                                 GET    L   405 405 405 405 405 405
live:booking_note                            pk=extras.booking.pk                                 POST   L   404 302 404 404 302 302
live:booking_rate                            pk=extras.booking.pk                                 GET    L   405 405 405 405 405 405
live:booking_rate                            pk=extras.booking.pk                                 POST   L   404 302 404 404 302 302
# paid questions: private ones are 404 to all but the asker, the expert and
# staff (tests/live/test_paid_question_pages.py checks real questions).
live:ask                                     -                                                    GET    200 200 200 200 200 200 200
live:ask                                     -                                                    POST   405 405 405 405 405 405 405
live:expert_ask                              pk=extras.expert.pk                                  GET    L   200 200 200 200 200 200
live:expert_ask                              pk=extras.expert.pk                                  POST   L   200 200 200 200 200 200
live:my_questions                            -                                                    GET    L   200 200 200 200 200 200
live:my_questions                            -                                                    POST   405 405 405 405 405 405 405
live:question                                pk=extras.question.pk                                GET    404 404 200 404 404 200 200
live:question                                pk=extras.question.pk                                POST   405 405 405 405 405 405 405
live:question_answer                         pk=extras.question.pk                                GET    405 405 405 405 405 405 405
live:question_answer                         pk=extras.question.pk                                POST   L   404 302 404 404 302 302
live:question_accept                         pk=extras.answered.pk                                GET    405 405 405 405 405 405 405
live:question_accept                         pk=extras.answered.pk                                POST   L   404 302 404 404 302 302
live:question_reject                         pk=extras.answered.pk                                GET    405 405 405 405 405 405 405
live:question_reject                         pk=extras.answered.pk                                POST   L   404 302 404 404 302 302
live:question_publish                        pk=extras.accepted.pk                                GET    405 405 405 405 405 405 405
live:question_publish                        pk=extras.accepted.pk                                POST   L   404 302 404 404 302 302
live:question_read                           pk=extras.public.pk                                  GET    405 405 405 405 405 405 405
live:question_read                           pk=extras.public.pk                                  POST   L   302 302 302 302 302 302
live:question_audio                          pk=extras.public.pk                                  GET    404 404 404 404 404 404 404
live:question_audio                          pk=extras.public.pk                                  POST   405 405 405 405 405 405 405
live:question_price                          -                                                    GET    405 405 405 405 405 405 405
live:question_price                          -                                                    POST   L   403 403 403 403 302 403
live:my_schedule                             -                                                    GET    L   200 200 200 200 200 200
live:my_schedule                             -                                                    POST   L   405 405 405 405 405 405
live:my_schedule_ics                         -                                                    GET    L   200 200 200 200 200 200
live:my_schedule_ics                         -                                                    POST   L   405 405 405 405 405 405
live:set_timezone                            -                                                    GET    405 405 405 405 405 405 405
live:set_timezone                            -                                                    POST   302 302 302 302 302 302 302
live:studio                                  -                                                    GET    L   403 403 403 200 200 200
live:studio                                  -                                                    POST   L   403 403 403 405 405 405
live:studio_lecture_create                   -                                                    GET    L   403 403 403 200 200 200
live:studio_lecture_create                   -                                                    POST   L   403 403 403 200 200 200
live:studio_lecture                          pk=extras.lecture.pk                                 GET    L   403 403 403 200 404 200
live:studio_lecture                          pk=extras.lecture.pk                                 POST   L   403 403 403 200 404 200
live:studio_lecture_move                     pk=extras.lecture.pk                                 GET    L   403 403 403 405 405 405
live:studio_lecture_move                     pk=extras.lecture.pk                                 POST   L   403 403 403 302 404 302
live:studio_lecture_cancel                   pk=extras.lecture.pk                                 GET    L   403 403 403 405 405 405
live:studio_lecture_cancel                   pk=extras.lecture.pk                                 POST   L   403 403 403 302 404 302
live:studio_replay                           pk=extras.lecture.pk                                 GET    L   403 403 403 405 405 405
live:studio_replay                           pk=extras.lecture.pk                                 POST   L   403 403 403 302 404 302
live:studio_replay_remove                    pk=extras.replayed.pk                                GET    L   403 403 403 405 405 405
live:studio_replay_remove                    pk=extras.replayed.pk                                POST   L   403 403 403 302 404 302
live:expert_studio                           -                                                    GET    L   403 403 403 403 200 403
live:expert_studio                           -                                                    POST   L   403 403 403 403 200 403
live:slot_withdraw                           pk=extras.slot.pk                                    GET    L   405 405 405 405 405 405
live:slot_withdraw                           pk=extras.slot.pk                                    POST   L   404 404 404 404 302 302
live:availability_withdraw                   pk=extras.availability.pk                            GET    L   405 405 405 405 405 405
live:availability_withdraw                   pk=extras.availability.pk                            POST   L   404 404 404 404 302 302
api:live-lecture-list                        -                                                    GET    200 200 200 200 200 200 200
api:live-lecture-list                        -                                                    POST   405 405 405 405 405 405 405
api:live-lecture-detail                      pk=extras.free_lecture.pk                            GET    200 200 200 200 200 200 200
api:live-lecture-detail                      pk=extras.free_lecture.pk                            POST   405 405 405 405 405 405 405
api:live-lecture-detail                      pk=extras.free_lecture.pk                            PUT    405 405 405 405 405 405 405
api:live-lecture-detail                      pk=extras.free_lecture.pk                            PATCH  405 405 405 405 405 405 405
api:live-lecture-detail                      pk=extras.free_lecture.pk                            DELETE 405 405 405 405 405 405 405
api:live-ticket-list                         -                                                    GET    403 200 200 200 200 200 200
api:live-ticket-list                         -                                                    POST   403 405 405 405 405 405 405
api:live-expert-list                         -                                                    GET    200 200 200 200 200 200 200
api:live-expert-list                         -                                                    POST   405 405 405 405 405 405 405
api:live-expert-slots                        pk=extras.expert.pk                                  GET    200 200 200 200 200 200 200
api:live-expert-slots                        pk=extras.expert.pk                                  POST   405 405 405 405 405 405 405
api:live-booking-list                        -                                                    GET    403 200 200 200 200 200 200
api:live-booking-list                        -                                                    POST   403 405 405 405 405 405 405
"""
