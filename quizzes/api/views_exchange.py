"""API for instructors: import a question file into the course's bank; download a bank as a file.

Thin doors over the services the import and export pages use (`services.exchange`): the same
checks, the same answers. The export's choice of bank and file name is the page's `ExportForm`.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..errors import ImportInvalid
from ..exchange import FORMATS
from ..forms.exchange import ExportForm
from ..services.exchange import bank_import
from . import examples as ex
from . import serializers_teach as s
from .exceptions import error_body
from .views_teach import TeachingView

# The export form's field names as the API's query names them.
EXPORT_PARAMETERS = {"fmt": "format", "scope": "scope"}
FILE = (
    "The bank file as an attachment: JSON (application/json), GIFT (text/plain), Moodle XML "
    "(application/xml) or Canvas QTI (application/zip)."
)


class AnswerErrorsInJson(DefaultContentNegotiation):
    """The first renderer (JSON) for whatever the client accepts.

    A download answers with the file itself, so only errors are rendered, in the envelope;
    and `?format=` names the file's format here, not a renderer (DRF's URL_FORMAT_OVERRIDE,
    which would answer 404 to `?format=gift`).
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = renderers[0]
        return renderer, renderer.media_type


class QuestionImportView(TeachingView, APIView):
    """Import a GIFT, Moodle XML, JSON or Canvas QTI file into the course's bank, all or nothing."""

    parser_classes = [MultiPartParser]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "writes"

    @extend_schema(
        request={"multipart/form-data": s.BankImportSerializer},
        responses={
            200: s.ImportSummarySerializer,
            400: OpenApiResponse(
                ex.ERROR_REF,
                description="Invalid input, or a file with errors (`import_invalid`: every "
                "error in `details`) or that cannot be read (`import_file_rejected`); nothing "
                "was imported.",
                examples=[OpenApiExample("Errors in the file", value=ex.IMPORT_INVALID)],
            ),
        },
        summary="Import a question file into the course's bank",
        operation_id="course_questions_import",
        description="The file is checked whole first: with any error nothing is imported, and "
        "every error is listed with its line or question. Questions whose key the course's "
        "bank already holds are revised (a new version only when their content changed); "
        "the others are created, as drafts unless `publish`. The same service as the "
        "import page and the `import_bank` command.",
        examples=[OpenApiExample("Imported", value=ex.IMPORT_SUMMARY, response_only=True)],
    )
    def post(self, request, course_id: int):
        course = self.get_course()
        data = s.BankImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        upload = fields["file"]
        try:
            summary = bank_import(
                course=course,
                content=upload.read(),
                actor=request.user,
                fmt=fields.get("format"),
                filename=upload.name or "",
                default_section=fields.get("section", ""),
                publish=fields["publish"],
            )
        except ImportInvalid as error:
            return Response(
                error_body(error.code, error.message, "file", error.errors),
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(s.ImportSummarySerializer(summary).data)


class QuestionExportView(TeachingView, APIView):
    """Download the course's bank, or its article's shared bank, as a file with every key."""

    content_negotiation_class = AnswerErrorsInJson

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=list(FORMATS),
                description="The file's format (json if left out).",
            ),
            OpenApiParameter(
                "scope",
                str,
                enum=["course", "shared"],
                description="course (if left out): the course's own bank, drafts included, "
                "archived left out; shared: the published questions of the shared bank of "
                "the course's article (a course without an article has none: 400).",
            ),
            OpenApiParameter(
                "Content-Disposition",
                str,
                location=OpenApiParameter.HEADER,
                response=[200],
                description="attachment, with the file's name as the export page gives it.",
            ),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                s.BankItemSerializer(many=True),
                description=FILE,
                # drf-spectacular shows a list's example as a list of it: a file of one question.
                examples=[OpenApiExample("JSON bank", value=ex.EXPORTED_QUESTION)],
            ),
            (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description=FILE),
            (200, "application/xml"): OpenApiResponse(OpenApiTypes.STR, description=FILE),
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description=FILE),
        },
        summary="Download a question bank as a file",
        operation_id="course_questions_export",
        description="The file the export page downloads: every question with its answer key, "
        "so for the course's instructors only. GIFT and Canvas QTI cannot hold ordering "
        "questions: GIFT lists them in a comment, Canvas QTI leaves them out.",
    )
    def get(self, request, course_id: int):
        course = self.get_course()
        query = request.query_params
        form = ExportForm(
            {"fmt": query.get("format", "json"), "scope": query.get("scope", "course")},
            course=course,
        )
        if not form.is_valid():
            raise ValidationError(
                {EXPORT_PARAMETERS[name]: list(errors) for name, errors in form.errors.items()}
            )
        return form.download(request.user)
