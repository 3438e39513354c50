"""Reads: querysets and values with what their callers need already joined or prefetched.

Split by domain like the models; import from here.
"""

from .bank import question_get_for_course, question_list_for_course, question_versions
from .content import (
    article_list_with_sections,
    question_list_published,
    section_get_for_page,
    section_neighbours,
)
from .delivery import (
    QuizHistory,
    attempt_get_for_user,
    attempt_history,
    attempt_responses,
    member_courses,
    offered_quizzes,
    quiz_list_for_course,
)
from .exchange import question_list_for_export
from .gradebook import gradebook_learners, gradebook_quizzes, gradebook_rows
from .item_analysis import QuizAnalysis, quiz_item_analysis
from .results import (
    ResultFilters,
    ResultSummary,
    attempt_csv_rows,
    attempt_list_for_results,
    quiz_get_for_results,
    results_summary,
)
from .study import (
    SectionProgress,
    card_due_count,
    cards_due,
    next_due_at,
    section_progress,
    study_next,
)

__all__ = [
    "QuizAnalysis",
    "QuizHistory",
    "ResultFilters",
    "ResultSummary",
    "SectionProgress",
    "article_list_with_sections",
    "attempt_csv_rows",
    "attempt_get_for_user",
    "attempt_history",
    "attempt_list_for_results",
    "attempt_responses",
    "card_due_count",
    "cards_due",
    "gradebook_learners",
    "gradebook_quizzes",
    "gradebook_rows",
    "member_courses",
    "next_due_at",
    "offered_quizzes",
    "question_get_for_course",
    "question_list_for_course",
    "question_list_for_export",
    "question_list_published",
    "question_versions",
    "quiz_get_for_results",
    "quiz_item_analysis",
    "quiz_list_for_course",
    "results_summary",
    "section_get_for_page",
    "section_neighbours",
    "section_progress",
    "study_next",
]
