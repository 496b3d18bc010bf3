"""REFI-QDA exchange: the codebook (``.qdc``) and coded activities (``.qdpx``) for ATLAS.ti, MAXQDA, NVivo, QualCoder.

:func:`write_codebook` writes the eleven types as a codebook; :func:`write_project` writes a review table or
a table of predictions as a project whose sources are the activities, each coded with its label;
:func:`read_qdpx` reads such a project back, after its codings were changed in a QDA program, as the items
:func:`activity_classifier.review.merge_reviewed` merges. Every file written is validated against the
published REFI-QDA schemas (packaged in ``schemas/``, MIT licence, see the README there).
"""

from ._codebook import GUID_NAMESPACE, code_guid, codebook_xml, write_codebook
from ._project import ProjectSummary, project_xml, write_project
from ._read import read_qdpx

__all__ = [
    "GUID_NAMESPACE",
    "ProjectSummary",
    "code_guid",
    "codebook_xml",
    "project_xml",
    "read_qdpx",
    "write_codebook",
    "write_project",
]
