#!/usr/bin/env python3
"""Writes a members file for `delvex members import` benchmarks (bench/members/run.sh).

    members_million.py OUT.csv [--rows N] [--mistake]

N rows (default 1,000,000) for the east-africa room, separated by semicolons as a French spreadsheet writes
them, with a byte-order mark and CRLF. Every number is a distinct Kenyan mobile (0711 000 000 + i) written in
one of four ways in turn (national with spaces, national, +254 with spaces, 254…), so each row goes through
the normaliser; aliases are distinct ("Miner " and five letters chosen so that no two share a look-alike
skeleton). --mistake types one digit of every number twice: every row is then refused ("number not valid for
room east-africa", or "number not valid" for the rows written with +254), the systematic mistake of issue 16.
"""
import argparse

# No letters that Unicode's confusables fold together in pairs ("rn"/"m", "cl"/"d", "vv"/"w", "l"/"I"), and
# no "t", so that no alias spells "http" (refused as a link).
LETTERS = "abdefghkpsuxyzqj"


def alias(i: int) -> str:
    letters = []
    for _ in range(5):
        letters.append(LETTERS[i % len(LETTERS)])
        i //= len(LETTERS)
    return "Miner " + "".join(reversed(letters))


def number(i: int, mistake: bool) -> str:
    digits = f"711{i:06d}"  # a Kenyan mobile without its trunk prefix: 711 000 000 … 711 999 999
    if mistake:
        digits = digits[:3] + digits[3] + digits[3:]  # a digit typed twice: ten digits, not nine
    form = i % 4
    if form == 0:
        return f"0{digits[:3]} {digits[3:6]} {digits[6:]}"
    if form == 1:
        return "0" + digits
    if form == 2:
        return f"+254 {digits[:3]} {digits[3:6]} {digits[6:]}"
    return "254" + digits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--mistake", action="store_true")
    args = parser.parse_args()
    if args.rows > 1_000_000:
        raise SystemExit("at most 1,000,000 rows (one per Kenyan number 0711 000 000 … 0711 999 999)")
    with open(args.out, "w", encoding="utf-8-sig", newline="") as f:
        f.write("wa_id;alias;room;language;role\r\n")
        for i in range(args.rows):
            language = "sw" if i % 3 else "en"
            f.write(f"{number(i, args.mistake)};{alias(i)};east-africa;{language};member\r\n")


if __name__ == "__main__":
    main()
