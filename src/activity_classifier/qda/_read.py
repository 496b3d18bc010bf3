"""Reading a ``.qdpx`` project back after its codings were changed in a QDA program.

The file is untrusted: the zip is read in memory with limits on the number of members and on their sizes
(declared and actual), nothing is extracted, and ``project.qde`` is parsed by :func:`._schema.parse_xml`
(no DTDs, entities or external references). A project that does not validate against ``Project.xsd`` is
still read, with a warning, because programs differ in small details of the standard.

Each ``TextSource`` is one activity: its text is the whole source, whatever part of it a coding selects.
Its label is the one type it is coded with, at any selection or on the source itself:

- coded with one type that differs from the label exported for it, or exported as a reviewed label:
  that label (a review);
- still coded with the model's prediction: not reviewed (predictions are never imported; a confirmation
  cannot be told apart from an untouched prediction in a QDA program);
- coded with no type, or with more than one: skipped, with that reason.

The exported label and its origin are read from the source's variables ``label_exported`` and
``label_origin``; when a program dropped them, from the coding's GUID and user, which this package derives
from the source and the label.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..annotate import EMPTY_TEXT, ReviewedItem
from ..exceptions import EmptyInputError, InputDataError
from ._codebook import slug_for_code
from ._project import MODEL_USER, REVIEW_USER, coding_guid
from ._schema import local_name, parse_xml, schema_errors

__all__ = ["MAX_MEMBERS", "MAX_MEMBER_BYTES", "MAX_QDPX_BYTES", "MAX_TOTAL_BYTES", "read_qdpx"]

logger = logging.getLogger(__name__)

#: A ``.qdpx`` larger than this on disk is refused.
MAX_QDPX_BYTES = 500 * 2**20
#: No member (``project.qde`` or a source) may unpack to more than this.
MAX_MEMBER_BYTES = 200 * 2**20
#: All members together may not declare more than this.
MAX_TOTAL_BYTES = 1024 * 2**20
#: At most this many members.
MAX_MEMBERS = 200_000
_META = ("report_id", "activity_no", "teacher_id", "source_file")


@dataclass(frozen=True)
class _Coding:
    slug: str
    guid: str
    user: str


def _norm(value: str | None) -> str:
    return (value or "").strip().strip("{}").lower()


def _open(p: Path) -> zipfile.ZipFile:
    if not p.is_file():
        raise InputDataError("file not found", path=str(p))
    if p.stat().st_size > MAX_QDPX_BYTES:
        raise InputDataError(f"file is larger than {MAX_QDPX_BYTES // 2**20} MB", path=str(p))
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise InputDataError(f"not a readable .qdpx (zip) file ({exc.__class__.__name__})", path=str(p)) from exc
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        zf.close()
        raise InputDataError(f"refused: more than {MAX_MEMBERS} files in the zip", path=str(p))
    declared = sum(i.file_size for i in infos)
    if declared > MAX_TOTAL_BYTES or any(i.file_size > MAX_MEMBER_BYTES for i in infos):
        zf.close()
        raise InputDataError(
            f"refused: the zip unpacks to {declared // 2**20} MB or holds a file over "
            f"{MAX_MEMBER_BYTES // 2**20} MB (a zip bomb?)",
            path=str(p),
        )
    return zf


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, p: Path) -> bytes:
    # The declared size may lie: read at most one byte past the limit, whatever the header says.
    try:
        with zf.open(info) as f:
            data = f.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise InputDataError(f"cannot unpack {info.filename} ({exc.__class__.__name__}: {exc})", path=str(p)) from exc
    if len(data) > MAX_MEMBER_BYTES:
        raise InputDataError(f"refused: {info.filename} unpacks to more than the limit (a zip bomb?)", path=str(p))
    return data


def _project_member(zf: zipfile.ZipFile, p: Path) -> zipfile.ZipInfo:
    top = [i for i in zf.infolist() if not i.is_dir() and "/" not in i.filename.strip("/")]
    named = [i for i in top if i.filename.casefold() == "project.qde"]
    qde = named or [i for i in top if i.filename.casefold().endswith(".qde")]
    if len(qde) != 1:
        raise InputDataError("not a REFI-QDA project: no single project.qde in the .qdpx", path=str(p))
    return qde[0]


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if local_name(c.tag) == name]


def _text_of(
    source: ET.Element, zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], p: Path
) -> tuple[str | None, str]:
    """Return the source's plain text (or None) and, when None, why."""
    for content in _children(source, "PlainTextContent"):
        return (content.text or ""), ""
    ref = source.get("plainTextPath") or ""
    if not ref.startswith("internal://"):
        return None, "no plain text inside the .qdpx"
    name = ref[len("internal://") :].lstrip("/")
    info = members.get(f"sources/{name}".casefold())
    if info is None:
        return None, f"source text {name!r} missing from the .qdpx"
    data = _read_member(zf, info, p)
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n"), ""
    except UnicodeDecodeError:
        return None, f"source text {name!r} is not UTF-8"


def _codings(source: ET.Element, codes: dict[str, str]) -> list[_Coding]:
    out = []
    for coding in source.iter():
        if local_name(coding.tag) != "Coding":
            continue
        for ref in _children(coding, "CodeRef"):
            slug = codes.get(_norm(ref.get("targetGUID")), "")
            if slug:
                out.append(_Coding(slug, _norm(coding.get("guid")), _norm(coding.get("creatingUser"))))
    return out


def _variables(source: ET.Element, names: dict[str, str]) -> dict[str, str]:
    out = {}
    for vv in _children(source, "VariableValue"):
        refs = _children(vv, "VariableRef")
        name = names.get(_norm(refs[0].get("targetGUID")), "") if refs else ""
        values = [c.text or "" for c in vv if local_name(c.tag).endswith("Value")]
        if name and values:
            out[name] = values[0].strip()
    return out


def _item(source: ET.Element, text: str, codings: list[_Coding], variables: dict[str, str]) -> ReviewedItem:
    where = f"source {source.get('name') or source.get('guid') or '?'!r}"
    meta = {k: variables[k] for k in _META if variables.get(k)}
    if text.strip() == EMPTY_TEXT:
        text = ""
    slugs = sorted({c.slug for c in codings})
    if not slugs:
        reason = "no type coded" if variables.get("label_exported") else ""
        return ReviewedItem(where, text, "", reason, meta)
    if len(slugs) > 1:
        return ReviewedItem(where, text, "", f"more than one type coded ({' vs '.join(slugs)})", meta)
    slug = slugs[0]
    exported, exported_origin = variables.get("label_exported", ""), variables.get("label_origin", "")
    if exported:
        if slug == exported and exported_origin != "review":
            return ReviewedItem(where, text, "", "", meta)  # the model's prediction, untouched
        return ReviewedItem(where, text, slug, "", meta)
    source_guid = source.get("guid") or ""
    ours_model = {coding_guid(_norm(source_guid), slug, "model")}
    for c in codings:
        if c.guid in ours_model or c.user == MODEL_USER:
            return ReviewedItem(where, text, "", "", meta)
    return ReviewedItem(where, text, slug, "", meta)


def read_qdpx(path: str | Path) -> list[ReviewedItem]:
    """Read the reviewed labels of a ``.qdpx`` project (see the module docstring for the rules).

    Parameters
    ----------
    path : str or Path
        A project written by :func:`~activity_classifier.qda.write_project`, whose codings were changed in a
        QDA program and exported again.

    Returns
    -------
    list of ReviewedItem
        One per text source, in the project's order; ``label`` is empty for an unchanged prediction.

    Raises
    ------
    InputDataError
        For a file that is not a zip, has no ``project.qde``, exceeds the size limits, holds a DTD or
        entities, or is not well-formed XML.
    """
    p = Path(path)
    with _open(p) as zf:
        members = {i.filename.casefold(): i for i in zf.infolist() if not i.is_dir()}
        info = _project_member(zf, p)
        root = parse_xml(_read_member(zf, info, p), path=str(p), member=info.filename)
        if local_name(root.tag) != "Project":
            raise InputDataError(f"not a REFI-QDA project: the root of {info.filename} is not <Project>", path=str(p))
        errors = schema_errors(root, "project", limit=1)
        if errors:
            logger.warning(
                "%s: %s does not validate against Project.xsd (%s); read anyway", p, info.filename, errors[0]
            )
        codes: dict[str, str] = {}
        for code in root.iter():
            if local_name(code.tag) == "Code" and (slug := slug_for_code(code)):
                codes[_norm(code.get("guid"))] = slug
        names = {
            _norm(v.get("guid")): v.get("name") or ""
            for v in root.iter()
            if local_name(v.tag) == "Variable" and v.get("name")
        }
        sources = [s for s in root.iter() if local_name(s.tag) == "TextSource"]
        if not sources:
            raise EmptyInputError("the project holds no text sources", path=str(p))
        users = {_norm(u.get("guid")) for u in root.iter() if local_name(u.tag) == "User"}
        traced = bool(users & {MODEL_USER, REVIEW_USER})
        items = []
        for source in sources:
            text, why = _text_of(source, zf, members, p)
            variables = _variables(source, names)
            traced = traced or "label_exported" in variables
            if text is None:
                where = f"source {source.get('name') or source.get('guid') or '?'!r}"
                items.append(ReviewedItem(where, "", "", why, {}))
                continue
            items.append(_item(source, text, _codings(source, codes), variables))
    if not codes:
        logger.warning("%s: none of the project's codes is one of the eleven types", p)
    elif not traced:
        logger.warning("%s: no trace of an activity-classifier export; every coding is read as a review", p)
    return items
