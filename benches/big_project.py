#!/usr/bin/env python3
"""A project of N units for measuring scoring and report memory at scale (seeded):

    python3 benches/big_project.py /tmp/big 60000 [SEED] [AREAS]
    /usr/bin/time -v target/release/cchc score /tmp/big --format json --out /tmp/big.json

Its framework has AREAS (default 8) areas of 5 criteria each (manual, choice, steps and
proportional on done/planned — ratios like 7/31 that never terminate — and a
per-count bonus and penalty, in a last area), so the run exercises exact sums as a real
commune table does.
"""
import os
import random
import sys


def framework(areas):
    out = ['id = "big"', 'title = "Synthetic 45-criterion table"', 'scale = "100"',
           '[rounding]', 'mode = "half-up"', 'places = 2',
           '[[bands]]', 'label = "Tốt"', 'from = "80"',
           '[[bands]]', 'label = "Khá"', 'from = "50"',
           '[[bands]]', 'label = "Yếu"', 'from = "0"']
    leaves = []
    for a in range(1, areas + 1):
        out += ['[[areas]]', f'id = "{a}"', f'title = "Lĩnh vực {a}"']
        for c in range(1, 6):
            lid = f"{a}.{c}"
            max_ = str(100 / (areas * 5)).rstrip("0").rstrip(".") if (100 * 1000) % (areas * 5) == 0 else None
            assert max_, "AREAS must divide 100 into whole thousandths"
            out += ['[[areas.criteria]]', f'id = "{lid}"', f'title = "Tiêu chí {lid}"', f'max = "{max_}"']
            kind = c % 4
            if kind == 0:
                out += ['rule = "manual"']
            elif kind == 1:
                out += ['rule = "choice"', f'options = {{ on_time = "{max_}", missing = "0" }}']
            elif kind == 2:
                out += ['rule = "steps"', 'on-empty = "zero"',
                        f'steps = [{{ from = "100", points = "{max_}" }}, {{ from = "0", points = "0" }}]']
            else:
                out += ['rule = "proportional"', 'on-empty = "zero"']
            leaves.append((lid, kind))
    out += ['[[areas]]', f'id = "{areas + 1}"', 'title = "Điểm thưởng, điểm trừ"', 'kind = "bonus"',
            '[[areas.criteria]]', f'id = "{areas + 1}.1"', 'title = "Thưởng"', 'max = "2"', 'rule = "per-count"', 'points-each = "0.5"',
            '[[areas.criteria]]', f'id = "{areas + 1}.2"', 'title = "Trừ"', 'kind = "penalty"', 'max = "2"', 'rule = "per-count"', 'points-each = "0.25"']
    leaves += [(f"{areas + 1}.1", 9), (f"{areas + 1}.2", 9)]
    return "\n".join(out) + "\n", leaves


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    os.makedirs(out, exist_ok=True)
    areas = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    text, leaves = framework(areas)
    open(os.path.join(out, "framework.toml"), "w").write(text)
    with open(os.path.join(out, "units.csv"), "w") as f:
        f.write("unit_id,name,group\n")
        for i in range(n):
            f.write(f"U{i:06d},Đơn vị {i},{'Xã' if i % 3 else 'Phường'}\n")
    max_for = {lid: str(100 / (areas * 5)).rstrip("0").rstrip(".") for lid, _ in leaves}
    with open(os.path.join(out, "checklist.csv"), "w") as f:
        f.write("unit_id,criterion_id,self_score,appraised_score,done,planned,value,count\n")
        for i in range(n):
            for lid, kind in leaves:
                if kind == 0:
                    f.write(f"U{i:06d},{lid},{max_for[lid]},{rng.choice(['0', max_for[lid]])},,,,\n")
                elif kind == 1:
                    f.write(f"U{i:06d},{lid},,,,,{rng.choice(['on_time','missing'])},\n")
                elif kind in (2, 3):
                    f.write(f"U{i:06d},{lid},,,{rng.randint(0, 31)},31,,\n")
                else:
                    f.write(f"U{i:06d},{lid},,,,,,{rng.randint(0, 5)}\n")
    open(os.path.join(out, "cchc.toml"), "w").write(
        'framework = "framework.toml"\n[inputs]\nunits = "units.csv"\nchecklist = "checklist.csv"\n'
    )


if __name__ == "__main__":
    main()
