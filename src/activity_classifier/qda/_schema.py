"""Safe XML parsing and validation against the packaged REFI-QDA schemas.

Incoming XML is parsed with :mod:`defusedxml`, with document type declarations forbidden: REFI-QDA files
never need one, and refusing them stops entity expansion ("billion laughs") and external entities (XXE)
before they start. Validation uses :mod:`xmlschema` with the schemas in ``schemas/`` (see its README for
their origin and licence).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

import defusedxml
import defusedxml.ElementTree as SafeET

from ..exceptions import InputDataError

if TYPE_CHECKING:
    import xmlschema

__all__ = [
    "CODEBOOK_NS",
    "PROJECT_NS",
    "Kind",
    "local_name",
    "parse_xml",
    "schema",
    "schema_errors",
    "serialize",
    "xml_text",
]

Kind = Literal["codebook", "project"]
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
_FILES: dict[str, str] = {"codebook": "Codebook.xsd", "project": "Project.xsd"}
# Characters XML 1.0 cannot carry at all (most C0 controls, e.g. the vertical tab Word uses for a line break).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    r"""Return ``value`` as text that XML 1.0 can hold: forbidden control characters become spaces.

    Examples
    --------
    >>> xml_text("regel 1\x0bregel 2")
    'regel 1 regel 2'
    """
    return _NOT_XML.sub(" ", str(value))


@lru_cache(maxsize=2)
def schema(kind: Kind) -> xmlschema.XMLSchema10:
    """Return the packaged REFI-QDA schema for ``"codebook"`` (``.qdc``) or ``"project"`` (``project.qde``)."""
    import xmlschema

    path = resources.files("activity_classifier.qda").joinpath("schemas", _FILES[kind])
    with resources.as_file(path) as file:
        return xmlschema.XMLSchema10(str(file))


def schema_errors(root: ET.Element, kind: Kind, *, limit: int = 5) -> list[str]:
    """Return up to ``limit`` one-line validation errors of ``root`` against the schema (empty: valid)."""
    out: list[str] = []
    for error in schema(kind).iter_errors(root):
        where = f" at {error.path}" if error.path else ""
        out.append(f"{error.reason or error.message}{where}".replace("\n", " "))
        if len(out) >= limit:
            break
    return out


def parse_xml(data: bytes, *, path: str, member: str) -> ET.Element:
    """Parse untrusted XML safely and return its root element.

    Parameters
    ----------
    data : bytes
        The XML document.
    path : str
        The file it came from, for messages.
    member : str
        The part of that file (``project.qde``), for messages.

    Raises
    ------
    InputDataError
        If the document declares a DTD or entities, refers to external resources, or is not well-formed.
    """
    try:
        root: ET.Element = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise InputDataError(
            f"{member} refused: it declares a DTD, entities or external references, which REFI-QDA files do "
            f"not use and which can make a parser expand or fetch data ({exc.__class__.__name__})",
            path=path,
        ) from exc
    except ET.ParseError as exc:
        raise InputDataError(f"{member} is not well-formed XML ({exc})", path=path) from exc
    return root


def local_name(tag: object) -> str:
    """Return an element's tag without its namespace (``{urn:...}Code`` -> ``Code``)."""
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]


def serialize(root: ET.Element, kind: Kind) -> bytes:
    """Return the document as UTF-8 bytes, after checking those very bytes against the schema.

    ``root`` carries its namespace as an ``xmlns`` attribute and plain tags, so the file declares one
    default namespace and no prefixes, as QDA programs write it themselves.

    Raises
    ------
    InputDataError
        If the document does not validate (nothing has been written then).
    """
    ET.indent(root)
    data = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8")
    errors = schema_errors(parse_xml(data, path=f"the generated {kind}", member=kind), kind)
    if errors:
        name = _FILES[kind]
        raise InputDataError(f"the generated {kind} does not validate against {name}: {errors[0]}; nothing written")
    return data
