"""SSM registration numbers (new and old), LHDN TINs and SST registration numbers."""

from __future__ import annotations

from datetime import date

import pytest

from portal.malaysia.business import SellingAs, SSMNumber, ssm_kind, ssm_number, sst_number, tin
from portal.malaysia.errors import Invalid

TODAY = date(2026, 12, 6)
COMPANY, BUSINESS, LLP, INDIVIDUAL = (
    SellingAs.COMPANY,
    SellingAs.BUSINESS,
    SellingAs.LLP,
    SellingAs.INDIVIDUAL,
)


@pytest.mark.parametrize(
    ("typed", "selling_as", "new"),
    [
        ("201901000005", COMPANY, "201901000005"),  # local company (SSM's own example)
        ("2019 01 000005", COMPANY, "201901000005"),
        ("199601012345", COMPANY, "199601012345"),  # an old company's new number
        ("202402001234", COMPANY, "202402001234"),  # foreign company
        ("202003123456", BUSINESS, "202003123456"),  # sole proprietorship / partnership
        ("201904000123", LLP, "201904000123"),  # local LLP
        ("202105000007", LLP, "202105000007"),  # foreign LLP
        ("202206000042", LLP, "202206000042"),  # LLP for professional practice
        ("188201000001", COMPANY, "188201000001"),  # the 1800s, given retroactively
        ("202601000001", COMPANY, "202601000001"),  # this year
    ],
)
def test_new_ssm_numbers_for_their_kind(typed, selling_as, new):
    assert ssm_number(typed, selling_as, today=TODAY) == SSMNumber(new=new, old=None)


@pytest.mark.parametrize(
    ("typed", "selling_as", "old"),
    [
        ("1312525-A", COMPANY, "1312525-A"),
        ("1312525A", COMPANY, "1312525-A"),
        ("12345-x", COMPANY, "12345-X"),
        ("SA0123456-A", BUSINESS, "SA0123456-A"),
        ("as0123456d", BUSINESS, "AS0123456-D"),
        ("001234567-K", BUSINESS, "001234567-K"),
        ("JM0123456-T", BUSINESS, "JM0123456-T"),
        ("LLP0012345-LGN", LLP, "LLP0012345-LGN"),
        ("llp0012345lgn", LLP, "LLP0012345-LGN"),
    ],
)
def test_old_ssm_numbers_are_kept_as_issued(typed, selling_as, old):
    assert ssm_number(typed, selling_as, today=TODAY) == SSMNumber(new=None, old=old)


def test_both_numbers_as_ssm_prints_them():
    assert ssm_number("201901000005 (1312525-A)", COMPANY, today=TODAY) == SSMNumber(
        new="201901000005", old="1312525-A"
    )
    assert ssm_number("202003000100(SA0123456-A)", BUSINESS, today=TODAY) == SSMNumber(
        new="202003000100", old="SA0123456-A"
    )


@pytest.mark.parametrize(
    ("typed", "selling_as", "code"),
    [
        ("", COMPANY, "ssm_format"),
        ("20190100000", COMPANY, "ssm_format"),  # 11 digits
        ("2019010000051", COMPANY, "ssm_format"),  # 13 digits
        ("201907000005", COMPANY, "ssm_format"),  # no entity type 07
        ("201900000005", COMPANY, "ssm_format"),  # nor 00
        ("202701000005", COMPANY, "ssm_format"),  # next year
        ("179901000005", COMPANY, "ssm_format"),  # before 1800
        ("201901000000", COMPANY, "ssm_format"),  # running number 0
        ("1312525", COMPANY, "ssm_format"),  # no check letter
        ("12345678-A", COMPANY, "ssm_format"),  # 8 digits: neither shape
        ("LLP12345-LGN", LLP, "ssm_format"),
        ("201903000005", COMPANY, "ssm_type"),  # a business's number for a company
        ("201901000005", BUSINESS, "ssm_type"),
        ("201904000005", COMPANY, "ssm_type"),
        ("202006000005", BUSINESS, "ssm_type"),
        ("201901000005", INDIVIDUAL, "ssm_type"),  # an individual has no SSM number
        ("1312525-A", BUSINESS, "ssm_type"),
        ("SA0123456-A", COMPANY, "ssm_type"),
        ("LLP0012345-LGN", COMPANY, "ssm_type"),
        ("201901000005 (SA0123456-A)", COMPANY, "ssm_type"),
    ],
)
def test_wrong_ssm_numbers_say_what_is_wrong(typed, selling_as, code):
    with pytest.raises(Invalid) as raised:
        ssm_number(typed, selling_as, today=TODAY)
    assert raised.value.code == code


def test_the_entity_code_says_how_an_entity_sells():
    assert [ssm_kind(f"2019{code:02d}000001") for code in range(8)] == [
        None, COMPANY, COMPANY, BUSINESS, LLP, LLP, LLP, None
    ]  # fmt: skip
    assert ssm_kind("1312525-A") is None


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("IG12345678090", "IG12345678090"),  # individual / sole proprietor
        ("ig 1234567809", "IG1234567809"),
        ("IG123456789012", "IG123456789012"),  # 14 characters, LHDN's maximum
        ("SG10234567090", "IG10234567090"),  # the old resident prefix
        ("OG 25845632021", "IG25845632021"),  # the old non-resident prefix
        ("C25845632020", "C25845632020"),  # company (MyInvois's example)
        ("C2584563202", "C25845632020"),  # LHDN: add the 0 at the end
        ("C01234567890", "C1234567890"),  # LHDN: drop the zeros after the prefix
        ("CS1234567890", "CS1234567890"),  # co-operative society
        ("D 2345678901", "D23456789010"),  # partnership
        ("PT1234567890", "PT1234567890"),  # LLP
        ("F-1234567-0", "F12345670"),  # association
        ("FA1234560", "FA1234560"),
        ("TA1234560", "TA1234560"),
        ("TC1234560", "TC1234560"),
        ("TN1234560", "TN1234560"),
        ("TR1234560", "TR1234560"),
        ("TP1234560", "TP1234560"),
        ("J1234560", "J1234560"),
        ("LE1234560", "LE1234560"),
    ],
)
def test_tins_are_normalised_as_lhdn_asks(typed, normalised):
    assert tin(typed) == normalised


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "12345678901",  # digits only: no type prefix
        "900517145678",  # a MyKad number is not a TIN
        "IG",
        "IG12345",  # too short
        "IG1234567890123",  # 15 characters
        "C123456789012",  # 14 digits after C
        "E1234567890",  # an employer's number, not a TIN
        "X1234567890",
        "ZZ1234567890",
        "C12345X7890",
        "EI00000000010",  # LHDN's general TIN for the public, not a seller's own
    ],
)
def test_malformed_tins_are_refused(typed):
    with pytest.raises(Invalid) as raised:
        tin(typed)
    assert raised.value.code == "tin_format"


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("W10-1808-32000123", "W10-1808-32000123"),
        ("w10 1808 32000123", "W10-1808-32000123"),
        ("W10180832000123", "W10-1808-32000123"),
        ("B16-1809-31000045", "B16-1809-31000045"),
        ("J31-1902-32000567", "J31-1902-32000567"),
    ],
)
def test_sst_numbers_take_the_dashed_form(typed, normalised):
    assert sst_number(typed) == normalised


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "W10-1808-3200012",  # 7 digits at the end
        "W10-1808-320001234",  # 9
        "W1-1808-32000123",
        "10-1808-32000123",
        "WW1-1808-32000123",
        "W10-180-832000123",
        "W10-1808-32000123;B16-1809-31000045",  # one at a time
        "ST1234567890",
    ],
)
def test_malformed_sst_numbers_are_refused(typed):
    with pytest.raises(Invalid) as raised:
        sst_number(typed)
    assert raised.value.code == "sst_format"
