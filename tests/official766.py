#!/usr/bin/env python3
"""An independent reading of the official QĐ 766 dossier and petition rules.

Written from DOMAIN.md ("The official 766 computation") and PRODUCT.md ("The official
methods"), not from cchc's Rust code: tests/official.rs feeds the same seeded dossiers
and petitions to both and compares every count.

    official766.py CALENDAR.csv DOSSIERS.csv PETITIONS.csv FIRST LAST

Dates are YYYY-MM-DD; FIRST and LAST bound the period. Prints, per unit (sorted), the
dossier counts and then the petition counts, comma-separated:

    unit,received,synced,processed,on_time,late,unknown,online,fee,paid_online,
    resolved,digitized,paper_resolved,paper_e_result,reused,personal_store,citizen_db,
    flagged,p_received,p_on_time,p_first,p_satisfied
"""

import csv
import datetime as dt
import sys
from collections import defaultdict

ENDED = {"resolved", "returned", "stopped", "refused", "withdrawn"}


def day(s):
    return dt.date.fromisoformat(s) if s else None


class Calendar:
    """Saturdays and Sundays off unless marked `workday`; `holiday` days off."""

    def __init__(self, path):
        self.holiday, self.workday = set(), set()
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                d = dt.date.fromisoformat(row["date"])
                (self.holiday if row["kind"] == "holiday" else self.workday).add(d)

    def working(self, d):
        if d in self.holiday:
            return False
        return d.weekday() < 5 or d in self.workday

    def after(self, d, n):
        """The n-th working day after d (d itself when n is 0)."""
        while n > 0:
            d += dt.timedelta(days=1)
            if self.working(d):
                n -= 1
        return d

    def deadline(self, received, n):
        """A deadline of n working days, counted from the day after receipt; 0: the
        same day when it is a working day, else the next one."""
        if n == 0:
            return received if self.working(received) else self.after(received, 1)
        return self.after(received, n)

    def between(self, a, b):
        """Working days after a, up to and including b."""
        n, d = 0, a
        while d < b:
            d += dt.timedelta(days=1)
            n += self.working(d)
        return n


def add_months(d, n):
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


def max_due(cal, received, unit, n):
    if unit == "working_days":
        return cal.deadline(received, n)
    if unit == "hours":  # working days of 8 hours, rounded up
        return cal.deadline(received, -(-n // 8))
    if unit == "days":
        return received + dt.timedelta(days=n)
    if unit == "months":
        return add_months(received, n)
    return None


def judge(cal, r, first, last):
    """'out', 'on_time', 'late' or 'unknown' for 2.1."""
    received = day(r["received"])
    if received > last:
        return "out"
    finished = day(r["finished"])
    if r["end"] not in ENDED or finished is None or finished > last:
        end = last  # open at the period's end
    elif finished < first:
        return "out"
    else:
        end = finished
    requests = int(r["requests"] or 0)
    asked = day(r["requested"])
    if asked and requests == 0:
        requests = 1
    if requests >= 2:
        return "late"
    citizen = 0
    if requests == 1 and asked:
        back = day(r["supplement_received"]) or end
        citizen = cal.between(asked, min(back, end))
    due = day(r["due"])
    if due is None and r["max_unit"]:
        due = max_due(cal, received, r["max_unit"], int(r["max_n"]))
    if due is None:
        return "unknown"
    return "on_time" if end <= cal.after(due, citizen) else "late"


FIELDS = ["received", "synced", "processed", "on_time", "late", "unknown", "online",
          "fee", "paid_online", "resolved", "digitized", "paper_resolved",
          "paper_e_result", "reused", "personal_store", "citizen_db", "flagged"]
P_FIELDS = ["p_received", "p_on_time", "p_first", "p_satisfied"]


def main():
    cal = Calendar(sys.argv[1])
    first, last = day(sys.argv[4]), day(sys.argv[5])
    tally = defaultdict(lambda: dict.fromkeys(FIELDS + P_FIELDS, 0))
    with open(sys.argv[2], encoding="utf-8") as f:
        for r in csv.DictReader(f):
            t = tally[r["unit"]]
            flag = lambda k: r[k] == "1"
            j = judge(cal, r, first, last)
            if j in ("on_time", "late"):
                t["processed"] += 1
                t[j] += 1
            elif j == "unknown":
                t["unknown"] += 1
            if first <= day(r["received"]) <= last:
                t["received"] += 1
                t["synced"] += flag("synced")
                t["online"] += flag("online") and (flag("e_result") or not flag("paper_result"))
                t["fee"] += flag("fee")
                t["paid_online"] += flag("fee") and flag("paid_online")
                t["reused"] += flag("reused")
                t["personal_store"] += flag("store")
                t["citizen_db"] += flag("citizen_db")
                t["flagged"] += flag("petition") or flag("disliked")
            finished = day(r["finished"])
            if r["end"] == "resolved" and finished and first <= finished <= last:
                t["resolved"] += 1
                t["digitized"] += flag("digitized") and flag("e_result")
                t["paper_resolved"] += flag("paper_result")
                t["paper_e_result"] += flag("paper_result") and flag("e_result")
    days = {"": 15, "handled": 15, "supplement": 5, "refused": 2, "published": 2}
    with open(sys.argv[3], encoding="utf-8") as f:
        for r in csv.DictReader(f):
            t = tally[r["unit"]]
            received = day(r["received"])
            if not first <= received <= last:
                continue
            finished = day(r["finished"])
            outcome = r["outcome"]
            if outcome == "" or finished is None or finished > last:
                end, outcome = last, ""
            else:
                end = finished
            on_time = end <= cal.deadline(received, days[outcome])
            first_time = r["repeat"] != "1"
            t["p_received"] += 1
            t["p_on_time"] += on_time
            t["p_first"] += first_time
            t["p_satisfied"] += first_time and r["disliked"] != "1" and on_time
    out = csv.writer(sys.stdout, lineterminator="\n")
    for unit in sorted(tally):
        out.writerow([unit] + [int(tally[unit][k]) for k in FIELDS + P_FIELDS])


if __name__ == "__main__":
    main()
