"""Keys the pages, the API and LTI launches share in a user's session (a neutral module, so
no door imports another for a constant)."""

from __future__ import annotations

# The course a learner last launched into (LTI) or chose: the API's default course.
SESSION_COURSE_KEY = "kzstudy_course_id"
