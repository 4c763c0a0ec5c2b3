"""The rules of the contract as SQL, each declared once with its Dutch message.

A rule is a condition over one staged row that, when true, quarantines the row. Rules are
derived from the column declarations (required, type, code list, range, condition) or are one
of the few named rules below. `staging_sql` turns them into one DuckDB query per file kind; the
same `Rule` objects feed `vth check`, the data-quality annex and `docs/aanlevering.md`.

Inside a rule's SQL, `<col>` is the trimmed text of a column (NULL when empty) and
`<col>__v` its typed value (NULL when it could not be read), `jaar` the reporting year and
`decimaalkomma` whether the file may use a decimal comma.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vth_pipeline.contract.columns import CONTROL_CLASS, FILE_KINDS, Column, FileKind, cut_sql


@dataclass(frozen=True)
class Rule:
    id: str
    kolom: str | None
    violated: str  # SQL boolean; NULL counts as not violated
    melding: str  # Dutch: what is wrong and what is allowed
    detail: str | None = None  # SQL text put before the melding: where in the value (no value)


# Readable notations, shared by messages and docs.
NOTATIONS: dict[str, str] = {
    "date": "JJJJ-MM-DD of DD-MM-JJJJ (voorloopnullen mogen ontbreken)",
    "boolean": "ja/nee, j/n, true/false of 1/0",
    "integer": "een geheel getal (3, 3.0 of 3,0), zonder scheiding van duizendtallen",
    "decimal": "een getal met hoogstens één decimaalteken: '.' of, in bestanden met ';' als "
    "scheidingsteken, ','; zonder scheiding van duizendtallen; meer dan zes decimalen worden "
    "afgerond op zes",
    "number": "een getal met hoogstens één decimaalteken: '.' of, in bestanden met ';' als "
    "scheidingsteken, ','; zonder scheiding van duizendtallen; meer dan zes decimalen worden "
    "afgerond op zes",
}

# Up to 12 digits before the separator (what DECIMAL(18, 6) holds), any number after it: more
# than six decimals are rounded half-to-even (aanlevering.md v1.2).
_NUM_DOT = r"-?[0-9]{1,12}(\.[0-9]+)?"
_NUM_COMMA = r"-?[0-9]{1,12}(,[0-9]+)?"
_MORE_THAN_6 = r".*\.[0-9]{7,}"
# A whole number as written: only a zero fraction, however long (judged before rounding).
_WHOLE = r"-?[0-9]+([.,]0+)?"
# Digits after the sixth decimal above one half, or exactly one half after an odd sixth decimal.
_ROUND_UP = r".*\.[0-9]{6}([6-9]|5[0-9]*[1-9])[0-9]*|.*\.[0-9]{5}[13579]50*"
_DATE = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}"
_TRUE = "('ja', 'j', 'true', '1')"
_FALSE = "('nee', 'n', 'false', '0')"


def _lookup(source: str, key: str, code: str, where: str = "true", text: str = "{c}") -> str:
    """SQL giving the smallest `code` of `source` whose `key` equals `text`, or NULL.

    Written as one lookup map per query (its subquery does not depend on the row), not as a
    correlated subquery: DuckDB plans the latter as a join over the wide rows per column, half
    of a national year's staging. Same answer: the map holds min(code) per key."""
    return (
        f"(SELECT map(list(k), list(v)) FROM (SELECT {key} AS k, min({code}) AS v "
        f"FROM {source} WHERE {where} AND {key} IS NOT NULL GROUP BY 1))[{text}]"
    )


# Registers a code column can refer to: SQL giving the canonical code for text `{c}`, or NULL.
_GM = _lookup("ref.gemeenten", "gm_code", "gm_code", text="upper({c})")
_PV = _lookup("ref.provincies", "provincie_code", "provincie_code", text="upper({c})")

DOMAINS: dict[str, tuple[str, str]] = {
    "bevoegd_gezag": (
        f"coalesce({_GM}, {_PV})",
        "een GM-code uit gemeenten.csv of een PV-code uit provincies.csv",
    ),
    "bevoegd_gezag_jaar": (
        f"coalesce({_GM}, {_PV})",
        "een GM-code uit gemeenten.csv of een PV-code uit provincies.csv",
    ),
    "gebied": (
        f"coalesce({_GM}, {_PV}, CASE WHEN upper({{c}}) = 'NL' THEN 'NL' END)",
        "een GM-code uit gemeenten.csv, een PV-code uit provincies.csv of NL",
    ),
    "gemeente": (_GM, "een GM-code uit gemeenten.csv"),
    "veiligheidsregio": (
        _lookup("ref.veiligheidsregios", "vr_code", "vr_code", text="upper({c})"),
        "een VR-code uit veiligheidsregios.csv",
    ),
    "seveso_omgevingsdienst": (
        _lookup(
            "ref.partners",
            "upper(partner_code)",
            "partner_code",
            where="seveso_omgevingsdienst = 'ja'",
            text="upper({c})",
        ),
        "de partnercode van een Seveso-omgevingsdienst (partners.csv)",
    ),
    "indicator_kengetal": (
        _lookup("ref.indicatoren", "indicator", "indicator", "soort = 'kengetal'", "lower({c})"),
        "een indicator uit indicatoren.csv met soort = kengetal",
    ),
    "indicator_uitkomst": (
        _lookup("ref.indicatoren", "indicator", "indicator", "soort = 'uitkomst'", "lower({c})"),
        "een indicator uit indicatoren.csv met soort = uitkomst",
    ),
}

CODELIST_SQL = _lookup(
    "ref.codelijsten", "lower(code)", "code", where="lijst = '{lijst}'", text="lower({c})"
)

# A GM code must be valid on at least one day of the reporting year.
_GM_VALID_IN_YEAR = (
    "{v} LIKE 'GM%' AND NOT EXISTS (SELECT 1 FROM ref.gemeenten g WHERE g.gm_code = {v} "
    "AND coalesce(g.geldig_van, DATE '1900-01-01') <= make_date(w.jaar, 12, 31) "
    "AND coalesce(g.geldig_tot, DATE '9999-12-31') >= make_date(w.jaar, 1, 1))"
)

# Named rules, referenced from FileKind.extra_rules.
NAMED_RULES: dict[str, Rule] = {
    "datum_in_jaar": Rule(
        "datum_in_jaar",
        "datum",
        "year(datum__v) <> jaar",
        "datum ligt buiten het verslagjaar van de map; toegestaan: een datum in het verslagjaar "
        "(de rij wordt niet naar een ander jaar verplaatst)",
    ),
    "bevoegd_gezag_geldig_op_datum": Rule(
        "geldig_op_datum",
        "bevoegd_gezag",
        "bevoegd_gezag__v LIKE 'GM%' AND datum__v IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
        "ref.gemeenten g WHERE g.gm_code = bevoegd_gezag__v AND coalesce(g.geldig_van, "
        "DATE '1900-01-01') <= datum__v AND coalesce(g.geldig_tot, DATE '9999-12-31') >= datum__v)",
        "de gemeente bestaat niet (meer) op de datum van de controle; toegestaan: een GM-code "
        "die geldig is op `datum` (na een herindeling de code van de nieuwe gemeente)",
    ),
    "indicator_voor_partner": Rule(
        "voor_partner",
        "indicator",
        "indicator__v IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ref.indicatoren i, ref.partners p "
        "WHERE i.indicator = indicator__v AND p.partner_code = w.partner_code "
        "AND i.geleverd_door IN (p.soort, 'alle'))",
        "deze indicator wordt niet door dit soort partner geleverd; toegestaan: de kengetallen "
        "van indicatoren.csv waarvan `geleverd_door` het soort van de partner is",
    ),
    "waarde_eenheid": Rule(
        "eenheid",
        "waarde",
        "indicator__v IS NOT NULL AND waarde__v IS NOT NULL AND EXISTS (SELECT 1 FROM "
        "ref.indicatoren i WHERE i.indicator = indicator__v AND ((i.eenheid IN ('aantal', "
        f"'ja_nee') AND NOT regexp_full_match(waarde::VARCHAR, '{_WHOLE}')) "
        "OR (i.eenheid = 'ja_nee' AND waarde__v NOT IN (0, 1))))",
        "de waarde past niet bij de eenheid van de indicator; toegestaan: een geheel getal bij "
        "eenheid `aantal`, 0 of 1 bij eenheid `ja_nee`",
    ),
    "actief_tot_na_vanaf": Rule(
        "na_actief_vanaf",
        "actief_tot",
        "actief_tot__v < actief_vanaf__v",
        "`actief_tot` ligt vóór `actief_vanaf`; toegestaan: leeg, of een datum op of na "
        "`actief_vanaf`",
    ),
    "inrichting_landelijk_uniek": Rule(
        "landelijk_uniek",
        "inrichting_id",
        "__landelijk_dubbel",
        "dit `inrichting_id` staat ook in het register van een andere provincie; toegestaan: "
        "elk kenmerk in het register van één provincie (beide rijen gaan in quarantaine)",
    ),
    "inrichting_in_register": Rule(
        "in_register",
        "inrichting_id",
        "inrichting_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stg.seveso_inrichtingen r "
        "WHERE r.jaar = w.jaar AND r.inrichting_id = w.inrichting_id)",
        "de inrichting staat niet in de geaccepteerde registers van de provincies voor dit jaar; "
        "toegestaan: een `inrichting_id` uit het Seveso-register van het jaar",
    ),
}

ROW_RULE_TOO_MANY_FIELDS = Rule(
    "te_veel_velden",
    None,
    "__te_veel_velden IS NOT NULL",
    "de rij heeft meer velden dan de kopregel; toegestaan: evenveel velden als kolommen in de "
    "kopregel (controleer scheidingstekens en aanhalingstekens)",
)


# Names of the C0 control characters and DEL, for the melding of rule `controleteken`.
_C0_NAMES = (
    "NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI "
    + "DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US"
)


def control_detail_sql(c: str, column: str) -> str:
    """SQL, over the untrimmed text `c` as received, naming its first control character and
    its 1-based position ('teken U+0000 (NUL) op positie 5 in kolom datum'); NULL without one.

    Judged on the text as received, not the trimmed one: trimming removes a form feed at the
    edge, which the contract counts as a control character too."""
    names = "[" + ", ".join(f"'{n}'" for n in _C0_NAMES.split()) + "]"
    pos = f"(length(regexp_extract({c}, '^[^{CONTROL_CLASS[1:-1]}]*')) + 1)"
    code = f"unicode(substring({c}, {pos}, 1))"
    name = (
        f"CASE WHEN {code} < 32 THEN ' (' || {names}[{code} + 1] || ')' "
        f"WHEN {code} = 127 THEN ' (DEL)' ELSE '' END"
    )
    return (
        f"CASE WHEN regexp_matches({c}, '{CONTROL_CLASS}') THEN 'teken U+' || "
        f"printf('%04X', {code}) || {name} || ' op positie ' || {pos} || ' in kolom {column}' END"
    )


def control_rules(kind: FileKind) -> list[Rule]:
    """A control character (other than tab; CR and LF only inside a quoted field) quarantines
    the row and says where: aanlevering.md v1.3, "Rows". As a staging rule, so that `vth
    check` and the build say the same; the reader rejects only files that are mostly binary."""
    return [
        Rule(
            "controleteken",
            c,
            f"{c}__controle IS NOT NULL",
            "de waarde bevat een controleteken; toegestaan: tekst zonder controletekens "
            "(alleen tab, en een regelovergang in een veld tussen aanhalingstekens)",
            detail=f"{c}__controle",
        )
        for c in kind.column_names
    ]


def _parse_sql(col: Column) -> str:
    """Typed value of a column from its trimmed text; NULL when it cannot be read."""
    c = col.name
    if col.type == "text":
        return c
    if col.type == "date":
        return (
            f"CASE WHEN regexp_full_match({c}, '{_DATE}') "
            f"THEN try_strptime({c}, ['%Y-%m-%d', '%d-%m-%Y'])::DATE END"
        )
    if col.type == "boolean":
        return (
            f"CASE WHEN lower({c}) IN {_TRUE} THEN true WHEN lower({c}) IN {_FALSE} THEN false END"
        )
    if col.type == "integer":
        t = f"{c}__t"  # judged on the digits as written, before any rounding
        return (
            f"CASE WHEN regexp_full_match({t}, '{_WHOLE}') "
            f"THEN regexp_extract({t}, '^-?[0-9]+')::BIGINT END"
        )
    if col.type in ("decimal", "number"):
        return _decimal_sql(f"{c}__t")
    if col.type == "code":
        assert col.domain is not None, col.name
        if col.domain in DOMAINS:
            return DOMAINS[col.domain][0].format(c=f"n.{c}")
        return CODELIST_SQL.format(lijst=col.domain, c=f"n.{c}")
    raise ValueError(f"unknown type {col.type}")


def _number_text_sql(c: str) -> str:
    """The text of a number with '.' as separator, or NULL when it is not a readable number."""
    return (
        f"CASE WHEN regexp_full_match({c}, '{_NUM_DOT}') THEN {c} "
        f"WHEN decimaalkomma AND regexp_full_match({c}, '{_NUM_COMMA}') "
        f"THEN replace({c}, ',', '.') END"
    )


def _decimal_sql(t: str) -> str:
    """DECIMAL(18, 6) of number text `t`, rounded half-to-even to six decimals.

    DuckDB's own cast rounds half away from zero, so more than six decimals are truncated to
    six and the rounding step is decided on the digits (a regular expression on the text).
    """
    step = f"CASE WHEN starts_with({t}, '-') THEN -0.000001 ELSE 0.000001 END"
    return (
        f"CASE WHEN NOT regexp_full_match({t}, '{_MORE_THAN_6}') THEN {t}::DECIMAL(18, 6) "
        f"ELSE try_cast(regexp_extract({t}, '^-?[0-9]+\\.[0-9]{{6}}')::DECIMAL(18, 6) "
        f"+ CASE WHEN regexp_full_match({t}, '{_ROUND_UP}') THEN {step} ELSE 0 END "
        "AS DECIMAL(18, 6)) END"
    )


def number_columns(kind: FileKind) -> list[Column]:
    return [c for c in kind.columns if c.type in ("decimal", "number", "integer")]


def notices_for(kind: FileKind) -> list[Rule]:
    """Findings that do not quarantine: a number rounded to six decimals (`vth check` says so)."""
    return [
        Rule(
            f"{kind.name}.{col.name}.afgerond",
            col.name,
            f"{col.name}__v IS NOT NULL AND regexp_full_match({col.name}__t, '{_MORE_THAN_6}')",
            "de waarde heeft meer dan zes decimalen en is afgerond op zes decimalen (een 5 "
            "precies in het midden naar het even cijfer); de rij is wel geaccepteerd",
        )
        for col in number_columns(kind)
        if col.type != "integer"
    ]


def allowed_text(col: Column, codes: Mapping[str, Sequence[str]]) -> str:
    """What a column may hold, in Dutch, for messages and docs."""
    if col.type == "code":
        if col.domain in DOMAINS:
            return DOMAINS[col.domain][1]
        return ", ".join(codes.get(col.domain or "", ())) or f"de codes van lijst {col.domain}"
    if col.type == "text":
        return "tekst"
    return NOTATIONS[col.type]


def column_rules(kind: FileKind, codes: Mapping[str, Sequence[str]]) -> list[Rule]:
    """The rules that follow from the column declarations alone."""
    rules: list[Rule] = []
    for col in kind.columns:
        c = col.name
        if col.required == "ja":
            rules.append(Rule("verplicht", c, f"{c} IS NULL", "verplichte waarde ontbreekt"))
        elif col.required == "voorwaardelijk":
            rules.append(
                Rule(
                    "verplicht_bij",
                    c,
                    f"{c} IS NULL AND ({col.when})",
                    f"waarde ontbreekt; verplicht wanneer {col.when_text}",
                )
            )
            rules.append(
                Rule(
                    "leeg_tenzij",
                    c,
                    f"{c} IS NOT NULL AND NOT ({col.when}) AND ({_when_known(col)})",
                    f"moet leeg zijn; alleen ingevuld wanneer {col.when_text}",
                )
            )
        if col.type != "text":
            what = "onbekende code" if col.type == "code" else "onleesbare waarde"
            if col.type == "integer":
                what = "geen geldig geheel getal"
            rules.append(
                Rule(
                    "type",
                    c,
                    f"{c} IS NOT NULL AND {c}__v IS NULL",
                    f"{what}; toegestaan: {allowed_text(col, codes)}",
                )
            )
        if col.minimum is not None:
            rules.append(
                Rule(
                    "minimum",
                    c,
                    f"{c}__v < {col.minimum:g}",
                    f"waarde is kleiner dan {col.minimum:g}; toegestaan: {col.minimum:g} of meer",
                )
            )
        if col.maximum_exclusive is not None:
            rules.append(
                Rule(
                    "maximum",
                    c,
                    f"{c}__v >= {col.maximum_exclusive:g}",
                    f"waarde is te groot; toegestaan: kleiner dan {col.maximum_exclusive:g}",
                )
            )
        if col.domain in ("bevoegd_gezag_jaar", "gebied", "gemeente"):
            rules.append(
                Rule(
                    "geldig_in_jaar",
                    c,
                    _GM_VALID_IN_YEAR.format(v=f"{c}__v"),
                    "de gemeente bestaat op geen enkele dag van het verslagjaar; toegestaan: een "
                    "GM-code die in het verslagjaar geldig is",
                )
            )
    return rules


def _when_known(col: Column) -> str:
    """The inputs of a condition must be readable before 'must be empty' can be judged."""
    return " AND ".join(f"{n} IS NOT NULL" for n in _condition_inputs(col)) or "true"


def _condition_inputs(col: Column) -> list[str]:
    import re

    return sorted(set(re.findall(r"\b(\w+__v)\b", col.when or "")))


def unique_rule(kind: FileKind) -> Rule:
    return Rule(
        "uniek",
        ",".join(kind.unique_key),
        "__dubbel",
        f"dubbele sleutel; {kind.unique_text}: alle rijen met deze waarde gaan in quarantaine",
    )


def rules_for(kind: FileKind, codes: Mapping[str, Sequence[str]]) -> list[Rule]:
    """Every rule of a kind, with ids qualified as `<soort>.<kolom>.<check>`."""
    rules = [ROW_RULE_TOO_MANY_FIELDS, *control_rules(kind), *column_rules(kind, codes)]
    rules += [unique_rule(kind), *(NAMED_RULES[r] for r in kind.extra_rules)]
    return [
        Rule(f"{kind.name}.{r.kolom or 'rij'}.{r.id}", r.kolom, r.violated, r.melding, r.detail)
        for r in rules
    ]


def _sql_string(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _unique_key_expr(kind: FileKind, col: str) -> str:
    c = kind.column(col)
    return f"coalesce({col}__v::VARCHAR, lower({col}))" if c.type == "code" else col


def key_exprs_list(kind: FileKind) -> list[str]:
    """The unique key's values as compared: codes by their canonical form."""
    return [_unique_key_expr(kind, k) for k in kind.unique_key]


def judges_across_partners(kind: FileKind) -> bool:
    """Whether a row's findings can depend on another partner's rows (a key unique nationally,
    not per partner). Otherwise a row is judged by itself, the reference data, the staged rows
    of other kinds and its own partner's rows (duplicate keys), which `ingest.staging` relies
    on to settle the files in effect without judging the rows again."""
    return "inrichting_landelijk_uniek" in kind.extra_rules


def staging_sql(kind: FileKind, codes: Mapping[str, Sequence[str]]) -> str:
    """One query over `raw.<soort>` for year `$jaar`: typed columns plus a list of findings.

    Only the files named in the temporary table `__in_effect` (column `pad`) are staged: raw
    holds every candidate delivery, staging decides which is in effect (`ingest.staging`).
    """
    trim = r"nullif(regexp_replace({c}, '^[\s\x{{00A0}}]+|[\s\x{{00A0}}]+$', '', 'g'), '')"
    norm = ",\n  ".join(f"{trim.format(c=c)} AS {c}" for c in kind.column_names)
    controls = ",\n  ".join(
        f"{control_detail_sql(f'__r.{c}', c)} AS {c}__controle" for c in kind.column_names
    )
    typed = ",\n  ".join(f"{_parse_sql(col)} AS {col.name}__v" for col in kind.columns)
    req_key = [k for k in kind.unique_key if kind.column(k).required == "ja"]
    guard = " AND ".join(f"{k} IS NOT NULL" for k in req_key) or "true"
    rules = rules_for(kind, codes)
    findings = _findings_list(rules)
    notices = _findings_list(notices_for(kind))
    numbers = "".join(
        f", {_number_text_sql(col.name)} AS {col.name}__t" for col in number_columns(kind)
    )
    # Duplicate keys from a count per key joined back, not a window over the wide rows (which
    # DuckDB sorts with every column: most of the staging time at national scale).
    key_cols = [f"__k{i}" for i in range(len(kind.unique_key))]
    keys = ", ".join(f"{e} AS {c}" for e, c in zip(key_exprs_list(kind), key_cols, strict=True))

    def same(alias: str) -> str:  # a key part may be empty: empty matches empty, as in GROUP BY
        return " AND ".join(f"{alias}.{c} IS NOT DISTINCT FROM p.{c}" for c in key_cols)

    landelijk = (
        f", CASE WHEN {guard} THEN coalesce(l.partners > 1, false) ELSE false END "
        "AS __landelijk_dubbel"
        if judges_across_partners(kind)
        else ""
    )
    landelijk_join = (
        f"LEFT JOIN (SELECT {', '.join(key_cols)}, count(DISTINCT partner_code) AS partners "
        f"FROM p GROUP BY ALL) l ON {same('l')}"
        if landelijk
        else ""
    )
    return f"""
WITH n AS (
  SELECT jaar, partner_code, bron_bestand, bron_sha256, bron_rij, decimaalkomma,
  te_veel_velden AS __te_veel_velden,
  {norm},
  {controls}
  FROM raw.{kind.name} __r WHERE jaar = $jaar AND bron_bestand IN (SELECT pad FROM __in_effect)
), t AS (
  SELECT *,
  {typed}
  FROM (SELECT *{numbers} FROM n) n
), p AS (
  SELECT *, {keys} FROM t
), w AS (
  SELECT p.*,
  CASE WHEN {guard} THEN coalesce(d.n > 1, false) ELSE false END AS __dubbel{landelijk}
  FROM p
  LEFT JOIN (SELECT partner_code, {", ".join(key_cols)}, count(*) AS n FROM p GROUP BY ALL) d
    ON d.partner_code = p.partner_code AND {same("d")}
  {landelijk_join}
)
SELECT *, {findings} AS bevindingen, {notices} AS meldingen
FROM w
"""


def _findings_list(rules: Sequence[Rule]) -> str:
    """SQL list of the findings (structs) of the rules a row breaks."""
    if not rules:
        return "[]::STRUCT(regel VARCHAR, kolom VARCHAR, waarde VARCHAR, melding VARCHAR)[]"
    items = ",\n    ".join(
        f"CASE WHEN coalesce(({r.violated}), false) THEN {{'regel': {_sql_string(r.id)}, "
        f"'kolom': {_sql_string(r.kolom) if r.kolom else 'NULL'}, "
        f"'waarde': {cut_sql(_value_expr(r))}, 'melding': {_melding_expr(r)}}} END"
        for r in rules
    )
    return f"list_filter([\n    {items}\n  ], lambda x: x IS NOT NULL)"


def _melding_expr(rule: Rule) -> str:
    """The melding, after the rule's detail when it has one (a position, never a value)."""
    if rule.detail is None:
        return _sql_string(rule.melding)
    return f"{rule.detail} || {_sql_string('; ' + rule.melding)}"


def _value_expr(rule: Rule) -> str:
    if rule.id.endswith(".te_veel_velden"):
        return "__te_veel_velden"
    if rule.kolom is None:
        return "NULL"
    cols = rule.kolom.split(",")
    if len(cols) == 1:
        return cols[0]
    return " || ' / ' || ".join(f"coalesce({c}, '')" for c in cols)


def stg_select(kind: FileKind) -> str:
    """The typed, accepted columns of a staged row, named as in the contract."""
    cols = []
    for col in kind.columns:
        v = f"{col.name}__v"
        if col.type == "boolean" and col.required == "nee":
            v = f"coalesce({v}, false)"
        cols.append(f"{v} AS {col.name}")
    return ", ".join(cols)


ALL_KINDS = tuple(FILE_KINDS.values())
