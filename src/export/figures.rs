//! Figures of the HTML report, as data: what each chart shows, computed from exact
//! values; `crate::export::html` draws them as inline SVG.

use rust_decimal::Decimal;

/// A chart.
#[derive(Debug, Clone)]
pub enum Figure {
    /// Units per band, one bar each.
    BandDistribution {
        /// (band label, units, colour).
        bands: Vec<(String, usize, u32)>,
    },
    /// One bar per unit (its index) in rank order, with the band thresholds.
    IndexBars {
        /// The bands: (label, lower bound, colour), for the legend and the thresholds.
        bands: Vec<(String, Decimal, u32)>,
        /// The scale (a full bar).
        scale: Decimal,
        /// The legend word for a band's lower bound (`from`).
        from_word: String,
        /// Per unit: (unit_id, label, index, index as shown, colour).
        bars: Vec<(String, String, Decimal, String, u32)>,
    },
    /// Per unit, its change on an earlier ranking: bars left (down) or right (up) of
    /// zero, largest rise first.
    ChangeBars {
        /// Per unit: (unit_id, label, change, change as shown).
        bars: Vec<(String, String, Decimal, String)>,
    },
    /// Per unit, each area's points against the area's maximum.
    Profiles {
        /// (area id, area max) in framework order.
        areas: Vec<(String, Decimal)>,
        /// The words for an area without a maximum (bonus and penalty).
        net_words: String,
        /// Per unit: its profile.
        units: Vec<Profile>,
    },
    /// Per unit, a rank interval (5th–95th percentile) and its median.
    RankIntervals {
        /// Units ranked.
        units_ranked: u32,
        /// Per unit: (unit_id, label, rank, median, p5, p95).
        rows: Vec<(String, String, u32, u32, u32, u32)>,
    },
    /// One unit's areas: its points against the maximum and its group's median.
    AreaBars {
        /// The column headers: area, points, the group median.
        headers: [String; 3],
        /// The unit's colour (its band's).
        colour: u32,
        /// Per area.
        rows: Vec<AreaBar>,
    },
}

/// One area of a unit's card.
#[derive(Debug, Clone)]
pub struct AreaBar {
    /// `1  Công tác chỉ đạo, điều hành CCHC`.
    pub label: String,
    /// The unit's points (for the bar) and as shown.
    pub points: (Decimal, String),
    /// The area's maximum (0: a bonus or penalty area, no bar).
    pub max: Decimal,
    /// The group's median points (for the tick) and as shown.
    pub median: (Decimal, String),
}

/// One unit's profile: (unit_id, caption, colour, per area (points, as shown)).
pub type Profile = (String, String, u32, Vec<(Decimal, String)>);

/// Fill colours of the bands, from the highest band down (green → red; grey for a
/// sixth and later), shared by the xlsx and html outputs.
pub const BAND_COLOURS: [u32; 6] = [0x63BE7B, 0xB1D580, 0xFFEB84, 0xFBAA77, 0xF8696B, 0xD9D9D9];

/// The colour of a band by label (grey when unknown).
pub fn band_colour(fw: &crate::framework::Framework, label: Option<&str>) -> u32 {
    let i = label
        .and_then(|l| fw.bands.iter().position(|b| b.label == l))
        .unwrap_or(BAND_COLOURS.len() - 1);
    BAND_COLOURS[i.min(BAND_COLOURS.len() - 1)]
}

/// Each band's label with its colour, for coloured cells.
pub fn band_colours(fw: &crate::framework::Framework) -> Vec<(String, u32)> {
    fw.bands
        .iter()
        .map(|b| (b.label.clone(), band_colour(fw, Some(&b.label))))
        .collect()
}
