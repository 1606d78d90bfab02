"""Real files of each accepted kind, made in the test run (nothing downloaded, nothing stored)."""

from __future__ import annotations

import io
import random
import zipfile


def pdf(text: str) -> bytes:
    """A one-page PDF whose content stream shows ``text`` (plain ASCII)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return _pdf_file(objects)


def pdf_pages(count: int, *, filler: int = 0) -> bytes:
    """A PDF of ``count`` pages saying "Pagina 1", "Pagina 2", …, each page's content stream
    packed, and unpacking to ``filler`` bytes more than its text (a comment, as a drawing
    would take room without adding text)."""
    import zlib

    kids = " ".join(f"{4 + 2 * page} 0 R" for page in range(count)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for page in range(count):
        content = b"BT /F1 12 Tf 72 720 Td (Pagina %d) Tj ET\n%%%s\n" % (page + 1, b"x" * filler)
        packed = zlib.compress(content)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * page)
        )
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed)
            + packed
            + b"\nendstream"
        )
    return _pdf_file(objects)


def _pdf_file(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def docx(heading: str, paragraphs: list[str]) -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading(heading, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt(heading: str, paragraphs: list[str]) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text=heading))
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A .docx-shaped archive whose one member unpacks to far more than it weighs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (50 * 1024 * 1024))
    return out.getvalue()


def docx_with_body(body: str) -> bytes:
    """A Word file made by python-docx (its styles, its package), with ``body`` as the XML of
    its body: for the parts of WordprocessingML that python-docx does not write."""
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    compatibility = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{namespace}" xmlns:mc="{compatibility}"><w:body>{body}'
        "</w:body></w:document>"
    ).encode()
    source = zipfile.ZipFile(io.BytesIO(docx("Kop", [])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, xml if info.filename == "word/document.xml" else data)
    return out.getvalue()


def markdown_report(headings: int, *, words: int = 30, seed: int = 40) -> bytes:
    """A Markdown report with ``headings`` headings on three levels, each above a paragraph
    of ``words`` words that now and then names a member city."""
    chance = random.Random(seed)  # noqa: S311 - words, not secrets
    parts = ["# Jaarverslag\n\nHet verslag van het jaar.\n\n"]
    for number in range(1, headings):
        level = 2 + number % 3
        parts.append(f"{'#' * level} Onderwerp {number}\n\n{sentence(chance, words)}\n\n")
    return "".join(parts).encode()


def docx_report(headings: int, *, words: int = 30, seed: int = 40) -> bytes:
    """The same report as a Word file, its headings in Word's heading styles."""
    import docx as python_docx

    chance = random.Random(seed)  # noqa: S311 - words, not secrets
    document = python_docx.Document()
    document.add_heading("Jaarverslag", level=1)
    document.add_paragraph("Het verslag van het jaar.")
    for number in range(1, headings):
        document.add_heading(f"Onderwerp {number}", level=2 + number % 3)
        document.add_paragraph(sentence(chance, words))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_WORDS = [
    "gemeente",
    "woningen",
    "wijk",
    "zorg",
    "jeugd",
    "werk",
    "inkomen",
    "onderwijs",
    "veiligheid",
    "klimaat",
    "energie",
    "mobiliteit",
    "armoede",
    "schulden",
    "sport",
    "cultuur",
    "economie",
    "arbeidsmarkt",
    "Utrecht",
    "Zwolle",
]


def sentence(chance: random.Random, words: int) -> str:
    return " ".join(chance.choice(_WORDS) for _ in range(words)).capitalize() + "."


def large_docx(path: str, *, xml_bytes: int, headings_every: int = 400) -> None:
    """A Word file whose document.xml holds ``xml_bytes`` of XML the way Word writes it: many
    runs of a few words, each with its own revision id and language, so that it packs about
    twelve to one, as real files do (within the archive limits). Written straight to ``path``
    as it is made, so making it takes little memory."""
    chance = random.Random(xml_bytes)  # noqa: S311 - filler, not secrets
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    source = zipfile.ZipFile(io.BytesIO(docx("Kop", [])))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info, source.read(info.filename))
        with target.open("word/document.xml", "w", force_zip64=True) as out:
            out.write(f'<?xml version="1.0"?><w:document xmlns:w="{namespace}"><w:body>'.encode())
            written = paragraph = 0
            while written < xml_bytes:
                paragraph += 1
                if paragraph % headings_every == 1:
                    level = 1 + (paragraph // headings_every) % 3
                    xml = (
                        f'<w:p><w:pPr><w:pStyle w:val="Heading{level}"/></w:pPr><w:r>'
                        f"<w:t>Hoofdstuk {paragraph // headings_every + 1}</w:t></w:r></w:p>"
                    )
                else:
                    runs = "".join(
                        f'<w:r w:rsidR="{chance.getrandbits(32):08X}"><w:rPr>'
                        f'<w:lang w:val="nl-NL"/></w:rPr><w:t xml:space="preserve">'
                        f"{chance.choice(_WORDS)} </w:t></w:r>"
                        for _ in range(20)
                    )
                    xml = f'<w:p w:rsidR="{chance.getrandbits(32):08X}">{runs}</w:p>'
                data = xml.encode()
                out.write(data)
                written += len(data)
            out.write(b"</w:body></w:document>")
