//! The survey maths that the CLI cases do not pin: the margin of error on known cases.

use cchc::survey::margin_of_error;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn margin_of_error_on_known_cases() {
    // p = 50%, n = 100: 1.96 × √(0.25 / 100) = 1.96 × 0.05 = 9.8 points.
    assert_eq!(
        margin_of_error(&d("50").into(), 100).unwrap().round_dp(10),
        d("9.8")
    );
    // The textbook sample of 384 gives ±5 points at p = 50%.
    assert_eq!(
        margin_of_error(&d("50").into(), 384).unwrap().round_dp(2),
        d("5.00")
    );
    // p = 62.5%, n = 4 (tests/fixtures/survey, unit U1): 1.96 × √(0.234375 / 4) = 47.44.
    assert_eq!(
        margin_of_error(&d("62.5").into(), 4).unwrap().round_dp(2),
        d("47.44")
    );
    // Unanimity has no sampling spread under the normal approximation.
    assert_eq!(
        margin_of_error(&d("100").into(), 30).unwrap(),
        Decimal::ZERO
    );
    // No respondents, no margin.
    assert_eq!(margin_of_error(&d("80").into(), 0), None);
}
