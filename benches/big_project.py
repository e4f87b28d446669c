#!/usr/bin/env python3
"""A project of N units for measuring scoring and report memory at scale (seeded):

    python3 benches/big_project.py /tmp/big 60000
    /usr/bin/time -v target/release/cchc score /tmp/big --format json --out /tmp/big.json

Its framework has 9 areas of 5 criteria each (45 leaves: manual, choice, steps and
proportional on done/planned — ratios like 7/31 that never terminate — and a
per-count bonus and penalty), so the run exercises exact rational sums as a real
commune table does.
"""
import os
import random
import sys


def framework():
    out = ['id = "big"', 'title = "Synthetic 45-criterion table"', 'scale = "100"',
           '[rounding]', 'mode = "half-up"', 'places = 2',
           '[[bands]]', 'label = "Tốt"', 'from = "80"',
           '[[bands]]', 'label = "Khá"', 'from = "50"',
           '[[bands]]', 'label = "Yếu"', 'from = "0"']
    leaves = []
    for a in range(1, 9):
        out += ['[[areas]]', f'id = "{a}"', f'title = "Lĩnh vực {a}"']
        for c in range(1, 6):
            lid = f"{a}.{c}"
            max_ = "2.5"
            out += ['[[areas.criteria]]', f'id = "{lid}"', f'title = "Tiêu chí {lid}"', f'max = "{max_}"']
            kind = c % 4
            if kind == 0:
                out += ['rule = "manual"']
            elif kind == 1:
                out += ['rule = "choice"', 'options = { on_time = "2.5", late = "1.25", missing = "0" }']
            elif kind == 2:
                out += ['rule = "steps"', 'on-empty = "zero"',
                        'steps = [{ from = "100", points = "2.5" }, { from = "80", points = "1.25" }, { from = "0", points = "0" }]']
            else:
                out += ['rule = "proportional"', 'on-empty = "zero"']
            leaves.append((lid, kind))
    out += ['[[areas]]', 'id = "9"', 'title = "Điểm thưởng, điểm trừ"', 'kind = "bonus"',
            '[[areas.criteria]]', 'id = "9.1"', 'title = "Thưởng"', 'max = "2"', 'rule = "per-count"', 'points-each = "0.5"',
            '[[areas.criteria]]', 'id = "9.2"', 'title = "Trừ"', 'kind = "penalty"', 'max = "2"', 'rule = "per-count"', 'points-each = "0.25"']
    leaves += [("9.1", 9), ("9.2", 9)]
    return "\n".join(out) + "\n", leaves


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    os.makedirs(out, exist_ok=True)
    text, leaves = framework()
    open(os.path.join(out, "framework.toml"), "w").write(text)
    with open(os.path.join(out, "units.csv"), "w") as f:
        f.write("unit_id,name,group\n")
        for i in range(n):
            f.write(f"U{i:06d},Đơn vị {i},{'Xã' if i % 3 else 'Phường'}\n")
    with open(os.path.join(out, "checklist.csv"), "w") as f:
        f.write("unit_id,criterion_id,self_score,appraised_score,done,planned,value,count\n")
        for i in range(n):
            for lid, kind in leaves:
                if kind == 0:
                    f.write(f"U{i:06d},{lid},2.5,{rng.choice(['0','1','1.5','2','2.5'])},,,,\n")
                elif kind == 1:
                    f.write(f"U{i:06d},{lid},,,,,{rng.choice(['on_time','late','missing'])},\n")
                elif kind in (2, 3):
                    f.write(f"U{i:06d},{lid},,,{rng.randint(0, 31)},31,,\n")
                else:
                    f.write(f"U{i:06d},{lid},,,,,,{rng.randint(0, 5)}\n")
    open(os.path.join(out, "cchc.toml"), "w").write(
        'framework = "framework.toml"\n[inputs]\nunits = "units.csv"\nchecklist = "checklist.csv"\n'
    )


if __name__ == "__main__":
    main()
