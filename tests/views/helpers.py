"""Helpers of the page tests: what a browser posts from the attempt page."""

from __future__ import annotations


def form_fields(version, answer) -> dict[str, object]:
    """POST fields a browser sends for an answer (the page's field names)."""
    qid = version.question_id
    p = f"q{qid}-"
    fields: dict[str, object] = {f"{p}present": "1"}
    if "choice" in answer:
        fields[f"{p}choice"] = answer["choice"]
    elif "choices" in answer:
        fields[f"{p}choices"] = answer["choices"]
    elif "text" in answer:
        fields[f"{p}text"] = answer["text"]
    elif "value" in answer:
        value = answer["value"]
        fields[f"{p}value"] = (
            {True: "true", False: "false"}.get(value, value) if isinstance(value, bool) else value
        )
    elif "pairs" in answer:
        fields.update({f"{p}pair-{left}": right for left, right in answer["pairs"].items()})
    else:
        fields.update({f"{p}pos-{key}": str(n) for n, key in enumerate(answer["order"], start=1)})
    return fields
