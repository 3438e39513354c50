"""The quiz core's domain signals: what happened, for whoever integrates with it.

The core sends them and knows none of their receivers; the LTI package writes its grade outbox
from them (`quizzes.lti.receivers`, connected in `QuizzesConfig.ready`). Both are sent inside
the transaction that changed the grade, so a receiver's writes commit or roll back with it;
work that must wait for the commit belongs in `transaction.on_commit` in the receiver.
"""

from __future__ import annotations

from django.dispatch import Signal

# A learner's quiz grade was computed again after one attempt's score was set (a submission,
# an overdue attempt closed, a mark or grade given by hand). Keyword arguments: `quiz_grade`
# (a saved QuizGrade), `attempt` (the attempt whose score was set) and `reason` (a
# GradeReason). Sent also when the grade came out as it was: receivers that send grades
# elsewhere skip a grade they already sent.
quiz_grade_changed = Signal()

# The grades of many learners on one quiz were computed again (a regrade, a change of the
# quiz's grading method or pass mark). Keyword arguments: `changes`, a list of
# (QuizGrade, Attempt) pairs (the attempt: the learner's attempt whose score changed, else
# the one the grade comes from), and `reason`. One signal for the lot, so receivers can read
# what they need once rather than once per learner.
quiz_grades_changed = Signal()

# An attempt was submitted and graded (by its learner, or closed at its deadline). Keyword
# argument: `attempt`. Sent inside the submission's transaction; the learner's study cards
# follow it after the commit (`quizzes.receivers`), so nothing they do can undo a submission.
attempt_submitted = Signal()
