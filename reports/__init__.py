"""PDF reports for chaeson: Thai typesetting on ReportLab (fonts, shaping, line breaking).

`reports.fonts` registers Sarabun and repairs the text layer of shaped Thai;
`reports.thai_text` is the public API used by statement and receipt builders;
`reports.samples` renders a visual check page.
"""
