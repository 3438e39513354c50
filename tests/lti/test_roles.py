"""Pure rules: LTI roles to course roles, and the targets a link may open."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes.lti.roles import map_roles
from quizzes.lti.targets import HOME, TargetError, parse

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
CONTEXT = LIS + "membership#"
INSTITUTION = LIS + "institution/person#"
SYSTEM = LIS + "system/person#"


@pytest.mark.parametrize(
    ("roles", "course_role", "is_platform_admin"),
    [
        pytest.param([CONTEXT + "Learner"], "learner", False, id="learner"),
        pytest.param([CONTEXT + "Instructor"], "instructor", False, id="instructor"),
        pytest.param(["Learner"], "learner", False, id="short-learner"),
        pytest.param(["Instructor"], "instructor", False, id="short-instructor"),
        pytest.param([" Instructor "], "instructor", False, id="short-with-spaces"),
        pytest.param(
            [LIS + "membership/Instructor#TeachingAssistant"],
            "instructor",
            False,
            id="teaching-assistant-sub-role",
        ),
        pytest.param([CONTEXT + "TeachingAssistant"], "instructor", False, id="ta-as-principal"),
        pytest.param([CONTEXT + "ContentDeveloper"], "instructor", False, id="content-developer"),
        pytest.param(
            [LIS + "membership/ContentDeveloper#Librarian"],
            "instructor",
            False,
            id="content-developer-sub-role",
        ),
        pytest.param(
            [INSTITUTION + "Administrator"], "instructor", True, id="institution-administrator"
        ),
        pytest.param([SYSTEM + "Administrator"], "instructor", True, id="system-administrator"),
        pytest.param([SYSTEM + "SysAdmin"], "instructor", True, id="system-sysadmin"),
        pytest.param(
            [CONTEXT + "Administrator"], "instructor", False, id="course-administrator-not-admin"
        ),
        pytest.param(["Administrator"], "instructor", False, id="short-administrator-is-course"),
        pytest.param(
            [CONTEXT + "Learner", INSTITUTION + "Instructor", SYSTEM + "User"],
            "learner",
            False,
            id="teacher-elsewhere-learning-here",
        ),
        pytest.param(
            [CONTEXT + "Learner", LIS + "membership/Learner#Instructor"],
            "learner",
            False,
            id="learner-sub-role-named-instructor",
        ),
        pytest.param([SYSTEM + "User", INSTITUTION + "Student"], "learner", False, id="no-context"),
        pytest.param(["http://example.com/roles#Wizard"], "learner", False, id="unknown-uri"),
        pytest.param(["Wizard", "urn:lti:role:ims/lis/Instructor"], "learner", False, id="unknown"),
        pytest.param(
            [LIS + "membership/Instructor"], "learner", False, id="principal-without-fragment"
        ),
        pytest.param([], "learner", False, id="no-roles"),
        pytest.param([None, 7, {"role": "Instructor"}], "learner", False, id="not-strings"),
        pytest.param(["", "#", "/", "#Instructor"], "learner", False, id="empty-pieces"),
        pytest.param([CONTEXT + "Learner", CONTEXT + "Instructor"], "instructor", False, id="both"),
    ],
)
def test_map_roles(roles, course_role, is_platform_admin):
    mapped = map_roles(roles)
    assert mapped.course_role == course_role
    assert mapped.is_platform_admin is is_platform_admin


@given(st.lists(st.one_of(st.text(), st.none(), st.integers())))
def test_map_roles_never_fails_and_admins_always_teach(roles):
    mapped = map_roles(roles)
    assert mapped.course_role in {"learner", "instructor"}
    assert not mapped.is_platform_admin or mapped.course_role == "instructor"


# -- targets ----------------------------------------------------------------------------------

SLUGS = st.from_regex(r"[-a-z0-9_]{1,120}", fullmatch=True)
QUIZ_IDS = st.integers(min_value=1, max_value=10**18 - 1)


def _unparse(kind: str, value: str | int | None) -> str:
    return HOME if kind == HOME else f"{kind}:{value}"


@pytest.mark.parametrize("target", [None, "", "   ", "home", " home\n"])
def test_no_target_or_home_opens_the_course_home(target):
    assert parse(target) == (HOME, None)


@pytest.mark.parametrize(
    "target",
    [
        "quiz:abc",
        "quiz:",
        "quiz:0",
        "quiz:007",
        "quiz:-1",
        "quiz:1.5",
        "quiz:" + "9" * 19,
        "quiz:١٢",  # Arabic-Indic digits: int() reads them, the pattern must not
        "section:",
        "section:Introduction",
        "section:a b",
        "section:" + "a" * 121,
        "section:intro/../admin",
        "Home",
        "home:",
        "page:introduction",
        "quiz:1\nsection:intro",
        "quiz:1 quiz:2",
        5,
        b"home",
        ["home"],
    ],
)
def test_malformed_target_is_refused(target):
    with pytest.raises(TargetError):
        parse(target)


@given(st.one_of(st.text(), st.none(), st.integers(), st.binary(), st.floats()))
def test_parse_only_ever_raises_target_error(target):
    try:
        kind, value = parse(target)
    except TargetError:
        return
    assert kind in {"home", "quiz", "section"}
    # What parses is canonical: it reads back as exactly the text given (spaces aside).
    assert _unparse(kind, value) == ((target or "").strip() or HOME)


@given(QUIZ_IDS)
def test_quiz_targets_round_trip(quiz_id):
    assert parse(f"quiz:{quiz_id}") == ("quiz", quiz_id)
    assert _unparse(*parse(f"quiz:{quiz_id}")) == f"quiz:{quiz_id}"


@given(SLUGS, st.sampled_from(["", " ", "\t", "\n"]))
def test_section_targets_round_trip(slug, padding):
    assert parse(f"{padding}section:{slug}{padding}") == ("section", slug)
    assert _unparse(*parse(f"section:{slug}")) == f"section:{slug}"
