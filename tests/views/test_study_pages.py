"""The home page and a section's study page, over real HTTP through Django's test client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Section

pytestmark = pytest.mark.django_db
ARTICLE = "human-rights-reforms-in-kazakhstan"


def section_url(slug):
    return reverse("quizzes:section", kwargs={"article": ARTICLE, "section": slug})


def test_home_lists_the_article_and_its_nine_sections(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Human Rights Reforms in Kazakhstan" in html and "Svante E. Cornell" in html
    for section in Section.objects.filter(article__slug=ARTICLE):
        assert section.get_absolute_url() in html
    assert html.count('class="list-group-item') == 9


def test_section_page_shows_summary_key_points_and_concepts(client):
    section = Section.objects.select_related("summary").get(
        article__slug=ARTICLE, slug="law-enforcement-abuse"
    )
    html = client.get(section_url(section.slug)).content.decode()
    assert section.summary.key_points[0].replace("'", "&#x27;") in html
    assert "Militsiya" in html
    assert "full text has not been imported" in html


@pytest.mark.needs_article
def test_section_page_shows_the_footnoted_full_text(
    client, imported_article, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        html = client.get(section_url("freedom-of-expression-and-media")).content.decode()
    assert "article 174 of the penal code" in html
    assert 'href="#fn40"' in html and 'id="fn40"' in html
    assert "rferl.org" in html
    assert "157<sup>th</sup>" in html


@pytest.mark.needs_article
def test_the_photo_caption_is_shown_apart(client, imported_article):
    html = client.get(section_url("introduction")).content.decode()
    assert '<p id="p2" class="figure-caption' in html


def test_unknown_section_is_404(client):
    assert client.get(section_url("no-such-section")).status_code == 404


def test_login_page_and_demo_login(client, settings):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("student", password="student")
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "student", "password": "student"})
    assert response.status_code == 302
    assert "Signed in as <strong>student</strong>" in client.get("/").content.decode()
    bad = client.post(reverse("login"), {"username": "student", "password": "wrong"})
    assert (
        bad.status_code == 200 and "enter a correct username and password" in bad.content.decode()
    )
