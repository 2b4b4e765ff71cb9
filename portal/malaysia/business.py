"""Business and tax identity: how a seller sells, the SSM registration number, the TIN and
the SST registration number.

SSM registration number (Suruhanjaya Syarikat Malaysia, the Companies Commission):

* Since 11 October 2019 every registered entity has one 12-digit number, YYYY TT NNNNNN: the
  year it was registered, a 2-digit entity type, and a running number. The type codes are
  01 local company, 02 foreign company, 03 business, 04 local LLP, 05 foreign LLP, 06 LLP for
  professional practice. Entities registered before then were given a new number too, with
  the year they were first registered, and SSM shows both side by side, e.g.
  "201901000005 (1312525-A)". Source: SSM announcement "New format of registration number"
  (https://www.ssm.com.my/Lists/Announcement/AnnouncementDetails.aspx?ID=134), as explained
  in https://allproconsultants.wordpress.com/2021/06/15/the-company-registration-number-what-
  does-it-mean/ (the code table quoted from SSM). Because old entities carry their old year,
  any year from 1800 to this year is accepted.
* The older numbers, still printed on older certificates, are accepted and kept as issued:
  a company "1312525-A" (up to 7 digits and a check letter, Companies Act 1965 / 2016), a
  registered business (ROBA 1956) "SA0123456-A" or "001234567-K" (two letters and 7 digits,
  or 9 digits, and a check letter), and an LLP "LLP0012345-LGN" ("LLP", 7 digits and a
  3-letter suffix, LLP Act 2012). SSM publishes no rule for the check letter, so it is not
  checked. These shapes are taken from numbers as SSM prints them on certificates and
  e-Info profiles; SSM publishes no specification of them.

TIN (tax identification number, Lembaga Hasil Dalam Negeri Malaysia, LHDN / HASiL). Source:
the MyInvois SDK FAQ, "How to retrieve and validate the accuracy of my TIN?"
(https://sdk.myinvois.hasil.gov.my/faq), and the e-Invoice Guideline / Specific Guideline
(LHDN, version 4.x, Appendix 1 for the general TINs, which are not a seller's own):

* an individual's TIN is "IG" and digits, at most 14 characters in all; "IG" replaced the
  older "SG" (resident) and "OG" (non-resident) prefixes with the same digits, so SG/OG
  numbers are rewritten to IG;
* a non-individual's TIN is a type prefix (C company, CS co-operative society, D
  partnership, F association, FA non-resident public entertainer, PT LLP, TA trust body, TC
  unit trust / property trust, TN business trust, TR REIT / property trust fund, TP
  deceased person's estate, J Hindu joint family, LE Labuan entity) and digits that never
  start with 0 and always end with 0: LHDN asks to drop leading zeros and to add a 0 at the
  end of an older number that lacks it (C123456789 becomes C1234567890), and so do we.
  "E" (employer's number) is not a TIN and is refused.
* A non-individual's number has at most 10 digits as issued (python-stdnum's
  ``stdnum/my/itn.py``, which documents IRBM's format), so at most 11 with LHDN's final 0.
* We require at least 6 digits (LHDN states no minimum; every TIN we have seen is longer).

SST registration number (Jabatan Kastam Diraja Malaysia, Royal Malaysian Customs Department,
MySST, https://mysst.customs.gov.my; Sales Tax Act 2018 and Service Tax Act 2018): printed on
the SST registration certificate as a letter and two digits (the Customs station), four
digits (the year and month of registration, e.g. 1808), and eight digits, as in
"W10-1808-32000123". LHDN's e-Invoice Guideline (Buyer's/Supplier's SST registration number)
lets an e-Invoice carry up to two, separated by ";" — a business registered for both sales
and service tax has two; this module checks one at a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from portal.malaysia.errors import Invalid


class SellingAs(StrEnum):
    INDIVIDUAL = "individual"
    BUSINESS = "business"  # registered business: sole proprietor or partnership (ROBA 1956)
    COMPANY = "company"  # Sdn Bhd / Bhd (Companies Act 2016)
    LLP = "llp"  # limited liability partnership (LLP Act 2012)


@dataclass(frozen=True)
class SSMNumber:
    new: str | None  # the 12-digit number (since October 2019)
    old: str | None  # the older format, as issued (shown beside the new one)


# SSM's entity type codes in the 12-digit number, and how a seller with each one sells.
SSM_ENTITY_TYPES: dict[str, SellingAs] = {
    "01": SellingAs.COMPANY,  # local company
    "02": SellingAs.COMPANY,  # foreign company
    "03": SellingAs.BUSINESS,  # business (sole proprietorship or partnership)
    "04": SellingAs.LLP,  # local LLP
    "05": SellingAs.LLP,  # foreign LLP
    "06": SellingAs.LLP,  # LLP for professional practice
}
FIRST_SSM_YEAR = 1800

_NEW_SSM = re.compile(r"^(\d{4})(\d{2})(\d{6})$")
_OLD_SSM: dict[SellingAs, re.Pattern] = {
    SellingAs.COMPANY: re.compile(r"^(\d{1,7})-?([A-Z])$"),
    SellingAs.BUSINESS: re.compile(r"^([A-Z]{2}\d{7}|\d{9})-?([A-Z])$"),
    SellingAs.LLP: re.compile(r"^(LLP\d{7})-?([A-Z]{3})$"),
}
# "201901000005 (1312525-A)": the two numbers as SSM prints them side by side.
_BOTH = re.compile(r"^(\d{12})\(([A-Z0-9\-]+)\)$")
_SPACES = re.compile(r"\s+")


def ssm_number(text: str, selling_as: SellingAs, *, today: date | None = None) -> SSMNumber:
    """Parse a new (12-digit) or old SSM number, or both as SSM prints them
    ("201901000005 (1312525-A)"), for ``selling_as``.

    Raises Invalid("ssm_format") when it is neither shape (or its year or entity code is
    impossible), Invalid("ssm_type") when it is another kind's number (a 12-digit number whose
    entity code is another kind's, an old number of another kind's shape, or any number for
    an individual, who has none). ``today`` bounds the year (default: the server's today).
    """
    value = _SPACES.sub("", text or "").upper()
    both = _BOTH.match(value)
    if both:
        new = _new_ssm(both.group(1), selling_as, today or date.today())
        return SSMNumber(new=new, old=_old_ssm(both.group(2), selling_as))
    if _NEW_SSM.match(value):
        return SSMNumber(new=_new_ssm(value, selling_as, today or date.today()), old=None)
    return SSMNumber(new=None, old=_old_ssm(value, selling_as))


def ssm_kind(new_number: str) -> SellingAs | None:
    """How an entity with this 12-digit number sells (from its entity code), if known."""
    match = _NEW_SSM.match(new_number or "")
    return SSM_ENTITY_TYPES.get(match.group(2)) if match else None


def _new_ssm(value: str, selling_as: SellingAs, today: date) -> str:
    year, code, running = _NEW_SSM.match(value).groups()
    if not FIRST_SSM_YEAR <= int(year) <= today.year or code not in SSM_ENTITY_TYPES:
        raise Invalid("ssm_format")
    if int(running) == 0:
        raise Invalid("ssm_format")
    if SSM_ENTITY_TYPES[code] != selling_as:
        raise Invalid("ssm_type")
    return value


def _old_ssm(value: str, selling_as: SellingAs) -> str:
    kinds = [kind for kind, shape in _OLD_SSM.items() if shape.match(value)]
    if not kinds:
        raise Invalid("ssm_format")
    if selling_as not in kinds:
        raise Invalid("ssm_type")
    body, suffix = _OLD_SSM[selling_as].match(value).groups()
    return f"{body}-{suffix}"


# LHDN's TIN type prefixes (MyInvois SDK FAQ).
TIN_INDIVIDUAL = "IG"
TIN_OLD_INDIVIDUAL = ("SG", "OG")
TIN_NON_INDIVIDUAL = ("C", "CS", "D", "F", "FA", "PT", "TA", "TC", "TN", "TR", "TP", "J", "LE")
TIN_MAX_LENGTH = 14  # an individual's, prefix included (MyInvois SDK FAQ)
TIN_MAX_DIGITS_NON_INDIVIDUAL = 11  # 10 as issued, and LHDN's final 0
TIN_MIN_DIGITS = 6
_TIN = re.compile(r"^([A-Z]{1,2})(\d+)$")
_TIN_SEPARATORS = re.compile(r"[\s\-]")


def tin(text: str) -> str:
    """An LHDN tax identification number, normalised as LHDN asks ("IG12345678090",
    "C25845632020"); raises Invalid("tin_format")."""
    match = _TIN.match(_TIN_SEPARATORS.sub("", text or "").upper())
    if not match:
        raise Invalid("tin_format")
    prefix, digits = match.groups()
    if prefix in TIN_OLD_INDIVIDUAL:
        prefix = TIN_INDIVIDUAL
    if prefix in TIN_NON_INDIVIDUAL:
        digits = digits.lstrip("0")
        if not digits.endswith("0"):
            digits += "0"
    elif prefix != TIN_INDIVIDUAL:
        raise Invalid("tin_format")
    value = prefix + digits
    if len(digits.lstrip("0")) < TIN_MIN_DIGITS or len(value) > TIN_MAX_LENGTH:
        raise Invalid("tin_format")
    if prefix != TIN_INDIVIDUAL and len(digits) > TIN_MAX_DIGITS_NON_INDIVIDUAL:
        raise Invalid("tin_format")
    return value


def is_individual_tin(value: str) -> bool:
    """Whether a normalised TIN is an individual's (including a sole proprietor's)."""
    return value.startswith(TIN_INDIVIDUAL)


_SST = re.compile(r"^([A-Z]\d{2})-?(\d{4})-?(\d{8})$")


def sst_number(text: str) -> str:
    """A Royal Malaysian Customs SST registration number in its dashed form
    ("W10-1808-32000123"); raises Invalid("sst_format")."""
    match = _SST.match(_SPACES.sub("", text or "").upper())
    if not match:
        raise Invalid("sst_format")
    return "-".join(match.groups())
