"""Bad input on the API: schemathesis against the OpenAPI schema, never a 5xx.

Every operation of the schema that drf-spectacular generates (the same one
`/api/v1/schema/` serves) gets requests that fit the schema and requests that
do not (schemathesis' positive and negative modes), anonymous and signed in,
against a small platform with an object of every kind (tests/security/world.py),
so that ids in the generated paths sometimes exist. Whatever the input, the
answer is a 2xx, 3xx or 4xx: a 5xx fails with the request that caused it.

Schemathesis' own pytest plugin does not load under pytest 9, so the suite
drives its Python API: one Hypothesis run per operation, mode and role.
FUZZ_EXAMPLES (default 12) sets the examples of each run.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlencode

import pytest
import schemathesis
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core import NOT_SET
from schemathesis.generation.modes import GenerationMode

from tests.security.world import build_world

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
ROLES = ("anonymous", "enrolled", "owner")


def _schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    # Plain JSON types (lazy translations, decimals) as the endpoint serves them.
    document = json.loads(json.dumps(document, default=str))
    return schemathesis.openapi.from_dict(document)


def _call(client: Client, case):
    path = case.formatted_path
    if case.query:
        path += "?" + urlencode(
            {k: v for k, v in case.query.items() if v is not None}, doseq=True
        )
    kwargs = {}
    if case.body is not None and case.body is not NOT_SET:
        media_type = case.media_type or "application/json"
        if "json" in media_type:
            try:
                kwargs = {"data": json.dumps(case.body), "content_type": media_type}
            except (TypeError, ValueError):
                kwargs = {"data": str(case.body), "content_type": media_type}
        elif isinstance(case.body, (bytes, str)):
            kwargs = {"data": case.body, "content_type": media_type}
    return client.generic(case.method.upper(), path, **kwargs)


@pytest.fixture
def relaxed_limits(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "1000000/min",
            "user": "1000000/min",
            "write": "1000000/min",
            "search": "1000000/min",
        },
    }
    settings.COMMUNITY_POSTS_PER_MINUTE = 1000000


def test_no_operation_answers_5xx_whatever_the_input(relaxed_limits, capsys):
    world = build_world()
    schema = _schema()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, "the API schema lost its operations"
    clients = {}
    for role in ROLES:
        # A crash becomes the 500 response it would be for a real client.
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(world.users[role])
        clients[role] = client

    failures: list[str] = []
    requests = 0

    def fuzz(operation, mode, role, client) -> int:
        seen = 0

        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case):
            nonlocal seen
            seen += 1
            response = _call(client, case)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method.upper()} {case.formatted_path} as {role} "
                    f"({mode}): {response.status_code} "
                    f"query={case.query!r} body={case.body!r}"
                )

        try:
            run()
        except Unsatisfiable:  # no request of this mode exists (no parameters)
            pass
        return seen

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for role, client in clients.items():
                requests += fuzz(operation, mode, role, client)
    with capsys.disabled():
        print(
            f"\nAPI fuzz: {len(operations)} operations × 2 modes × {len(ROLES)} "
            f"roles, {requests} requests, {len(failures)} answered 5xx"
        )
    assert requests >= len(operations) * len(ROLES)
    assert not failures, f"{len(failures)} requests answered 5xx:\n" + "\n".join(
        sorted(set(failures))[:40]
    )
