//! Exactness (#7): every published figure is the exact value rounded once. An
//! independent re-implementation of the rules below (plain i128 fractions, no cchc
//! code) computes each index, and cchc must publish exactly its rounding.

use crate::common::{fw, score};
use proptest::prelude::*;

/// A fraction in lowest terms (the test's own arithmetic, independent of cchc's).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Q(i128, i128);

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

impl Q {
    fn new(n: i128, d: i128) -> Q {
        let g = gcd(n, d).max(1);
        let s = if d < 0 { -1 } else { 1 };
        Q(s * n / g, s * d / g)
    }
    fn add(self, o: Q) -> Q {
        Q::new(self.0 * o.1 + o.0 * self.1, self.1 * o.1)
    }
    fn mul(self, o: Q) -> Q {
        Q::new(self.0 * o.0, self.1 * o.1)
    }
    fn min(self, o: Q) -> Q {
        if self.0 * o.1 <= o.0 * self.1 {
            self
        } else {
            o
        }
    }
    /// Half away from zero to 2 places (values here are ≥ 0), as text.
    fn round2(self) -> String {
        let scaled = self.0 * 100;
        let (q, r) = (scaled / self.1, scaled % self.1);
        let n = if 2 * r >= self.1 { q + 1 } else { q };
        format!("{}.{:02}", n / 100, n % 100)
    }
}

/// A framework of proportional leaves (each `max` points, ratio done/planned) and one
/// manual leaf taking the rest of 100.
fn framework(maxes: &[i128]) -> String {
    let rest: i128 = 100 - maxes.iter().sum::<i128>();
    let mut t = String::from(
        "id = \"q\"\ntitle = \"q\"\nscale = \"100\"\n[rounding]\nmode = \"half-up\"\nplaces = 2\n[[areas]]\nid = \"A\"\ntitle = \"a\"\n",
    );
    for (i, m) in maxes.iter().enumerate() {
        t.push_str(&format!(
            "[[areas.criteria]]\nid = \"P{i}\"\ntitle = \"p\"\nmax = \"{m}\"\nrule = \"proportional\"\non-empty = \"zero\"\n"
        ));
    }
    t.push_str(&format!(
        "[[areas.criteria]]\nid = \"M\"\ntitle = \"m\"\nmax = \"{rest}\"\nrule = \"manual\"\n"
    ));
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_published_index_is_the_exact_index_rounded_once(
        leaves in prop::collection::vec((1i128..8, 0i128..22, prop::sample::select(vec![3i128, 7, 21, 9, 14])), 1..8),
        manual_thousandths in 0i128..20000,
    ) {
        let maxes: Vec<i128> = leaves.iter().map(|(m, _, _)| *m).collect();
        let rest: i128 = 100 - maxes.iter().sum::<i128>();
        let manual = Q::new(manual_thousandths.min(rest * 1000), 1000);
        let mut checklist = String::from("unit_id,criterion_id,done,planned,appraised_score\n");
        let mut want = manual;
        for (i, (m, done, planned)) in leaves.iter().enumerate() {
            let done = (*done).min(*planned);
            checklist.push_str(&format!("U1,P{i},{done},{planned},\n"));
            want = want.add(Q::new(*m, 1).mul(Q::new(done, *planned)).min(Q::new(*m, 1)));
        }
        let v = manual_thousandths.min(rest * 1000);
        checklist.push_str(&format!("U1,M,,,{}.{:03}\n", v / 1000, v % 1000));
        let run = score(fw(&framework(&maxes)), "unit_id,name\nU1,One\n", &checklist);
        let u = &run.scoring.units[0];
        // max = 100 and scale = 100: the index is the points.
        prop_assert_eq!(u.totals.index.to_string(), want.round2());
        prop_assert_eq!(run.framework.rounding.show(&u.totals.net()), want.round2());
    }
}

#[test]
fn round_points_rounds_every_stage_the_same_way() {
    // Regression (#7.2): with round-points, leaves carrying a self_score were not
    // rounded in the self stage; a unit never appraised got two different indices.
    let text = framework(&[1, 1, 1]).replace("places = 2", "places = 2\nround-points = true");
    let checklist = "unit_id,criterion_id,done,planned,self_score,appraised_score\nU1,P0,1,3,,\nU1,P1,1,3,,\nU1,P2,1,3,,\nU1,M,,,80.333,\n";
    let run = score(fw(&text), "unit_id,name\nU1,One\n", checklist);
    let u = &run.scoring.units[0];
    // 0.33 × 3 + 80.33 = 81.32 in both stages.
    assert_eq!(u.totals.index.to_string(), "81.32");
    assert_eq!(u.self_totals.index, u.totals.index);
}

#[test]
fn sheet_names_are_legal_and_unique() {
    // Regression (#7.15): two areas whose ids share their first 31 characters, and a
    // title ending in `'`, made the xlsx export of a valid framework fail.
    use cchc::export::xlsx::sheet_name;
    let long = "a-very-long-area-identifier-that-goes-on";
    let first = sheet_name(&format!("{long}-1 x"), &[]);
    let second = sheet_name(&format!("{long}-2 x"), std::slice::from_ref(&first));
    assert!(first.chars().count() <= 31 && second.chars().count() <= 31);
    assert_ne!(first.to_lowercase(), second.to_lowercase());
    assert_eq!(sheet_name("B 'Quoted'", &[]), "B 'Quoted");
    assert_eq!(sheet_name("'", &[]), "Sheet 1");
    assert_eq!(sheet_name("History", &[]), "Sheet 1");
    assert_eq!(sheet_name("a/b:c", &[]), "a b c");

    let dir = tempfile::tempdir().unwrap();
    let fwk = format!(
        "id = \"s\"\ntitle = \"s\"\nscale = \"100\"\n[[areas]]\nid = \"{long}-1\"\ntitle = \"x'\"\n[[areas.criteria]]\nid = \"A\"\ntitle = \"a\"\nmax = \"50\"\nrule = \"manual\"\n[[areas]]\nid = \"{long}-2\"\ntitle = \"x'\"\n[[areas.criteria]]\nid = \"B\"\ntitle = \"b\"\nmax = \"50\"\nrule = \"manual\"\n"
    );
    std::fs::write(dir.path().join("f.toml"), fwk).unwrap();
    std::fs::write(dir.path().join("u.csv"), "unit_id,name\nU1,One\n").unwrap();
    std::fs::write(
        dir.path().join("c.csv"),
        "unit_id,criterion_id,appraised_score\nU1,A,5\nU1,B,6\n",
    )
    .unwrap();
    let d = |f: &str| dir.path().join(f).display().to_string();
    crate::common::cchc(&[
        "score",
        "--framework",
        &d("f.toml"),
        "--units",
        &d("u.csv"),
        "--checklist",
        &d("c.csv"),
        "--out",
        &d("r.xlsx"),
    ]);
    use calamine::Reader;
    let wb: calamine::Xlsx<_> = calamine::open_workbook(dir.path().join("r.xlsx")).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names.len(), 4, "ranking, two areas, the summary: {names:?}");
    let lower: std::collections::BTreeSet<String> =
        names.iter().map(|n| n.to_lowercase()).collect();
    assert_eq!(lower.len(), 4, "{names:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Exact keeps small values as i128 pairs and moves to a big rational on overflow:
    /// every operation must agree with num-rational's BigRational, near the i128 limits
    /// too.
    #[test]
    fn exact_agrees_with_big_rationals(
        ops in prop::collection::vec((0u8..4, any::<i64>(), 1i64..i64::MAX), 1..40),
    ) {
        use cchc::num::Exact;
        use num_bigint::BigInt;
        use num_rational::BigRational;
        let mut x = Exact::one();
        let mut y = BigRational::from_integer(BigInt::from(1));
        for (op, n, d) in ops {
            let (a, b) = (
                Exact::ratio(&Exact::int(n), &Exact::int(d)).unwrap(),
                BigRational::new(BigInt::from(n), BigInt::from(d)),
            );
            match op {
                0 => { x += a; y += b; }
                1 => { x -= a; y -= b; }
                2 => { x *= a; y *= b; }
                _ => if n != 0 { x = Exact::ratio(&x, &a).unwrap(); y /= b; },
            }
            let text = if y.is_integer() { y.numer().to_string() } else { format!("{}/{}", y.numer(), y.denom()) };
            prop_assert_eq!(x.fraction(), text);
        }
        // A terminating value reads back as itself.
        if let Some(d) = x.to_decimal() {
            prop_assert_eq!(Exact::from(d), x.clone());
        }
        for (n, d) in [(1i64, 4i64), (3, 8), (7, 20), (1, 3)] {
            let q = Exact::ratio(&Exact::int(n), &Exact::int(d)).unwrap();
            prop_assert_eq!(q.to_decimal().is_some(), d != 3);
            if let Some(dec) = q.to_decimal() {
                prop_assert_eq!(Exact::from(dec), q);
            }
        }
        // Ordering agrees with the big rationals' too.
        let z = Exact::int(3);
        let zb = BigRational::from_integer(BigInt::from(3));
        prop_assert_eq!(x.cmp(&z), y.cmp(&zb));
    }
}
