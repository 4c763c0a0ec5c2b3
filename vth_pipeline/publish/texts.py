"""Texts by policy staff (`assets/teksten/<jaar>.md`), with figures filled from the tables.

The file is Markdown, one per reporting year and optional. Text before the first `##` heading
is the introduction; `## Kernboodschappen` replaces the generated key messages; a `##` heading
that is a chapter's title opens that chapter. Figures are written as placeholders and filled at
build time from the published tables of the year, formatted as the report's tables show them:

    {{ cijfer("controles") }}                          the national value (12.791)
    {{ cijfer("controles", partner="ODH") }}           a partner's (provincie's, scope's) value
    {{ cijfer("controles", jaar=2022) }}               the national value of an earlier year
    {{ verschil("controles") }}                        the like-for-like change, as the report
    {{ geleverd("controles") }}                        completeness (25 van 28 omgevingsdiensten)

A placeholder is parsed with `ast` (never evaluated): only these calls with literal arguments.
An unknown figure, partner or year, or an empty figure, raises `TekstFout` with one Dutch line
naming the file, the line and the name, and the nearest allowed names. Markdown is rendered by
markdown-it-py in CommonMark mode with raw HTML off: markup in the text reaches the page
escaped, and links other than http(s), mailto and relative ones are not made.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from markdown_it import MarkdownIt
from markupsafe import Markup

from vth_pipeline.publish.data import PublicationData
from vth_pipeline.publish.formatting import nl_figure
from vth_pipeline.publish.report_tables import change_text

TEXTS_DIR = "teksten"
KEY_MESSAGES = "Kernboodschappen"
# The report's chapters: id in the page -> title (a heading in the text may carry the number).
CHAPTERS: dict[str, str] = {
    "omgevingsdiensten": "Output van de omgevingsdiensten",
    "provincies": "Provincies",
    "uitkomsten": "Uitkomsten",
    "seveso": "Geïntegreerd Seveso-toezicht",
    "trends": "Door de jaren",
}
FUNCTIONS = ("cijfer", "verschil", "geleverd")
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
# Columns of the partner tables that are not figures.
NOT_FIGURES = ("partner_code", "provincie_code", "scope", "naam", "opmerking")
HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$")
# A number typed by hand: digits, with Dutch separators inside (12.791, 3,1).
HAND_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


class TekstFout(ValueError):
    """A text that cannot be published as written (Dutch message: file, line, name)."""


@dataclass
class Section:
    title: str  # '' for the introduction
    line: int  # line of the heading in the file (1-based)
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, text)


@dataclass(frozen=True)
class Texts:
    """A year's texts, rendered to safe HTML (and kept as Markdown for the Word version)."""

    path: str  # as named in messages (relative to the project where possible)
    inleiding: str  # Markdown with the figures filled in
    kernboodschappen: str | None
    hoofdstukken: dict[str, str]  # chapter id -> Markdown

    def html(self, markdown: str | None) -> Markup | None:
        return render_markdown(markdown) if markdown else None


def text_path(assets_dir: Path, year: int) -> Path:
    return assets_dir / TEXTS_DIR / f"{year}.md"


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _safe_link  # only http(s), mailto and relative links become links
    return md


def _safe_link(url: str) -> bool:
    scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return scheme is None or scheme.group(1).lower() in ("http", "https", "mailto")


def render_markdown(text: str) -> Markup:
    """Markdown to HTML; raw HTML in the text is escaped, never passed on."""
    return Markup(_markdown().render(text))


def markdown_tokens(text: str):
    """The token stream (for the Word version), parsed with the same safe settings."""
    return _markdown().parse(text)


def _sections(text: str) -> list[Section]:
    sections = [Section("", 0)]
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        m = None if fenced else HEADING.match(line)
        if m:
            sections.append(Section(m.group(1).strip(), number))
        else:
            sections[-1].lines.append((number, line))
    return sections


def _chapter_of(title: str) -> str | None:
    bare = re.sub(r"^\d+\.?\s*", "", title).strip().casefold()
    for chapter, name in CHAPTERS.items():
        if bare == name.casefold():
            return chapter
    return None


def _nearest(name: str, allowed: list[str]) -> str:
    near = difflib.get_close_matches(name, allowed, n=3, cutoff=0.5)
    if not near:
        near = sorted(allowed)[:5]
    return ", ".join(near)


class Filler:
    """Fills the placeholders of one text from the year's published tables."""

    def __init__(self, data: PublicationData, path: str):
        self.data = data
        self.path = path
        landelijk = data.table("landelijk.csv")
        self.national = {r["figuur"]: r for r in landelijk.iter_rows(named=True)}
        self.series = {
            (j, f): w
            for j, f, w in data.landelijk_reeks.select("jaar", "figuur", "waarde").iter_rows()
        }
        self.years = sorted({j for j, _ in self.series})
        # partner-level tables: the column names are the figures, the key names the partner
        self.partner_tables = [
            (data.table("omgevingsdiensten.csv"), "partner_code", ""),
            (data.table("provincies.csv"), "provincie_code", ""),
            (data.table("seveso.csv"), "scope", "seveso_"),
        ]

    def fail(self, line: int, what: str) -> TekstFout:
        return TekstFout(f"{self.path}, regel {line}: {what}")

    def _figure(self, line: int, name: str) -> dict:
        row = self.national.get(name)
        if row is None:
            raise self.fail(
                line,
                f'onbekend cijfer "{name}"; bedoelt u: {_nearest(name, list(self.national))}?',
            )
        return row

    def cijfer(self, line: int, name: str, partner: str | None = None, jaar=None) -> str:
        if partner is not None and jaar is not None:
            raise self.fail(line, f'cijfer("{name}"): jaar= kan alleen bij een landelijk cijfer')
        if partner is not None:
            return self._partner_value(line, name, partner)
        self._figure(line, name)
        if jaar is None:
            jaar = self.data.year
        if not isinstance(jaar, int) or jaar not in self.years:
            allowed = ", ".join(map(str, self.years))
            raise self.fail(line, f'onbekend jaar "{jaar}" bij "{name}"; mogelijk: {allowed}')
        value = self.series.get((jaar, name))
        if value is None:
            raise self.fail(line, f'cijfer "{name}" is leeg in {jaar} en kan niet in de tekst')
        return nl_figure(value, name)

    def _partner_value(self, line: int, name: str, partner: str) -> str:
        known: set[str] = set()
        for frame, key, prefix in self.partner_tables:
            column = name.removeprefix(prefix)
            if not name.startswith(prefix) or column not in frame.columns or column in NOT_FIGURES:
                continue
            codes = frame[key].to_list()
            known |= set(codes)
            if partner in codes:
                value = frame.filter(pl.col(key) == partner)[column][0]
                if value is None:
                    raise self.fail(
                        line,
                        f'cijfer "{name}" van {partner} is leeg in {self.data.year} en kan niet '
                        "in de tekst",
                    )
                return nl_figure(value, column)
        if not known:
            figures = sorted(
                f"{p}{c}"
                for fr, _, p in self.partner_tables
                for c in fr.columns
                if c not in NOT_FIGURES
            )
            raise self.fail(
                line,
                f'onbekend cijfer per partner "{name}"; bedoelt u: {_nearest(name, figures)}?',
            )
        raise self.fail(
            line,
            f'onbekende partner "{partner}" bij "{name}"; bedoelt u: '
            f"{_nearest(partner, sorted(known))}?",
        )

    def verschil(self, line: int, name: str) -> str:
        from_report = like_for_like_text(self.data, name)
        self._figure(line, name)
        if from_report is None:
            raise self.fail(
                line,
                f'verschil "{name}" is leeg: er is geen vergelijking met {self.data.year - 1}',
            )
        return from_report

    def geleverd(self, line: int, name: str) -> str:
        row = self._figure(line, name)
        if row["geleverd"] is None or row["verwacht"] is None:
            raise self.fail(line, f'geleverd "{name}" is leeg')
        who = "verplichte partners" if name.startswith("seveso_") else "omgevingsdiensten"
        return f"{row['geleverd']} van {row['verwacht']} {who}"

    def call(self, line: int, source: str) -> str:
        """The value of one placeholder's expression (`cijfer("controles")`)."""
        try:
            node = ast.parse(source.strip(), mode="eval").body
        except SyntaxError:
            node = None
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            raise self.fail(
                line,
                f"onleesbare plaatsaanduiding {{{{{source}}}}}; schrijf bijvoorbeeld "
                '{{ cijfer("controles") }}',
            )
        func = node.func.id
        if func not in FUNCTIONS:
            raise self.fail(
                line, f'onbekende functie "{func}"; bedoelt u: {_nearest(func, list(FUNCTIONS))}?'
            )
        args = [a.value for a in node.args if isinstance(a, ast.Constant)]
        kwargs = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
        allowed = {"cijfer": ("partner", "jaar")}.get(func, ())
        wrong = [k.arg for k in node.keywords if k.arg not in allowed]
        if (
            len(args) != 1
            or len(args) != len(node.args)
            or len(kwargs) != len(node.keywords)
            or not isinstance(args[0], str)
            or wrong
        ):
            extra = f" (onbekend: {', '.join(map(str, wrong))})" if wrong else ""
            raise self.fail(
                line,
                f"{func}() verwacht één cijfernaam tussen aanhalingstekens"
                + (', en eventueel partner="..." of jaar=...' if allowed else "")
                + extra,
            )
        return getattr(self, func)(line, args[0], **kwargs)

    def fill(self, lines: list[tuple[int, str]]) -> str:
        out = []
        for number, text in lines:
            out.append(PLACEHOLDER.sub(lambda m, n=number: self.call(n, m.group(1)), text))
            rest = PLACEHOLDER.sub("", text)
            if "{{" in rest or "}}" in rest:
                raise self.fail(number, "een plaatsaanduiding is niet gesloten met }}")
        return "\n".join(out).strip() + "\n" if any(t.strip() for _, t in lines) else ""


def like_for_like_text(data: PublicationData, figure: str) -> str | None:
    """The report's words for the change over the kern, or None when there is no change."""
    row = data.comparison(figure)
    if row is None or row["verschil"] is None:
        return None
    if figure.startswith("seveso_"):
        return f"dezelfde partners leverden als in {data.year - 1}: {change_text(row)}"
    who = "gebieden" if figure.startswith("uitkomst_") else "omgevingsdiensten"
    return f"bij dezelfde {row['partners_beide']} {who} als in {data.year - 1}: {change_text(row)}"


def load_texts(data: PublicationData, assets_dir: Path) -> Texts | None:
    """The year's texts with every placeholder filled, or None when there is no file."""
    path = text_path(assets_dir, data.year)
    if not path.is_file():
        return None
    return parse_texts(path.read_text(encoding="utf-8"), data, shown_path(path))


def shown_path(path: Path) -> str:
    """The file as messages name it: relative to the working folder where it lies below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def parse_texts(text: str, data: PublicationData, path: str) -> Texts:
    filler = Filler(data, path)
    sections = _sections(text)
    inleiding = filler.fill(sections[0].lines)
    kern = None
    chapters: dict[str, str] = {}
    for s in sections[1:]:
        if s.title.casefold() == KEY_MESSAGES.casefold():
            kern = filler.fill(s.lines)
            continue
        chapter = _chapter_of(s.title)
        if chapter is None:
            allowed = [KEY_MESSAGES, *CHAPTERS.values()]
            raise filler.fail(
                s.line,
                f'onbekende kop "{s.title}"; bedoelt u: {_nearest(s.title, allowed)}? (een kop '
                "## is Kernboodschappen of de titel van een hoofdstuk; gebruik ### binnen een "
                "hoofdstuk)",
            )
        if chapter in chapters:
            raise filler.fail(s.line, f'het hoofdstuk "{s.title}" staat twee keer in de tekst')
        chapters[chapter] = filler.fill(s.lines)
    return Texts(path, inleiding, kern, chapters)


def hand_numbers(text: str) -> list[tuple[int, str]]:
    """Every number typed by hand (digits not produced by a placeholder), with its line."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        rest = PLACEHOLDER.sub(" ", line)
        rest = re.sub(r"^\s*(#+|\d+[.)])\s", " ", rest)  # heading marks and list numbers
        found += [(number, m.group(0)) for m in HAND_NUMBER.finditer(rest)]
    return found
