"""Arrays to pictures (pure numpy and Pillow): grid images, the Mixed Image, overlays,
the colour scale, the paper's figure, the volume evidence map, fonts; and writing them as
the files an analysis leaves (PNG, npz).

In: a result and the original. Out: uint8 arrays and files. Never here: a model run, a
decision about a case.
"""
