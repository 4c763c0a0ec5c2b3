"""Inspect an XLSX workbook with the standard library before fastexcel may touch it.

fastexcel (calamine) allocates the dense grid from the first to the last filled cell of a sheet
before it returns anything, and aborts the whole process when that fails: a 1.7 KB workbook
whose only far cell sits at XFD1048576 asks for 512 GiB. So what a workbook claims (zip sizes,
the used range) and what it holds (cell addresses, shared texts, XML depth) is checked here
first, streaming, with every read capped, against the limits in `contract.columns`. Measured on
fastexcel 0.21: the declared `<dimension>` is not allocated (only cells with a value are), and
an empty styled cell is not a cell; the box from A1 to the last valued cell is.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from vth_pipeline.contract.columns import (
    COMPRESSION_CHECK_BYTES,
    MAX_COMPRESSION_RATIO,
    MAX_SHARED_STRINGS,
    MAX_SHEET_CELLS,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    MAX_UNPACKED_BYTES,
    MAX_XML_DEPTH,
    MAX_ZIP_ENTRIES,
    cut,
    dutch_number,
)

TOO_LARGE = "werkblad te groot"
UNREADABLE = "bestand kan niet als XLSX-werkmap gelezen worden"
_CHUNK = 1 << 16
_REF = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


class XlsxRejection(ValueError):
    """The workbook may not be loaded; the message is Dutch and meant for the partner."""


@dataclass
class _Budget:
    """Unpacked bytes left for the whole workbook: declared sizes can lie, reads cannot."""

    left: int = MAX_UNPACKED_BYTES


def inspect_xlsx(path: Path, kind_name: str) -> str:
    """The name of the sheet to load (named after the kind, else the first), once every part
    fastexcel reads is within bounds; raises XlsxRejection otherwise."""
    try:
        with zipfile.ZipFile(path) as book:
            return _inspect(book, kind_name)
    except XlsxRejection:
        raise
    except zipfile.BadZipFile as e:  # the commonest case, said in the partner's language
        raise XlsxRejection(
            f"{UNREADABLE} (het bestand is geen zip-archief, wat een XLSX-werkmap wel is)"
        ) from e
    except Exception as e:  # zipfile, zlib and expat raise many kinds for broken bytes
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise XlsxRejection(f"{UNREADABLE} ({cut(reason)})") from e


def _inspect(book: zipfile.ZipFile, kind_name: str) -> str:
    infos = book.infolist()
    _check_declared(infos)
    budget = _Budget()
    names = {i.filename for i in infos}
    for required in (_WORKBOOK, _WORKBOOK_RELS):
        if required not in names:
            raise XlsxRejection(f"{UNREADABLE} (onderdeel {required} ontbreekt)")
    sheets = _sheets(book, budget)
    if not sheets:
        raise XlsxRejection("werkmap bevat geen bladen")
    targets = _relationships(book, budget)
    sheet, rid = next(((n, r) for n, r in sheets if n.strip().lower() == kind_name), sheets[0])
    part = _part_name(targets.get(rid, ""))
    if not part or part not in names:
        raise XlsxRejection(f"{UNREADABLE} (blad '{cut(sheet)}' ontbreekt in de werkmap)")
    if "xl/sharedStrings.xml" in names:
        _check_shared_strings(book, budget)
    _check_sheet(book, part, sheet, budget)
    # Every other part counts against the budget too (calamine reads styles, for one).
    for info in infos:
        if info.filename not in (_WORKBOOK, _WORKBOOK_RELS, part, "xl/sharedStrings.xml"):
            for _ in _chunks(book, info.filename, budget):
                pass
    return sheet


def _check_declared(infos: list[zipfile.ZipInfo]) -> None:
    """What the zip directory claims: entries, unpacked total, compression ratio."""
    if len(infos) > MAX_ZIP_ENTRIES:
        raise XlsxRejection(
            f"{UNREADABLE} (de werkmap heeft {dutch_number(len(infos))} onderdelen; "
            f"de grens is {dutch_number(MAX_ZIP_ENTRIES)})"
        )
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise XlsxRejection(_unpacked_message(total))
    for i in infos:
        if i.file_size >= COMPRESSION_CHECK_BYTES and i.file_size > MAX_COMPRESSION_RATIO * max(
            i.compress_size, 1
        ):
            raise XlsxRejection(
                f"{TOO_LARGE} (onderdeel {cut(i.filename)} pakt uit tot "
                f"{dutch_number(i.file_size)} bytes uit {dutch_number(i.compress_size)}: meer "
                f"dan {MAX_COMPRESSION_RATIO} keer zo groot)"
            )


def _unpacked_message(total: int, more: bool = False) -> str:
    amount = f"meer dan {dutch_number(total)}" if more else dutch_number(total)
    return (
        f"{TOO_LARGE} (de werkmap pakt uit tot {amount} bytes; de grens is "
        f"{dutch_number(MAX_UNPACKED_BYTES)} bytes)"
    )


def _chunks(book: zipfile.ZipFile, name: str, budget: _Budget) -> Iterator[bytes]:
    """The unpacked bytes of one entry, stopping as soon as the workbook's budget is spent."""
    with book.open(name) as f:
        while chunk := f.read(_CHUNK):
            budget.left -= len(chunk)
            if budget.left < 0:
                raise XlsxRejection(_unpacked_message(MAX_UNPACKED_BYTES, more=True))
            yield chunk


def _parse(
    book: zipfile.ZipFile,
    name: str,
    budget: _Budget,
    start: Callable[[str, dict[str, str], int], None],
) -> None:
    """Stream one XML part through expat: `start(local name, attributes, depth)` per element.

    No DTD or entity is accepted (no entity expansion), and nesting deeper than MAX_XML_DEPTH
    is rejected, so neither the parse nor calamine's can be made to grow without bound."""
    parser = expat.ParserCreate(namespace_separator=" ")
    depth = 0

    def on_start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise XlsxRejection(
                f"{UNREADABLE} (XML in {cut(name)} is dieper genest dan {MAX_XML_DEPTH} niveaus)"
            )
        start(tag.rpartition(" ")[2], attrs, depth)

    def on_end(tag: str) -> None:
        nonlocal depth
        depth -= 1

    def no_dtd(*_args: object) -> None:
        raise XlsxRejection(f"{UNREADABLE} (XML in {cut(name)} bevat een DTD of entiteiten)")

    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    try:
        for chunk in _chunks(book, name, budget):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as e:
        raise XlsxRejection(f"{UNREADABLE} (onjuiste XML in {cut(name)}: {cut(str(e))})") from e


def _local_attr(attrs: dict[str, str], local: str) -> str | None:
    """An attribute by local name, whatever namespace prefix the writer used."""
    for key, value in attrs.items():
        if key.rpartition(" ")[2] == local:
            return value
    return None


def _sheets(book: zipfile.ZipFile, budget: _Budget) -> list[tuple[str, str]]:
    """(name, relationship id) of every sheet, in workbook order."""
    sheets: list[tuple[str, str]] = []

    def start(tag: str, attrs: dict[str, str], depth: int) -> None:
        if tag == "sheet":
            sheets.append((attrs.get("name", ""), _local_attr(attrs, "id") or ""))

    _parse(book, _WORKBOOK, budget, start)
    return sheets


def _relationships(book: zipfile.ZipFile, budget: _Budget) -> dict[str, str]:
    targets: dict[str, str] = {}

    def start(tag: str, attrs: dict[str, str], depth: int) -> None:
        if tag == "Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    _parse(book, _WORKBOOK_RELS, budget, start)
    return targets


def _part_name(target: str) -> str:
    """A relationship target as a zip entry name (relative to xl/, or absolute)."""
    if not target:
        return ""
    name = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return posixpath.normpath(name)


def _check_shared_strings(book: zipfile.ZipFile, budget: _Budget) -> None:
    """calamine keeps every shared text in memory: their number is bounded, their bytes are
    in the budget."""
    count = 0

    def start(tag: str, attrs: dict[str, str], depth: int) -> None:
        nonlocal count
        if tag == "si" and depth == 2:
            count += 1
            if count > MAX_SHARED_STRINGS:
                raise XlsxRejection(
                    f"{TOO_LARGE} (meer dan {dutch_number(MAX_SHARED_STRINGS)} gedeelde teksten)"
                )

    _parse(book, "xl/sharedStrings.xml", budget, start)


def _cell_ref(ref: str, where: str) -> tuple[int, int]:
    """(row, column), 1-based, of an A1 reference; beyond Excel's grid is 'te groot'."""
    m = _REF.fullmatch(ref)
    if not m:
        if re.fullmatch(r"[A-Za-z]+[0-9]+", ref):
            raise XlsxRejection(
                f"{TOO_LARGE} ({where} {cut(ref)} ligt buiten {dutch_number(MAX_SHEET_ROWS)} "
                f"rijen of {dutch_number(MAX_SHEET_COLUMNS)} kolommen)"
            )
        raise XlsxRejection(f"{UNREADABLE} (ongeldig celadres '{cut(ref)}')")
    col = 0
    for letter in m.group(1).upper():
        col = col * 26 + ord(letter) - 64
    row = int(m.group(2))
    if row < 1 or row > MAX_SHEET_ROWS or col > MAX_SHEET_COLUMNS:
        raise XlsxRejection(
            f"{TOO_LARGE} ({where} {ref} ligt buiten {dutch_number(MAX_SHEET_ROWS)} rijen of "
            f"{dutch_number(MAX_SHEET_COLUMNS)} kolommen)"
        )
    return row, col


def _row_number(value: str) -> int:
    if not re.fullmatch(r"[0-9]{1,7}", value) or not 1 <= int(value) <= MAX_SHEET_ROWS:
        if re.fullmatch(r"[0-9]+", value):
            raise XlsxRejection(
                f"{TOO_LARGE} (rij {cut(value)} ligt buiten {dutch_number(MAX_SHEET_ROWS)} rijen)"
            )
        raise XlsxRejection(f"{UNREADABLE} (ongeldig rijnummer '{cut(value)}')")
    return int(value)


def _check_sheet(book: zipfile.ZipFile, part: str, sheet: str, budget: _Budget) -> None:
    """The used range and every cell address within Excel's grid, and the box from A1 to the
    last cell with a value (what calamine allocates) within MAX_SHEET_CELLS."""
    state = {"row": 0, "col": 0, "max_row": 0, "max_col": 0, "cell_depth": -1}

    def start(tag: str, attrs: dict[str, str], depth: int) -> None:
        if tag == "row":
            r = attrs.get("r")
            state["row"] = _row_number(r) if r is not None else state["row"] + 1
            state["col"] = 0
        elif tag == "c":
            r = attrs.get("r")
            if r is not None:
                state["row"], state["col"] = _cell_ref(r, "cel")
            else:
                state["col"] += 1
                if state["col"] > MAX_SHEET_COLUMNS:
                    raise XlsxRejection(
                        f"{TOO_LARGE} (rij {state['row']} heeft meer dan "
                        f"{dutch_number(MAX_SHEET_COLUMNS)} kolommen)"
                    )
            state["cell_depth"] = depth
        elif tag in ("v", "is", "f") and depth == state["cell_depth"] + 1:
            state["max_row"] = max(state["max_row"], state["row"])
            state["max_col"] = max(state["max_col"], state["col"])
            if state["max_row"] * state["max_col"] > MAX_SHEET_CELLS:
                raise XlsxRejection(
                    f"{TOO_LARGE} (blad '{cut(sheet)}' loopt tot rij "
                    f"{dutch_number(state['max_row'])} en kolom "
                    f"{dutch_number(state['max_col'])}: meer dan "
                    f"{dutch_number(MAX_SHEET_CELLS)} cellen)"
                )
        elif tag == "dimension":
            for corner in (attrs.get("ref") or "").split(":")[:2]:
                if corner:
                    _cell_ref(corner.replace("$", ""), "gebruikt bereik tot")

    _parse(book, part, budget, start)
