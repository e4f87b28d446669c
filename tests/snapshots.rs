//! Snapshots (insta) of every text format on the demo: a change to any output shows as a
//! reviewable diff (`cargo insta review`, or INSTA_UPDATE=always then `git diff`).

use crate::common::cchc_text as cchc;

#[test]
fn score_formats() {
    for format in ["table", "csv", "json", "md", "html"] {
        let text = cchc(&["score", "fixtures/demo", "--format", format]);
        insta::assert_snapshot!(format!("score_{format}"), text);
    }
}

#[test]
fn sipas_formats() {
    for format in ["table", "csv", "json", "md"] {
        let text = cchc(&["sipas", "fixtures/demo", "--format", format]);
        insta::assert_snapshot!(format!("sipas_{format}"), text);
    }
}

#[test]
fn explain_text() {
    let text = cchc(&["explain", "fixtures/demo", "--unit", "X07"]);
    insta::assert_snapshot!("explain_x07", text);
}
