"""Reports: the fixed texts in every language, the model card and licences, a case's
page (HTML) and the PDF that lays those pages out.

In: cases with their results and readings. Out: HTML and PDF. Only :mod:`~dida_view.report.pdf`
imports Qt (QtGui's PDF writer); nothing here opens a window.
"""
