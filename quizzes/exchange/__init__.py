"""Question-bank exchange formats (GIFT, Moodle XML, JSON, Canvas QTI): pure readers and
writers, no ORM."""

from .canvas_qti import is_zip_upload, parse_canvas_qti, write_canvas_qti
from .common import (
    CONTENT_TYPES,
    EXTENSIONS,
    FORMATS,
    MAX_ITEMS,
    MAX_UPLOAD_BYTES,
    ExchangeItem,
    ParseResult,
    UploadRejected,
    WriteResult,
    decode_upload,
    detect_format,
    key_from_name,
)
from .gift import parse_gift, write_gift
from .html_text import MAX_TEXT_CHARS, TextTooLong, html_to_text
from .json_bank import parse_json, write_json
from .moodle_xml import parse_moodle_xml, write_moodle_xml

# Readers of text files; Canvas QTI, a zip, is read from the upload's bytes (parse_canvas_qti).
PARSERS = {"gift": parse_gift, "moodle-xml": parse_moodle_xml, "json": parse_json}

__all__ = [
    "CONTENT_TYPES",
    "EXTENSIONS",
    "FORMATS",
    "MAX_ITEMS",
    "MAX_TEXT_CHARS",
    "MAX_UPLOAD_BYTES",
    "PARSERS",
    "ExchangeItem",
    "ParseResult",
    "TextTooLong",
    "UploadRejected",
    "WriteResult",
    "decode_upload",
    "detect_format",
    "html_to_text",
    "is_zip_upload",
    "key_from_name",
    "parse_canvas_qti",
    "parse_gift",
    "parse_json",
    "parse_moodle_xml",
    "write_canvas_qti",
    "write_gift",
    "write_json",
    "write_moodle_xml",
]
