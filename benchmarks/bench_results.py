"""Benchmark: the results and item-analysis pages of a quiz with 10,000 submitted attempts.

Not a test. It builds a throwaway SQLite database (migrate, load_content, then 10,000 attempts
of 10 questions written with bulk_create), renders each page through the Django test Client
five times, and prints the median and every run. Run it from the repository root:

    DJANGO_SETTINGS_MODULE=kzstudy.settings_test DATABASE_URL=sqlite:////tmp/bench.sqlite3 \
        .venv/bin/python benchmarks/bench_results.py

The database file named by DATABASE_URL is deleted and rebuilt; the script refuses any other
database than a SQLite file, so it cannot touch a real one by mistake.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kzstudy.settings_test")

ATTEMPTS = 10_000
QUESTIONS = 10
RUNS = 5
TARGET_SECONDS = 1.0


def _database_file() -> Path:
    """The SQLite file named by DATABASE_URL; exits for anything else."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        sys.exit("Set DATABASE_URL=sqlite:////tmp/bench.sqlite3 (a throwaway SQLite file).")
    return Path(url.removeprefix("sqlite:///"))


def _fresh_database(path: Path) -> None:
    """Delete the old file, then migrate and load the shipped content pack."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0, stdout=io.StringIO())


def _answer(version, right: bool, rng: random.Random) -> tuple[dict | None, Decimal]:
    """A stored answer to a version and its fraction: the key, or a plausible wrong answer."""
    payload = version.payload
    if version.qtype in ("single_choice", "multiple_response"):
        keys = [c["key"] for c in payload["choices"]]
        correct = [c["key"] for c in payload["choices"] if c["correct"]]
        wrong = rng.choice([k for k in keys if k not in correct])
        if version.qtype == "single_choice":
            return {"choice": correct[0] if right else wrong}, Decimal(right)
        return {"choices": correct if right else [wrong]}, Decimal(right)
    if version.qtype == "true_false":
        return {"value": payload["answer"] == right}, Decimal(right)
    return ({"text": "benchmark"} if right or rng.random() < 0.8 else None), Decimal(right)


def _build() -> tuple[object, object, object]:
    """A course, its instructor, and a quiz of 10 shared questions with 10,000 attempts."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from quizzes import models

    article = models.Article.objects.get(slug="human-rights-reforms-in-kazakhstan")
    course = models.Course.objects.create(title="Benchmark", slug="bench", article=article)
    user_model = get_user_model()
    teacher = user_model.objects.create_user("bench-teacher")
    models.Enrolment.objects.create(course=course, user=teacher, role="instructor")
    questions = list(
        models.Question.objects.published()
        .select_related("current_version")
        .order_by("key")[:QUESTIONS]
    )
    quiz = models.Quiz.objects.create(title="Benchmark quiz", course=course, shuffle_choices=False)
    models.QuizSlot.objects.bulk_create(
        models.QuizSlot(quiz=quiz, position=n, kind="fixed", question=q)
        for n, q in enumerate(questions, start=1)
    )
    learners = user_model.objects.bulk_create(
        (user_model(username=f"learner{n:05d}", first_name=f"Learner {n}", password="!"))
        for n in range(ATTEMPTS)
    )
    _attempts(course, quiz, questions, learners, timezone.now())
    types = sorted({q.qtype for q in questions})
    print(f"Question types: {', '.join(types)}")
    return course, teacher, quiz


def _attempts(course, quiz, questions, learners, now) -> None:
    """One submitted attempt per learner; answers right with a chance set by their ability."""
    from datetime import timedelta

    from quizzes import models

    rng = random.Random(20260301)
    attempts, answers = [], []
    for n, learner in enumerate(learners):
        ability = rng.betavariate(4, 2)
        picks = [_answer(q.current_version, rng.random() < ability, rng) for q in questions]
        answers.append(picks)
        attempts.append(
            models.Attempt(
                quiz=quiz,
                user=learner,
                course=course,
                number=1,
                state="submitted",
                started_at=now - timedelta(days=n % 30, minutes=5 + n % 40),
                submitted_at=now - timedelta(days=n % 30),
                score=sum((fraction for _, fraction in picks), Decimal(0)),
                max_score=Decimal(len(questions)),
            )
        )
    models.Attempt.objects.bulk_create(attempts, batch_size=2000)
    models.Response.objects.bulk_create(
        (
            models.Response(
                attempt=attempt,
                position=position,
                question=question,
                question_version=question.current_version,
                max_mark=Decimal(1),
                answer=answer,
                state="correct" if fraction else ("wrong" if answer else "gave_up"),
                fraction=fraction,
                score=fraction,
            )
            for attempt, picks in zip(attempts, answers, strict=True)
            for position, (question, (answer, fraction)) in enumerate(
                zip(questions, picks, strict=True), start=1
            )
        ),
        batch_size=5000,
    )


def _time(client, url: str, params: dict | None = None) -> tuple[list[float], int]:
    """Seconds per run (after one warm-up) and the queries of the last run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params or {})
    runs = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url, params or {})
            if response.streaming:
                b"".join(response.streaming_content)
            runs.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return runs, len(queries)


def main() -> None:
    """Build the data, time the pages, print the figures."""
    path = _database_file()
    import django

    django.setup()
    _fresh_database(path)
    started = time.perf_counter()
    course, teacher, quiz = _build()
    print(
        f"Built {ATTEMPTS:,} attempts × {QUESTIONS} questions in "
        f"{time.perf_counter() - started:.1f} s ({path})"
    )

    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(teacher)
    pages = [
        ("results page", "teach:results", None),
        (
            "results page, filtered, by score",
            "teach:results",
            {"sort": "-score", "percent_min": "50"},
        ),
        ("results page, last page", "teach:results", {"page": "200"}),
        ("item analysis page", "teach:analysis", None),
        ("histogram.svg", "teach:histogram", None),
        ("results.csv (10,000 rows)", "teach:results_csv", None),
    ]
    print(f"{'page':36} {'median':>8} {'queries':>8}   runs (s)")
    for label, name, params in pages:
        runs, query_count = _time(client, reverse(name, args=[course.slug, quiz.pk]), params)
        median = statistics.median(runs)
        mark = "" if median < TARGET_SECONDS or name == "teach:results_csv" else "  OVER TARGET"
        print(
            f"{label:36} {median:7.3f}s {query_count:8d}   "
            + " ".join(f"{r:.3f}" for r in runs)
            + mark
        )


if __name__ == "__main__":
    main()
