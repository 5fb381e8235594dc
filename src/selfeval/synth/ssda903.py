"""Synthetic SSDA903 returns: Header and Episodes tables with DfE's exact headers."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from selfeval.schema import SSDA903

PLACEMENTS = ("U1", "U2", "U3", "U4", "U5", "U6", "R1", "K2", "P1", "H5")
LEGAL = ("C2", "C2", "C2", "V2", "J2", "E1")


@dataclass
class Episode:
    child: str
    decom: date
    rne: str
    ls: str
    cin: str
    place: str
    provider: str
    dec: date | None
    rec: str | None


def _fmt(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def write_903(
    out: Path,
    *,
    children: int = 200,
    years: range = range(2019, 2021),
    seed: int = 1,
    la_code: str = "999",
) -> list[Path]:
    """Write one folder per return year (``out/903/YYYY``) with header.csv and episodes.csv."""
    rng = random.Random(seed)
    first = date(years.start - 2, 4, 1)
    last = date(years.stop - 1, 3, 31)
    kids = []
    for i in range(children):
        cid = f"{la_code}{i:06d}"
        dob = first - timedelta(days=rng.randint(0, 17 * 365))
        start = first + timedelta(days=rng.randint(0, (last - first).days))
        eps: list[Episode] = []
        d = start
        rne = "S"
        ls = rng.choice(LEGAL)
        while d <= last and len(eps) < 6:
            length = rng.randint(20, 900)
            end = d + timedelta(days=length)
            place = rng.choice(PLACEMENTS)
            provider = "PR1" if place.startswith("U") and rng.random() < 0.6 else "PR4"
            if end > last:
                eps.append(Episode(cid, d, rne, ls, "N1", place, provider, None, None))
                break
            ceases = rng.random() < 0.4
            eps.append(
                Episode(
                    cid,
                    d,
                    rne,
                    ls,
                    "N1",
                    place,
                    provider,
                    end,
                    rng.choice(("E11", "E13", "E41")) if ceases else "X1",
                )
            )
            if ceases:
                break
            d, rne = end, rng.choice(("P", "P", "L", "T", "B"))
        kids.append((cid, rng.choice(("1", "2")), dob, eps))
    paths = []
    for y in years:
        ys, ye = date(y - 1, 4, 1), date(y, 3, 31)
        folder = out / "903" / str(y)
        folder.mkdir(parents=True, exist_ok=True)
        hdr = folder / "header.csv"
        eps_path = folder / "episodes.csv"
        with open(hdr, "w", newline="") as fh, open(eps_path, "w", newline="") as fe:
            wh, we = csv.writer(fh), csv.writer(fe)
            wh.writerow(SSDA903["ssda903_header"].fields)
            we.writerow(SSDA903["ssda903_episodes"].fields)
            for cid, sex, dob, eps in kids:
                inyear = [e for e in eps if e.decom <= ye and (e.dec is None or e.dec >= ys)]
                if not inyear:
                    continue
                wh.writerow([cid, sex, _fmt(dob), "WBRI", "", "", ""])
                for e in inyear:
                    dec = e.dec if e.dec and e.dec <= ye else None
                    we.writerow(
                        [
                            cid,
                            _fmt(e.decom),
                            e.rne,
                            e.ls,
                            e.cin,
                            e.place,
                            e.provider,
                            _fmt(dec),
                            (e.rec if dec else "") or "",
                            "",
                            "",
                            "",
                            "",
                        ]
                    )
        paths += [hdr, eps_path]
    return paths
