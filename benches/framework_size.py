#!/usr/bin/env python3
"""A framework of N criteria (seeded), to measure `cchc check` as frameworks grow:

    python3 benches/framework_size.py /tmp/f100k.toml 100000
    /usr/bin/time -v target/release/cchc check --framework /tmp/f100k.toml

100 areas of N/100 criteria each, half of them nested one level under a parent, with
manual, choice and steps rules; the maxima sum to the scale exactly.
"""
import sys


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    per_area = max(1, n // 100)
    lines = ['id = "big"', 'title = "big"', f'scale = "{n}"']
    for a in range(100):
        lines += ["[[areas]]", f'id = "A{a}"', f'title = "Area {a}"']
        for c in range(per_area):
            cid = f"A{a}.{c}"
            lines += ["[[areas.criteria]]", f'id = "{cid}"', f'title = "Criterion {cid}"', 'max = "1"']
            kind = c % 3
            if kind == 0:
                lines.append('rule = "manual"')
            elif kind == 1:
                lines.append('rule = "choice"')
                lines.append('options = { yes = "1", half = "0.5", no = "0" }')
            else:
                lines.append('rule = "steps"')
                lines.append('on-empty = "zero"')
                lines.append('steps = [{ from = "100", points = "1" }, { from = "50", points = "0.5" }, { from = "0", points = "0" }]')
    # The scale is the number of criteria written (per_area × 100).
    lines[2] = f'scale = "{per_area * 100}"'
    open(out, "w").write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
