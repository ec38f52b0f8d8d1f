"""Count the rows a request fetches from the database and the model instances
it builds, so that tests can pin them like query counts.

A page that runs three queries can still read 10,000 rows (every space of
every course); query counts do not see it, this does:

    with count_rows() as counted:
        client.get(url)
    assert counted.rows <= 60, counted.report()

`rows` counts every row a cursor handed back (fetchone / fetchmany /
fetchall, on every connection); `instances` counts model instances built
(Django's post_init), by model in `by_model`.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import Counter
from collections.abc import Iterator

from django.db.backends.utils import CursorWrapper
from django.db.models.signals import post_init


@dataclasses.dataclass
class Counted:
    rows: int = 0
    instances: int = 0
    by_model: Counter = dataclasses.field(default_factory=Counter)
    by_query: Counter = dataclasses.field(default_factory=Counter)

    def report(self) -> str:
        top = ", ".join(f"{label} {n}" for label, n in self.by_model.most_common(8))
        return f"{self.rows} rows fetched, {self.instances} instances built ({top})"

    def queries(self, limit: int = 5) -> str:
        """The queries that fetched the most rows (to find the one that grows)."""
        return "\n".join(f"{n:6} {sql}" for sql, n in self.by_query.most_common(limit))


@contextlib.contextmanager
def count_rows() -> Iterator[Counted]:
    counted = Counted()
    patched = {}

    original_execute = CursorWrapper.execute

    def execute(self, sql, params=None):
        self._rowcount_sql = str(sql)[:160]
        return original_execute(self, sql, params)

    def add(cursor, n: int) -> None:
        counted.rows += n
        counted.by_query[getattr(cursor, "_rowcount_sql", "?")] += n

    def fetchone(self):
        row = self.cursor.fetchone()
        if row is not None:
            add(self, 1)
        return row

    def fetchmany(self, *args, **kwargs):
        rows = self.cursor.fetchmany(*args, **kwargs)
        add(self, len(rows))
        return rows

    def fetchall(self):
        rows = self.cursor.fetchall()
        add(self, len(rows))
        return rows

    def built(sender, **kwargs):
        counted.instances += 1
        counted.by_model[sender._meta.label] += 1

    for name, method in (
        ("execute", execute),
        ("fetchone", fetchone),
        ("fetchmany", fetchmany),
        ("fetchall", fetchall),
    ):
        patched[name] = CursorWrapper.__dict__.get(name)
        setattr(CursorWrapper, name, method)
    post_init.connect(built, weak=False, dispatch_uid="tests.rowcount")
    try:
        yield counted
    finally:
        post_init.disconnect(dispatch_uid="tests.rowcount")
        for name, previous in patched.items():
            if previous is None:
                delattr(CursorWrapper, name)
            else:
                setattr(CursorWrapper, name, previous)


def assert_repeat_reads_only_the_user(client, url: str) -> dict:
    """A kept per-viewer API list: a repeat of `url` answers what the first
    request did and asks the database for nothing but the session's user.
    Returns the first answer's JSON."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.json() == first.json(), url
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) <= 1 and all('FROM "accounts_user"' in q for q in sql), (url, sql)
    return first.json()
