//! Any text as a framework file: parsing and validation report problems, never panic;
//! a framework that validates keeps its invariants.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(fw) = cchc::framework::parse(text, "fuzz.toml") {
        let scored: rust_decimal::Decimal = fw
            .leaves
            .iter()
            .filter(|l| l.effect == cchc::framework::Effect::Scored)
            .map(|l| l.max)
            .sum();
        assert_eq!(
            scored, fw.scale,
            "a valid framework's maxima sum to its scale"
        );
        assert!(
            fw.bands.windows(2).all(|w| w[0].from > w[1].from),
            "bands ordered"
        );
    }
});
