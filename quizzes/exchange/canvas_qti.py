"""Canvas's question-bank format: a QTI 1.2 package (.zip) as Canvas classic quizzes write it.

What Canvas writes, and so what is written and read here, follows Canvas's own code:

- instructure/canvas-lms `lib/cc/qti/qti_generator.rb` (`generate_bank`: `<questestinterop>`
  holding an `<objectbank>` with a `bank_title` field, or an `<assessment>` with its
  `<section ident="root_section">`), `lib/cc/qti/qti_items.rb` (`add_question`: each `<item>`
  with `question_type`, `points_possible` and `original_answer_ids` in
  `itemmetadata/qtimetadata/qtimetadatafield`, the stem as `<mattext texttype="text/html">`,
  the responses and `resprocessing` of each type, `itemfeedback` idents `general_fb`,
  `correct_fb`, `general_incorrect_fb` and `<answer id>_fb`) and `lib/cc/qti/qti_manifest.rb`
  with `lib/cc/cc_helper.rb` (`imsmanifest.xml`, resource type `imsqti_xmlv1p2`,
  file `<id>/<id>.xml`);
- its importer, `gems/plugins/qti_exporter/lib/qti/assessment_item_converter.rb` (the
  `question_type` and `points_possible` fields; answer ids from `original_answer_ids`), run
  after instructure/QTIMigrationTool `lib/imsqtiv1.py` (an `<objectbank>`'s items are read,
  its ident and `bank_title` name the question bank);
- gpoore/text2qti `text2qti/qti.py`, `xml_assessment.py`, `xml_imsmanifest.py`, a widely used
  writer of packages Canvas imports, for the same shapes.

The package is untrusted: it is opened from bytes (never extracted), bounded before anything is
read (upload size, member count, the sum of the sizes its headers claim, and the bytes actually
decompressed, so a zip whose headers lie stops as soon as it unpacks past the limit), and
refused whole for an unsafe member name, an encrypted member or an archive inside the archive.
The XML goes through defusedxml with DTDs refused, as Moodle XML does.

Our metadata (section, difficulty, Bloom level, concepts, source quote, tags, a numeric unit)
rides in extra `qtimetadatafield`s labelled `kz_<name>`, which Canvas ignores. Each question
type's part is its mapping's (`canvas_type`, `write_canvas`, `read_canvas`); Canvas classic
has no ordering type, so ordering questions are left out of an export with a note.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import math
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Comment, Element, ParseError, SubElement, indent, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from ..qtypes import registry
from ..qtypes.exchange_mapping import ExchangeMapping
from .common import (
    MAX_UPLOAD_BYTES,
    ExchangeItem,
    ParseResult,
    UploadRejected,
    WriteResult,
    text_to_html,
    too_many_items,
)
from .html_text import MAX_TEXT_CHARS, TextTooLong, html_to_text

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
CP_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
MANIFEST = "imsmanifest.xml"
QTI_RESOURCE = "imsqti_xmlv1p2"  # Canvas's QTI-only export (cc_helper.rb QTI_ASSESSMENT_TYPE)
ZIP_MAGIC = b"PK\x03\x04"
MAX_MEMBERS = 100
MAX_UNPACKED_BYTES = 4 * MAX_UPLOAD_BYTES
META_PREFIX = "kz_"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_ARCHIVES = (".zip", ".imscc", ".jar", ".gz", ".tgz", ".7z", ".rar", ".tar")
# What a damaged archive makes zipfile raise, besides BadZipFile.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    zlib.error,
    UnicodeDecodeError,
)
DEFAULT_TITLE = "Question"  # Canvas's name for a question nobody named


def is_zip_upload(filename: str, content: bytes) -> bool:
    """Whether an upload is a zip: named .zip, or starting with the zip signature."""
    return filename.lower().endswith(".zip") or content.startswith(ZIP_MAGIC)


# The package ---------------------------------------------------------------------------------


def _mb(size: int) -> str:
    return f"{size // 1024 // 1024} MB"


def _unsafe_name(name: str) -> bool:
    parts = name.split("/")
    return (
        name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or bool(_DRIVE.match(name))
        or any(part == ".." for part in parts)
    )


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse the archive, before reading any member, for what its directory says."""
    if len(infos) > MAX_MEMBERS:
        raise UploadRejected(
            f"The zip holds {len(infos):,} files; a Canvas QTI export holds a few "
            f"(at most {MAX_MEMBERS}). Nothing was imported."
        )
    claimed = 0
    for info in infos:
        shown = info.filename[:80]
        if _unsafe_name(info.filename):
            raise UploadRejected(
                f"The zip holds a file named {shown!r}, a path that leaves the package "
                "(absolute, '..' or a backslash). It was refused for safety."
            )
        if info.flag_bits & 0x1:
            raise UploadRejected(
                f"The zip's file {shown!r} is encrypted; export the bank from Canvas again "
                "without a password."
            )
        if info.filename.lower().endswith(_ARCHIVES):
            raise UploadRejected(
                f"The zip holds another archive ({shown!r}); upload the Canvas QTI export "
                "itself, not an archive of archives."
            )
        claimed += info.file_size
    if claimed > MAX_UNPACKED_BYTES:
        raise UploadRejected(
            f"The zip unpacks to {claimed / 1024 / 1024:.1f} MB; the limit is "
            f"{_mb(MAX_UNPACKED_BYTES)}. Split the bank into smaller exports."
        )


class _Budget:
    """The bytes the whole package may still unpack to, whatever its headers claim."""

    def __init__(self) -> None:
        self.left = MAX_UNPACKED_BYTES

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        chunks, size = [], 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    size += len(chunk)
                    self.left -= len(chunk)
                    if self.left < 0 or size > info.file_size:
                        raise UploadRejected(
                            f"The zip's file {info.filename[:80]!r} unpacks to more than its "
                            f"header says or past {_mb(MAX_UNPACKED_BYTES)} in all (a zip "
                            "bomb?). Nothing was imported."
                        )
                    chunks.append(chunk)
        except _ZIP_ERRORS as exc:
            if isinstance(exc, UploadRejected):
                raise
            # zipfile stops at the size the header claims and then finds the checksum wrong.
            raise UploadRejected(
                f"The zip's file {info.filename[:80]!r} cannot be unpacked: it is damaged, or "
                "its header lies about its size. Nothing was imported."
            ) from None
        content = b"".join(chunks)
        if content.startswith(ZIP_MAGIC):
            raise UploadRejected(
                f"The zip's file {info.filename[:80]!r} is itself a zip archive; upload the "
                "Canvas QTI export itself."
            )
        return content


def _strip_namespaces(root: Element) -> Element:
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.rpartition("}")[2]
    return root


def _parse_xml(content: bytes, name: str) -> tuple[Element | None, str | None]:
    """The parsed document with namespaces dropped, or why it cannot be read safely."""
    try:
        return _strip_namespaces(fromstring(content, forbid_dtd=True)), None
    except DefusedXmlException:
        return None, (
            f"{name}: the XML declares a DTD or entities, which are refused for safety "
            "(no entity expansion, no external files)."
        )
    except ParseError as exc:
        line, column = exc.position
        return None, f"{name}: line {line}, column {column + 1}: the XML is not well formed."
    except (ValueError, RecursionError):
        return None, f"{name}: the XML cannot be read."


def _qti_files(manifest: Element) -> list[str]:
    """The files of the manifest's QTI resources, in its order, each once."""
    files: list[str] = []
    for resource in manifest.iter("resource"):
        if not (resource.get("type") or "").startswith(QTI_RESOURCE):
            continue
        hrefs = [f.get("href") or "" for f in resource.iter("file")] or [resource.get("href", "")]
        for href in hrefs:
            href = href.strip().removeprefix("./")
            if href and href not in files:
                files.append(href)
    return files


def read_package(content: bytes) -> tuple[list[tuple[str, Element]], list[str]]:
    """The QTI documents the package's manifest lists (name, root), and the errors found.

    UploadRejected, before any question is read, for an archive that is unsafe to open.
    """
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRejected(
            f"The file is {len(content) / 1024 / 1024:.1f} MB; the limit is "
            f"{_mb(MAX_UPLOAD_BYTES)}. Split it into smaller files."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            _check_members(infos)
            return _read_documents(archive, {i.filename: i for i in infos})
    except _ZIP_ERRORS as exc:
        if isinstance(exc, UploadRejected):
            raise
        raise UploadRejected(
            "The file is not a readable zip archive (a Canvas QTI export is a .zip made by "
            "Canvas's Export quiz as QTI). Nothing was imported."
        ) from None


def _read_documents(
    archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]
) -> tuple[list[tuple[str, Element]], list[str]]:
    budget = _Budget()
    if MANIFEST not in members:
        return [], [f"Canvas QTI: the zip has no {MANIFEST}, so it is not a QTI package."]
    manifest, error = _parse_xml(budget.read(archive, members[MANIFEST]), MANIFEST)
    if manifest is None:
        return [], [f"Canvas QTI: {error}"]
    names = _qti_files(manifest)
    if not names:
        return [], [f"Canvas QTI: {MANIFEST} lists no QTI file (resource type {QTI_RESOURCE})."]
    documents, errors = [], []
    for name in names:
        if name not in members:
            errors.append(f"Canvas QTI: {MANIFEST} lists {name[:80]!r}, which the zip lacks.")
            continue
        root, error = _parse_xml(budget.read(archive, members[name]), name[:80])
        if root is None:
            errors.append(f"Canvas QTI: {error}")
        elif root.tag != "questestinterop":
            errors.append(f"Canvas QTI: {name[:80]}: the root is <{root.tag}>, not QTI's.")
        else:
            documents.append((name, root))
    return documents, errors


# Text ----------------------------------------------------------------------------------------


def mattext(
    parent: Element, text: str, texttype: str | None = "text/html", wrap: str = ""
) -> Element:
    """A <material><mattext> with the text: escaped HTML (`text/html`, in a `wrap` element
    when given) or as it is."""
    material = SubElement(parent, "material")
    attrs = {"texttype": texttype} if texttype else {}
    body = text_to_html(text) if texttype == "text/html" else text
    if wrap:
        body = f"<{wrap}>{body}</{wrap}>"
    SubElement(material, "mattext", attrs).text = CONTROL.sub("", body)
    return material


def read_mattext(parent: Element | None) -> str:
    """The plain text of the first <mattext> below `parent` ("" when none).

    Raises TextTooLong, before reading it, for a text over MAX_TEXT_CHARS.
    """
    element = parent.find(".//mattext") if parent is not None else None
    if element is None:
        return ""
    raw = (element.text or "").strip()
    if len(raw) > MAX_TEXT_CHARS:
        raise TextTooLong(len(raw))
    if (element.get("texttype") or "").strip().lower() == "text/html":
        return html_to_text(raw)
    return raw


def feedback_text(item: Element, ident: str) -> str:
    """The text of the item's <itemfeedback ident=...> ("" when none)."""
    for feedback in item.findall("itemfeedback"):
        if feedback.get("ident") == ident:
            return read_mattext(feedback)
    return ""


_OVERALL = ("general_fb", "correct_fb", "general_incorrect_fb")


def answer_feedback_notes(item: Element) -> list[str]:
    """The note for feedback on single answers, which the type has no place for."""
    for feedback in item.findall("itemfeedback"):
        if feedback.get("ident") not in _OVERALL and read_mattext(feedback):
            return ["feedback on single answers is not kept."]
    return []


def add_feedback(item: Element, ident: str, text: str) -> None:
    """An <itemfeedback> (as Canvas's item_feedback), when there is a text."""
    if text:
        flow = SubElement(SubElement(item, "itemfeedback", {"ident": ident}), "flow_mat")
        mattext(flow, text)


# Response processing -------------------------------------------------------------------------


def respcondition(
    resprocessing: Element, *, score: str | None = None, action: str = "Set", cont: str = "No"
) -> tuple[Element, Element]:
    """A <respcondition> and its <conditionvar>; a <setvar> of SCORE when `score` is given."""
    attrs = {"continue": cont} if cont else {}
    condition = SubElement(resprocessing, "respcondition", attrs)
    conditionvar = SubElement(condition, "conditionvar")
    if score is not None:
        SubElement(condition, "setvar", {"action": action, "varname": "SCORE"}).text = score
    return condition, conditionvar


def varequal(parent: Element, value: str, respident: str = "response1") -> Element:
    element = SubElement(parent, "varequal", {"respident": respident})
    element.text = CONTROL.sub("", value)
    return element


def display_feedback(condition: Element, ident: str) -> None:
    SubElement(condition, "displayfeedback", {"feedbacktype": "Response", "linkrefid": ident})


def scoring_conditions(item: Element) -> list[tuple[Element, float]]:
    """Each <respcondition> that gives credit (a SCORE setvar above zero) with its value.

    ValueError for a score that is not a number.
    """
    found = []
    for condition in item.findall("resprocessing/respcondition"):
        for setvar in condition.findall("setvar"):
            if (setvar.get("varname") or "SCORE").upper() != "SCORE":
                continue
            text = (setvar.text or "").strip()[:40]
            try:
                score = float(Decimal(text))
            except (InvalidOperation, ValueError):
                score = math.nan
            if not math.isfinite(score):
                raise ValueError(f"score {text!r} is not a number.")
            if score > 0 and condition.find("conditionvar") is not None:
                found.append((condition.find("conditionvar"), score))
    return found


def positive(conditionvar: Element, tags: tuple[str, ...] = ("varequal",)) -> list[Element]:
    """The comparisons of a <conditionvar> that are not under a <not>, in document order
    (walked without recursion, so no nesting depth can exhaust the stack)."""
    found, stack = [], [iter(conditionvar)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag in tags:
            found.append(child)
        elif child.tag != "not":
            stack.append(iter(child))
    return found


def choice_labels(item: Element) -> list[tuple[str, str]]:
    """(ident, text) of each choice of the item's first <response_lid>."""
    lid = item.find("presentation/response_lid")
    if lid is None:
        return []
    return [
        (label.get("ident") or "", read_mattext(label))
        for label in lid.findall("render_choice/response_label")
    ]


def write_choices(
    item: Element, texts: list[str], cardinality: str, ids: Iterator[int]
) -> list[str]:
    """Canvas's response_lid "response1" with a plain-text label per choice; their idents."""
    lid = SubElement(
        item.find("presentation"),
        "response_lid",
        {"ident": "response1", "rcardinality": cardinality},
    )
    render = SubElement(lid, "render_choice")
    idents = []
    for text in texts:
        ident = str(next(ids))
        mattext(SubElement(render, "response_label", {"ident": ident}), text, "text/plain")
        idents.append(ident)
    return idents


def write_fib(item: Element, decimal: bool = False) -> None:
    """Canvas's response_str "response1" with one blank (short answer, numerical)."""
    response = SubElement(
        item.find("presentation"), "response_str", {"ident": "response1", "rcardinality": "Single"}
    )
    render = SubElement(response, "render_fib", {"fibtype": "Decimal"} if decimal else {})
    SubElement(
        render, "response_label", {"ident": "answer1"} | ({} if decimal else {"rshuffle": "No"})
    )


# Writing -------------------------------------------------------------------------------------


def _field(parent: Element, label: str, entry: str) -> None:
    field = SubElement(parent, "qtimetadatafield")
    SubElement(field, "fieldlabel").text = label
    SubElement(field, "fieldentry").text = CONTROL.sub("", entry)


def _ident(prefix: str, text: str) -> str:
    return prefix + hashlib.sha256(text.encode()).hexdigest()[:32]


def canvas_refusal(item: ExchangeItem) -> str | None:
    """Why Canvas cannot hold this question, or None when it can (the type's mapping says)."""
    mapping = registry.get(item.qtype).exchange
    if not mapping.canvas_type:
        return f"Canvas classic quizzes have no {item.qtype} type; export it as Moodle XML or JSON"
    return mapping.canvas_refusal(item.data)


def item_element(item: ExchangeItem, ids: Iterator[int]) -> Element:
    """One question as Canvas's <item>."""
    mapping = registry.get(item.qtype).exchange
    element = Element(
        "item", {"ident": _ident("kz", item.name), "title": CONTROL.sub("", item.name)}
    )
    meta = SubElement(SubElement(element, "itemmetadata"), "qtimetadata")
    _field(meta, "question_type", mapping.canvas_type)
    _field(meta, "points_possible", "1.0")
    answer_ids = SubElement(meta, "qtimetadatafield")
    for name, value in [*item.metadata_pairs(), *mapping.canvas_meta(item.data)]:
        _field(meta, META_PREFIX + name, value)
    for tag in item.tags:
        _field(meta, META_PREFIX + "tag", tag)
    presentation = SubElement(element, "presentation")
    # Canvas wraps the question text in a <div> (qti_items.rb add_question).
    mattext(presentation, item.stem, wrap="div")
    resprocessing = SubElement(element, "resprocessing")
    outcomes = SubElement(resprocessing, "outcomes")
    SubElement(
        outcomes,
        "decvar",
        {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"},
    )
    if item.explanation:
        condition, conditionvar = respcondition(resprocessing, cont="Yes")
        SubElement(conditionvar, "other")
        display_feedback(condition, "general_fb")
    add_feedback(element, "general_fb", item.explanation)
    written = mapping.write_canvas(element, item.data, ids)
    SubElement(answer_ids, "fieldlabel").text = "original_answer_ids"
    SubElement(answer_ids, "fieldentry").text = ",".join(written)
    return element


def _manifest(ident: str, href: str) -> Element:
    manifest = Element(
        "manifest",
        {
            "identifier": ident + "_manifest",
            "xmlns": CP_NS,
            "xmlns:imsmd": "http://www.imsglobal.org/xsd/imsmd_v1p2",
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{CP_NS} http://www.imsglobal.org/xsd/imscp_v1p1.xsd",
        },
    )
    metadata = SubElement(manifest, "metadata")
    SubElement(metadata, "schema").text = "IMS Content"
    SubElement(metadata, "schemaversion").text = "1.1.3"
    SubElement(manifest, "organizations")
    resource = SubElement(
        SubElement(manifest, "resources"), "resource", {"identifier": ident, "type": QTI_RESOURCE}
    )
    SubElement(resource, "file", {"href": href})
    return manifest


def _xml(root: Element) -> bytes:
    indent(root, space="  ")
    body = tostring(root, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode()


def write_canvas_qti(
    items: list[ExchangeItem], title: str = "kzstudy question bank"
) -> WriteResult:
    """A Canvas QTI package (zip bytes) of the items as one question bank (`<objectbank>`);
    questions Canvas cannot hold (ordering) are left out, each with a comment, and listed."""
    ident = _ident("kzbank", title)
    root = Element(
        "questestinterop",
        {
            "xmlns": QTI_NS,
            "xmlns:xsi": XSI_NS,
            "xsi:schemaLocation": f"{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd",
        },
    )
    bank = SubElement(root, "objectbank", {"ident": ident})
    _field(SubElement(bank, "qtimetadata"), "bank_title", title)
    ids = itertools.count(1)
    skipped = []
    for item in items:
        reason = canvas_refusal(item)
        if reason:
            skipped.append(f"{item.name}: {reason}.")
            note = f" Skipped {item.qtype} question {item.name!r}: {reason}. "
            bank.append(Comment(CONTROL.sub("", note).replace("--", "- -")))
        else:
            bank.append(item_element(item, ids))
    href = f"{ident}/{ident}.xml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, root_element in ((MANIFEST, _manifest(ident, href)), (href, root)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, _xml(root_element))
    return WriteResult(buffer.getvalue(), len(items) - len(skipped), skipped)


# Reading -------------------------------------------------------------------------------------


def _metadata(item: Element) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for field in item.findall("itemmetadata/qtimetadata/qtimetadatafield"):
        label = (field.findtext("fieldlabel") or "").strip()
        entry = (field.findtext("fieldentry") or "").strip()
        if len(entry) > MAX_TEXT_CHARS:
            raise TextTooLong(len(entry))
        fields.setdefault(label, []).append(entry)
    return fields


def _reader(canvas_type: str) -> tuple[str, ExchangeMapping] | None:
    for key in registry.all_keys():
        mapping = registry.get(key).exchange
        if mapping.canvas_type and canvas_type == mapping.canvas_type:
            return key, mapping
    return None


def _supported() -> str:
    types = {registry.get(key).exchange.canvas_type for key in registry.all_keys()}
    return ", ".join(sorted(t for t in types if t))


def _read_item(element: Element, where: str, result: ParseResult) -> None:
    try:
        _read_item_parts(element, where, result)
    except TextTooLong as exc:
        result.errors.append(f"{where}: {exc}")


def _read_item_parts(element: Element, where: str, result: ParseResult) -> None:
    fields = _metadata(element)
    canvas_type = (fields.get("question_type") or [""])[0]
    if not canvas_type:
        result.errors.append(
            f"{where}: no question_type in its metadata; only Canvas's QTI (classic quizzes) "
            "can be imported."
        )
        return
    reader = _reader(canvas_type)
    if reader is None:
        result.errors.append(
            f"{where}: type {canvas_type[:60]!r} cannot be imported (supported: {_supported()})."
        )
        return
    qtype, mapping = reader
    try:
        data, errors = mapping.read_canvas(element)
    except ValueError as exc:
        data, errors = {}, [str(exc)]
    title = (element.get("title") or "").strip()
    name = "" if title == DEFAULT_TITLE else title
    stem = read_mattext(element.find("presentation/material"))
    if not stem:  # some writers put the text in a <flow>
        stem = read_mattext(element.find("presentation/flow/material"))
    item = ExchangeItem(qtype=qtype, stem=stem, data=data, name=name, where=where)
    item.explanation = feedback_text(element, "general_fb")
    for label, values in fields.items():
        if not label.startswith(META_PREFIX):
            continue
        meta = label[len(META_PREFIX) :]
        if meta == "tag":
            result.notes += [f"{where}: {note}" for note in item.add_foreign_tags(values)]
            continue
        for value in values:
            error = item.apply_metadata(meta, value)
            errors += [error] if error else []
    result.errors += [f"{where}: {e}" for e in errors]
    if not errors:
        notes = mapping.canvas_notes(element)
        if feedback_text(element, "correct_fb") or feedback_text(element, "general_incorrect_fb"):
            notes.append("the feedback for a right or a wrong answer overall is not kept.")
        result.notes += [f"{where}: {n}" for n in notes]
    if data:
        result.items.append(item)


def parse_canvas_qti(content: bytes) -> ParseResult:
    """Every question of a Canvas QTI package, and every error with its question number.

    UploadRejected for an archive that is unsafe or impossible to open.
    """
    result = ParseResult()
    documents, errors = read_package(content)
    result.errors += errors
    items = [(name, item) for name, root in documents for item in root.iter("item")]
    limit = too_many_items(len(items))
    if limit:
        result.errors.append(f"Canvas QTI: {limit}")
        return result
    for name, root in documents:
        if root.find("assessment") is not None:
            result.notes.append(
                f"{name[:80]}: a quiz: its questions are imported, its settings are not."
            )
    for number, (_name, element) in enumerate(items, start=1):
        title = (element.get("title") or "").strip()
        shown = title if len(title) <= 80 else title[:77] + "..."
        where = f"question {number}" + (f" ({shown!r})" if title else "")
        _read_item(element, where, result)
    if not result.items and not result.errors:
        result.errors.append("Canvas QTI: the package holds no questions.")
    return result
