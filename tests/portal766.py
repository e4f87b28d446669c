#!/usr/bin/env python3
"""An independent reading of the official service index, end to end: the portal's
indicators (DOMAIN.md "The official 766 computation", PRODUCT.md "service-766-2026")
from a project's files as cchc reads them, printed as `cchc metrics --method 766
--format csv` prints them. Written from the documents, not from cchc's Rust code;
tests/service766.rs compares the two on generated projects, cell by cell.

    portal766.py CALENDAR.csv PROJECT_DIR FIRST LAST

PROJECT_DIR holds units.csv (unit_id, name, kind), checklist.csv (4.6's done and
planned), dossiers.csv, procedures.csv and petitions.csv with the contract's columns;
dates are `YYYY-MM-DD` (a time after a space is ignored). Exact fractions throughout;
ratios and scores rounded half-up to 2 places once, when printed.
"""
import csv
import datetime as dt
import os
import sys
from collections import defaultdict
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import official766 as o  # noqa: E402  (the dossier rules, also from DOMAIN.md)

# id, group, max, full at (percent), what an empty denominator gives.
TABLE = [
    ("1.1", "CKMB", 6, 100, "na"), ("1.2", "CKMB", 4, 100, "na"),
    ("1.3", "CKMB", 2, 100, "na"), ("1.4", "CKMB", 6, 100, "zero"),
    ("2.1", "TDGQ", 20, 100, "na"),
    ("3.1", "CLGQ", 2, 80, "na"), ("3.2", "CLGQ", 4, 100, "na"), ("3.3", "CLGQ", 6, 50, "na"),
    ("4.1", "MDSH", 6, 100, "na"), ("4.2", "MDSH", 4, 80, "na"), ("4.6", "MDSH", 2, 100, "na"),
    ("4.3", "MDSH", 2, 80, "na"), ("4.4", "MDSH", 4, 100, "na"), ("4.5a", "MDSH", 2, 100, "na"),
    ("4.5b", "MDSH", 2, 100, "na"),
    ("5.2", "MDHL", 6, 100, "full"), ("5.3", "MDHL", 6, 100, "full"), ("5.4", "MDHL", 6, 90, "zero"),
    ("3.5", "TTTT", 2, 80, "na"), ("3.5b", "TTTT", 2, 80, "na"), ("3.6", "TTTT", 6, 100, "na"),
]
GROUPS = [("CKMB", 18), ("TDGQ", 20), ("CLGQ", 12), ("MDSH", 22), ("MDHL", 18), ("TTTT", 10)]


def read(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def date(s):
    s = (s or "").strip()
    return dt.date.fromisoformat(s.split(" ")[0]) if s else None


def flag(s):
    return (s or "").strip() in ("1", "true", "x")


def round2(x):
    """Half away from zero (x ≥ 0), 2 places, as text."""
    cents = (x * 100 + Fraction(1, 2)).__floor__()
    return f"{cents // 100}.{cents % 100:02}"


def tally(cal, rows, procs, petitioned, first, last):
    """Per unit: the dossier counts of the official rules."""
    t = defaultdict(lambda: defaultdict(int))
    used = defaultdict(lambda: {"online": set(), "paid": set()})
    unit_of_time = {"working_days": "working_days", "days": "days", "hours": "hours", "months": "months"}
    for r in rows:
        u = r["unit_id"].strip()
        p = procs.get(r["procedure_id"].strip(), {})
        requested = date(r["supplement_requested_at"])
        requests = int(r["supplement_requests"] or 0)
        finished = date(r["finished_at"])
        rr = {
            "received": date(r["received_at"]).isoformat(),
            "end": r["status"].strip(),
            "finished": finished.isoformat() if finished else "",
            "due": date(r["due_at"]).isoformat() if date(r["due_at"]) else "",
            "max_unit": unit_of_time.get(p.get("time_unit") or "working_days", "") if p.get("max_time") else "",
            "max_n": p.get("max_time") or "0",
            "requests": str(requests),
            "requested": requested.isoformat() if requested else "",
            "supplement_received": date(r["supplement_received_at"]).isoformat() if date(r["supplement_received_at"]) else "",
        }
        j = o.judge(cal, rr, first, last)
        c = t[u]
        if j in ("on_time", "late"):
            c["processed"] += 1
            c[j] += 1
        received = date(r["received_at"])
        paper = flag(p.get("paper_result"))
        if first <= received <= last:
            c["received"] += 1
            c["synced"] += flag(r["synced"])
            online = r["channel"].strip() == "online"
            c["online"] += online and (flag(r["e_result"]) or not paper)
            fee = int(r["fee"] or 0) > 0
            c["fee"] += fee
            c["paid_online"] += fee and flag(r["paid_online"])
            c["reused"] += flag(r["reused_data"])
            c["store"] += flag(r["from_personal_store"]) or flag(r["to_personal_store"])
            c["citizen_db"] += flag(r["citizen_db"])
            rating = r["rating"].strip()
            c["flagged"] += r["dossier_id"].strip() in petitioned or rating in ("1", "2")
            if online:
                used[u]["online"].add(r["procedure_id"].strip())
            if fee and flag(r["paid_online"]):
                used[u]["paid"].add(r["procedure_id"].strip())
        if r["status"].strip() == "resolved" and finished and first <= finished <= last:
            c["resolved"] += 1
            c["digitized"] += flag(r["digitized"]) and flag(r["e_result"])
            c["paper_resolved"] += paper
            c["paper_e"] += paper and flag(r["e_result"])
    return t, used


def petition_tally(cal, rows, first, last):
    days = {"": 15, "handled": 15, "supplement": 5, "refused": 2, "published": 2}
    t = defaultdict(lambda: defaultdict(int))
    for r in rows:
        received = date(r["received_at"])
        if not first <= received <= last:
            continue
        finished, outcome = date(r["finished_at"]), r["outcome"].strip()
        if outcome == "" or finished is None or finished > last:
            end, outcome = last, ""
        else:
            end = finished
        on_time = end <= cal.deadline(received, days[outcome])
        first_time = r["repeat"].strip() != "1"
        c = t[r["unit_id"].strip()]
        c["received"] += 1
        c["on_time"] += on_time
        c["first"] += first_time
        c["satisfied"] += first_time and r["reaction"].strip() != "dislike" and on_time
    return t


def share(n, d):
    return (n, d, Fraction(n, d) if d else None)


def procedure_shares(cal, procs, used, first, last):
    decided = [p for p in procs if date(p["decided_on"]) and first <= date(p["decided_on"]) <= last]

    def early(p):
        return date(p["effective_on"]) is not None and cal.between(date(p["decided_on"]), date(p["effective_on"])) >= 5

    def in_time(p):
        return date(p["published_on"]) is not None and date(p["published_on"]) <= cal.after(date(p["decided_on"]), 5)

    online = [p for p in procs if p["online"].strip() != "none"]
    fee = [p for p in procs if flag(p["has_fee"])]
    integrated = [p for p in fee if flag(p["payment_integrated"])]
    citizens = [p for p in procs if p["for_citizens"].strip() != "0"]
    return {
        "1.1": share(sum(map(early, decided)), len(decided)),
        "1.2": share(sum(map(in_time, decided)), len(decided)),
        "1.3": share(sum(flag(p["parts_complete"]) for p in procs), len(procs)),
        "3.1": share(len(online), len(procs)),
        "3.2": share(sum(p["procedure_id"] in used["online"] for p in online), len(online)),
        "3.5": share(len(integrated), len(fee)),
        "3.5b": share(sum(p["procedure_id"] in used["paid"] for p in integrated), len(integrated)),
        "4.5a": share(sum(flag(p["population_db"]) for p in citizens), len(citizens)),
    }


def dossier_shares(c, pt):
    sync = min(Fraction(c["synced"], c["received"]), 1) if c["received"] else None
    online = share(c["online"], c["received"])
    s = {
        "1.4": share(c["synced"], c["received"]),
        "2.1": share(c["on_time"], c["processed"]),
        "3.3": (online[0], online[1], online[2] * sync if online[2] is not None else None),
        "3.6": share(c["paid_online"], c["fee"]),
        "4.1": share(c["paper_e"], c["paper_resolved"]),
        "4.2": share(c["digitized"], c["resolved"]),
        "4.3": share(c["reused"], c["received"]),
        "4.4": share(c["store"], c["received"]),
        "4.5b": share(c["citizen_db"], c["received"]),
        "5.2": share(pt["on_time"], pt["received"]),
        "5.3": share(pt["satisfied"], pt["first"]),
    }
    if c["received"]:
        late = Fraction(c["late"], c["processed"]) if c["processed"] else 0
        s["5.4"] = (None, None, max(Fraction(1) - late - Fraction(c["flagged"], c["received"]), 0))
    else:
        s["5.4"] = (None, None, None)
    return s


def main():
    cal = o.Calendar(sys.argv[1])
    root = sys.argv[2]
    first, last = date(sys.argv[3]), date(sys.argv[4])
    units = read(os.path.join(root, "units.csv"))
    catalogue = read(os.path.join(root, "procedures.csv"))
    procs = {}
    for p in catalogue:
        procs.setdefault(p["procedure_id"].strip(), p)
    petitions = read(os.path.join(root, "petitions.csv"))
    petitioned = {r["dossier_id"].strip() for r in petitions if r["dossier_id"].strip()}
    checklist = {r["unit_id"].strip(): r for r in read(os.path.join(root, "checklist.csv"))
                 if r["criterion_id"].strip() == "4.6"}
    t, used = tally(cal, read(os.path.join(root, "dossiers.csv")), procs, petitioned, first, last)
    pt = petition_tally(cal, petitions, first, last)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["unit_id", "group", "indicator", "numerator", "denominator", "ratio", "score", "max"])
    for u in sorted(units, key=lambda u: u["unit_id"]):
        uid = u["unit_id"].strip()
        mine = [p for p in catalogue
                if p.get("unit_id", "").strip() == uid
                or (not p.get("unit_id", "").strip() and p["level"].strip() in ("", u["kind"].strip()))]
        shares = dossier_shares(t[uid], pt[uid])
        shares.update(procedure_shares(cal, mine, used[uid], first, last))
        row = checklist.get(uid)
        done, planned = (int(row["done"]), int(row["planned"])) if row else (0, 0)
        shares["4.6"] = (done, planned, Fraction(done, planned)) if planned else (None, None, None)
        points, applicable = {}, {}
        for gid, _ in GROUPS:
            for (i, g, mx, full, empty) in TABLE:
                if g != gid:
                    continue
                n, d, r = shares[i]
                if r is None:
                    p = {"na": None, "zero": Fraction(0), "full": Fraction(mx)}[empty]
                else:
                    p = min(Fraction(mx), mx * r * 100 / full)
                points[i] = p
                cells = ["" if n is None else n, "" if d is None else d,
                         "" if r is None else round2(r * 100), "na" if p is None else round2(p), mx]
                if i == "4.6" and r is None:
                    cells[:2] = ["", ""]
                out.writerow([uid, g, i] + cells)
            inside = [points[i] for (i, g, *_) in TABLE if g == gid and points[i] is not None]
            applicable[gid] = sum(mx for (i, g, mx, *_) in TABLE if g == gid and points[i] is not None)
            out.writerow([uid, gid, gid, "", "", "", round2(sum(inside)) if inside else "na",
                          dict(GROUPS)[gid]])
        total_max = sum(applicable.values())
        total = sum(p for p in points.values() if p is not None)
        out.writerow([uid, "", "total", "", "", "", round2(min(total / total_max * 100, 100)) if total_max else "0.00", 100])


if __name__ == "__main__":
    main()
