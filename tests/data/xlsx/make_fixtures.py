#!/usr/bin/env python3
"""Writes bureau_export.xlsx, a small SpreadsheetML workbook made by hand with Python's
zipfile, so the XLSX reader (src/io/xlsx_reader.*) is not tested only against what
libxlsxwriter writes. It holds what other producers do: prefixed element names (x:),
an absolute workbook target, cells and rows without references, inline and rich-text
strings with phonetic runs, _xHHHH_ escapes, float noise, an 18-digit integer in a
number cell, built-in and custom (Chinese) date formats, a date-time, booleans,
formula strings, errors, gaps and empty rows. src/io/xlsx_reader_test.cc
(XlsxFixture.*) states what each cell must read as.

Run from this folder: python3 make_fixtures.py (the output is committed).
"""
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

content_types = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""

package_rels = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}">
<Relationship Id="R1" Type="{REL}/officeDocument" Target="/xl/workbook.xml"/>
</Relationships>"""

# The first tab is 备注 (notes) but is listed second in the relationships; the reader
# follows <sheets> order, so 企业名录 (rId7) is read when no sheet is named.
workbook = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:workbook xmlns:x="{MAIN}" xmlns:r="{REL}">
<x:workbookPr/>
<x:sheets>
<x:sheet name="企业名录" sheetId="1" r:id="rId7"/>
<x:sheet name="备注" sheetId="2" r:id="rId2"/>
</x:sheets>
</x:workbook>"""

workbook_rels = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}">
<Relationship Id="rId2" Type="{REL}/worksheet" Target="worksheets/sheet2.xml"/>
<Relationship Id="rId7" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId4" Type="{REL}/styles" Target="styles.xml"/>
<Relationship Id="rId5" Type="{REL}/hyperlink" Target="https://example.org/" TargetMode="External"/>
</Relationships>"""

shared_strings = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:sst xmlns:x="{MAIN}" count="4" uniqueCount="4">
<x:si><x:t>企业名称</x:t></x:si>
<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>南京</x:t></x:r><x:r><x:t xml:space="preserve">某某 科技有限公司</x:t></x:r></x:si>
<x:si><x:t>玄武区</x:t><x:rPh sb="0" eb="3"><x:t>xuanwu</x:t></x:rPh></x:si>
<x:si><x:t>第一行_x000D_
第二行 a_x005F_x0041_b</x:t></x:si>
</x:sst>"""

styles = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:styleSheet xmlns:x="{MAIN}">
<x:numFmts count="2">
<x:numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>
<x:numFmt numFmtId="177" formatCode="0.00_);[Red]\\(0.00\\)"/>
</x:numFmts>
<x:cellStyleXfs count="1"><x:xf numFmtId="14"/></x:cellStyleXfs>
<x:cellXfs count="5">
<x:xf numFmtId="0"/>
<x:xf numFmtId="14" applyNumberFormat="1"/>
<x:xf numFmtId="176" applyNumberFormat="1"/>
<x:xf numFmtId="22" applyNumberFormat="1"/>
<x:xf numFmtId="177" applyNumberFormat="1"/>
</x:cellXfs>
</x:styleSheet>"""

def inline(ref, text):
    return f'<x:c r="{ref}" t="inlineStr"><x:is><x:t>{text}</x:t></x:is></x:c>'

sheet1 = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="{MAIN}" xmlns:r="{REL}">
<x:dimension ref="A1:H8"/>
<x:sheetData>
<x:row r="1">{inline("A1", " 统一社会信用代码 ")}<x:c r="B1" t="s"><x:v>0</x:v></x:c>{inline("C1", "从业人数")}{inline("D1", "营业收入")}{inline("E1", "成立日期")}{inline("F1", "联系电话")}{inline("G1", "规上")}{inline("H1", "备注")}</x:row>
<x:row r="2">{inline("A2", "91320102MA1N2LTJ1X")}<x:c r="B2" t="s"><x:v>1</x:v></x:c><x:c r="C2"><x:v>120</x:v></x:c><x:c r="D2" s="4"><x:v>0.30000000000000004</x:v></x:c><x:c r="E2" s="1"><x:v>43879</x:v></x:c><x:c r="F2"><x:v>1.38E10</x:v></x:c><x:c r="G2" t="b"><x:v>1</x:v></x:c><x:c r="H2" t="s"><x:v>3</x:v></x:c></x:row>
<x:row><x:c t="inlineStr"><x:is><x:r><x:t>1101011990</x:t></x:r><x:r><x:t>03071234</x:t></x:r></x:is></x:c><x:c t="s"><x:v>2</x:v></x:c><x:c><x:v>12.5</x:v></x:c><x:c><x:v>110101199003071234</x:v></x:c><x:c s="2"><x:v>43886</x:v></x:c><x:c t="str"><x:f>"025-"&amp;"84200000"</x:f><x:v>025-84200000</x:v></x:c><x:c t="b"><x:v>0</x:v></x:c><x:c t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c></x:row>
<x:row r="5"/>
<x:row r="6">{inline("A6", "gap")}<x:c r="D6"><x:v>-3.0</x:v></x:c></x:row>
<x:row r="7"><x:c r="A7" s="4"/><x:c r="B7" t="inlineStr"><x:is><x:t></x:t></x:is></x:c></x:row>
<x:row r="8"><x:c r="A8" t="inlineStr"><x:is><x:t>tab	and_x0009_escape</x:t></x:is></x:c><x:c r="E8" s="3"><x:v>43879.5</x:v></x:c></x:row>
</x:sheetData>
<x:mergeCells count="1"><x:mergeCell ref="A6:C6"/></x:mergeCells>
</x:worksheet>"""

sheet2 = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>说明</t></is></c></row></sheetData></worksheet>"""

with zipfile.ZipFile("bureau_export.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", content_types)
    z.writestr("_rels/.rels", package_rels)
    z.writestr("xl/workbook.xml", workbook)
    z.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
    z.writestr("xl/sharedStrings.xml", shared_strings)
    z.writestr("xl/styles.xml", styles)
    z.writestr("xl/worksheets/sheet1.xml", sheet1)
    z.writestr("xl/worksheets/sheet2.xml", sheet2)
