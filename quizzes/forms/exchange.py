"""Import and export forms for a course's question bank (crispy-bootstrap5 layouts)."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..exchange import CONTENT_TYPES, EXTENSIONS, MAX_ITEMS, MAX_UPLOAD_BYTES
from ..models import Course
from ..selectors.exchange import bank_for_export
from ..services.exchange import bank_export

FORMAT_CHOICES = [
    ("gift", _("GIFT (Moodle's text format)")),
    ("moodle-xml", _("Moodle XML")),
    ("json", _("JSON (this site's bank format)")),
    ("canvas-qti", _("Canvas QTI (.zip, classic quizzes)")),
]


class ImportForm(forms.Form):
    """A question file for the course's bank, how to read it and where its questions go."""

    file = forms.FileField(
        label=_("Question file"),
        help_text=format_lazy(
            _(
                "GIFT (.txt), Moodle XML (.xml), JSON (.json) in UTF-8, or a Canvas QTI "
                "export (.zip); at most {mb} MB and {items} questions."
            ),
            mb=MAX_UPLOAD_BYTES // 1024 // 1024,
            items=f"{MAX_ITEMS:,}",
        ),
    )
    fmt = forms.ChoiceField(
        choices=[("", _("Detect from the file")), *FORMAT_CHOICES],
        required=False,
        label=_("Format"),
    )
    section = forms.ChoiceField(
        required=False,
        label=_("Default section"),
        help_text=_("For questions the file does not place in a section."),
    )
    publish = forms.BooleanField(
        required=False,
        label=_("Publish new questions"),
        help_text=_("Otherwise they arrive as drafts that no quiz draws yet."),
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sections = course.article.sections.order_by("position") if course.article else []
        self.fields["section"].choices = [
            ("", _("None: every question names its section")),
            *[(s.slug, s.heading) for s in sections],
        ]
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.attrs = {"novalidate": "", "aria-label": _("Import questions")}
        self.helper.layout = Layout(
            Field("file", accept=".txt,.gift,.xml,.json,.zip"), "fmt", "section", "publish"
        )
        self.helper.add_input(Submit("import", _("Check and import")))

    def clean_file(self) -> UploadedFile:
        """Refuse files over the size limit before anything reads them."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than %(limit)s MB; split it into smaller files."),
                code="too_large",
                params={"limit": MAX_UPLOAD_BYTES // 1024 // 1024},
            )
        return upload


class ExportForm(forms.Form):
    """Which bank to download, in which format: the course's own bank, or the shared bank of
    its article when it has one. The export page and the API's export both ask this form."""

    fmt = forms.ChoiceField(choices=FORMAT_CHOICES, initial="json", label=_("Format"))
    scope = forms.ChoiceField(label=_("Questions"), widget=forms.RadioSelect, initial="course")

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        scopes = [("course", _("This course's own bank (drafts included, archived left out)"))]
        if course.article:
            label = _("The shared bank of “%(title)s” (published questions)")
            scopes.append(("shared", label % {"title": course.article.title}))
        self.fields["scope"].choices = scopes
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.attrs = {"aria-label": _("Export questions")}
        self.helper.layout = Layout("scope", "fmt")
        self.helper.add_input(Submit("download", _("Download")))

    def download(self, actor: AbstractBaseUser) -> HttpResponse:
        """The chosen bank as the file to download (a valid form only): the export page's and
        the API's answer alike. NotAllowed (from the service) unless `actor` teaches the course."""
        fmt = self.cleaned_data["fmt"]
        questions, stem = bank_for_export(
            self.course, shared=self.cleaned_data["scope"] == "shared"
        )
        result = bank_export(questions=questions, fmt=fmt, course=self.course, actor=actor)
        response = HttpResponse(result.text, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{stem}.{EXTENSIONS[fmt]}"
        )
        return response
