"""WorldSkills-standard marking (世界技能大赛评分标准): CIS marking schemes.

A WorldSkills scheme is a richer marking scheme for the judging engine
(:mod:`jingsai.judging`), not a parallel one. Importing a "CIS Marking Scheme
Import" workbook (:mod:`.domain.cis_import`) stores the scheme as the workbook
has it — standard sections (WSOS) with target marks, criteria A–I with their
marks, sub-criteria, aspects with their descriptors and deduction rules — and
generates the rows the engine marks:

- one judging :class:`~jingsai.judging.models.Stage` per WorldSkills criterion
  (code = its letter, weight = its mark, so the stage score counts as it is and
  the total is the sum of the aspects' marks out of the scheme's total);
- one judging :class:`~jingsai.judging.models.Criterion` per aspect (code
  ``A1-J1``/``A1-M3``: sub-criterion, type, number within the type):

  - a judgement aspect is a judgement criterion with ``scale = 3``: each judge
    of the panel scores 0–3 (seeing the aspect's descriptors), the aspect's mark
    is max × mean score ÷ 3, and a spread of more than the scheme's setting
    (default 1) raises the engine's spread flag, resolved by re-scoring;
  - a measurement aspect without a deduction rule is an all-or-nothing
    measurement (0 or its maximum); with a rule (``Calculations`` sheet) the
    judge picks a labelled choice or types the measured value, and
    :mod:`.domain.deductions` turns it into the mark (max − deduction, never
    below zero) that the engine stores.

Sheets, locks, re-marking, corrections, computation, ranking, ties, awards
(medals: :mod:`.domain.medals`), notice, publication and certificates are the
engine's. What this app adds on the way out: the standard-section table
(:mod:`.domain.sections`), results per criterion and section
(:mod:`.domain.results`) and the export to the same layout
(:mod:`.domain.cis_export`).
"""
