"""Files to scans: images (Pillow), DICOM (pydicom), vendor OCT volumes (eyepy,
OCT-Converter), the intensity rules that make their pixels uint8, and the limits that
refuse what would not fit in memory.

In: a path. Out: a :class:`~dida_view.io.scan.Scan` (:func:`~dida_view.io.reader.load_scan`),
its B-scans as uint8 arrays, notes on what had to be decided, patient identifiers kept
apart. Never here: models, analysis, anything drawn, anything written.
"""
