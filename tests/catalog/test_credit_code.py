"""GB 32100-2015 unified social credit code checksum (organization agency_code, ROLE-2)."""
from __future__ import annotations

import pytest

from ckanext.publicdata.catalog.credit_code import CHARSET, check_character, is_valid_unified_credit_code

# Codes of central government bodies (1 = 机构编制 registration, 1 = 机关, 100000 = 中央) as published in the
# national registry, and the worked example of the standard's check character (…Y4 → 3).
PUBLISHED = ["11100000000013127D", "111000000000131433"]


def test_the_standards_worked_example():
    # GB 32100 example: 91350100M000100Y4? has the check character 3 (weighted sum 1640, 1640 mod 31 = 28)
    assert check_character("91350100M000100Y4") == "3"
    assert is_valid_unified_credit_code("91350100M000100Y43")
    assert not is_valid_unified_credit_code("91350100M000100Y4Z")


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_of_government_bodies_are_valid(code):
    assert is_valid_unified_credit_code(code)


def test_every_changed_check_character_is_refused():
    code = "11371600MB1000001" + check_character("11371600MB1000001")
    assert is_valid_unified_credit_code(code)
    for wrong in CHARSET:
        if wrong != code[-1]:
            assert not is_valid_unified_credit_code(code[:-1] + wrong)


def test_a_single_changed_character_is_detected():
    code = "11371600MB1000001" + check_character("11371600MB1000001")
    changed = code[:10] + ("2" if code[10] != "2" else "3") + code[11:]
    assert not is_valid_unified_credit_code(changed)


@pytest.mark.parametrize("code", [
    "",
    "11371600MB100000",            # too short
    "11371600MB10000011X",         # too long
    "11371600MI1000001X",          # I is not in the character set
    "1137160OMB1000001X",          # letter in the division code
    "11371600mb1000001x",          # lower case is not normalised by the pure check
])
def test_malformed_codes_are_refused(code):
    assert not is_valid_unified_credit_code(code)


def test_check_character_needs_seventeen_characters_of_the_set():
    with pytest.raises(ValueError):
        check_character("1137160")
    with pytest.raises(ValueError):
        check_character("11371600MB100000O")
