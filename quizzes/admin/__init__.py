"""Django admin: every model, with useful columns; attempts are read-only for everyone.

One module per module of `quizzes.models`, each registering that module's models; importing them
here is what registers them when Django autodiscovers `quizzes.admin`.
"""

from ..lti import admin as _lti_admin  # noqa: F401  (registers the LTI models)
from . import (  # noqa: F401  (each registers its models)
    accommodations,
    api,
    attempts,
    bank,
    content,
    delivery,
    grading,
    study,
)
