"""The eleven types as a REFI-QDA codebook (``.qdc``), and the code elements a project shares with it.

The codebook is the packaged taxonomy (``resources/taxonomy.toml``): two codes that cannot be coded, one
per group (informal, formal), each holding its types as codable sub-codes. A type's code is named with its
id and Dutch name (``F4 Leren door het bijwonen van een conferentie of congres``); its description gives
the English name, the slug, the definition and the border rules. The codebook also has one set per group
(``Sets``, which some programs show as code groups). ``flat=True`` leaves out the two group codes, for
programs that read no code hierarchy.

Every GUID is derived from a fixed name with :func:`uuid.uuid5` in :data:`GUID_NAMESPACE`, so the same
type has the same GUID in every file, on every machine, in every version.

Examples
--------
>>> from activity_classifier.qda import code_guid
>>> code_guid("conference") == code_guid("conference")
True
"""

from __future__ import annotations

import re
import tomllib
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .._version import __version__
from ..exceptions import InputDataError
from ..tables import atomic_write
from ..taxonomy import ActivityType, Group, get_taxonomy
from ._schema import CODEBOOK_NS, local_name, serialize, xml_text

__all__ = [
    "GUID_NAMESPACE",
    "CodeInfo",
    "code_elements",
    "code_guid",
    "codebook_xml",
    "group_guid",
    "group_sets",
    "guid",
    "origin",
    "slug_for_code",
    "write_codebook",
]

#: The namespace of every GUID this package writes: ``uuid5(NAMESPACE_URL, "urn:activity-classifier:refi-qda")``.
GUID_NAMESPACE = uuid.UUID("07cc1c5d-90c9-5fe2-ac92-a3e6388dc37c")
_RGB = re.compile(r"^#[0-9A-Fa-f]{6}$")
_ID_PREFIX = re.compile(r"^\s*([IF][1-6])\b")


def guid(name: str) -> str:
    """Return the GUID this package uses for ``name`` (lower-case, without braces)."""
    return str(uuid.uuid5(GUID_NAMESPACE, name))


def code_guid(slug: str) -> str:
    """Return the stable GUID of a type's code."""
    return guid(f"code:{slug}")


def group_guid(group: str) -> str:
    """Return the stable GUID of a group's code (``informal``, ``formal``)."""
    return guid(f"group:{group}")


def origin() -> str:
    """Return the ``origin`` attribute of every file written: ``activity-classifier <version>``."""
    return f"activity-classifier {__version__}"


@dataclass(frozen=True)
class CodeInfo:
    """What the codebook says about one type or group beyond the taxonomy's own fields.

    Attributes
    ----------
    color : str
        ``#RRGGBB``.
    border_rules : tuple of str
        For types: the codebook's border rules in the project's words; empty for groups.
    name_nl, name_en, description : str
        For groups only (types have theirs in :class:`~activity_classifier.taxonomy.ActivityType`).
    """

    color: str
    border_rules: tuple[str, ...] = ()
    name_nl: str = ""
    name_en: str = ""
    description: str = ""


@lru_cache(maxsize=1)
def _extras() -> dict[str, CodeInfo]:
    """Read colours, border rules and group names from the packaged taxonomy, keyed by slug."""
    text = resources.files("activity_classifier").joinpath("resources/taxonomy.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    out: dict[str, CodeInfo] = {}
    for t in raw.get("type", []):
        out[t["slug"]] = CodeInfo(color=t.get("color", ""), border_rules=tuple(t.get("border_rules", ())))
    for g in raw.get("group", []):
        out[f"group:{g['slug']}"] = CodeInfo(
            color=g.get("color", ""),
            name_nl=g.get("name_nl", g["slug"]),
            name_en=g.get("name_en", g["slug"]),
            description=g.get("description", ""),
        )
    for key, info in out.items():
        if not _RGB.match(info.color):
            raise InputDataError(f"taxonomy.toml: {key} needs a colour #RRGGBB, not {info.color!r}")
    return out


def _info(key: str) -> CodeInfo:
    try:
        return _extras()[key]
    except KeyError:
        raise InputDataError(f"taxonomy.toml has no codebook entry (colour) for {key!r}") from None


def code_name(t: ActivityType) -> str:
    """Return the code's name in QDA software: id and Dutch name."""
    return f"{t.id} {t.name_nl}"


def code_description(t: ActivityType) -> str:
    """Return the code's description: English name, slug, group, definition and border rules."""
    rules = _info(t.slug).border_rules
    lines = [
        f"{t.name_en} ({t.id}, label {t.slug}, {t.group}).",
        t.definition,
    ]
    if rules:
        lines += ["", "Border rules:", *(f"- {r}" for r in rules)]
    return "\n".join(lines)


def _group_name(group: Group) -> str:
    info = _info(f"group:{group}")
    return f"{info.name_nl} ({info.name_en})"


def code_elements(*, flat: bool = False) -> ET.Element:
    """Return a ``Codes`` element: the two groups, each with its types as sub-codes.

    With ``flat``, the eleven codes without the two group codes (the groups are still the codebook's sets).
    """
    tax = get_taxonomy()
    codes = ET.Element("Codes")
    for group in ("informal", "formal"):
        info = _info(f"group:{group}")
        parent = codes
        if not flat:
            parent = ET.SubElement(
                codes,
                "Code",
                {"guid": group_guid(group), "name": _group_name(group), "isCodable": "false", "color": info.color},
            )
            ET.SubElement(parent, "Description").text = xml_text(info.description)
        for t in (t for t in tax if t.group == group):
            code = ET.SubElement(
                parent,
                "Code",
                {"guid": code_guid(t.slug), "name": code_name(t), "isCodable": "true", "color": _info(t.slug).color},
            )
            ET.SubElement(code, "Description").text = xml_text(code_description(t))
    return codes


def group_sets(*, project: bool) -> ET.Element:
    """Return a ``Sets`` element with one set of member codes per group.

    A codebook's ``MemberCode`` names its code with ``guid``, a project's with ``targetGUID``.
    """
    tax = get_taxonomy()
    ref = "targetGUID" if project else "guid"
    sets = ET.Element("Sets")
    for group in ("informal", "formal"):
        s = ET.SubElement(sets, "Set", {"guid": guid(f"set:group:{group}"), "name": _group_name(group)})
        ET.SubElement(s, "Description").text = xml_text(_info(f"group:{group}").description)
        for t in (t for t in tax if t.group == group):
            ET.SubElement(s, "MemberCode", {ref: code_guid(t.slug)})
    return sets


def codebook_xml(*, flat: bool = False) -> bytes:
    """Return the ``.qdc`` document, validated against ``Codebook.xsd``.

    Parameters
    ----------
    flat : bool, default=False
        Leave out the two group codes and list the eleven codes side by side; the groups remain as sets.
        For programs that read no code hierarchy (they would show only the two groups).

    Examples
    --------
    >>> codebook_xml().count(b'isCodable="true"')
    11
    """
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": origin()})
    root.append(code_elements(flat=flat))
    root.append(group_sets(project=False))
    # Built from packaged data only: a validation error here means taxonomy.toml was edited wrongly.
    return serialize(root, "codebook")


def write_codebook(path: str | Path, *, flat: bool = False) -> Path:
    """Write the codebook to ``path`` (a ``.qdc`` file) atomically and return the path.

    ``flat`` leaves out the group codes (see :func:`codebook_xml`).

    Raises
    ------
    InputDataError
        If ``path`` does not end in ``.qdc``.
    """
    dest = Path(path)
    if dest.suffix.lower() != ".qdc":
        raise InputDataError("a REFI-QDA codebook is written as a .qdc file", path=str(dest))
    data = codebook_xml(flat=flat)

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return atomic_write(dest, write)


@lru_cache(maxsize=1)
def _by_guid() -> dict[str, str]:
    return {code_guid(slug): slug for slug in get_taxonomy().slugs}


def slug_for_code(code: ET.Element) -> str:
    """Return the slug a ``Code`` element stands for, or ``""`` for any other code.

    The GUID decides when it is one of ours; otherwise the name: a leading id (``F4 ...``) or a slug.
    Programs that give imported codes new GUIDs keep their names.
    """
    tax = get_taxonomy()
    key = (code.get("guid") or "").strip().strip("{}").lower()
    if key in _by_guid():
        return _by_guid()[key]
    if local_name(code.tag) != "Code" or code.get("isCodable") == "false":
        return ""
    name = code.get("name") or ""
    match = _ID_PREFIX.match(name)
    if match and match.group(1) in tax:
        return tax[match.group(1)].slug
    words = set(re.findall(r"[a-z_]+", name.casefold()))
    found = [s for s in tax.slugs if s in words]
    return found[0] if len(found) == 1 else ""
