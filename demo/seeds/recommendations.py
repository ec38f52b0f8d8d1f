"""Demo data: the default signal weights and a first run, so the demo shows lists."""

from demo.seeding import SeedContext, SeedStep
from recommendations.models import DEFAULT_WEIGHTS, ActiveRun, SignalWeight


def seed_recommendations(ctx: SeedContext) -> None:
    from recommendations import services

    created = 0
    for signal, weight in DEFAULT_WEIGHTS.items():
        _, was_created = SignalWeight.objects.get_or_create(
            signal=signal, defaults={"weight": weight}
        )
        created += was_created
    ctx.log(f"  signal weights: {created} created")
    algorithm = services.default_algorithm()
    if ActiveRun.objects.filter(algorithm=algorithm).exists():
        ctx.log("  recommendations: a run is already active")
        return
    from learning.models import Enrollment

    if not Enrollment.objects.exists():
        ctx.log("  recommendations: no enrolments yet, first run skipped")
        return
    run = services.model_run_create(algorithm=algorithm)
    # The model is the one production fits at this size (the run applies
    # RECOMMENDATIONS_DENSE_MAX_ITEMS itself). Past the small demo its offline
    # evaluation (two more fits on a split: EASE inverts its items x items
    # matrix each time, 10,000 courses at the bench scale) is left to the
    # nightly retrain; the lists the pages show are the same.
    evaluate = ctx.scale == "small"
    run = services.model_run_execute(run_id=run.pk, evaluate=evaluate)
    ctx.log(
        f"  recommendations: run #{run.pk} {run.status}, "
        f"{run.n_recommendations} rows for {run.n_users} learners"
        + ("" if evaluate else " (offline evaluation left to the nightly run)")
    )


SEED_STEPS = [
    SeedStep(order=70, name="recommendations", run=seed_recommendations),
]
