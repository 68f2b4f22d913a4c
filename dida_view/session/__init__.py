"""What every view asks about a set of cases: which model reads a case, which score
space the set uses, the clinician's reading and its sidecar, whether model and reading
agree, the case list, the domain of a scan.

In: paths, case lists, a model. Out: cases and their answers, for the CLI, the viewer,
the report and the audit alike. Never here: Qt, drawing.
"""
