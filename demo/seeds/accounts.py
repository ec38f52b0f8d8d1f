"""Demo people: one staff member, creators and learners with planted interests."""

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.handles import handles_for
from accounts.models import Profile, User
from courses.models import Category
from demo.bulk import bulk_insert
from demo.seeding import DEMO_PASSWORD, INTEREST_CLUSTERS, SeedContext, SeedStep

CREATOR_NAMES = [
    "林晓",
    "Dr. Chen",
    "王教授",
    "Emily Zhang",
    "周明",
    "Sarah Li",
    "赵颖",
    "Kevin Wu",
]
LEARNER_SURNAMES = ["张", "王", "李", "刘", "陈", "杨", "黄", "赵", "吴", "周"]
LEARNER_GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "洋",
    "勇",
    "艳",
    "杰",
    "Alex",
    "Mia",
]


def seed_people(ctx: SeedContext) -> None:
    rng = ctx.rng("accounts.people")
    password = make_password(DEMO_PASSWORD)
    now = timezone.now()
    top_categories = {c.slug: c for c in Category.objects.filter(parent__isnull=True)}

    specs: list[tuple[str, str, str, bool]] = [
        ("staff@demo.kp", User.Role.STAFF, "运营小助手", True)
    ]
    for i in range(1, ctx.sizes["creators"] + 1):
        name = CREATOR_NAMES[(i - 1) % len(CREATOR_NAMES)]
        specs.append(
            (
                f"creator{i}@demo.kp",
                User.Role.CREATOR,
                f"{name}{'' if i <= len(CREATOR_NAMES) else i}",
                False,
            )
        )
    for i in range(1, ctx.sizes["learners"] + 1):
        name = rng.choice(LEARNER_SURNAMES) + rng.choice(LEARNER_GIVEN)
        specs.append((f"learner{i}@demo.kp", User.Role.LEARNER, name, False))

    existing = set(
        User.objects.filter(email__in=[s[0] for s in specs]).values_list(
            "email", flat=True
        )
    )
    new_users = [
        User(
            email=email,
            role=role,
            is_staff=is_staff,
            is_superuser=is_staff,
            password=password,
            date_joined=now,
        )
        for email, role, _, is_staff in specs
        if email not in existing
    ]
    bulk_insert(new_users, batch_size=2000)
    users = {u.email: u for u in User.objects.filter(email__in=[s[0] for s in specs])}

    bulk_insert(
        [
            EmailAddress(user=users[email], email=email, verified=True, primary=True)
            for email, *_ in specs
            if email not in existing
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    # bulk_create skips Profile.save: the handles are given here, unique
    # among the accounts already there (two 李洋 become 李洋 and 李洋2).
    taken = {
        handle.lower()
        for handle in Profile.objects.exclude(handle="").values_list(
            "handle", flat=True
        )
    }
    handles = handles_for(
        (
            (users[email].pk, name)
            for email, _, name, _ in specs
            if email not in existing
        ),
        taken,
    )
    bulk_insert(
        [
            Profile(
                user=users[email],
                display_name=name,
                handle=handles[users[email].pk],
                onboarded_at=now,
            )
            for email, _, name, _ in specs
            if email not in existing
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )

    # Interests: each learner belongs to one planted cluster (plus a stray
    # category now and then); creators teach in one cluster.
    through = Profile.interests.through
    profiles = dict(
        Profile.objects.filter(user__in=users.values()).values_list("user_id", "id")
    )
    rows = []
    cluster_rng = ctx.rng("accounts.clusters")
    for email, role, _, _ in ctx.progress(specs, total=len(specs), desc="interests"):
        cluster = INTEREST_CLUSTERS[cluster_rng.randrange(len(INTEREST_CLUSTERS))]
        if email in existing or role == User.Role.STAFF:
            continue
        chosen = set(cluster)
        if cluster_rng.random() < 0.15:
            chosen.add(cluster_rng.choice(sorted(top_categories)))
        for slug in sorted(chosen):
            if slug in top_categories:
                rows.append(
                    through(
                        profile_id=profiles[users[email].id],
                        category_id=top_categories[slug].id,
                    )
                )
    bulk_insert(rows, batch_size=5000, ignore_conflicts=True)
    ctx.log(f"  people: {len(new_users)} new, {len(existing)} already there")


SEED_STEPS = [SeedStep(order=10, name="accounts.people", run=seed_people)]
