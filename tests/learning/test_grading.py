"""Automatic grading: suggestions, feedback, training, auto-publish, evaluation."""

import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from courses.models import Lesson
from learning import services
from learning.grading import engine, evaluation
from learning.grading import services as grading
from learning.models import Grade, GradingModel, GradingRun, ScoreSuggestion
from tests.factories import UserFactory

from .factories import AssignmentFactory, course_with_lessons

EN_REFERENCE = (
    "A stack is last in first out: elements are pushed and popped at the top. "
    "A queue is first in first out: elements join at the back and leave from "
    "the front."
)
EN_GRADED = [
    (
        "A stack is last in first out, you push and pop at the top. A queue is "
        "first in first out, added at the back and removed at the front.",
        5,
    ),
    (
        "Stack: LIFO, the last pushed element is popped first. Queue: FIFO, the "
        "first element in is the first out.",
        5,
    ),
    ("A stack is last in first out. A queue is first in first out.", 4),
    ("A stack is LIFO and works at the top only.", 2),
    ("A queue is first in first out like people waiting in a line.", 2),
    ("Both store data in order.", 0),
    ("A stack is first in first out and a queue is last in first out.", 0),
    ("They are data structures used in many algorithms.", 0),
]
ZH_REFERENCE = (
    "HTTPS 在 HTTP 的基础上加入 TLS/SSL 加密，传输的数据被加密。"
    "它通过证书验证服务器身份，防止窃听和篡改。"
)
ZH_GRADED = [
    (
        "HTTPS 在 HTTP 基础上使用 TLS 加密，数据加密传输，并用证书验证服务器身份，"
        "可以防止窃听和篡改。",
        10,
    ),
    ("HTTPS 多了 SSL 加密层，数据是加密的；证书可以确认服务器身份，防止篡改。", 9),
    ("HTTPS 的数据经过加密传输，HTTP 是明文。", 5),
    ("HTTPS 用证书验证服务器身份。", 4),
    ("它们都是网络协议，浏览器都支持。", 0),
    ("HTTP 是加密的，HTTPS 不加密。", 0),
    ("HTTPS 比 HTTP 快十倍。", 0),
    ("HTTPS 更安全一些。", 2),
]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_assignment(reference: str, *, max_score: int, **extra):
    course, (lesson,) = course_with_lessons(kinds=[Lesson.Kind.ASSIGNMENT])
    assignment = AssignmentFactory(
        lesson=lesson, max_score=max_score, reference_answer=reference, **extra
    )
    return course, assignment


def submit(assignment, text: str):
    return services.submission_create(
        user=UserFactory(), assignment=assignment, text=text
    )


def grade_all(course, assignment, graded):
    submissions = []
    for text, score in graded:
        submission = submit(assignment, text)
        services.submission_grade(
            submission=submission, grader=course.creator, score=score
        )
        submissions.append(submission)
    return submissions


@pytest.fixture
def two_questions(db):
    """An English and a Chinese assignment, each with eight creator grades."""
    en_course, en = make_assignment(EN_REFERENCE, max_score=5)
    zh_course, zh = make_assignment(ZH_REFERENCE, max_score=10)
    en_graded = grade_all(en_course, en, EN_GRADED)
    zh_graded = grade_all(zh_course, zh, ZH_GRADED)
    return {
        "en": (en_course, en, en_graded),
        "zh": (zh_course, zh, zh_graded),
    }


# --- engine, on hand-made questions -------------------------------------------------


def _engine_models():
    en = engine.QuestionModel(
        engine.QuestionData(
            key="en",
            question="Stack and queue?",
            reference=EN_REFERENCE,
            answers=[t for t, _ in EN_GRADED],
            scores=[s / 5 for _, s in EN_GRADED],
        )
    )
    zh = engine.QuestionModel(
        engine.QuestionData(
            key="zh",
            question="HTTP 和 HTTPS 的区别？",
            reference=ZH_REFERENCE,
            answers=[t for t, _ in ZH_GRADED],
            scores=[s / 10 for _, s in ZH_GRADED],
        )
    )
    return en, zh


def test_engine_ranks_english_answers_and_names_missed_key_points():
    en, zh = _engine_models()
    fitted = engine.global_fit([en, zh])
    assert fitted is not None and fitted.questions == 2
    good, half, wrong = engine.predict(
        en,
        [
            "Stacks are last in first out (push and pop on top); queues are first "
            "in first out, joining at the back and leaving at the front.",
            "A stack is last in first out.",
            "Both keep data in order in memory.",
        ],
        fitted,
    )
    assert good.score > half.score > wrong.score
    assert not good.reference_only and good.confidence is not None
    assert 0 <= good.low <= good.score <= good.high <= 1
    missed = [k.text for k in half.key_points if not k.covered]
    assert any("queue" in point for point in missed)
    assert all(k.covered for k in good.key_points)


def test_engine_ranks_chinese_answers_with_jieba_and_characters():
    en, zh = _engine_models()
    fitted = engine.global_fit([en, zh])
    good, half, wrong = engine.predict(
        zh,
        [
            "HTTPS 使用 TLS 加密传输数据，还用证书验证服务器身份，防止窃听和篡改。",
            "HTTPS 的数据是加密的。",
            "HTTP 和 HTTPS 都是浏览器用的。",
        ],
        fitted,
    )
    assert good.score > half.score > wrong.score
    covered = [k.text for k in half.key_points if k.covered]
    missed = [k.text for k in half.key_points if not k.covered]
    assert any("数据" in point for point in covered)
    assert any("证书" in point for point in missed)


def test_confidence_is_calibrated_on_out_of_fold_residuals():
    en, zh = _engine_models()
    fitted = engine.global_fit([en, zh])
    # The stored residuals are what the probability reads: with spread 0 and a
    # tolerance above every residual, the suggestion is certain to be within it.
    low, high, confidence = fitted.interval(0.5, 0.0)
    share = (fitted.residual_scale * fitted.SPREAD_FLOOR <= engine.TOLERANCE).mean()
    assert confidence == pytest.approx(share)
    assert low < 0.5 < high


# --- in the platform ------------------------------------------------------------------


def test_before_any_grade_the_suggestion_is_reference_only(db):
    course, assignment = make_assignment(EN_REFERENCE, max_score=5)
    submission = submit(assignment, "A stack is last in first out.")
    suggestion = grading.submission_suggest(submission_id=submission.pk)
    assert suggestion.reference_only and suggestion.confidence is None
    assert suggestion.covered and suggestion.missed
    assert Decimal("0") < suggestion.score < Decimal("5")
    html = (
        logged_in(course.creator)
        .get(reverse("learning:studio_grade", args=[submission.pk]))
        .content.decode()
    )
    assert 'data-testid="reference-only"' in html
    assert 'data-testid="accept-suggestion"' not in html  # nothing learned yet
    assert "last in first out" in html  # the key point it covers


def test_new_submission_gets_a_suggestion_once_committed(
    two_questions, django_capture_on_commit_callbacks
):
    course, assignment, _graded = two_questions["en"]
    grading.grading_train(reason="test")
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(assignment, "A stack is LIFO; a queue is FIFO.")
    suggestion = ScoreSuggestion.objects.get(submission=submission)
    assert not suggestion.reference_only
    assert suggestion.similar  # the nearest graded answers, for the creator
    assert not Grade.objects.filter(submission=submission).exists()  # off by default


def test_training_records_models_and_holdout_quality(two_questions):
    run = grading.grading_train(reason="test")
    assert run.status == GradingRun.Status.DONE
    assert run.questions == 2 and run.rows == 16
    models = GradingModel.objects.order_by("assignment_id")
    assert [m.status for m in models] == [GradingModel.Status.TRAINED] * 2
    for model in models:
        assert model.graded_count == 8 and model.trained_at is not None
        assert model.holdout_count >= 2 and model.holdout_rmse is not None


def test_a_correction_changes_the_next_training(
    two_questions, django_capture_on_commit_callbacks
):
    course, assignment, graded = two_questions["en"]
    grading.grading_train(reason="first")
    probe = "A stack is last in first out. A queue is first in first out."
    before = grading.predictions_for(assignment, [probe])[0][0].score
    # The creator decides that the answer closest to the probe deserves 0, not 4.
    closest = graded[2]
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_grade(submission=closest, grader=course.creator, score=0)
    with django_capture_on_commit_callbacks(execute=True):
        for submission in graded[3:5]:  # two more regrades: a retraining is due
            services.submission_grade(
                submission=submission, grader=course.creator, score=1
            )
    assert GradingRun.objects.filter(status=GradingRun.Status.DONE).count() == 2
    after = grading.predictions_for(assignment, [probe])[0][0].score
    assert after < before - 0.1


def test_saving_a_grade_records_accept_or_correct(two_questions):
    course, assignment, _graded = two_questions["en"]
    grading.grading_train(reason="test")
    first = submit(assignment, "A stack is LIFO. A queue is FIFO.")
    second = submit(assignment, "A stack is LIFO.")
    one = grading.submission_suggest(submission_id=first.pk)
    grading.submission_suggest(submission_id=second.pk)
    client = logged_in(course.creator)
    client.post(
        reverse("learning:studio_grade", args=[first.pk]),
        {"score": grading.rounded_score(one.score), "feedback": ""},
    )
    client.post(reverse("learning:studio_grade", args=[second.pk]), {"score": 5})
    assert Grade.objects.get(submission=first).origin == Grade.Origin.ACCEPTED
    corrected = Grade.objects.get(submission=second)
    assert corrected.origin == Grade.Origin.CORRECTED
    assert corrected.suggested_score is not None


def test_one_click_accept_grades_with_learner_feedback(two_questions):
    course, assignment, _graded = two_questions["en"]
    grading.grading_train(reason="test")
    submission = submit(assignment, "A stack is last in first out.")
    suggestion = grading.submission_suggest(submission_id=submission.pk)
    response = logged_in(course.creator).post(
        reverse("learning:studio_grade_accept", args=[submission.pk]),
        {"next": reverse("learning:studio_grading")},
    )
    assert response.status_code == 302
    grade = Grade.objects.get(submission=submission)
    assert grade.origin == Grade.Origin.ACCEPTED
    assert grade.score == grading.rounded_score(suggestion.score)
    assert "last in first out" in grade.feedback  # covered, in the feedback
    assert "queue" in grade.feedback.split("\n", 2)[-1]  # and what it misses


def test_accept_is_refused_for_others_and_without_a_trained_suggestion(two_questions):
    course, assignment, _graded = two_questions["en"]
    submission = submit(assignment, "A stack is LIFO.")
    url = reverse("learning:studio_grade_accept", args=[submission.pk])
    assert logged_in(UserFactory()).post(url).status_code == 403
    response = logged_in(course.creator).post(url, follow=True)
    assert response.status_code == 200
    assert not Grade.objects.filter(submission=submission).exists()
    assert logged_in(course.creator).get(url).status_code == 405


def test_auto_publish_is_off_by_default_and_respects_the_threshold(two_questions):
    course, assignment, _graded = two_questions["en"]
    grading.grading_train(reason="test")
    text = (
        "A stack is last in first out, you push and pop at the top. A queue is "
        "first in first out, added at the back and removed at the front."
    )
    assert assignment.auto_publish is False
    default = submit(assignment, text)
    suggestion = grading.submission_suggest(submission_id=default.pk)
    assert not Grade.objects.filter(submission=default).exists()
    confidence = round(suggestion.confidence * 100)
    assert 1 < confidence < 99, "the test needs a case neither certain nor hopeless"

    assignment.auto_publish = True
    assignment.auto_publish_confidence = confidence + 1
    assignment.save()
    above = submit(assignment, text)
    grading.submission_suggest(submission_id=above.pk)
    assert not Grade.objects.filter(submission=above).exists()

    assignment.auto_publish_confidence = confidence - 1
    assignment.save()
    below = submit(assignment, text)
    grading.submission_suggest(submission_id=below.pk)
    grade = Grade.objects.get(submission=below)
    assert grade.origin == Grade.Origin.AUTOMATIC
    assert grade.feedback.startswith("Graded automatically") or "自动" in grade.feedback

    # Reviewable later: it is listed apart, and the creator's grade replaces it.
    client = logged_in(course.creator)
    queue = client.get(reverse("learning:studio_grading") + "?show=automatic")
    assert f'href="{reverse("learning:studio_grade", args=[below.pk])}"' in (
        queue.content.decode()
    )
    client.post(reverse("learning:studio_grade", args=[below.pk]), {"score": 1})
    grade.refresh_from_db()
    assert grade.score == 1 and grade.origin != Grade.Origin.AUTOMATIC


def test_automatic_grades_never_train_the_scorer(two_questions):
    course, assignment, graded = two_questions["en"]
    Grade.objects.filter(submission=graded[0]).update(origin=Grade.Origin.AUTOMATIC)
    answers = grading.graded_answers([assignment.pk])[assignment.pk]
    assert graded[0].pk not in [row[0] for row in answers] and len(answers) == 7


def test_quality_page_shows_agreement_and_correction_rate(
    two_questions, django_assert_max_num_queries
):
    course, assignment, graded = two_questions["en"]
    grading.grading_train(reason="test")
    Grade.objects.filter(submission=graded[0]).update(
        origin=Grade.Origin.CORRECTED, suggested_score=Decimal("3")
    )
    Grade.objects.filter(submission=graded[1]).update(
        origin=Grade.Origin.ACCEPTED, suggested_score=Decimal("5")
    )
    client = logged_in(course.creator)
    # Fixed cost whatever the number of assignments: session, user, one list.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("learning:studio_grading_quality"))
    html = response.content.decode()
    assert response.status_code == 200
    assert assignment.lesson.title in html
    assert "50%" in html  # one correction out of two suggestions
    assert two_questions["zh"][1].lesson.title not in html  # another creator's


def test_grading_queue_shows_suggestions_with_a_fixed_query_count(
    two_questions, django_assert_max_num_queries
):
    course, assignment, _graded = two_questions["en"]
    grading.grading_train(reason="test")
    for text in ["A stack is LIFO.", "A queue is FIFO.", "No idea."]:
        grading.submission_suggest(submission_id=submit(assignment, text).pk)
    client = logged_in(course.creator)
    # Session, user, count, page of rows (suggestions joined), course stats.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("learning:studio_grading"))
    html = response.content.decode()
    assert html.count('data-testid="queue-accept"') == 3


def test_admin_lists_models_and_retrains_now(
    two_questions, admin_client, django_capture_on_commit_callbacks
):
    grading.grading_train(reason="test")
    assert (
        admin_client.get(reverse("admin:learning_gradingmodel_changelist")).status_code
        == 200
    )
    assert (
        admin_client.get(reverse("admin:learning_gradingrun_changelist")).status_code
        == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:learning_gradingrun_retrain"))
    assert response.status_code == 302
    assert GradingRun.objects.filter(status=GradingRun.Status.DONE).count() == 2


def test_a_tampered_model_blob_is_not_loaded(two_questions):
    run = grading.grading_train(reason="test")
    blob = bytes(GradingRun.objects.get(pk=run.pk).model_blob)
    GradingRun.objects.filter(pk=run.pk).update(model_blob=b"0" * 64 + blob[64:])
    grading._loaded.clear()
    assert grading.global_model_for(run) is None


# --- the evaluation command ----------------------------------------------------------


def _write(path, rows):
    path.write_text(
        "id,question,desired_answer,student_answer,score_avg\n"
        + "".join(f'{q},"Q","{ref}","{ans}",{score}\n' for q, ref, ans, score in rows),
        encoding="utf-8",
    )


def test_grading_eval_metrics_match_a_hand_computation(tmp_path):
    reference = "A stack is last in first out."
    train, test, out = (
        tmp_path / "train.csv",
        tmp_path / "test.csv",
        tmp_path / "o.json",
    )
    # Too few grades anywhere: every prediction is the reference-only score, 5
    # for the reference itself and 0 for an answer sharing nothing with it.
    _write(
        train, [("other", "Unrelated.", "One.", 3), ("other", "Unrelated.", "Two.", 1)]
    )
    _write(
        test,
        [
            ("q1", reference, reference, 4),
            ("q1", reference, "xyz qqq", 1),
            ("q1", reference, reference, 5),
            ("q1", reference, "xyz qqq", 0),
        ],
    )
    call_command("grading_eval", "--train", train, "--test", test, "--json", out)
    figures = json.loads(out.read_text())
    # truth 4 1 5 0, predictions 5 0 5 0: errors 1 -1 0 0 -> RMSE sqrt(2/4);
    # deviations (1.5 -1.5 2.5 -2.5) and (2.5 -2.5 2.5 -2.5) -> r = 20 / sqrt(17 * 25)
    assert figures["n"] == 4
    assert figures["rmse"] == pytest.approx(0.5**0.5, abs=1e-6)
    assert figures["pearson_r"] == pytest.approx(20 / (17 * 25) ** 0.5, abs=1e-6)
    assert figures["seconds"] >= 0


def test_grading_eval_says_what_is_wrong_with_a_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,question,student_answer\n1,Q,A\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column"):
        call_command("grading_eval", "--train", bad, "--test", bad)
    with pytest.raises(CommandError, match="no such file"):
        call_command("grading_eval", "--train", tmp_path / "x.csv", "--test", bad)
    _write(bad, [("q", "R", "A", "lots")])
    with pytest.raises(CommandError, match="not a number"):
        evaluation_rows = call_command("grading_eval", "--train", bad, "--test", bad)
        del evaluation_rows


def test_evaluation_trains_per_question_and_globally_on_made_up_data():
    from learning.grading import synthetic

    bank = synthetic.load_bank()[:6]
    train, test = synthetic.split(synthetic.generate(seed=3, bank=bank), seed=3)
    report = evaluation.evaluate(train, test)
    assert report.n == len(test) and len(report.questions) == 6
    assert report.pearson_r > 0.5  # far above chance on six questions


def test_odd_texts_get_a_suggestion_not_an_error():
    """Punctuation, emoji and stop words only: no vocabulary, still a score."""
    odd = engine.QuestionModel(
        engine.QuestionData(
            key="odd",
            question="",
            reference="!!!",
            answers=["the", "…", "🙂"],
            scores=[0.2, 0.5, 0.8],
        )
    )
    en, _zh = _engine_models()
    fitted = engine.global_fit([en, odd])
    for prediction in engine.predict(odd, ["", "???", "of the"], fitted):
        assert 0 <= prediction.score <= 1 and prediction.key_points == []


# --- optional sentence embeddings (learning/grading/embeddings.py) -----------

# A stand-in for the sentence model: words of one meaning share a dimension, so
# "LIFO" and "last in first out" are alike although they share no n-gram.
_MEANINGS = [
    {"stack", "stacks", "pile"},
    {"lifo", "last"},
    {"queue", "queues", "line"},
    {"fifo", "first"},
    {"top", "push", "pop"},
    {"back", "front", "enqueue", "dequeue"},
    {"array", "arrays", "list", "index"},
]


def _meaning_encoder(texts):
    import numpy as np

    vectors = np.zeros((len(texts), len(_MEANINGS)), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.lower().replace(",", " ").replace(".", " ").split():
            for i, words in enumerate(_MEANINGS):
                vectors[row, i] += word.strip(":;") in words
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
    return vectors


def _en_model(embed):
    return engine.QuestionModel(
        engine.QuestionData(
            key="en",
            question="Stack and queue?",
            reference=EN_REFERENCE,
            answers=[t for t, _ in EN_GRADED],
            scores=[s / 5 for _, s in EN_GRADED],
        ),
        embed=embed,
    )


def test_embeddings_are_off_in_tests_and_the_engine_works_without_them():
    from learning.grading import embeddings

    assert embeddings.encoder() is None
    model = engine.QuestionModel(engine.QuestionData("q", "Q?", EN_REFERENCE))
    assert model.embed is None


def test_embedding_features_score_a_paraphrase_that_shares_no_words():
    with_meaning = _en_model(_meaning_encoder)
    fitted = engine.global_fit([with_meaning])
    assert fitted.embeddings is True
    x, _, _ = with_meaning.features(["pile: LIFO. line: FIFO.", "arrays have an index"])
    assert x.shape[1] == len(engine.FEATURES) + len(engine.EMBEDDING_FEATURES)
    emb_ref = x[:, len(engine.FEATURES)]
    assert emb_ref[0] > 0.6 > 0.1 > emb_ref[1]


def test_a_model_trained_with_embeddings_falls_back_when_they_are_gone():
    fitted = engine.global_fit([_en_model(_meaning_encoder)])
    (suggestion,) = engine.predict(_en_model(None), ["stacks are LIFO"], fitted)
    assert suggestion.reference_only is True
    (suggestion,) = engine.predict(
        _en_model(_meaning_encoder), ["stacks are LIFO"], fitted
    )
    assert suggestion.reference_only is False


def test_a_model_trained_without_embeddings_ignores_their_columns():
    fitted = engine.global_fit([_en_model(None)])
    assert fitted.embeddings is False
    answer = ["Stacks are last in first out; queues are first in first out."]
    (plain,) = engine.predict(_en_model(None), answer, fitted)
    (with_meaning,) = engine.predict(_en_model(_meaning_encoder), answer, fitted)
    assert plain.reference_only is False
    assert with_meaning.score == pytest.approx(plain.score)
