"""Write the example learner reports in examples/ (run from the repository root).

The texts below were written for this project; they describe made-up teachers, students and schools.
Re-running the script rewrites the three files byte for byte the same (fixed document properties):

    examples/leerverslag_economie.docx        one report, numbered activities with nested bullets
    examples/leerverslagen_team_zorg.xlsx     wide: one report a row, columns activiteit_1 .. activiteit_5
    examples/leerverslagen_team_techniek.csv  long, semicolon-separated, Windows-1252 (as Dutch Excel saves)
"""

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
from openpyxl import Workbook
from openpyxl.styles import Font

OUT = Path(__file__).resolve().parents[1] / "examples"
FIXED = dt.datetime(2026, 1, 1, 12, 0, 0)

# -- a Word learner report --------------------------------------------------------------------------------
DOCX_TITLE = "Leerverslag 3 – periode februari en maart"
DOCX_INTRO = [
    "Docent: E. Verhoeven, opleiding Commercie niveau 4.",
    "In deze periode waren dit de activiteiten die mij het meest hebben opgeleverd:",
]
# (text, nested bullets, continuation paragraph)
DOCX_ITEMS = [
    (
        "Met mijn klas 2B een ondernemingsplan laten pitchen voor een jury uit de wijk.",
        ["de studenten kregen feedback van echte ondernemers", "ik heb de beoordeling samen met de jury gedaan"],
        "Ik zag dat studenten die in de les stil zijn bij een echte opdrachtgever opbloeien. Volgend blok "
        "geef ik ze eerder in het project een echte klant.",
    ),
    (
        "Tijdens de teamvergadering met de collega's van retail gesproken over het verzuim in leerjaar 1.",
        [],
        "We wisselden uit wat ieder doet bij een eerste afwezigheid. Het idee om studenten dezelfde dag nog "
        "een appje te sturen neem ik over.",
    ),
    (
        "Online training 'Feedback die landt' gevolgd, drie middagen via de academie van onze school.",
        ["oefenen met feedback op het proces in plaats van het cijfer", "een collega uit zorg was mijn oefenmaatje"],
        "",
    ),
    ("", [], ""),
    (
        "Het boek 'Leren zichtbaar maken' gelezen voor mijn eigen ontwikkeling.",
        [],
        "Vooral het hoofdstuk over succescriteria was bruikbaar; ik schrijf ze nu bij elke les op het bord.",
    ),
    (
        "Mijn stagecoördinator (m.bakker@roc-voorbeeld.nl) gevraagd om mee te kijken bij mijn eerste bpv-bezoek.",
        [],
        "",
    ),
]


def make_docx(path: Path) -> None:
    document = docx.Document()
    document.core_properties.created = FIXED
    document.core_properties.modified = FIXED
    document.core_properties.author = "activity-classifier examples"
    document.core_properties.last_modified_by = "activity-classifier examples"
    document.core_properties.revision = 1
    document.add_heading(DOCX_TITLE, level=1)
    for line in DOCX_INTRO:
        document.add_paragraph(line)
    for text, bullets, continuation in DOCX_ITEMS:
        document.add_paragraph(text, style="List Number")
        for bullet in bullets:
            document.add_paragraph(bullet, style="List Bullet 2")
        if continuation:
            document.add_paragraph(continuation)
    buf = io.BytesIO()
    document.save(buf)
    _write_fixed_zip(buf.getvalue(), path)


# -- a wide Excel export of a form --------------------------------------------------------------------------
XLSX_HEADER = [
    "verslag",
    "docent",
    "periode",
    "activiteit_1",
    "activiteit_2",
    "activiteit_3",
    "activiteit_4",
    "activiteit_5",
]
XLSX_ROWS = [
    [
        "Z-01",
        "docent Z1",
        "2025-1",
        "Webinar van Vilans over valpreventie bij ouderen gevolgd.",
        "Met twee collega's de nieuwe casus over dementie doorgesproken en taken verdeeld.",
        "Bpv-bezoek bij een studente in de thuiszorg; samen met haar werkbegeleider haar leerdoelen bijgesteld.",
        "",
        "",
    ],
    [
        "Z-02",
        "docent Z2",
        "2025-1",
        "Ik ben dit jaar voorzitter van de examencommissie geworden en heb de eerste vergadering voorbereid.",
        "",
        "Na de toetsweek de resultaten per leerdoel geanalyseerd en gezien dat anatomie slecht scoort; ik pas "
        "mijn lessen daarop aan.",
        "Twee dagen naar het landelijke zorgcongres in Ede, met workshops over technologie in de zorg.",
        "",
    ],
    [
        "Z-03",
        "docent Z3",
        "2025-1",
        "In onze professionele leergemeenschap over taal in de zorgopleidingen een lesopzet ontworpen.",
        "Richtlijn over medicatieveiligheid doorgelezen om mijn lesmateriaal bij te werken.",
        "Voor het eerst simulatiepatiënten ingezet bij gespreksvaardigheid; de studenten vonden het spannend "
        "maar leerzaam.",
        "Intervisie met mijn coach van het inductietraject over mijn klassenmanagement.",
        "Module toetsdeskundigheid (BKE) afgerond met een portfolio.",
    ],
    [
        "Z-04",
        "docent Z4",
        "2025-2",
        "Een nieuwe collega ingewerkt en haar eerste lessen nabesproken.",
        "",
        "",
        "",
        "",
    ],
    [
        "Z-05",
        "docent Z5",
        "2025-2",
        "Podcast over motiverende gespreksvoering beluisterd op weg naar school.",
        "Lessen over wondzorg opnieuw ontworpen met korte video's die studenten thuis bekijken.",
        "",
        "",
        "",
    ],
]


def make_xlsx(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Leerverslagen"
    ws.append(XLSX_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in XLSX_ROWS:
        ws.append(row)
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.properties.creator = "activity-classifier examples"
    buf = io.BytesIO()
    wb.save(buf)
    _write_fixed_zip(buf.getvalue(), path)


# -- a long, semicolon-separated CSV as Dutch Excel saves it -------------------------------------------------
CSV_HEADER = ["verslag", "docent", "nr", "beschrijving"]
CSV_REPORTS = {
    ("T-11", "docent T1"): [
        "Met mijn eerstejaars installatietechniek een storing laten zoeken in het praktijklokaal; "
        "ik stelde alleen vragen.",
        "Bij de koffie met collega's ideeën uitgewisseld over het nakijken van praktijkopdrachten.",
        "",
        "Student 4123456 belde me op 06-12345678 over zijn stageplek; dat gesprek heb ik met de "
        "stagebegeleider van het bedrijf nabesproken.",
    ],
    ("T-12", "docent T2"): [
        "Drie bedrijven in de regio bezocht om nieuwe stageplaatsen voor elektrotechniek te werven.",
        "Zelf een escaperoom over veilig werken ontworpen en met één klas uitgeprobeerd.",
        "Deelgenomen aan het regionale netwerk van docenten techniek; dit keer over de nieuwe kwalificatiedossiers.",
    ],
    ("T-13", "docent T3"): [
        "Tweede jaar van de master Leren en Innoveren; deze periode het onderzoeksvoorstel geschreven.",
        "Mijn les over meetinstrumenten op video laten opnemen en met mijn coach bekeken.",
        "Studentenenquête over het keuzedeel geëvalueerd en de opdrachten herschreven.",
    ],
}
CSV_ROWS = [
    [report, teacher, str(k), text]
    for (report, teacher), texts in CSV_REPORTS.items()
    for k, text in enumerate(texts, start=1)
]


def make_csv(path: Path) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(CSV_ROWS)
    path.write_bytes(buf.getvalue().encode("cp1252"))


def _write_fixed_zip(data: bytes, path: Path) -> None:
    """Rewrite an Office zip with fixed timestamps, so re-running the script changes nothing."""
    src = zipfile.ZipFile(io.BytesIO(data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 12, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    make_docx(OUT / "leerverslag_economie.docx")
    make_xlsx(OUT / "leerverslagen_team_zorg.xlsx")
    make_csv(OUT / "leerverslagen_team_techniek.csv")
    for name in ("leerverslag_economie.docx", "leerverslagen_team_zorg.xlsx", "leerverslagen_team_techniek.csv"):
        print(f"wrote examples/{name}")
