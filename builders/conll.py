"""The one CoNLL reader every builder shares: ``token<space or tab>TAG`` lines, blank between sentences.

Bad input is either an error that names the file, the line and the offending text, or — when the
caller asks for lenient reading — a line skipped and counted in a :class:`ReadReport`, so that
nothing is lost without a trace.
"""

from __future__ import annotations

import os
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from projner.errors import UserError
from projner.labels import LabelMap, split_tag
from projner.text_lines import numbered_lines

DOCSTART = "-DOCSTART-"


class ConllError(UserError):
    """A line of a CoNLL file that cannot be read, with where it is and what it holds."""

    def __init__(self, path: str | os.PathLike, line: int, problem: str, text: str) -> None:
        self.path, self.line, self.problem, self.text = os.fspath(path), line, problem, text
        super().__init__(f"{self.path}, line {line}: {problem}: {text!r}")


class UnlabelledFileError(ConllError):
    """A file read as gold whose lines carry no tags (e.g. XTREME's preprocessed test files)."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence as read: its words, its tags (None for unlabelled files) and where it starts."""

    tokens: list[str]
    tags: list[str] | None
    line: int


@dataclass(frozen=True, slots=True)
class Skipped:
    """A line (or an emptied sentence) that lenient reading left out."""

    path: str
    line: int
    reason: str
    text: str


@dataclass
class ReadReport:
    """What a read kept and what it skipped, by reason; builders expose one per split."""

    path: str
    sentences: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    types: Counter = field(default_factory=Counter)
    """Entities per type as written in the file (before any label map), so a typo shows as a rare type."""
    repaired: list[int] = field(default_factory=list)
    """Lines whose ``I-X`` started an entity and was read as ``B-X`` (where the read repairs)."""
    tolerated: list[Skipped] = field(default_factory=list)
    """Known defects of official files read as their official loader does, warned about (not strict)."""

    def counts(self) -> dict[str, int]:
        """Skipped items by reason."""
        return dict(Counter(item.reason for item in self.skipped))

    def to_dict(self) -> dict:
        """Plain JSON-ready form, so a report can be stored beside a built dataset."""
        return {"path": self.path, "sentences": self.sentences,
                "skipped": [[s.line, s.reason, s.text] for s in self.skipped],
                "types": dict(self.types), "repaired": self.repaired,
                "tolerated": [[s.line, s.reason, s.text] for s in self.tolerated]}

    @classmethod
    def from_dict(cls, data: dict) -> ReadReport:
        path = data["path"]
        skipped = [Skipped(path, line, reason, text) for line, reason, text in data["skipped"]]
        tolerated = [Skipped(path, line, reason, text) for line, reason, text in data.get("tolerated", [])]
        return cls(path, data["sentences"], skipped, Counter(data.get("types", {})),
                   list(data.get("repaired", [])), tolerated)


def _decoded_lines(path: str, report: ReadReport, lenient: bool) -> Iterator[tuple[int, str | None]]:
    """Numbered lines without BOM and line ends; a non-UTF-8 line is an error, or (lenient) counted
    in ``report`` and yielded as None so that the sentence it belonged to knows it lost a line."""

    def undecodable_line(number: int, problem: str, shown: str) -> None:
        if not lenient:
            raise ConllError(path, number, problem, shown)
        report.skipped.append(Skipped(path, number, "not UTF-8", shown))

    for number, text in numbered_lines(path, undecodable_line):
        yield number, None if text is None else text.rstrip("\r\n")


def _fields(text: str) -> list[str]:
    """Columns of a line: tab-separated where it has a tab (tokens may hold spaces), else whitespace."""
    if "\t" in text:
        return [f.strip() for f in text.split("\t")]
    return text.split()


def _check_labelled(path: str) -> None:
    """Refuse a file whose first two token lines have one column: it holds no tags at all.

    Two lines, so that one tagless line at the start of a gold file is reported as the bad line it
    is rather than as an unlabelled file.
    """
    first: tuple[int, str] | None = None
    seen = 0
    for number, text in _decoded_lines(path, ReadReport(path), lenient=True):
        fields = _fields(text or "")
        if not fields or fields[0] == DOCSTART:
            continue
        if len(fields) != 1:
            return
        first = first or (number, text)
        seen += 1
        if seen == 2:
            break
    if first is not None:
        raise UnlabelledFileError(
            path, first[0], "file has no labels (one column a line); it cannot serve as gold", first[1]
        )


def _column_problem(fields: list[str], columns: int) -> str:
    problem = f"expected {columns} column{'s' if columns > 1 else ''}, found {len(fields)}"
    if columns == 2 and len(fields) == 1:
        try:
            split_tag(fields[0])
            problem += " (the token is missing)"
        except ValueError:
            problem += " (the tag is missing)"
    return problem


def read_conll(
    path: str | os.PathLike,
    *,
    labelled: bool = True,
    labels: Sequence[str] | None = None,
    label_map: LabelMap | None = None,
    token_prefix: str | None = None,
    lenient: bool = False,
    report: ReadReport | None = None,
    keep_empty: bool = False,
    repair: bool = False,
    tolerate_missing_tokens: bool = False,
) -> Iterator[Sentence]:
    """Yield the sentences of a CoNLL file.

    ``labelled``: lines are ``token TAG`` (tab- or space-separated); otherwise one token a line.
    A labelled read of a file without tags raises :class:`UnlabelledFileError`, lenient or not.
    ``labels``: the allowed tags after ``label_map`` (None allows any IOB2 tag).
    ``token_prefix``: a prefix every token carries and that is removed (raw XTREME ``en:``).
    ``lenient``: skip bad lines and count them in ``report`` instead of raising.
    ``keep_empty``: also yield (with no tokens) a sentence whose every line lenient reading
    skipped, so that sentence-aligned files stay aligned; it is counted as skipped either way.
    ``repair``: an ``I-X`` that starts an entity becomes ``B-X`` (after the label map), its line
    recorded in ``report.repaired`` (seqeval's strict mode would otherwise count it as an error).
    ``tolerate_missing_tokens``: a tagged line without a token (a known defect of official files,
    which their loader reads as an empty token) is skipped, recorded in ``report.tolerated`` and
    warned about once per file, instead of being an error.
    """
    path = os.fspath(path)
    report = report if report is not None else ReadReport(path)
    if labelled:
        _check_labelled(path)
    allowed = frozenset(labels) if labels is not None else None
    columns = 2 if labelled else 1
    tokens: list[str] = []
    tags: list[str] = []
    raw_tags: list[str] = []
    tag_lines: list[int] = []
    start = 0
    skipped_in_sentence = False

    def problem(number: int, reason: str, text: str) -> None:
        if not lenient:
            raise ConllError(path, number, reason, text)
        report.skipped.append(Skipped(path, number, reason, text))

    def flush() -> Iterator[Sentence]:
        nonlocal tokens, tags, raw_tags, tag_lines, skipped_in_sentence
        if tokens:
            report.sentences += 1
            if labelled:
                report.types.update(etype for etype, _ in entity_starts(raw_tags))
                if repair:
                    report.repaired.extend(tag_lines[i] for _, i in entity_starts(tags) if tags[i][0] == "I")
                    tags = repair_iob2(tags)
            yield Sentence(tokens, tags if labelled else None, start)
        elif skipped_in_sentence:
            report.skipped.append(Skipped(path, start, "empty sentence", ""))
            if keep_empty:
                yield Sentence([], [] if labelled else None, start)
        tokens, tags, raw_tags, tag_lines, skipped_in_sentence = [], [], [], [], False

    for number, text in _decoded_lines(path, report, lenient):
        if text is None:  # undecodable, already counted
            start = number if not tokens and not skipped_in_sentence else start
            skipped_in_sentence = True
            continue
        if not text.strip():
            yield from flush()
            continue
        fields = _fields(text)
        if fields[0] == DOCSTART:
            yield from flush()
            continue
        if not tokens and not skipped_in_sentence:
            start = number
        missing_token = labelled and (len(fields) == 1 or not fields[0]) and _is_tag(fields[-1])
        if missing_token and tolerate_missing_tokens and len(fields) <= columns:
            report.tolerated.append(Skipped(path, number, MISSING_TOKEN, text))
            continue
        if len(fields) != columns:
            problem(number, _column_problem(fields, columns), text)
            skipped_in_sentence = True
            continue
        token = fields[0]
        if token_prefix is not None:
            if not token.startswith(token_prefix):
                problem(number, f"token lacks the prefix {token_prefix!r}", text)
                skipped_in_sentence = True
                continue
            token = token[len(token_prefix):]
        if not token:
            problem(number, "empty token", text)
            skipped_in_sentence = True
            continue
        if labelled:
            tag = fields[1]
            if not _is_tag(tag):
                problem(number, f"tag {tag!r} is not IOB2 (O, B-TYPE or I-TYPE)", text)
                skipped_in_sentence = True
                continue
            raw = tag
            if label_map is not None:
                tag = label_map.map_tag(tag)
            if allowed is not None and tag not in allowed:
                problem(number, f"tag {tag!r} is outside the label set ({', '.join(sorted(allowed))})", text)
                skipped_in_sentence = True
                continue
            tags.append(tag)
            raw_tags.append(raw)
            tag_lines.append(number)
        tokens.append(token)
    yield from flush()
    if report.tolerated:
        first = report.tolerated[0]
        warnings.warn(
            f"{path}: {len(report.tolerated)} line(s) with a tag but no token skipped (first: line {first.line}, "
            f"{first.text!r}); the official loader reads them as empty tokens. strict=True makes this an error",
            KnownDefectWarning, stacklevel=2,
        )


MISSING_TOKEN = "tag without a token (known defect, line skipped)"


class KnownDefectWarning(UserWarning):
    """A known defect of an official file, read as its official loader does and counted."""


def _is_tag(text: str) -> bool:
    try:
        split_tag(text)
    except ValueError:
        return False
    return True


def entity_starts(tags: Sequence[str]) -> Iterator[tuple[str, int]]:
    """``(type, position)`` of each entity a tag sequence starts: a ``B-X``, or an ``I-X`` that does
    not continue an ``X`` (which IOB1 readers and seqeval's lenient mode take as a start)."""
    previous = ""
    for position, tag in enumerate(tags):
        prefix, etype = split_tag(tag)
        if prefix == "B" or (prefix == "I" and etype != previous):
            yield etype, position
        previous = etype
def repair_iob2(tags: Sequence[str]) -> list[str]:
    """IOB1-style tags to IOB2: an ``I-X`` that does not continue an ``X`` entity becomes ``B-X``."""
    starts = {position for _, position in entity_starts(tags)}
    return [f"B-{tag[2:]}" if position in starts else tag for position, tag in enumerate(tags)]
