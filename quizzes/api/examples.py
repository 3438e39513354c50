"""Example bodies for the OpenAPI schema: what real calls send and return.

The content is the shipped article, "Human Rights Reforms in Kazakhstan", with its real section
slugs, concepts and questions (tokayev-reform-agenda-NN). Choice, matching and ordering ids are
opaque 8-hex keys, as attempts show them. tests/api/test_schema_examples.py checks that every
operation has examples and that each one validates against its schema.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample


class PageExample(OpenApiExample):
    """A whole page of a list operation, kept as written.

    drf-spectacular wraps a list view's example as the only item of a page with made-up count
    and links ("count": 123, api.example.org); a page example shows a real page instead.
    """

    @property
    def value(self) -> Any:
        return self._page

    @value.setter
    def value(self, value: Any) -> None:
        # The first value is the page; drf-spectacular's listing of it is ignored.
        if not hasattr(self, "_page"):
            self._page = value


def page(results: list[dict[str, Any]]) -> dict[str, Any]:
    """A single page holding every result (pages hold 50 unless ?page_size= says otherwise)."""
    return {"count": len(results), "next": None, "previous": None, "results": results}


# --- The article and the course ---

ARTICLE_SLUG = "human-rights-reforms-in-kazakhstan"
SECTIONS = [
    {"position": n, "slug": slug, "heading": heading}
    for n, (slug, heading) in enumerate(
        [
            ("introduction", "Introduction"),
            ("state-building-model", "Kazakhstan's State-Building Model"),
            ("tokayev-reform-agenda", "President Tokayev's Reform Agenda"),
            ("law-enforcement-abuse", "Law Enforcement Abuse"),
            ("womens-rights", "Women’s Rights"),
            ("freedom-of-assembly", "Freedom of Assembly"),
            ("freedom-of-expression-and-media", "Freedom of Expression and Media"),
            ("freedom-of-religion", "Freedom of Religion"),
            ("the-way-forward", "The Way Forward"),
        ],
        start=1,
    )
]
TOKAYEV = SECTIONS[2]
ARTICLE = {
    "slug": ARTICLE_SLUG,
    "title": "Human Rights Reforms in Kazakhstan",
    "author": "Svante E. Cornell",
    "published_on": "2021-06-11",
    "source": "Feature Article",
    "has_full_text": True,
    "sections": SECTIONS,
}
LISTENING_STATE = {
    "slug": "listening-state",
    "term": "Listening state",
    "definition": "Tokayev's idea of a state that pays attention to the population's needs, "
    "provides ways for citizens to give feedback and responds to their demands, unlike the "
    "Soviet-era state that shielded itself from society. It does not mean rapid "
    "liberalization: citizen groups are expected to stay constructive and non-radical, and "
    "the state keeps the ability to crack down.",
    "aliases": [],
    "section": "tokayev-reform-agenda",
}
GRADUAL_TRANSFORMATION = {
    "slug": "accelerated-gradual-transformation",
    "term": "Accelerated gradual transformation",
    "definition": "The author's name for Tokayev's bet. Strong central authorities steer the "
    "country through step-by-step changes that should eventually produce a liberal democracy, "
    "instead of liberalizing the political system at once.",
    "aliases": ["gradual transformation", "gradualism"],
    "section": "tokayev-reform-agenda",
}
PRINCIPLE_OF_CONTINUITY = {
    "slug": "principle-of-continuity",
    "term": "Principle of continuity",
    "definition": "The first of Tokayev's three reform principles. It pledges to stay on the "
    "political course set by First President Nursultan Nazarbayev and to preserve the "
    "achievements of the first three decades of independence.",
    "aliases": ["continuity principle"],
    "section": "tokayev-reform-agenda",
}
GLOSSARY_PAGE = page([GRADUAL_TRANSFORMATION, LISTENING_STATE, PRINCIPLE_OF_CONTINUITY])
SECTION = {
    **TOKAYEV,
    "summary": "After taking office in 2019, President Kassym-Jomart Tokayev used two State of "
    "the Nation addresses to criticize conditions across the state and society and to announce "
    "far-reaching reforms. He built them on three principles meant to balance continuity with "
    "change.",
    "key_points": [
        "After taking office in 2019, Tokayev used two State of the Nation addresses to "
        "criticize the status quo and announce far-reaching reforms.",
        "His reforms rest on three principles (continuity, justice and progress) meant to "
        "balance continuity with change.",
        "The listening state should heed and respond to citizens, while expecting civic groups "
        "to stay constructive and non-radical.",
    ],
    "concepts": [LISTENING_STATE, PRINCIPLE_OF_CONTINUITY, GRADUAL_TRANSFORMATION],
    "paragraphs": [
        {
            "anchor": "p1",
            "kind": "text",
            "text": "After taking office in 2019, President Tokayev used two State of the Nation "
            "addresses to express deep criticism of the state of affairs in various sectors of "
            "the state and society.",
            "footnotes": [],
        },
        {
            "anchor": "p2",
            "kind": "text",
            "text": 'A central element in this vision is the notion of the "listening state." '
            "This notion stands in contrast to the Soviet legacy, in which the state sought to "
            "shield and protect itself from society, relying on structural violence to "
            "maintain power.",
            "footnotes": [],
        },
    ],
}

COURSE = {"id": 1, "slug": "kz-human-rights-spring-2025", "title": "Human Rights in Kazakhstan"}
LEARNER = {"id": 7, "username": "aigerim", "name": "Aigerim Bekova"}
ME = {
    **LEARNER,
    "is_site_admin": False,
    "courses": [{**COURSE, "role": "learner"}],
    "current_course": COURSE,
}

PRACTICE_DESCRIPTION = (
    "Ten questions drawn at random from this section. Check each answer for feedback and try "
    "again if it is wrong; each wrong try takes a third off that question's mark. Retake the "
    "quiz as often as you like."
)
QUIZZES = [
    {
        "id": section["position"],
        "title": f"Practice: {section['heading']}",
        "description": PRACTICE_DESCRIPTION,
        "mode": "practice",
        "layout": "one_per_page",
        "section": section["slug"],
        "question_count": 10,
        "time_limit_minutes": None,
        "max_attempts": None,
        "pass_mark": "60.00",
        "grading_method": "highest",
        "opens_at": None,
        "closes_at": None,
        "course": COURSE,
        "attempts_used": 2 if section is TOKAYEV else 0,
    }
    for section in SECTIONS
] + [
    {
        "id": 10,
        "title": "Final exam",
        "description": "Two questions from each of the nine sections: a higher-order question "
        "every attempt asks, and one of medium difficulty drawn at random. 36 minutes, two "
        "attempts; 60% passes.",
        "mode": "graded",
        "layout": "one_per_page",
        "section": None,
        "question_count": 18,
        "time_limit_minutes": 36,
        "max_attempts": 2,
        "pass_mark": "60.00",
        "grading_method": "highest",
        "opens_at": None,
        "closes_at": None,
        "course": COURSE,
        "attempts_used": 1,
    }
]
QUIZ_PAGE = page(QUIZZES)

# --- Questions of the Tokayev section, as an attempt shows them (no key) ---

Q_SINGLE = {
    "id": 203,
    "position": 1,
    "type": "single_choice",
    "stem": "Which Asian success stories does the article suggest Kazakhstan might follow on "
    "a gradual route of political change?",
    "choices": [
        {"id": "b7d04e91", "text": "Japan and South Korea"},
        {"id": "3f9a1c2e", "text": "Taiwan and South Korea"},
        {"id": "5ce2a8f3", "text": "Russia and Venezuela"},
        {"id": "e18b6d07", "text": "Singapore and Malaysia"},
    ],
}
Q_MULTIPLE = {
    "id": 204,
    "position": 2,
    "type": "multiple_response",
    "stem": "Which of the following describe the kind of state that Tokayev's vision aims for, "
    "as the article presents it? Select all that apply.",
    "choices": [
        {"id": "f2a87d45", "text": "It aims to liberalize the political system rapidly."},
        {"id": "a41f9c03", "text": "It is attentive to the needs of the population."},
        {"id": "c5d1f8a2", "text": "It relies on structural violence to maintain power."},
        {"id": "0d7e52b8", "text": "It provides mechanisms for popular feedback."},
        {
            "id": "6e09b3d1",
            "text": "It gives up the state's ability to crack down on radical forces.",
        },
        {"id": "9b3c1e6a", "text": "It responds to the demands expressed by the people."},
    ],
}
Q_TRUE_FALSE = {
    "id": 205,
    "position": 3,
    "type": "true_false",
    "stem": "According to the article, Tokayev named three key principles for his reforms: "
    "continuity, justice and progress.",
    "choices": [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}],
}
Q_SHORT = {
    "id": 202,
    "position": 4,
    "type": "short_answer",
    "stem": "What is the name of the notion that the article calls a central element of "
    'Tokayev\'s vision of the state? (Two words, the second being "state".)',
}
Q_NUMERIC = {
    "id": 198,
    "position": 5,
    "type": "numeric",
    "stem": "In what year did Kassym-Jomart Tokayev take office as President of Kazakhstan, "
    "according to the article?",
}
Q_MATCHING = {
    "id": 199,
    "position": 6,
    "type": "matching",
    "stem": "The article reports several views on how fast a country like Kazakhstan should "
    "change politically. Match each holder with the view the article gives it.",
    "left": [
        {"id": "a1b2c3d4", "text": "Many Western democracy advocates"},
        {"id": "7c4e9f10", "text": "President Tokayev"},
        {"id": "d3b8a62e", "text": "The author"},
    ],
    "right": [
        {
            "id": "8f1e0b3c",
            "text": "The gradual route is disputed, but other countries' experience gives it "
            "some support",
        },
        {
            "id": "b90d4a6e",
            "text": "Oil income lets rulers buy off challengers instead of reforming",
        },
        {"id": "e5f6a7b8", "text": "Democracy is both the means and the end: open the system now"},
        {"id": "42c9d1f7", "text": "Opening the system at once is naive; the center must steer"},
    ],
}
Q_ORDERING = {
    "id": 210,
    "position": 7,
    "type": "ordering",
    "stem": "The article then examines how Tokayev's agenda has handled five key areas of human "
    "rights concern. Put them in the order in which the article announces and examines them.",
    "items": [
        {"id": "1a7f3e9c", "text": "Women's rights"},
        {"id": "c28e5b04", "text": "Religious freedom"},
        {"id": "5d9a0f6b", "text": "Law enforcement abuse"},
        {"id": "e4b17c83", "text": "Freedom of expression and media"},
        {"id": "90f3d2a5", "text": "Freedom of assembly"},
    ],
}

# One answer per question type, in the shape PUT …/answers/{question_id}/ takes.
ANSWERS = {
    "Single choice": {"choice": "3f9a1c2e"},
    "Multiple response": {"choices": ["a41f9c03", "0d7e52b8", "9b3c1e6a"]},
    "True/false": {"value": True},
    "Short answer": {"text": "listening state"},
    "Numeric": {"value": 2019},
    "Matching": {"pairs": {"a1b2c3d4": "e5f6a7b8", "7c4e9f10": "42c9d1f7", "d3b8a62e": "8f1e0b3c"}},
    "Ordering": {"order": ["5d9a0f6b", "1a7f3e9c", "90f3d2a5", "e4b17c83", "c28e5b04"]},
}
# How the attempt shows a saved answer (a number is stored as the text typed).
SAVED_ANSWERS = {**ANSWERS, "Numeric": {"value": "2019"}}

STARTED_AT = "2025-03-04T09:12:05.412733Z"
OPEN_ATTEMPT = {
    "id": 57,
    "quiz": 3,
    "course": 1,
    "number": 2,
    "mode": "practice",
    "state": "in_progress",
    "started_at": STARTED_AT,
    "deadline": None,
    "submitted_at": None,
    "questions": [
        {**question, "answer": None, "answer_state": "unanswered", "flagged": False}
        for question in (Q_SINGLE, Q_MULTIPLE, Q_TRUE_FALSE, Q_SHORT, Q_NUMERIC, Q_MATCHING)
    ]
    + [{**Q_ORDERING, "answer": None, "answer_state": "unanswered", "flagged": True}],
}
SUBMITTED_ATTEMPT = {
    "id": 58,
    "quiz": 3,
    "course": 1,
    "number": 1,
    "mode": "practice",
    "state": "submitted",
    "started_at": "2025-03-05T14:00:31.907215Z",
    "deadline": None,
    "submitted_at": "2025-03-05T14:21:48.330164Z",
    "questions": [
        {
            **Q_SINGLE,
            "answer": SAVED_ANSWERS["Single choice"],
            "answer_state": "answered",
            "flagged": False,
            "review": {
                "state": "correct",
                "score": "1.00",
                "max_mark": "1.00",
                "correct": [Q_SINGLE["choices"][1]["text"]],
                "explanation": "The author finds some support for the gradual route in other "
                "countries' experience: Kazakhstan might follow Asian success stories such as "
                "Taiwan and South Korea, and avoid the backsliding that followed rapid "
                "liberalization in Russia and Venezuela.",
                "source_quote": "potentially following the example of Asian success stories "
                "like Taiwan and South Korea",
                "feedback": [],
            },
        },
        {
            **Q_NUMERIC,
            "position": 2,
            "answer": {"value": "2020"},
            "answer_state": "answered",
            "flagged": False,
            "review": {
                "state": "wrong",
                "score": "0.00",
                "max_mark": "1.00",
                "correct": ["2019"],
                "explanation": "The section opens by noting that Tokayev took office in 2019 "
                "and then used two State of the Nation addresses to criticize the state of "
                "affairs and announce reforms.",
                "source_quote": "After taking office in 2019, President Tokayev used two State "
                "of the Nation addresses to express deep criticism of the state of affairs in "
                "various sectors of the state and society",
                "feedback": [],
            },
        },
    ],
    "score": "7.00",
    "max_score": "10.00",
    "percent": "70.00",
    "passed": True,
    "review_available": True,
    "grade_notices": [
        {
            "at": "2026-12-04T09:12:00Z",
            "kind": "regrade",
            "old_score": "6.00",
            "new_score": "7.00",
            "comment": "",
            "question": None,
        }
    ],
}
RESULT = {
    key: SUBMITTED_ATTEMPT[key]
    for key in ("id", "state", "score", "max_score", "percent", "passed")
}
ATTEMPT_PAGE = page(
    [
        {
            key: SUBMITTED_ATTEMPT[key]
            for key in (
                "id",
                "quiz",
                "course",
                "number",
                "state",
                "started_at",
                "deadline",
                "submitted_at",
                "score",
                "max_score",
                "percent",
            )
        },
        {
            **{key: OPEN_ATTEMPT[key] for key in ("id", "quiz", "course", "number", "state")},
            "started_at": STARTED_AT,
            "deadline": None,
            "submitted_at": None,
            "score": None,
            "max_score": "10.00",
            "percent": None,
        },
    ]
)
START_REQUEST = {"course": 1}
SAVED_ANSWER = {
    "question": 203,
    "state": "answered",
    "answer": SAVED_ANSWERS["Single choice"],
    "flagged": False,
    "saved_at": "2025-03-04T09:13:40.118502Z",
}
FEEDBACK_WRONG = {
    "state": "wrong",
    "messages": [
        "Japan appears in the previous section, as a case of development under a strong "
        "bureaucracy; here the article names Taiwan and South Korea."
    ],
    "explanation": "",
}
FEEDBACK_CORRECT = {
    "state": "correct",
    "messages": [],
    "explanation": SUBMITTED_ATTEMPT["questions"][0]["review"]["explanation"],
}

# --- Flashcards and progress ---

NEW_CARD_INTERVALS = [
    {
        "rating": 1,
        "name": "Again",
        "due": "2025-03-06T10:43:03.209644Z",
        "label": "1 min",
        "spoken": "1 minute",
    },
    {
        "rating": 2,
        "name": "Hard",
        "due": "2025-03-06T10:47:33.209644Z",
        "label": "6 min",
        "spoken": "6 minutes",
    },
    {
        "rating": 3,
        "name": "Good",
        "due": "2025-03-06T10:52:03.209644Z",
        "label": "10 min",
        "spoken": "10 minutes",
    },
    {
        "rating": 4,
        "name": "Easy",
        "due": "2025-03-14T10:42:03.209644Z",
        "label": "8 d",
        "spoken": "8 days",
    },
]
DUE_CARDS_PAGE = page(
    [
        {
            "id": 311,
            "kind": "concept",
            "queue": "review",
            "front": LISTENING_STATE["term"],
            "prompts": [],
            "back": [LISTENING_STATE["definition"]],
            "key": None,
            "aliases": [],
            "explanation": "",
            "section": TOKAYEV,
            "due": "2025-03-06T08:00:12.551870Z",
            "review_count": 2,
            "intervals": [
                {
                    "rating": 1,
                    "name": "Again",
                    "due": "2025-03-06T10:52:03.209644Z",
                    "label": "10 min",
                    "spoken": "10 minutes",
                },
                {
                    "rating": 2,
                    "name": "Hard",
                    "due": "2025-03-14T10:42:03.209644Z",
                    "label": "8 d",
                    "spoken": "8 days",
                },
                {
                    "rating": 3,
                    "name": "Good",
                    "due": "2025-03-21T10:42:03.209644Z",
                    "label": "15 d",
                    "spoken": "15 days",
                },
                {
                    "rating": 4,
                    "name": "Easy",
                    "due": "2025-04-12T10:42:03.209644Z",
                    "label": "1.2 mo",
                    "spoken": "1.2 months",
                },
            ],
        },
        {
            "id": 402,
            "kind": "question",
            "queue": "new",
            "front": Q_TRUE_FALSE["stem"],
            "prompts": [],
            "back": ["True"],
            "key": {"label": "Right answer", "items": ["True"], "is_ordered": False},
            "aliases": [],
            "explanation": "The article says Tokayev sought to balance continuity with change "
            "by naming three key principles for his reforms: continuity, justice and progress.",
            "section": TOKAYEV,
            "due": "2025-03-06T10:41:03.209644Z",
            "review_count": 0,
            "intervals": NEW_CARD_INTERVALS,
        },
    ]
)
REVIEW_REQUEST = {"rating": 3, "duration_ms": 8400}
REVIEWED_CARD = {
    "id": 311,
    "kind": "concept",
    "due": "2025-03-15T09:20:11.204518Z",
    "review_count": 3,
    "lapse_count": 0,
}
UNDONE_REVIEW = {"undone_rating": 3, "card": {**REVIEWED_CARD, "review_count": 2}}
STUDY_SETTINGS = {"new_cards_per_day": 30}
MASTERY = {"introduction": 85, "state-building-model": 60, "tokayev-reform-agenda": 45}
PROGRESS = {
    "sections": [
        {
            "section": section,
            "mastery": MASTERY.get(section["slug"], 0),
            "cards_known": {
                "introduction": 6,
                "state-building-model": 4,
                "tokayev-reform-agenda": 3,
            }.get(section["slug"], 0),
            "cards_total": 8,
            "quiz_accuracy": {
                "introduction": 90,
                "state-building-model": 70,
                "tokayev-reform-agenda": 50,
            }.get(section["slug"]),
            "due_count": 2 if section is TOKAYEV else 0,
        }
        for section in SECTIONS
    ],
    "study_next": SECTIONS[3],
    "due_count": 2,
}

# --- Tokens ---

TOKEN_REQUEST = {"name": "Anki sync script"}
WRITE_TOKEN_REQUEST = {"name": "Grades export", "scope": "write", "expires_in_days": 30}
NEW_TOKEN = {
    "id": 4,
    "name": "Anki sync script",
    "prefix": "kz_Qx7fPa",
    "scope": "read",
    "created_at": "2025-03-04T11:02:57.640311Z",
    "expires_at": "2025-06-02T11:02:57.640311Z",
    "last_used_at": None,
    "revoked_at": None,
    "token": "kz_Qx7fPa3mW0bTnE9yKc2rV5hL8dJs1uGzXo4iNqFe6A",
}
TOKEN_PAGE = page(
    [
        {key: value for key, value in NEW_TOKEN.items() if key != "token"},
        {
            "id": 2,
            "name": "Grades export",
            "prefix": "kz_b4TmR2",
            "scope": "write",
            "created_at": "2025-02-11T16:45:09.018263Z",
            "expires_at": "2025-03-13T16:45:09.018263Z",
            "last_used_at": "2025-03-03T07:00:00.554190Z",
            "revoked_at": None,
        },
    ]
)

# --- Teaching: the question bank, results, analysis, gradebook ---

INSTRUCTOR = "madina.s"
NEW_QUESTION = {
    "type": "single_choice",
    "stem": "In which year was the Constitution adopted?",
    "section": "introduction",
    "difficulty": 1,
    "bloom": "remember",
    "concepts": [],
    "tags": ["week-1"],
    "status": "draft",
    "explanation": "It was adopted by referendum on 30 August 1995.",
    "source_quote": "",
    "data": {
        "choices": [
            {"text": "1995", "correct": True, "feedback": "Yes."},
            {"text": "1991", "correct": False, "feedback": "Independence."},
            {"text": "2022", "correct": False, "feedback": "An amendment."},
        ]
    },
}
QUESTION_EDIT = {
    **NEW_QUESTION,
    "status": "published",
    "explanation": "The Constitution in force was adopted by referendum on 30 August 1995.",
}
QUESTION_PATCH = {"status": "published"}
CREATED_QUESTION = {
    "id": 412,
    "key": None,
    "type": "single_choice",
    "status": "draft",
    "section": "introduction",
    "difficulty": 1,
    "bloom": "remember",
    "shared": False,
    "version": 1,
    "stem": NEW_QUESTION["stem"],
    "updated_at": "2025-03-04T12:20:44.901377Z",
    "concepts": [],
    "tags": ["week-1"],
    "explanation": NEW_QUESTION["explanation"],
    "source_quote": "",
    "data": NEW_QUESTION["data"],
    "can_edit": True,
}
EDITED_QUESTION = {
    **CREATED_QUESTION,
    **QUESTION_EDIT,
    "version": 2,
    "updated_at": "2025-03-05T08:03:19.226040Z",
}
ARCHIVED_QUESTION = {
    **EDITED_QUESTION,
    "status": "archived",
    "updated_at": "2025-03-06T10:15:02.774915Z",
}
SHARED_QUESTION = {
    "id": 199,
    "key": "tokayev-reform-agenda-10",
    "type": "matching",
    "status": "published",
    "section": "tokayev-reform-agenda",
    "difficulty": 2,
    "bloom": "analyze",
    "shared": True,
    "version": 1,
    "stem": Q_MATCHING["stem"],
    "updated_at": "2025-02-01T10:00:00.000000Z",
    "concepts": ["accelerated-gradual-transformation"],
    "tags": ["seminar"],
    "explanation": "The means-and-end view belongs to many democracy advocates; Tokayev calls "
    "it naive and wants the center to steer; the author calls his view controversial but "
    "notes some support for it in other countries' experience.",
    "source_quote": "Many democracy advocates view democracy both as a means and an end",
    "data": {
        "pairs": [
            {"left": "Many Western democracy advocates", "right": Q_MATCHING["right"][2]["text"]},
            {"left": "President Tokayev", "right": Q_MATCHING["right"][3]["text"]},
            {"left": "The author", "right": Q_MATCHING["right"][0]["text"]},
        ],
        "distractors": [Q_MATCHING["right"][1]["text"]],
    },
    "can_edit": False,
}
SUMMARY_FIELDS = (
    "id",
    "key",
    "type",
    "status",
    "section",
    "difficulty",
    "bloom",
    "shared",
    "version",
    "stem",
    "updated_at",
)
QUESTION_PAGE = page(
    [
        {key: question[key] for key in SUMMARY_FIELDS}
        for question in (EDITED_QUESTION, SHARED_QUESTION)
    ]
)
VERSION_PAGE = page(
    [
        {
            "number": question["version"],
            "type": question["type"],
            "stem": question["stem"],
            "explanation": question["explanation"],
            "source_quote": question["source_quote"],
            "data": question["data"],
            "created_at": question["updated_at"],
            "created_by": INSTRUCTOR,
        }
        for question in (EDITED_QUESTION, CREATED_QUESTION)
    ]
)
RESULT_PAGE = page(
    [
        {
            "id": 58,
            "username": "aigerim",
            "name": "Aigerim Bekova",
            "number": 1,
            "state": "submitted",
            "started_at": SUBMITTED_ATTEMPT["started_at"],
            "submitted_at": SUBMITTED_ATTEMPT["submitted_at"],
            "duration_seconds": 1276,
            "score": "14.00",
            "max_score": "18.00",
            "percent": "77.78",
        },
        {
            "id": 61,
            "username": "nurlan.k",
            "name": "Nurlan Kassymov",
            "number": 1,
            "state": "in_progress",
            "started_at": "2025-03-05T15:02:10.487331Z",
            "submitted_at": None,
            "duration_seconds": None,
            "score": None,
            "max_score": "18.00",
            "percent": None,
        },
    ]
)
QUIZ_ANALYSIS = {
    "quiz": {"id": 3, "title": f"Practice: {TOKAYEV['heading']}"},
    "attempt_count": 24,
    "alpha": None,
    "kr20": None,
    "reliability_note": "Not computed: attempts saw different questions (random pools), and "
    "α assumes one form.",
    "flagged_count": 0,
    "items": [
        {
            "question_id": 203,
            "key": "tokayev-reform-agenda-12",
            "stem": Q_SINGLE["stem"],
            "type_label": "Single choice",
            "attempt_count": 11,
            "facility": 72.73,
            "sd": 44.53,
            "discrimination": 0.41,
            "is_dichotomous": True,
            "is_flagged": False,
            "mark": 1.0,
            "options": [
                {
                    "text": choice["text"],
                    "is_correct": choice["id"] == "3f9a1c2e",
                    "count": count,
                    "percent": pct,
                }
                for choice, count, pct in zip(
                    Q_SINGLE["choices"], (1, 8, 2, 0), (9.09, 72.73, 18.18, 0.0), strict=True
                )
            ],
            "no_answer_count": 0,
        },
        {
            "question_id": 198,
            "key": "tokayev-reform-agenda-02",
            "stem": Q_NUMERIC["stem"],
            "type_label": "Numeric",
            "attempt_count": 13,
            "facility": 84.62,
            "sd": 36.08,
            "discrimination": 0.28,
            "is_dichotomous": True,
            "is_flagged": False,
            "mark": 1.0,
            "options": [],
            "no_answer_count": 1,
        },
    ],
}
GRADEBOOK_PAGE = page(
    [
        {
            "learner": LEARNER,
            "quizzes": [
                {
                    "quiz": quiz["id"],
                    "title": quiz["title"],
                    "best_percent": {3: "90.00", 10: "77.78"}.get(quiz["id"]),
                    "attempt_count": {3: 2, 10: 1}.get(quiz["id"], 0),
                }
                for quiz in QUIZZES
            ],
        },
        {
            "learner": {"id": 9, "username": "nurlan.k", "name": "Nurlan Kassymov"},
            "quizzes": [
                {
                    "quiz": quiz["id"],
                    "title": quiz["title"],
                    "best_percent": None,
                    "attempt_count": 1 if quiz["id"] == 10 else 0,
                }
                for quiz in QUIZZES
            ],
        },
    ]
)

# --- Errors ---

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ATTEMPT_CLOSED = {
    "error": {
        "code": "attempt_closed",
        "message": "This attempt has been submitted; answers can no longer change.",
        "field": None,
        "details": None,
    }
}
NO_ATTEMPTS_LEFT = {
    "error": {
        "code": "no_attempts_left",
        "message": "You have used all your attempts at this quiz.",
        "field": None,
        "details": None,
    }
}

ROSTER_PAGE = page(
    [
        {
            "name": "Nurlan Kassymov",
            "email": "nurlan.k@school.example",
            "user_id": "a6e2f1c0-platform-user-17",
            "role": "learner",
            "status": "not_attempted",
            "submitted": 0,
            "best_percent": None,
            "opened_kzstudy": False,
        },
        {
            "name": "Aigerim Bekova",
            "email": "aigerim.b@school.example",
            "user_id": "a6e2f1c0-platform-user-4",
            "role": "learner",
            "status": "submitted",
            "submitted": 2,
            "best_percent": "88.89",
            "opened_kzstudy": True,
        },
    ]
)

# --- Teaching: importing and exporting the question bank ---

IMPORT_SUMMARY = {
    "created": ["constitution-year", "rally-notification"],
    "revised": ["ombudsman-mandate"],
    "unchanged": ["capital-moved"],
    "notes": ["line 3: category line ignored (questions go to the chosen course)."],
}
IMPORT_INVALID = {
    "error": {
        "code": "import_invalid",
        "message": "The file has errors; nothing was imported. 2 error(s).",
        "field": "file",
        "details": [
            "line 3: no section: add one to the file or choose a default section.",
            "line 9: 'many' is not a number.",
        ],
    }
}
EXPORTED_QUESTION = {
    "id": CREATED_QUESTION["id"],
    "key": "constitution-year",
    "version": 1,
    "type": "single_choice",
    "stem": NEW_QUESTION["stem"],
    "choices": ["1995", "1991", "2022"],
    "correct": ["1995"],
    "section": SECTIONS[0]["heading"],
    "section_slug": "introduction",
    "concepts": [],
    "tags": ["week-1"],
    "difficulty": 1,
    "bloom": "remember",
    "explanation": NEW_QUESTION["explanation"],
    "source_quote": "",
    "data": NEW_QUESTION["data"],
}
