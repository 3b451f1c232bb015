"""Diagnosis code systems: OIDs, the form of a code per system, and category matching."""

from __future__ import annotations

import pytest

from leaflets.content.codes import CodeSystem, code_problem, covers, verhoeff_valid


@pytest.mark.parametrize("sctid", ["138875005", "404684003", "13753008", "900000000000207008"])
def test_real_snomed_ids_carry_a_verhoeff_check_digit(sctid: str):
    assert verhoeff_valid(sctid)
    for wrong in range(10):  # every other last digit is caught
        if str(wrong) != sctid[-1]:
            assert not verhoeff_valid(sctid[:-1] + str(wrong))


def test_two_swapped_digits_are_caught():
    assert not verhoeff_valid("13735008")


@pytest.mark.parametrize(("system", "code", "valid"), [
    (CodeSystem.ICD10, "R25.2", True), (CodeSystem.ICD10, "F95", True),
    (CodeSystem.ICD10, "r25.2", False), (CodeSystem.ICD10, "R25.21", False),
    (CodeSystem.ICD10, "R2", False), (CodeSystem.ICD10CM, "O26.893", True),
    (CodeSystem.ICD10CM, "S72.001A", True), (CodeSystem.ICD10CM, "O26.89312", False),
    (CodeSystem.ICD10CM, "O9A.119", True), (CodeSystem.SNOMED, "13753008", True),
    (CodeSystem.SNOMED, "12345", False), (CodeSystem.SNOMED, "013753008", False),
])
def test_the_form_of_a_code_per_system(system: CodeSystem, code: str, valid: bool):
    assert (code_problem(system, code) is None) == valid


def test_systems_by_oid():
    assert CodeSystem.from_oid("2.16.840.1.113883.6.3") is CodeSystem.ICD10
    assert CodeSystem.from_oid("2.16.840.1.113883.6.90") is CodeSystem.ICD10CM
    assert CodeSystem.from_oid("2.16.840.1.113883.6.96") is CodeSystem.SNOMED
    assert CodeSystem.from_oid("2.16.840.1.113883.6.103") is None  # ICD-9-CM: not offered


def test_an_icd_category_covers_its_children_and_snomed_matches_exactly():
    assert covers(CodeSystem.ICD10, "F95", "F95.1")
    assert covers(CodeSystem.ICD10CM, "G51.3", "G51.31")
    assert not covers(CodeSystem.ICD10CM, "G51.3", "G51.4")
    assert not covers(CodeSystem.ICD10, "R25.2", "R25")  # a child does not answer its category
    assert not covers(CodeSystem.SNOMED, "1375300", "13753008")
