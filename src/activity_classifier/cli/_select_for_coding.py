"""``activity-classifier select-for-coding``: the next batch of uncoded activities to code, as a review workbook."""

from __future__ import annotations

import argparse
import sys

from ._support import add_trust_model, writing

__all__ = ["register"]


def run(args: argparse.Namespace) -> int:
    from ..annotate import TableOptions, format_for, prelabel, select_for_coding, text_key, write_output
    from ..corpus import load_labelled
    from ..exceptions import EmptyInputError, InputDataError
    from ..persistence import load_model
    from ..policy import ReviewReason

    if args.n < 1:
        raise InputDataError(f"--n must be at least 1, not {args.n}")
    fmt = format_for(args.output, args.format)  # fail on a bad output name before reading anything
    if fmt not in ("xlsx", "csv"):
        raise InputDataError("select-for-coding writes a review workbook: .xlsx or .csv", path=args.output)
    coded: set[str] = set()
    for path in args.exclude or ():
        coded.update(text_key(t) for t in load_labelled(path, group_column=None).texts)
    model = load_model(args.model, trust=args.trust_model)
    result = prelabel(
        args.inputs,
        model=model,
        redact_personal_data=args.redact,
        table=TableOptions(text_column=args.text_column, layout=args.layout),
    )
    frame = result.frame
    keep = ~frame["review_reason"].str.contains(ReviewReason.EMPTY_TEXT) & ~frame["text"].map(text_key).isin(coded)
    candidates = frame[keep].reset_index(drop=True)
    if candidates.empty:
        raise EmptyInputError("no uncoded, non-empty activities to choose from", path=str(args.inputs[0]))
    selection = select_for_coding(list(candidates["text"]), model, args.n, seed=args.seed)
    batch = candidates.iloc[selection.indices].reset_index(drop=True)
    batch["selection_rank"] = range(1, len(batch) + 1)
    batch["selection_uncertainty"] = [round(v, 3) for v in selection.uncertainty]
    batch["selection_rarity"] = [round(v, 3) for v in selection.rarity]
    written = writing(
        args.output,
        lambda: write_output(batch, args.output, fmt, model_version=result.model_version, inputs=result.ingested.files),
    )
    skipped = len(frame) - len(candidates)
    print(
        f"{len(batch)} of {len(candidates)} candidate activities selected for coding"
        + (f" ({skipped} empty or already coded left out)" if skipped else "")
        + f"; written to {', '.join(str(p) for p in written)}. Fill in label_reviewed, then "
        "'import-reviewed' and 'train --add-bundled-corpus'.",
        file=sys.stderr,
    )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``select-for-coding`` sub-command."""
    p = sub.add_parser(
        "select-for-coding",
        help="choose the uncoded activities whose coding helps the model most, as a review workbook",
        description="Classify uncoded activities and pick a batch to code: those the model is least sure "
        "of, of types it rarely predicts, and unlike each other (no near-duplicates in one batch). Writes the "
        "review workbook of 'prelabel' (label_reviewed column) with selection_rank; code it and bring it back "
        "with 'import-reviewed', then 'train --data FILE --add-bundled-corpus'.",
    )
    p.add_argument("inputs", nargs="+", metavar="UNCODED", help="files or folders of uncoded activities")
    p.add_argument("--model", help="model directory (default: the shipped default model)")
    p.add_argument("--n", type=int, default=50, help="activities to select (default 50)")
    p.add_argument("--output", "-o", required=True, help="review workbook to write (.xlsx or .csv)")
    p.add_argument("--format", choices=["xlsx", "csv"], help="output format (default: from the output's suffix)")
    p.add_argument("--seed", type=int, default=0, help="random seed (ties, large pools; default 0)")
    p.add_argument("--exclude", action="append", metavar="CODED", help="labelled file whose texts are left out")
    p.add_argument("--redact", action="store_true", help="replace e-mail addresses, phone and student numbers")
    p.add_argument("--text-column", help="tables: the column with one activity a row")
    p.add_argument("--layout", choices=["auto", "long", "wide"], default="auto", help="tables: force a layout")
    add_trust_model(p)
    p.set_defaults(func=run)
