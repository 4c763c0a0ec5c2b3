"""The werkgebieden of the omgevingsdiensten in the sample, drawn along the veiligheidsregio's.

The omgevingsdiensten were made congruent with the veiligheidsregio's: a werkgebied does not
cross a veiligheidsregio's boundary. Most regions have one omgevingsdienst; ODNZKG and OFGV serve
two regions each; five regions are shared by two omgevingsdiensten, split into two contiguous
parts roughly as in reality (the werkgebieden are not open data, so this is the sample's own
declaration). Gemeenten are those of today's indeling: a gemeente that merged into another
belongs to the werkgebied of the gemeente it merged into.
"""

from __future__ import annotations

from .reference import Reference

# the omgevingsdienst of each veiligheidsregio (of the rest of it, where two share one)
OD_OF_VR = {
    "VR01": "ODG",
    "VR02": "FUMO",
    "VR03": "RUDD",
    "VR04": "ODIJ",
    "VR05": "ODT",
    "VR06": "OVIJ",
    "VR07": "ODRA",
    "VR08": "ODR",
    "VR09": "ODRU",
    "VR10": "ODNHN",
    "VR11": "ODNZKG",
    "VR12": "ODIJMOND",
    "VR13": "ODNZKG",
    "VR14": "OFGV",
    "VR15": "ODH",
    "VR16": "ODWH",
    "VR17": "DCMR",
    "VR18": "OZHZ",
    "VR19": "RUDZ",
    "VR20": "OMWB",
    "VR21": "ODBN",
    "VR22": "ODZOB",
    "VR23": "RUDLN",
    "VR24": "RUDZL",
    "VR25": "OFGV",
}
# the second omgevingsdienst of a shared veiligheidsregio and its (contiguous) gemeenten
SECOND_OD = {
    "ODA": (  # VR06 Noord- en Oost-Gelderland: the Achterhoek
        "GM0197",  # Aalten
        "GM0222",  # Doetinchem
        "GM0262",  # Lochem
        "GM0294",  # Winterswijk
        "GM1509",  # Oude IJsselstreek
        "GM1586",  # Oost Gelre
        "GM1859",  # Berkelland
        "GM1876",  # Bronckhorst
        "GM1955",  # Montferland
    ),
    "ODV": (  # VR07 Gelderland-Midden: the Gelderse Vallei
        "GM0203",  # Barneveld
        "GM0228",  # Ede
        "GM0267",  # Nijkerk
        "GM0279",  # Scherpenzeel
        "GM0289",  # Wageningen
    ),
    "ODRN": (  # VR08 Gelderland-Zuid: the region of Nijmegen
        "GM0209",  # Beuningen
        "GM0225",  # Druten
        "GM0252",  # Heumen
        "GM0268",  # Nijmegen
        "GM0296",  # Wijchen
        "GM1945",  # Berg en Dal
    ),
    "RUDU": (  # VR09 Utrecht: the east (Eemland, Heuvelrug, Vallei)
        "GM0307",  # Amersfoort
        "GM0308",  # Baarn
        "GM0310",  # De Bilt
        "GM0313",  # Bunschoten
        "GM0317",  # Eemnes
        "GM0327",  # Leusden
        "GM0339",  # Renswoude
        "GM0340",  # Rhenen
        "GM0342",  # Soest
        "GM0345",  # Veenendaal
        "GM0351",  # Woudenberg
        "GM0355",  # Zeist
        "GM1581",  # Utrechtse Heuvelrug
    ),
    "ODMH": (  # VR16 Hollands Midden: Midden-Holland
        "GM0513",  # Gouda
        "GM0627",  # Waddinxveen
        "GM1892",  # Zuidplas
        "GM1901",  # Bodegraven-Reeuwijk
        "GM1931",  # Krimpenerwaard
    ),
}


def werkgebieden(ref: Reference) -> dict[str, list[str]]:
    """The gemeenten (today's codes, sorted) of every omgevingsdienst in ``partners.csv``.

    Raises ``ValueError`` when the declaration and the reference data disagree, so a change of
    the reference (a new merger, a new partner) cannot silently leave a gemeente unserved.
    """
    ods = [p.code for p in ref.partners_of("omgevingsdienst")]
    second = {gm: od for od, codes in SECOND_OD.items() for gm in codes}
    out: dict[str, list[str]] = {od: [] for od in ods}
    for code in sorted(c for c, g in ref.gemeenten.items() if g.geldig_tot is None):
        vr = ref.gemeenten[code].vr_code
        od = second.get(code) or OD_OF_VR.get(vr)
        if od not in out:
            raise ValueError(f"sample werkgebieden: no omgevingsdienst for {code} ({vr})")
        out[od].append(code)
    unknown = sorted(set(second) - {c for cs in out.values() for c in cs})
    empty = sorted(od for od, codes in out.items() if not codes)
    crossing = sorted(
        od for od, codes in SECOND_OD.items() if len({ref.gemeenten[c].vr_code for c in codes}) > 1
    )
    if unknown or empty or crossing:
        raise ValueError(
            f"sample werkgebieden: unknown gemeenten {unknown}, empty {empty}, "
            f"crossing a veiligheidsregio {crossing}"
        )
    return out
