"""Diagnosis code systems: their names, OIDs and FHIR URIs, the form of a code, and matching.

A topic lists the codes it answers (`codes:` in topic.yaml). The Infobutton endpoint, the
static code index and the FHIR DocumentReference all read the systems from here.
"""

from __future__ import annotations

import re
from enum import Enum


class CodeSystem(str, Enum):
    """A diagnosis code system, with the OID an HL7 Infobutton request names it by."""

    ICD10 = "icd10"
    ICD10CM = "icd10cm"
    SNOMED = "snomed"

    @property
    def oid(self) -> str:
        return {"icd10": "2.16.840.1.113883.6.3", "icd10cm": "2.16.840.1.113883.6.90",
                "snomed": "2.16.840.1.113883.6.96"}[self.value]

    @property
    def label(self) -> str:
        return {"icd10": "ICD-10", "icd10cm": "ICD-10-CM", "snomed": "SNOMED CT"}[self.value]

    @property
    def uri(self) -> str:
        """The system's canonical URI in FHIR."""
        return {"icd10": "http://hl7.org/fhir/sid/icd-10",
                "icd10cm": "http://hl7.org/fhir/sid/icd-10-cm",
                "snomed": "http://snomed.info/sct"}[self.value]

    @property
    def hierarchical(self) -> bool:
        """ICD codes refine by adding characters: F95 covers F95.1, G51.3 covers G51.31."""
        return self is not CodeSystem.SNOMED

    @classmethod
    def from_oid(cls, oid: str) -> CodeSystem | None:
        return next((system for system in cls if system.oid == oid), None)


_FORMS = {
    # WHO ICD-10: a letter, two digits, optionally a dot and one more character (R25.2).
    CodeSystem.ICD10: (re.compile(r"[A-Z]\d{2}(?:\.[0-9A-Z])?"),
                       "an ICD-10 code is a capital letter and two digits, optionally a dot and "
                       "one more digit or letter (like R25.2 or F95)"),
    # ICD-10-CM: a category of three characters, then up to four more after a dot (O26.893).
    CodeSystem.ICD10CM: (re.compile(r"[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?"),
                         "an ICD-10-CM code is a capital letter, a digit and a digit or letter, "
                         "optionally a dot and up to four more (7 characters at most, like "
                         "O26.893)"),
    CodeSystem.SNOMED: (re.compile(r"[1-9]\d{5,17}"),
                        "a SNOMED CT identifier is 6 to 18 digits, not starting with 0 (like "
                        "13753008)"),
}

# Verhoeff's dihedral group D5: multiplication table and position permutations.
_D5 = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
       [2, 3, 4, 0, 1, 7, 8, 9, 5, 6], [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
       [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
       [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
       [8, 7, 6, 5, 9, 3, 2, 1, 0, 4], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]]
_STEP = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]
_POSITIONS = [list(range(10))]
for _ in range(7):
    _POSITIONS.append([_POSITIONS[-1][_STEP[digit]] for digit in range(10)])


def verhoeff_valid(digits: str) -> bool:
    """Whether the last digit is the Verhoeff check digit of the others (SNOMED CT ids)."""
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _D5[check][_POSITIONS[position % 8][int(digit)]]
    return check == 0


def code_problem(system: CodeSystem, code: str) -> str | None:
    """What is wrong with a code's form in its system, or None."""
    form, rule = _FORMS[system]
    if not form.fullmatch(code):
        return f"{code!r} is not a valid {system.label} code: {rule}"
    if system is CodeSystem.SNOMED and not verhoeff_valid(code):
        return (f"{code!r} is not a SNOMED CT identifier: its last digit is not the Verhoeff "
                "check digit of the others; copy the identifier again from the SNOMED browser")
    return None


def covers(system: CodeSystem, listed: str, asked: str) -> bool:
    """Whether a code a topic lists answers the code asked for (a category covers its children)."""
    if not system.hierarchical:
        return listed == asked
    listed, asked = listed.replace(".", ""), asked.replace(".", "")
    return asked.startswith(listed)
