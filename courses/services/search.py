"""Search: one index and one query language, on SQLite (FTS5) and PostgreSQL.

Text is analysed in Python (courses.services.search_text), so that both
databases index the same terms: Chinese is segmented by jieba (search mode: a long word also gives its shorter
dictionary words, 机器学习 → 机器, 学习, 机器学习), English is lower-cased and
stemmed (Snowball: photographs → photograph), everything else split on
non-word characters. PostgreSQL keeps the terms in a weighted tsvector
('simple' configuration: the terms are final), SQLite in an FTS5 table per
kind whose rowid is the object's id; both rank by field weight (title, then
subtitle, then keywords such as category and creator names, then the body).

A query is analysed the same way. Every query word must match; a Chinese word
matches either itself or all the shorter words it is made of (a document
segmented 机器 学习 still matches 机器学习); the last word also matches as a
prefix (typing "pyth"). A word that no document contains is replaced by the
closest indexed word (`SearchTerm`, the vocabulary), so small typos still
find their course. The lower-cased plain text (`search_document`) is also
matched as a substring, so that odd fragments of Chinese still match.

Kinds are extensible: another app (live lectures, columns, paths) registers a
`SearchKind` for its model in its AppConfig.ready (the model has a
`search_document` TextField and a `search_vector` SearchVectorField, and its
migration creates the FTS5 table with `fts5_table_operations`), then calls
`search_index_update` when an object changes and `search_filter` to search.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, migrations
from django.db.models import BooleanField, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils.html import strip_tags

from core import events
from courses.models import Course, SearchTerm

from .search_text import (  # noqa: F401 (the search API, re-exported)
    MAX_QUERY_LENGTH,
    ParsedQuery,
    QueryWord,
    analyse,
    clean_query,
    parse,
    surface_words,
)

#: The FTS5 columns and the PostgreSQL weights, in the same order.
FIELDS = ("title", "subtitle", "keywords", "body")
PG_WEIGHTS = dict(zip(FIELDS, "ABCD", strict=True))
FTS5_WEIGHTS = "10.0, 5.0, 3.0, 1.0"


@dataclass
class SearchDocument:
    """What one object gives the index, field by field (plain text)."""

    title: str
    subtitle: str = ""
    keywords: list[str] = field(default_factory=list)
    body: str = ""

    def plain(self) -> str:
        parts = [self.title, self.subtitle, " ".join(self.keywords), self.body]
        return " ".join(" ".join(parts).split()).lower()


@dataclass(frozen=True)
class SearchKind:
    """A searchable model: its name, model and how to build its documents.

    `documents(queryset)` yields `(pk, SearchDocument)` for the objects of the
    queryset (which it may `select_related` as it needs).
    """

    name: str
    model: type
    documents: Callable[[QuerySet], Iterable[tuple[int, SearchDocument]]]

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def fts_table(self) -> str:
        return fts_table_name(self.table)


KINDS: dict[str, SearchKind] = {}


def register(kind: SearchKind) -> SearchKind:
    KINDS[kind.name] = kind
    return kind


def fts_table_name(db_table: str) -> str:
    return f"{db_table}_fts"


def fts5_table_operations(db_table: str) -> list:
    """Migration operations creating the FTS5 table of a kind (SQLite only)."""
    name = fts_table_name(db_table)

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5("
                f"{', '.join(FIELDS)}, tokenize='unicode61 remove_diacritics 0')"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f"DROP TABLE IF EXISTS {name}")

    return [migrations.RunPython(create, drop, elidable=False)]


# --- matching --------------------------------------------------------------------


def _fts5_string(term: str) -> str:
    return '"' + term.replace('"', "") + '"'


def fts5_expression(parsed: ParsedQuery) -> str:
    """The FTS5 MATCH expression: every word, each as any of its forms."""
    clauses = []
    for word in parsed.words:
        options = [_fts5_string(word.term)]
        if word.parts:
            options.append(
                "(" + " AND ".join(_fts5_string(p) for p in word.parts) + ")"
            )
        if word.prefix:
            options.append(_fts5_string(word.prefix) + "*")
        clauses.append("(" + " OR ".join(options) + ")")
    return " AND ".join(clauses)


def _tsquery_string(term: str) -> str:
    return "'" + term.replace("'", "").replace("\\", "") + "'"


def tsquery_expression(parsed: ParsedQuery) -> str:
    """The same expression for PostgreSQL's to_tsquery('simple', …)."""
    clauses = []
    for word in parsed.words:
        options = [_tsquery_string(word.term)]
        if word.parts:
            options.append(
                "(" + " & ".join(_tsquery_string(p) for p in word.parts) + ")"
            )
        if word.prefix:
            options.append(_tsquery_string(word.prefix) + ":*")
        clauses.append("(" + " | ".join(options) + ")")
    return " & ".join(clauses)


def search_filter(queryset: QuerySet, query, *, kind: str = "course") -> QuerySet:
    """`queryset` narrowed to what matches `query`, annotated with `relevance`.

    `query` is a string or a `ParsedQuery` (so that a page that shows the
    correction parses once). Only the matching rows are read: the index finds
    them (FTS5 or the GIN index), and the substring match uses the trigram
    index on PostgreSQL.
    """
    search_kind = KINDS[kind]
    parsed = query if isinstance(query, ParsedQuery) else parse(query, kind=kind)
    substring = Q()
    for term in parsed.text.lower().split():
        substring &= Q(search_document__contains=term)
    if not parsed:  # only punctuation or symbols: those, as typed
        return queryset.filter(substring).annotate(
            relevance=Value(0.0, output_field=FloatField())
        )
    if connection.vendor == "postgresql":
        tsquery = tsquery_expression(parsed)
        # Table names are ours; the user's words are parameters.
        matches = RawSQL(  # noqa: S611
            f"{search_kind.table}.search_vector @@ to_tsquery('simple', %s)",
            [tsquery],
            output_field=BooleanField(),
        )
        rank = RawSQL(  # noqa: S611
            f"ts_rank({search_kind.table}.search_vector, to_tsquery('simple', %s))",
            [tsquery],
            output_field=FloatField(),
        )
        return (
            queryset.alias(fts_match=matches)
            .filter(Q(fts_match=True) | substring)
            .annotate(relevance=rank)
        )
    if connection.vendor == "sqlite":
        expression = fts5_expression(parsed)
        fts = search_kind.fts_table
        ids = RawSQL(  # noqa: S611
            f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s",  # noqa: S608
            [expression],
        )
        rank = RawSQL(  # noqa: S611
            f"COALESCE((SELECT -bm25({fts}, {FTS5_WEIGHTS}) FROM {fts} "  # noqa: S608
            f"WHERE {fts} MATCH %s AND rowid = {search_kind.table}.id), 0)",
            [expression],
            output_field=FloatField(),
        )
        return queryset.filter(Q(pk__in=ids) | substring).annotate(relevance=rank)
    return queryset.filter(substring).annotate(
        relevance=Value(1.0, output_field=FloatField())
    )


# --- writing the index -------------------------------------------------------------


def search_index_update(
    *, kind: str = "course", queryset: QuerySet | None = None
) -> int:
    """(Re)index the objects of `queryset` (all of the kind by default).

    A few statements per batch of 500 whatever the number of objects: the
    demo and bench seeds index thousands of courses at once.
    """
    search_kind = KINDS[kind]
    queryset = (
        search_kind.model._default_manager.all() if queryset is None else queryset
    )
    total = 0
    batch: list[tuple[int, SearchDocument]] = []
    for item in search_kind.documents(queryset.order_by("pk")):
        batch.append(item)
        if len(batch) == 500:
            total += _write_batch(search_kind, batch)
            batch = []
    if batch:
        total += _write_batch(search_kind, batch)
    return total


def _write_batch(kind: SearchKind, batch) -> int:
    rows = []
    vocabulary: dict[str, str] = {}
    for pk, document in batch:
        fields = {
            "title": document.title,
            "subtitle": document.subtitle,
            "keywords": " ".join(document.keywords),
            "body": strip_tags(document.body),
        }
        analysed = {name: " ".join(analyse(text)) for name, text in fields.items()}
        for name in ("title", "subtitle", "keywords"):
            for term, word in surface_words(fields[name]).items():
                vocabulary.setdefault(term, word)
        for text in analysed.values():
            for term in text.split():
                vocabulary.setdefault(term, "")
        rows.append((pk, document.plain(), analysed))
    table = kind.table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement per batch: the rows come in as arrays (unnest),
            # not one UPDATE each.
            vector = " || ".join(
                f"setweight(to_tsvector('simple', v.{name}), '{PG_WEIGHTS[name]}')"
                for name in FIELDS
            )
            arrays = ", ".join(["%s::bigint[]"] + ["%s::text[]"] * (1 + len(FIELDS)))
            cursor.execute(
                f"UPDATE {table} AS t SET search_document = v.plain, "  # noqa: S608
                f"search_vector = {vector} FROM unnest({arrays}) "
                f"AS v(id, plain, {', '.join(FIELDS)}) WHERE t.id = v.id",
                [
                    [pk for pk, _, _ in rows],
                    [plain for _, plain, _ in rows],
                    *([a[name] for _, _, a in rows] for name in FIELDS),
                ],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET search_document = %s WHERE id = %s",  # noqa: S608
                [(plain, pk) for pk, plain, _ in rows],
            )
        if connection.vendor == "sqlite":
            fts = kind.fts_table
            cursor.executemany(
                f"DELETE FROM {fts} WHERE rowid = %s",  # noqa: S608
                [(pk,) for pk, _, _ in rows],
            )
            cursor.executemany(
                f"INSERT INTO {fts} (rowid, {', '.join(FIELDS)}) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s)",
                [(pk, *(a[name] for name in FIELDS)) for pk, _, a in rows],
            )
    # Surface words ("did you mean") overwrite; body-only terms never do.
    named = [
        SearchTerm(kind=kind.name, term=term, word=word[:64])
        for term, word in vocabulary.items()
        if word and len(term) <= 64
    ]
    bare = [
        SearchTerm(kind=kind.name, term=term)
        for term, word in vocabulary.items()
        if not word and len(term) <= 64
    ]
    SearchTerm.objects.bulk_create(bare, ignore_conflicts=True, batch_size=1000)
    SearchTerm.objects.bulk_create(
        named,
        update_conflicts=True,
        unique_fields=["kind", "term"],
        update_fields=["word"],
        batch_size=1000,
    )
    return len(rows)


def search_index_remove(*, kind: str, pks: list[int]) -> None:
    """Forget deleted objects (the FTS5 table has no foreign key to cascade)."""
    if connection.vendor == "sqlite" and pks:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {KINDS[kind].fts_table} WHERE rowid = %s",  # noqa: S608
                [(pk,) for pk in pks],
            )


# --- courses ----------------------------------------------------------------------


def _course_documents(queryset: QuerySet) -> Iterable[tuple[int, SearchDocument]]:
    from core.markdown import COURSE_TEXT, render_markdown

    # Only the columns read (the data migration runs this on older schemas).
    queryset = queryset.select_related(
        "category", "category__parent", "creator__profile"
    ).only(
        "id",
        "title",
        "subtitle",
        "description",
        "description_html",
        "category__name_zh",
        "category__name_en",
        "category__parent",
        "category__parent__name_zh",
        "category__parent__name_en",
        "creator__id",
        "creator__profile__display_name",
    )
    for course in queryset.iterator(chunk_size=500):
        category = course.category
        keywords = [category.name_zh, category.name_en]
        if category.parent_id:
            keywords += [category.parent.name_zh, category.parent.name_en]
        # The creator's public name (never derived from their email address).
        keywords.append(course.creator.display_name)
        body = course.description_html or render_markdown(
            course.description, profile=COURSE_TEXT
        )
        yield (
            course.pk,
            SearchDocument(
                title=course.title,
                subtitle=course.subtitle,
                keywords=keywords,
                body=" ".join(strip_tags(body).split()),
            ),
        )


def _register_courses() -> None:
    register(SearchKind(name="course", model=Course, documents=_course_documents))


# --- suggestions when nothing matches ---------------------------------------------


def closest_categories(parsed: ParsedQuery, categories, *, limit: int = 4) -> list:
    """The categories whose names share the most with the query, best first."""
    query_terms = {w.term for w in parsed.words} | {
        p for w in parsed.words for p in w.parts
    }
    query_text = parsed.text.lower()
    scored = []
    for category in categories:
        names = f"{category.name_zh} {category.name_en}".lower()
        shared = len(query_terms & set(analyse(names)))
        similarity = max(
            difflib.SequenceMatcher(None, query_text, name.lower()).ratio()
            for name in (category.name_zh, category.name_en)
        )
        score = shared + similarity
        if shared or similarity >= 0.5:
            scored.append((score, category.position, category.pk, category))
    scored.sort(key=lambda row: (-row[0], row[1], row[2]))
    return [row[3] for row in scored[:limit]]


# --- what the rest of courses calls -------------------------------------------------


def course_search_vectors_refresh(*, queryset=None) -> int:
    """Index courses for search again (all by default).

    A few statements per 500 courses, so the bench seed calls it once for
    10,000 courses.
    """
    return search_index_update(kind="course", queryset=queryset)


def _save_search(course: Course) -> None:
    search_index_update(kind="course", queryset=Course.objects.filter(pk=course.pk))
    course.refresh_from_db(fields=["search_document"])


def search_record(*, query: str, results: int, user) -> None:
    """Announce a catalogue search and how many courses matched (analytics)."""
    user_id = user.pk if user is not None and user.is_authenticated else None
    events.send_on_commit(
        events.search_performed,
        sender=Course,
        query=query[:200],
        results=results,
        scope="courses",
        user_id=user_id,
    )


def course_view_record(*, course_id: int, user) -> None:
    """Announce a course page view (analytics, recommendations).

    Takes the id: a page served from the cache records its view too.
    """
    user_id = user.pk if user is not None and user.is_authenticated else None
    events.send_on_commit(
        events.course_viewed, sender=Course, course_id=course_id, user_id=user_id
    )
