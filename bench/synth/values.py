"""Generators for fake identifiers in the many shapes real systems print them.

Everything comes from Faker (seeded per photo) or from the photo's numpy generator:
no real patient data.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from faker import Faker

# The corpus's fixed "today", so ages and recent dates do not drift with the clock.
TODAY = dt.date(2025, 6, 1)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def choice(rng: np.random.Generator, items: tuple | list) -> object:
    return items[int(rng.integers(len(items)))]


def digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(int(d)) for d in rng.integers(0, 10, n))


def mrn(rng: np.random.Generator) -> str:
    shape = int(rng.integers(6))
    if shape == 0:
        return digits(rng, 8)
    if shape == 1:
        return "00" + digits(rng, 6)
    if shape == 2:
        return str(choice(rng, ("E", "M", "H"))) + digits(rng, 7)
    if shape == 3:
        return f"{digits(rng, 3)}-{digits(rng, 2)}-{digits(rng, 3)}"
    return digits(rng, int(rng.integers(6, 11)))


def account(rng: np.random.Generator) -> str:
    return digits(rng, int(rng.integers(9, 12)))


def plan_id(rng: np.random.Generator) -> str:
    letters = "ABCDEFGHJKMNPQRTUVWXY"
    pre = "".join(letters[int(i)] for i in rng.integers(0, len(letters), 3))
    if rng.random() < 0.3:  # Medicare MBI shape, e.g. 1EG4-TE5-MK73
        a = f"{rng.integers(1, 10)}{pre[:2]}{rng.integers(0, 10)}"
        return (
            f"{a}-{pre[2]}{letters[int(rng.integers(len(letters)))]}{rng.integers(10)}-"
            f"{pre[:2]}{digits(rng, 2)}"
        )
    return pre + digits(rng, int(rng.integers(8, 11)))


def date_text(rng: np.random.Generator, d: dt.date) -> str:
    style = int(rng.integers(6))
    if style == 0:
        return d.strftime("%m/%d/%Y")
    if style == 1:
        return d.isoformat()
    if style == 2:
        return f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year}"
    if style == 3:
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if style == 4:
        return f"{d.month}/{d.day}/{d.year % 100:02d}"
    return f"{d.month}/{d.day}/{d.year}"


def dob(fake: Faker, rng: np.random.Generator, old: bool = False) -> tuple[dt.date, int]:
    age = int(rng.integers(90, 103)) if old else int(rng.integers(18, 89))
    d = TODAY - dt.timedelta(days=365 * age + int(rng.integers(0, 360)))
    return d, age


def recent_date(rng: np.random.Generator) -> dt.date:
    return TODAY - dt.timedelta(days=int(rng.integers(0, 120)))


def phone(rng: np.random.Generator) -> str:
    a, b, c = rng.integers(201, 990), rng.integers(200, 999), digits(rng, 4)
    style = int(rng.integers(4))
    return (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}")[style]


def ssn(rng: np.random.Generator) -> str:
    return f"{rng.integers(101, 899)}-{digits(rng, 2)}-{digits(rng, 4)}"


def person(fake: Faker, rng: np.random.Generator) -> tuple[str, str, str]:
    """(first, last, middle initial) of a fake person."""
    first = fake.first_name_female() if rng.random() < 0.5 else fake.first_name_male()
    return first, fake.last_name(), fake.random_uppercase_letter()


def name_as(rng: np.random.Generator, first: str, last: str, mid: str) -> str:
    """One of the ways a name is printed or scribbled."""
    style = int(rng.integers(7))
    return (
        f"{last.upper()}, {first.upper()} {mid}",
        f"{last}, {first}",
        f"{first} {last}",
        f"{first[0]}. {last}",
        f"{last}, {first[0]}",
        f"{choice(rng, ('Mr.', 'Mrs.', 'Ms.'))!s} {last}",
        f"{first} {last[0]}.",
    )[style]


def credential_pair(fake: Faker, rng: np.random.Generator) -> tuple[str, str]:
    """A (username, password) pair of the kind people stick to monitors."""
    first, last = fake.first_name().lower(), fake.last_name().lower()
    user = str(
        choice(
            rng,
            (
                first[0] + last,
                f"{first}.{last}",
                last + digits(rng, 2),
                f"{first[0]}{last[:6]}{digits(rng, 1)}",
            ),
        )
    )
    season = str(choice(rng, ("Winter", "Spring", "Summer", "Fall", "Welcome", "Password")))
    pw = str(
        choice(
            rng,
            (
                f"{season}{rng.integers(2019, 2026)}!",
                f"{fake.word().capitalize()}{digits(rng, 3)}#",
                fake.password(length=int(rng.integers(8, 13))),
                f"{season}{digits(rng, 2)}$",
            ),
        )
    )
    return user, pw
