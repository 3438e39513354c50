"""The roster page (NRPS): who in the platform's course has not yet attempted a quiz."""

from __future__ import annotations

from quizzes.models import Course, Quiz

from .conftest import launch
from .platform import INSTRUCTOR, LEARNER
from .test_grades import finish


def member(sub: str, name: str, role: str = LEARNER, status: str = "Active") -> dict:
    return {
        "user_id": sub,
        "name": name,
        "email": f"{sub}@x.example",
        "roles": [role],
        "status": status,
    }


def test_the_roster_shows_who_has_not_yet_attempted_the_quiz(client, platform):
    from django.test import Client

    exam = Quiz.objects.get(key="final-exam")
    learner_client = Client()
    launch(learner_client, platform, sub="ann", target=f"quiz:{exam.pk}")
    launch(client, platform, sub="teacher", roles=[INSTRUCTOR])
    course = Course.objects.get(lti_issuer=platform.issuer)
    ann = course.enrolments.get(user__lti_identities__sub="ann").user
    finish(exam, ann, course)
    platform.members = [
        member("ann", "Ann Submitted"),
        member("bob", "Bob Never-Launched"),
        member("teacher", "Tess Teacher", INSTRUCTOR),
        member("cid", "Cid Dropped", status="Inactive"),
    ]

    page = client.get(f"/teach/{course.slug}/roster/", {"quiz": exam.pk})

    html = page.content.decode()
    assert page.status_code == 200
    assert "<strong>1</strong> learner has not yet attempted" in html
    bob_row = html[html.index("Bob Never-Launched") : html.index("</tr>", html.index("Bob"))]
    assert "Not yet attempted" in bob_row and "never opened kzstudy" in bob_row
    ann_row = html[html.index("Ann Submitted") : html.index("</tr>", html.index("Ann Submitted"))]
    assert "Submitted (1)" in ann_row and "100%" in ann_row
    assert "Inactive" in html
    assert (
        platform.requests["memberships"][0]
        .headers["Accept"]
        .startswith("application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
    )


def test_the_roster_reports_a_platform_error(client, platform):
    launch(client, platform, sub="teacher", roles=[INSTRUCTOR])
    course = Course.objects.get(lti_issuer=platform.issuer)
    platform.fail_next("memberships", 500)

    page = client.get(f"/teach/{course.slug}/roster/")

    assert page.status_code == 502
    assert "did not answer as expected" in page.content.decode()


def test_the_roster_refuses_a_quiz_the_course_does_not_offer(client, platform):
    launch(client, platform, sub="teacher", roles=[INSTRUCTOR])
    course = Course.objects.get(lti_issuer=platform.issuer)
    page = client.get(f"/teach/{course.slug}/roster/", {"quiz": "999999"})
    assert page.status_code == 400
    assert "not offered" in page.content.decode()


def test_learners_cannot_see_the_roster(client, platform):
    launch(client, platform, sub="ann")
    course = Course.objects.get(lti_issuer=platform.issuer)
    assert client.get(f"/teach/{course.slug}/roster/").status_code == 403


def test_a_standalone_course_explains_it_has_no_roster(admin_client, db):
    from tests.factories import course_with_learner

    course, _ = course_with_learner()
    page = admin_client.get(f"/teach/{course.slug}/roster/")
    assert "no roster from a platform" in page.content.decode()


def test_the_roster_api_gives_the_same_rows(client, platform):
    exam = Quiz.objects.get(key="final-exam")
    launch(client, platform, sub="teacher", roles=[INSTRUCTOR])
    course = Course.objects.get(lti_issuer=platform.issuer)
    platform.members = [member("bob", "Bob"), member("teacher", "Tess", INSTRUCTOR)]

    body = client.get(f"/api/v1/courses/{course.pk}/quizzes/{exam.pk}/roster/").json()

    assert body["count"] == 2
    bob, tess = body["results"]
    assert bob == {
        "name": "Bob",
        "email": "bob@x.example",
        "user_id": "bob",
        "role": "learner",
        "status": "not_attempted",
        "submitted": 0,
        "best_percent": None,
        "opened_kzstudy": False,
    }
    assert tess["role"] == "instructor" and tess["opened_kzstudy"] is True


def test_the_roster_api_reports_a_platform_failure_as_502(client, platform):
    exam = Quiz.objects.get(key="final-exam")
    launch(client, platform, sub="teacher", roles=[INSTRUCTOR])
    course = Course.objects.get(lti_issuer=platform.issuer)
    platform.fail_next("memberships", 503)

    response = client.get(f"/api/v1/courses/{course.pk}/quizzes/{exam.pk}/roster/")

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "platform_unavailable"


def test_the_roster_names_members_the_platform_leaves_nameless_by_their_own_launches(
    client, platform
):
    from django.test import Client

    # Moodle with its privacy settings off sends bare ids ("3", "4") and no names.
    launch(Client(), platform, sub="3", given_name="Ann", family_name="Lee")
    launch(client, platform, sub="teacher", roles=[INSTRUCTOR])
    course = Course.objects.get(lti_issuer=platform.issuer)
    platform.members = [
        {"user_id": "3", "roles": [LEARNER], "status": "Active"},
        {"user_id": "4", "roles": [LEARNER], "status": "Active"},
    ]

    page = client.get(f"/teach/{course.slug}/roster/")

    html = page.content.decode()
    assert page.status_code == 200
    ann_row = html[html.index("Ann Lee") : html.index("</tr>", html.index("Ann Lee"))]
    assert "3@platform.example" in ann_row
    assert "never opened kzstudy" not in ann_row
