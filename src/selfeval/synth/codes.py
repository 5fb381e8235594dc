"""DfE's codes used by the synthetic returns, with the weights they are drawn with.

Codes are those of the SSDA903 and CIN census guidance (and of D2I's validators' code lists);
weights are rounded from England's published breakdowns where DfE publishes one, otherwise a
plausible judgement (said so in docs/synth.md).
"""

from __future__ import annotations

# Ethnicity (903 ETHNIC and CIN Ethnicity), weighted roughly as England's children in need.
ETHNICITY: dict[str, float] = {
    "WBRI": 62, "WIRI": 0.4, "WOTH": 5, "WIRT": 0.3, "WROM": 0.8,
    "MWBC": 2.5, "MWBA": 0.8, "MWAS": 1.2, "MOTH": 2.5,
    "AIND": 1.5, "APKN": 3, "ABAN": 1.2, "AOTH": 1.5,
    "BCRB": 1.2, "BAFR": 3.5, "BOTH": 1, "CHNE": 0.2, "OOTH": 2.5,
    "REFU": 0.4, "NOBT": 3,
}  # fmt: skip
UASC_ETHNICITY: dict[str, float] = {"AOTH": 30, "BAFR": 30, "OOTH": 30, "BOTH": 5, "WOTH": 5}

# CIN census ReferralSource (2013 onward codes), weighted as England's referrals by source.
REFERRAL_SOURCE: dict[str, float] = {
    "1A": 3, "1B": 3, "1C": 0.5, "1D": 2,
    "2A": 18, "2B": 1.5,
    "3A": 2, "3B": 2, "3C": 0.5, "3D": 3, "3E": 4, "3F": 3,
    "4": 2, "5A": 5, "5B": 3, "5C": 3,
    "6": 29, "7": 1, "8": 7, "9": 0.5, "10": 2,
}  # fmt: skip

# Primary need (CIN PrimaryNeedCode and 903 CIN): N1 abuse or neglect ... N8 absent parenting.
NEED: dict[str, float] = {
    "N1": 56, "N2": 9, "N3": 3, "N4": 14, "N5": 8, "N6": 2, "N7": 0.5, "N8": 3, "N9": 4.5,
}  # fmt: skip
CLA_NEED: dict[str, float] = {
    "N1": 65, "N2": 3, "N3": 3, "N4": 8, "N5": 13, "N6": 1, "N7": 0.2, "N8": 7,
}  # fmt: skip

# Factors identified at the end of assessment (CIN AssessmentFactors), weighted as c3's
# England counts of 2019-2025.
ASSESSMENT_FACTORS: dict[str, float] = {
    "1A": 2, "1B": 14, "1C": 2, "2A": 5, "2B": 14, "2C": 3,
    "3A": 11, "3B": 32, "3C": 5, "4A": 18, "4B": 33, "4C": 5,
    "5A": 12, "5B": 3, "5C": 1.5, "6A": 5, "6B": 1.5, "6C": 0.5,
    "7A": 1.2, "8B": 0.4, "8C": 1.3, "8D": 3.5, "8E": 3, "8F": 0.4,
    "9A": 1.8, "10A": 7, "11A": 5, "12A": 18, "13A": 19,
    "14B": 3, "14C": 12, "15B": 2.5, "15C": 3.7, "16A": 0.2, "17A": 0.4, "18A": 3,
}  # fmt: skip

CP_CATEGORY: dict[str, float] = {"NEG": 48, "EMO": 37, "PHY": 8, "SAB": 4, "MUL": 3}

# Placement types (903 PLACE) by age band, and their providers.
FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
PLACE_BY_AGE: dict[str, dict[str, float]] = {
    "baby": {"U1": 10, "U3": 8, "U4": 55, "U6": 15, "P1": 4, "R3": 3, "A3": 5},
    "child": {"U1": 12, "U2": 3, "U3": 10, "U4": 50, "U5": 2, "U6": 15, "P1": 5, "K2": 3},
    "teen": {"U1": 6, "U3": 6, "U4": 40, "U6": 14, "K2": 16, "P1": 5, "R1": 2, "S1": 1,
             "K1": 0.5, "P2": 1},
    "older": {"U1": 4, "U3": 4, "U4": 30, "U6": 10, "K2": 12, "H5": 25, "P2": 8, "P1": 5},
}  # fmt: skip
ADOPTION_PLACES = {"A3": 0, "A4": 0, "A5": 1, "A6": 1}  # A5/A6: placed for adoption (E1)

REC_18 = {"E17": 25, "E7": 30, "E8": 45}  # at 18: staying put, independent living, other
REC_HOME = {"E13": 20, "E4A": 65, "E4B": 15}
REC_SGO = {"E45": 55, "E46": 45}
REC_CAO = {"E41": 50, "E48": 50}
REC_BY_PATHWAY = {
    "home": REC_HOME,
    "sgo": REC_SGO,
    "cao": REC_CAO,
    "eighteen": REC_18,
    "long": REC_18,
}
"""The reasons an episode ceased (REC), by the way the child left care (adoption: E11, E12)."""

REASON_PLACE_CHANGE: dict[str, float] = {
    "CARPL": 40, "CLOSE": 3, "ALLEG": 2, "STAND": 8, "APPRR": 2, "CREQB": 10, "CREQO": 4,
    "CHILD": 8, "LAREQ": 6, "PLACE": 10, "CUSTOD": 2, "OTHER": 5,
}  # fmt: skip

# OC3 (care leavers): IN_TOUCH, ACTIV and ACCOM. Activity weights follow
# la_care_leavers_activity.csv for England (2021): 17-18 EET 65%, 19-21 EET 52%, HE 6% at 19-21.
OC3_ACTIVITY = {
    "17-18": {"F1": 3, "P1": 0.5, "F2": 42, "P2": 5, "F4": 8, "P4": 6, "F5": 1, "P5": 0.5,
              "G4": 3, "G5": 2, "G6": 29},
    "19-21": {"F1": 5.5, "P1": 1, "F2": 18, "P2": 4, "F4": 13, "P4": 9, "F5": 1, "P5": 0.5,
              "G4": 7, "G5": 6, "G6": 35},
}  # fmt: skip
EET = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5")
OC3_ACCOM = {"B1": 3, "C1": 18, "D1": 6, "E1": 2, "G1": 8, "H1": 4, "K1": 2, "R1": 15,
             "T1": 5, "U1": 8, "V1": 1, "W1": 2, "Y1": 3, "Z1": 1,
             "B2": 0.3, "E2": 0.5, "G2": 0.5, "S2": 1, "T2": 0.5, "U2": 0.5, "X2": 0.5,
             "Y2": 0.5}  # fmt: skip

DISABILITY = ("MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA")

TEAMS = {
    "front_door": ("Multi Agency Safeguarding Hub", "Assessment Team 1", "Assessment Team 2"),
    "cin": ("Locality 1 Team", "Locality 2 Team", "Locality 3 Team", "Children with Disabilities"),
    "cla": ("Children in Care Team 1", "Children in Care Team 2", "Care Leavers Team"),
}

FIRST_NAMES = [
    "Alex",
    "Sam",
    "Jordan",
    "Morgan",
    "Taylor",
    "Casey",
    "Jamie",
    "Robin",
    "Chris",
    "Pat",
    "Kim",
    "Lee",
    "Ali",
    "Noor",
    "Priya",
    "Amara",
    "Tomasz",
    "Olu",
    "Sian",
    "Rhys",
    "Hana",
    "Leah",
    "Omar",
    "Zara",
    "Ben",
    "Ella",
    "Ruth",
    "Dev",
    "Ana",
    "Kofi",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Patel",
    "Khan",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Evans",
    "Okafor",
    "Nowak",
    "Ahmed",
    "Hughes",
    "Green",
    "Wright",
    "Walker",
    "Roberts",
    "Clarke",
    "Begum",
    "Singh",
    "Murphy",
    "Hall",
    "Ward",
    "Kaur",
    "Reid",
]

# Real postcodes (ONS Postcode Directory, Open Government Licence; as DfE's validators look
# them up): homes and placements in the synthetic authority are drawn from Wolverhampton's
# (E08000031), placements elsewhere from ten other authorities'. They locate no one.
LOCAL_POSTCODES: tuple[str, ...] = (
    "WV1 1QZ",
    "WV1 2DH",
    "WV1 2QN",
    "WV1 3BQ",
    "WV1 3PS",
    "WV1 4EY",
    "WV1 4RQ",
    "WV1 9EP",
    "WV1 9PW",
    "WV1 9YD",
    "WV10 0JT",
    "WV10 0XR",
    "WV10 6HU",
    "WV10 6TN",
    "WV10 8BX",
    "WV10 8RX",
    "WV10 9ET",
    "WV10 9RD",
    "WV11 1DL",
    "WV11 1RS",
    "WV11 2JZ",
    "WV11 3DL",
    "WV11 3QZ",
    "WV12 4YN",
    "WV13 3JR",
    "WV13 3YQ",
    "WV14 0PJ",
    "WV14 4BW",
    "WV14 6NB",
    "WV14 7DF",
    "WV14 8BB",
    "WV14 9BN",
    "WV2 1BE",
    "WV2 2DX",
    "WV2 2RN",
    "WV2 3LW",
    "WV2 4JR",
    "WV3 0AS",
    "WV3 0NG",
    "WV3 0YE",
    "WV3 7LY",
    "WV3 8JW",
    "WV3 9HY",
    "WV3 9XQ",
    "WV4 4LT",
    "WV4 4YX",
    "WV4 5PF",
    "WV4 5YX",
    "WV4 6LX",
    "WV6 0AG",
    "WV6 0LG",
    "WV6 0WT",
    "WV6 6GG",
    "WV6 8DN",
    "WV6 8PL",
    "WV6 8YS",
    "WV6 9NL",
    "WV8 1WG",
    "WV9 5PR",
)
OTHER_POSTCODES: tuple[str, ...] = (
    "B1 1AA",
    "B16 0NA",
    "B18 9BR",
    "B29 7DG",
    "B43 7AJ",
    "B44 8BN",
    "B62 0AA",
    "B66 4AA",
    "B69 4BG",
    "B71 3PS",
    "BD1 1JS",
    "DY1 3EA",
    "DY12 1SU",
    "DY5 1AA",
    "DY8 1SA",
    "LS13 4UL",
    "LS2 8BZ",
    "LS28 7WX",
    "M1 1AA",
    "M15 5AR",
    "M21 7LX",
    "M40 7EZ",
    "ST1 1AA",
    "ST2 9DE",
    "ST4 1PF",
    "ST4 9QU",
    "SY11 4AF",
    "SY4 2LE",
    "SY4 4FE",
    "SY8 4DX",
    "TF10 7AH",
    "TF2 9EX",
    "TF5 0JA",
    "WS10 8AX",
    "WS3 2TL",
    "WS9 0GG",
)
