"""``activity-classifier taxonomy``: print the eleven activity types."""

from __future__ import annotations

import argparse
import csv
import io
import json

from ..taxonomy import get_taxonomy

__all__ = ["register"]


def _taxonomy_table(fmt: str) -> str:
    tax = get_taxonomy()
    cols = ["id", "slug", "group", "name_nl", "name_en"]
    rows = [[t.id, t.slug, t.group, t.name_nl, t.name_en] for t in tax]
    if fmt == "json":
        return json.dumps([dict(zip(cols, r, strict=True)) for r in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    if fmt == "markdown":
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols[:3])]
    out = ["  ".join(c.ljust(w) for c, w in zip(cols[:3], widths, strict=True)) + "  name_nl"]
    out += ["  ".join(v.ljust(w) for v, w in zip(r[:3], widths, strict=True)) + "  " + r[3] for r in rows]
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    print(_taxonomy_table(args.format))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``taxonomy`` sub-command."""
    p = sub.add_parser("taxonomy", help="print the eleven activity types")
    p.add_argument("--format", choices=["table", "json", "csv", "markdown"], default="table")
    p.set_defaults(func=run)
