//! The passes over a log: count every usable row, set aside (or stop at) unusable
//! ones, and find duplicate dossier ids without holding the ids in memory.
//!
//! Pass 1 counts and keeps an 8-byte hash per dossier (within a memory budget, see
//! [`super::hashes`]). Only if two hashes collide does pass 2 read the `dossier_id`
//! column again to confirm real duplicates and their lines; with `--skip-invalid`
//! pass 3 then recounts without the later copies. A log without duplicates (the
//! normal case) is read once.

use super::hashes::{Hashes, Spill};
use super::pool::Visitor;
use super::prefetch;
use super::row::{self, Fields, Invalid};
use super::source::{self, ALL_COLUMNS};
use super::{reason, Counts, DossierError, GroupBy, MetricsTable, Options};
use crate::date::Date;
use crate::diag::{Code, Diagnostic};
use crate::input::{normalize, RowStats};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How many line numbers of each kind of skipped row are reported.
const FIRST_LINES: usize = 5;

/// A fast hasher for short ids: each 8-byte word goes through murmur3's finaliser (a
/// bijection with full avalanche), seeded with the length, so distinct ids collide only
/// by chance (about n²/2⁶⁵), which keeps the duplicate check's second pass rare.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

fn mix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0 ^ 0x9e37_79b9_7f4a_7c15 ^ bytes.len() as u64;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            h = mix(h ^ u64::from_le_bytes(w.try_into().unwrap_or_default()));
        }
        // The last 1–7 bytes, zero-padded: from the text's last 8 bytes when it has
        // them (one load, no copy through the stack), else copied.
        let rest = words.remainder().len();
        if rest > 0 {
            let tail = match bytes.len().checked_sub(8) {
                Some(at) => {
                    let last = u64::from_le_bytes(bytes[at..].try_into().unwrap_or_default());
                    last >> (8 * (8 - rest))
                }
                None => {
                    let mut w = [0u8; 8];
                    w[..rest].copy_from_slice(bytes);
                    u64::from_le_bytes(w)
                }
            };
            h = mix(h ^ tail);
        }
        self.0 = h;
    }
    /// A packed short key ([`packed`]) of the unit and procedure maps: one folded
    /// multiply (the product's halves XORed), not two finalisers — the map looks up
    /// a key or two per row, and the finalisers' four dependent multiplies were most
    /// of a lookup's wait. These maps compare whole keys and hold a few thousand, so
    /// a spread over the buckets is all they need of the hash. The seed goes into
    /// both halves: no key picks the multiplier.
    fn write_u128(&mut self, v: u128) {
        let (a, b) = halves(self.0);
        self.0 = folded(v, a, b);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The words a packed key's halves are XORed with before [`folded`], from a seed.
#[inline(always)]
fn halves(seed: u64) -> (u64, u64) {
    (
        seed ^ 0x243f_6a88_85a3_08d3,
        seed.rotate_left(32) ^ 0x1319_8a2e_0370_7344,
    )
}

/// A packed key's halves, XORed with `a` and `b`, multiplied; the product's halves
/// XORed.
#[inline(always)]
fn folded(key: u128, a: u64, b: u64) -> u64 {
    let m = u128::from(key as u64 ^ a) * u128::from((key >> 64) as u64 ^ b);
    (m as u64) ^ (m >> 64) as u64
}

/// The hasher of cchc's maps keyed by units and procedures: [`IdHasher`], seeded
/// afresh for each map (from `RandomState`), so that no log can be written whose keys
/// crowd one place of a map. (Nothing iterates these maps: the order they would give
/// is never seen.)
#[derive(Clone, Copy)]
struct Seeded(u64);

impl Default for Seeded {
    fn default() -> Seeded {
        Seeded(std::collections::hash_map::RandomState::new().hash_one(0u8))
    }
}

impl BuildHasher for Seeded {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(self.0)
    }
}

type FastMap<K, V> = HashMap<K, V, Seeded>;

/// A key of up to 15 bytes and its length in one word (None for a longer key). Read
/// with overlapping loads, not a copy to the stack and back: that round trip stalls
/// the load that follows it, once per row.
fn packed(key: &str) -> Option<u128> {
    let b = key.as_bytes();
    let n = b.len();
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]));
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(
            b[at..at + 4].try_into().unwrap_or([0; 4]),
        ))
    };
    // The bytes past the first 8 (or 4): the last word's (half's) high bytes.
    let (lo, hi) = match n {
        16.. => return None,
        8.. => (
            word(0),
            (word(n - 8)).checked_shr(8 * (16 - n) as u32).unwrap_or(0),
        ),
        4.. => (half(0) | (half(n - 4) >> (8 * (8 - n))) << 32, 0),
        1.. => (
            u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
            0,
        ),
        0 => (0, 0),
    };
    Some(u128::from(lo) | u128::from(hi) << 64 | (n as u128) << 120)
}

/// Short keys ([`packed`]) and their slots, in one table of open addressing (linear
/// probing, at most half full): a key is found in the entry its hash names, or one
/// of the few after it — one cache line, whose address the key alone gives, so a
/// reader can ask for it a record early ([`ShortKeys::fetch`]). (A general hash map
/// reads a line of tags and then a line of keys, and neither can be asked for ahead.)
/// The hash is [`Seeded`]: no log can be written whose units all start their search
/// at one place.
struct ShortKeys {
    entries: Vec<Entry>,
    len: usize,
    /// What the key's halves are XORed with ([`halves`] of a [`Seeded`] seed).
    seed: (u64, u64),
}

impl Default for ShortKeys {
    fn default() -> ShortKeys {
        ShortKeys {
            entries: Vec::new(),
            len: 0,
            seed: halves(Seeded::default().0),
        }
    }
}

/// The units from which a CSV scan peeks at the next record's unit
/// ([`Visitor::peeking`]): their table is then 64 KiB or more, and their counts 72
/// KiB or more a window.
const PEEK_UNITS: usize = 1024;

/// A [`ShortKeys`] entry, two to a cache line; `slot` is `u32::MAX` when it is empty.
#[derive(Clone, Copy)]
#[repr(align(32))]
struct Entry {
    key: u128,
    slot: u32,
}

impl Entry {
    const EMPTY: Entry = Entry {
        key: 0,
        slot: u32::MAX,
    };
}

impl ShortKeys {
    /// Where `key`'s search starts (the table is not empty).
    #[inline(always)]
    fn start(&self, key: u128) -> usize {
        // The top bits: a product's low bits see only the key's low bits.
        let bits = self.entries.len().trailing_zeros();
        (folded(key, self.seed.0, self.seed.1) >> (64 - bits)) as usize
    }

    /// The slot of `key`, if it has one.
    #[inline(always)]
    fn get(&self, key: u128) -> Option<usize> {
        if self.entries.is_empty() {
            return None;
        }
        let mask = self.entries.len() - 1;
        let mut i = self.start(key);
        loop {
            let e = self.entries[i];
            if e.slot == u32::MAX {
                return None;
            }
            if e.key == key {
                return Some(e.slot as usize);
            }
            i = (i + 1) & mask;
        }
    }

    /// Asks for the cache line where `key`'s search starts (a hint: reads nothing).
    #[inline(always)]
    fn fetch(&self, key: u128) {
        if !self.entries.is_empty() {
            prefetch(self.entries.as_ptr().wrapping_add(self.start(key)).cast());
        }
    }

    /// Gives `key` (not in the table yet) `slot`; a slot past `u32` is not kept (the
    /// key is then found by its text).
    fn insert(&mut self, key: u128, slot: usize) {
        let Ok(slot) = u32::try_from(slot) else {
            return;
        };
        if slot == u32::MAX {
            return;
        }
        if (self.len + 1) * 2 > self.entries.len() {
            let old = std::mem::take(&mut self.entries);
            self.entries = vec![Entry::EMPTY; (old.len() * 2).max(64)];
            self.len = 0;
            for e in old.into_iter().filter(|e| e.slot != u32::MAX) {
                self.put(e);
            }
        }
        self.put(Entry { key, slot });
    }

    fn put(&mut self, e: Entry) {
        let mask = self.entries.len() - 1;
        let mut i = self.start(e.key);
        while self.entries[i].slot != u32::MAX {
            i = (i + 1) & mask;
        }
        self.entries[i] = e;
        self.len += 1;
    }
}

fn hash_id(s: &str) -> u64 {
    let mut h = IdHasher::default();
    h.write(row::trim(s).as_bytes());
    h.finish()
}

/// The sub-periods counted: the period itself, or its calendar months.
pub(super) fn windows(opts: &Options) -> Vec<(i64, i64, String)> {
    let (from, to) = (opts.period.from, opts.period.to);
    if !matches!(opts.by, GroupBy::Month | GroupBy::UnitMonth) {
        return vec![(from.to_days(), to.to_days(), String::new())];
    }
    let mut out = Vec::new();
    let mut start = from;
    loop {
        let end = start.end_of_month().min(to);
        out.push((
            start.to_days(),
            end.to_days(),
            format!("{:04}-{:02}", start.year(), start.month()),
        ));
        if end >= to {
            break;
        }
        start = Date::from_days(end.to_days() + 1).expect("within years 1-9999");
    }
    out
}

#[derive(Default)]
struct Skipped {
    count: u64,
    first: Vec<u64>,
}

/// What every copy of one pass shares (a scan runs one copy per core).
struct Setup {
    by: GroupBy,
    /// The period's first and last day ([`Options::span`]).
    span: (i64, i64),
    /// Whether a rate divides by the dossiers due in the period.
    uses_due: bool,
    windows: Vec<(i64, i64, String)>,
    comma: bool,
    skip_invalid: bool,
    procedures: Option<super::Procedures>,
    calendar: super::Calendar,
    /// Pass 1 keeps a hash per dossier; pass 3 needs none.
    keep_hashes: bool,
    /// The hashes' memory budget and spill folder.
    spill: Arc<Spill>,
    /// Pass 3: the lines of later copies of a duplicate id.
    exclude: HashSet<u64>,
    progress: Arc<dyn Fn(u64) + Send + Sync>,
    /// Rows read by every copy, for the progress callback.
    read_by_all: AtomicU64,
    /// The official method's setup (`--method 766`), if that is the method.
    official: Option<Arc<super::official::Setup>>,
}

impl Setup {
    fn new(opts: &Options, comma: bool, progress: Arc<dyn Fn(u64) + Send + Sync>) -> Setup {
        Setup {
            by: opts.by,
            windows: windows(opts),
            span: opts.span(),
            uses_due: opts.rates.uses_due_in_period(),
            comma,
            skip_invalid: opts.skip_invalid,
            procedures: opts.procedures.clone(),
            calendar: opts.calendar.clone(),
            keep_hashes: true,
            spill: Spill::new(opts.scan.id_check_mib),
            exclude: HashSet::new(),
            progress,
            read_by_all: AtomicU64::new(0),
            official: opts.official.clone(),
        }
    }
}

/// The state of one pass (one copy of it).
struct Fold {
    setup: Arc<Setup>,
    /// Raw key → slot (several raw spellings may share a slot after NFC).
    raw: FastMap<String, usize>,
    /// The same for keys of up to 15 bytes (unit ids are), packed into one word: one
    /// lookup per row, so one word to hash and compare instead of a string.
    short: ShortKeys,
    /// Normalised key → slot.
    slots: BTreeMap<String, usize>,
    /// Counts per slot and window, narrow while the scan runs (see [`Counts`]).
    counts: Vec<Counts<u32>>,
    /// What the narrow counts held before they were last widened (empty until then).
    wide: Vec<Counts>,
    /// `used` when the counts were last widened.
    widened_at: u64,
    read: u64,
    used: u64,
    skipped: BTreeMap<Code, Skipped>,
    skipped_lines: Vec<u64>,
    first_error: Option<(u64, Invalid)>,
    hashes: Hashes,
    computed_years: BTreeSet<i32>,
    /// Rows a typed scan left unread (outside the period).
    unread: u64,
    /// The dates this copy read last.
    days: crate::date::DayMemo,
    /// This copy's rows already added to `read_by_all`.
    reported: u64,
    /// What the official method gathered, per slot (`--method 766`).
    gathered: Vec<super::official::Gathered>,
    /// The procedures this copy has seen (`--method 766`).
    procs: Procs,
    /// This copy's handle on the official method's setup (`--method 766`).
    official: Option<Arc<super::official::Setup>>,
}

/// log2 of the entries of [`Procs::cache`].
const CACHE_BITS: u32 = 8;

/// The procedures a copy of the official scan has seen: each one's place, by its key as
/// written (packed when short) and its normalised name, and its rule.
struct Procs {
    /// Recently seen short keys and their places (`u32::MAX`: empty).
    cache: Box<[(u128, u32); 1 << CACHE_BITS]>,
    short: FastMap<u128, u32>,
    raw: FastMap<String, u32>,
    index: HashMap<String, u32>,
    names: Vec<String>,
    rules: Vec<Option<super::official::ProcedureRule>>,
}

impl Default for Procs {
    fn default() -> Procs {
        Procs {
            cache: Box::new([(0, u32::MAX); 1 << CACHE_BITS]),
            short: FastMap::default(),
            raw: FastMap::default(),
            index: HashMap::new(),
            names: Vec::new(),
            rules: Vec::new(),
        }
    }
}

impl Fold {
    fn new(setup: Arc<Setup>) -> Fold {
        let hashes = Hashes::new(setup.spill.clone());
        Fold {
            raw: FastMap::default(),
            short: ShortKeys::default(),
            slots: BTreeMap::new(),
            counts: Vec::new(),
            wide: Vec::new(),
            widened_at: 0,
            read: 0,
            used: 0,
            skipped: BTreeMap::new(),
            skipped_lines: Vec::new(),
            first_error: None,
            hashes,
            computed_years: BTreeSet::new(),
            unread: 0,
            reported: 0,
            days: crate::date::DayMemo::default(),
            gathered: Vec::new(),
            procs: Procs::default(),
            official: setup.official.clone(),
            setup,
        }
    }

    fn slot_of_normalized(&mut self, norm: &str) -> usize {
        if let Some(&s) = self.slots.get(norm) {
            return s;
        }
        let s = self.slots.len();
        self.slots.insert(norm.to_string(), s);
        self.counts.extend(std::iter::repeat_n(
            Counts::default(),
            self.setup.windows.len(),
        ));
        if self.setup.official.is_some() {
            self.gathered.push(Default::default());
        }
        s
    }

    /// Moves the narrow counts into the wide ones: before a `u32` could overflow (a
    /// row adds at most 1 to each), and before a merge.
    fn widen(&mut self) {
        self.wide.resize(self.counts.len(), Counts::default());
        for (w, n) in self.wide.iter_mut().zip(&mut self.counts) {
            *w += Counts::from(std::mem::take(n));
        }
        self.widened_at = self.used;
    }

    /// The counts of one slot and window.
    fn total(&self, i: usize) -> Counts {
        let mut c = self.wide.get(i).copied().unwrap_or_default();
        c += Counts::from(self.counts[i]);
        c
    }

    fn slot(&mut self, key: &str) -> usize {
        let short = packed(key);
        if let Some(s) = short.and_then(|p| self.short.get(p)) {
            return s;
        }
        let s = match self.raw.get(key) {
            Some(&s) => s,
            None => {
                let s = self.slot_of_normalized(&normalize(key));
                self.raw.insert(key.to_string(), s);
                s
            }
        };
        if let Some(p) = short {
            self.short.insert(p, s);
        }
        s
    }

    fn skip(&mut self, line: u64, bad: Invalid) -> bool {
        if !self.setup.skip_invalid {
            self.first_error = Some((line, bad));
            return true;
        }
        let s = self.skipped.entry(bad.code).or_default();
        s.count += 1;
        if s.first.len() < FIRST_LINES {
            s.first.push(line);
        }
        self.skipped_lines.push(line);
        false
    }
}

impl Fold {
    /// Whether `line` is a later copy of a duplicate id (pass 3), which is skipped.
    #[inline]
    fn excluded(&mut self, line: u64, id: &str) -> Option<bool> {
        if self.setup.exclude.is_empty() || !self.setup.exclude.contains(&line) {
            return None;
        }
        Some(self.skip(
            line,
            Invalid {
                code: Code::DuplicateDossier,
                column: "dossier_id",
                value: row::trim(id).to_string(),
            },
        ))
    }

    /// Counts a usable row: its id's hash for the duplicate check, and the rows used.
    #[inline]
    fn enter(&mut self, dossier_id: &str) {
        if self.setup.keep_hashes {
            self.hashes.push(hash_id(dossier_id));
        }
        self.used += 1;
        if self.used - self.widened_at >= u64::from(u32::MAX) {
            self.widen();
        }
    }

    /// A row under the official method: checked (a missing deadline is no error:
    /// the procedure's maximum time stands in, or the dossier stays unjudged), then
    /// gathered for its unit or procedure.
    fn official_row(&mut self, line: u64, f: &Fields, setup: &super::official::Setup) -> bool {
        // The usual text row first (a deadline given, every value well formed), read
        // without building errors; else the general path says what is wrong.
        if f.is_text() && !f.empty(row::slot::due_at) {
            let text = row::TextRow {
                fields: f,
                comma: self.setup.comma,
                days: &self.days,
            };
            if let (Some((ids, d)), Some(x)) = (row::usual(&text), row::usual_extras(f, &self.days))
            {
                return self.official_add(line, &ids, &d, Some(d.due), &x, setup);
            }
        }
        let f = &f.trimmed();
        let parsed = row::parse_given(f, self.setup.comma)
            .and_then(|(d, due, _)| Ok((d, due, row::extras(f)?)));
        let (d, due, extras) = match parsed {
            Ok(p) => p,
            Err(bad) => return self.skip(line, bad),
        };
        let ids = row::Ids::of(f);
        self.official_add(line, &ids, &d, due.map(|s| s.day), &extras, setup)
    }

    /// Gathers a checked row under the official method for its unit (or procedure).
    #[inline]
    fn official_add(
        &mut self,
        line: u64,
        ids: &row::Ids,
        d: &row::Dossier,
        due: Option<i64>,
        extras: &row::Extras,
        setup: &super::official::Setup,
    ) -> bool {
        self.enter(ids.dossier_id);
        // Its procedure is numbered (and named for the catalogue's findings) whether or
        // not the dossier counts.
        let (proc_index, rule) = self.procedure(ids.procedure_id, setup);
        // Received after the period, or ended before it: gathers nothing, and gives
        // its key no row (an open dossier received by the period's end is in 2.1).
        let w = setup.window;
        let ended_before = super::official::End::of(d.status) != super::official::End::Open
            && d.finished.is_some_and(|f| f < w.first);
        if d.received > w.last || ended_before {
            return false;
        }
        let petition = !setup.petitioned.is_empty() && setup.petitioned.contains(ids.dossier_id);
        let od = super::official::of_row(d, due, extras, rule, petition);
        // By procedure: each unit's procedures (the drill-down of a unit's figures).
        let slot = match self.setup.by {
            GroupBy::Procedure => {
                let key = format!(
                    "{}{}{}",
                    ids.unit_id,
                    super::KEY_SEPARATOR,
                    ids.procedure_id
                );
                self.slot(&key)
            }
            _ => self.slot(ids.unit_id),
        };
        let cal = &self.setup.calendar;
        self.gathered[slot].add(line, &od, proc_index, setup.window, cal, setup.times);
        false
    }

    /// A procedure's place among those this copy has seen (keys as written, then
    /// normalised, as [`Fold::slot`] does for units) and its rule in the catalogue.
    #[inline(always)]
    fn procedure(
        &mut self,
        raw: &str,
        setup: &super::official::Setup,
    ) -> (u32, Option<super::official::ProcedureRule>) {
        let short = packed(raw);
        // A direct-mapped cache in front of the map: a log has few procedures, and a
        // hit is one multiply and one comparison.
        let place = short.map(|p| {
            let h = (p as u64 ^ (p >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            (h >> (64 - CACHE_BITS)) as usize
        });
        if let (Some(p), Some(c)) = (short, place) {
            let (key, i) = self.procs.cache[c];
            if key == p && i != u32::MAX {
                return (i, self.procs.rules[i as usize]);
            }
        }
        self.procedure_missed(raw, short, place, setup)
    }

    /// [`Fold::procedure`] past its cache.
    #[cold]
    fn procedure_missed(
        &mut self,
        raw: &str,
        short: Option<u128>,
        place: Option<usize>,
        setup: &super::official::Setup,
    ) -> (u32, Option<super::official::ProcedureRule>) {
        let found = match short {
            Some(p) => self.procs.short.get(&p).copied(),
            None => self.procs.raw.get(raw).copied(),
        };
        let i = match found {
            Some(i) => i,
            None => {
                let norm = normalize(raw);
                let i = match self.procs.index.get(&norm) {
                    Some(&i) => i,
                    None => {
                        let i = self.procs.names.len() as u32;
                        self.procs.rules.push(setup.procedures.get(&norm).copied());
                        self.procs.index.insert(norm.clone(), i);
                        self.procs.names.push(norm);
                        i
                    }
                };
                match short {
                    Some(p) => self.procs.short.insert(p, i),
                    None => self.procs.raw.insert(raw.to_string(), i),
                };
                i
            }
        };
        if let (Some(p), Some(c)) = (short, place) {
            self.procs.cache[c] = (p, i);
        }
        (i, self.procs.rules[i as usize])
    }

    /// Adds a checked dossier; `computed`: its deadline came from the calendar.
    fn add(&mut self, ids: &row::Ids, d: &row::Dossier, computed: bool) -> bool {
        self.add_at(ids, d, computed, None)
    }

    /// Where a row's unit already counts, looked up before the row is parsed and its
    /// counts' cache lines asked for: on a log of thousands of units in no order the
    /// counts miss the cache on most rows, and the miss then overlaps the parsing of
    /// the row's dates instead of following it. `None` for a unit not seen yet (or
    /// when the rows are not grouped by unit).
    #[inline]
    fn early_slot(&self, unit: &str) -> Option<usize> {
        if !matches!(self.setup.by, GroupBy::Unit | GroupBy::UnitMonth) {
            return None;
        }
        let s = self.short.get(packed(unit)?)?;
        self.fetch_counts(s);
        Some(s)
    }

    /// Asks for the cache lines of slot `s`'s counts (a hint: reads nothing).
    #[inline]
    fn fetch_counts(&self, s: usize) {
        let at = self
            .counts
            .as_ptr()
            .wrapping_add(s * self.setup.windows.len());
        prefetch(at.cast());
        prefetch(at.cast::<u8>().wrapping_add(64));
    }

    /// [`Fold::add`], with the slot of the row's unit when it is known already.
    #[inline]
    fn add_at(
        &mut self,
        ids: &row::Ids,
        d: &row::Dossier,
        computed: bool,
        early: Option<usize>,
    ) -> bool {
        self.enter(ids.dossier_id);
        let due = self.setup.uses_due.then_some(d.due);
        if !super::touches(self.setup.span, d.received, d.finished, due) {
            return false; // counts nowhere, and gives its key no row
        }
        if computed {
            if let Some(date) = Date::from_days(d.received) {
                self.computed_years.insert(date.year());
            }
        }
        let key = match self.setup.by {
            GroupBy::Unit | GroupBy::UnitMonth => ids.unit_id,
            GroupBy::Procedure => ids.procedure_id,
            GroupBy::Channel => d.channel.name(),
            GroupBy::Month => "",
        };
        let slot = match early {
            Some(s) => s,
            None => self.slot(key),
        };
        let n = self.setup.windows.len();
        for (w, &(from, to, _)) in self.setup.windows.iter().enumerate() {
            d.count(from, to, &mut self.counts[slot * n + w]);
        }
        false
    }
}

impl Visitor for Fold {
    fn row(&mut self, line: u64, f: &Fields) -> bool {
        self.read += 1;
        if let Some(stop) = self.excluded(line, f.dossier_id()) {
            return stop;
        }
        // Taken out and put back, not cloned: an `Arc` clone a row is an atomic
        // increment on a cache line the workers share.
        if let Some(setup) = self.official.take() {
            let stop = self.official_row(line, f, &setup);
            self.official = Some(setup);
            return stop;
        }
        // The usual text row first, checked without building errors (a typed row
        // that gets here is not usual: the typed scan tried it already).
        if f.is_text() {
            let text = row::TextRow {
                fields: f,
                comma: self.setup.comma,
                days: &self.days,
            };
            let early = self.early_slot(row::trim(f.values[row::slot::unit_id]));
            if let Some((ids, d)) = row::usual(&text) {
                return self.add_at(&ids, &d, false, early);
            }
        }
        // The general path: each value trimmed once, so that messages show them so.
        let f = &f.trimmed();
        let d = match row::parse(
            f,
            self.setup.procedures.as_ref(),
            &self.setup.calendar,
            self.setup.comma,
        ) {
            Ok(d) => d,
            Err(bad) => return self.skip(line, bad),
        };
        // A deadline computed from the calendar (no due_at, typed or text).
        let computed = f.empty(super::row::slot::due_at) && d.status != super::row::Status::Refused;
        self.add(&row::Ids::of(f), &d, computed)
    }

    fn dossier(
        &mut self,
        line: u64,
        ids: &row::Ids,
        d: &row::Dossier,
        hint: Option<usize>,
    ) -> Option<bool> {
        if self.setup.official.is_some() {
            return None; // the official method reads more columns: the general path
        }
        self.read += 1;
        if let Some(stop) = self.excluded(line, ids.dossier_id) {
            return Some(stop);
        }
        // The unit's slot, found when the row was ahead, by its text as stored: the
        // map holds keys that were trimmed, so a key found so is the row's unit, and
        // any spelling of a unit has its normalised (trimmed) spelling's slot.
        Some(self.add_at(ids, d, false, hint))
    }

    fn ahead(&mut self, unit_id: &str) -> Option<usize> {
        self.early_slot(unit_id)
    }

    fn fetch(&mut self, slot: usize) {
        self.fetch_counts(slot);
    }

    /// When rows are grouped by unit and the units' table is past the first-level
    /// cache's size: a table that stays in cache is found as fast without, and a
    /// record held back costs a little.
    fn peeking(&self) -> bool {
        matches!(self.setup.by, GroupBy::Unit | GroupBy::UnitMonth) && self.short.len >= PEEK_UNITS
    }

    fn peek(&mut self, unit_id: &str) {
        if let Some(p) = packed(unit_id) {
            self.short.fetch(p);
        }
    }

    fn progress(&self) -> u64 {
        self.setup.read_by_all.load(Ordering::Relaxed)
    }

    fn rewind(&self, rows: u64) {
        self.setup.read_by_all.store(rows, Ordering::Relaxed);
        (self.setup.progress)(rows);
    }

    fn batch_end(&mut self) {
        let new = self.read - self.reported;
        self.reported = self.read;
        let total = self.setup.read_by_all.fetch_add(new, Ordering::Relaxed) + new;
        (self.setup.progress)(total);
    }

    fn fork(&self) -> Fold {
        Fold::new(self.setup.clone())
    }

    fn unread(&mut self, rows: u64) {
        self.unread += rows;
    }

    fn merge(&mut self, mut other: Fold) {
        let n = self.setup.windows.len();
        self.widen();
        for (key, &theirs) in &other.slots {
            let ours = self.slot_of_normalized(key);
            self.wide.resize(self.counts.len(), Counts::default());
            for w in 0..n {
                self.wide[ours * n + w] += other.total(theirs * n + w);
            }
        }
        self.read += other.read;
        self.used += other.used;
        for (code, theirs) in other.skipped {
            let ours = self.skipped.entry(code).or_default();
            ours.count += theirs.count;
            ours.first.extend(theirs.first);
            ours.first.sort_unstable();
            ours.first.truncate(FIRST_LINES);
        }
        self.skipped_lines.extend(other.skipped_lines);
        if let Some((line, bad)) = other.first_error {
            if self.first_error.as_ref().is_none_or(|(l, _)| line < *l) {
                self.first_error = Some((line, bad));
            }
        }
        if let Some(setup) = self.setup.official.clone() {
            // Their procedures' places, as ours.
            let places: Vec<u32> = (other.procs.names.iter())
                .map(|n| self.procedure(n, &setup).0)
                .collect();
            for (key, &theirs) in &other.slots {
                if let Some(g) = other.gathered.get_mut(theirs) {
                    let ours = self.slot_of_normalized(key);
                    self.gathered[ours].merge(std::mem::take(g), &places);
                }
            }
        }
        self.hashes.absorb(other.hashes);
        self.unread += other.unread;
        self.computed_years.extend(other.computed_years);
    }
}

/// Runs the passes and builds the table.
pub fn run(
    path: &Path,
    shown: &str,
    opts: &Options,
    progress: Arc<dyn Fn(u64) + Send + Sync>,
) -> Result<MetricsTable, DossierError> {
    let last_year = Some(opts.period.to.year());
    // Rows that touch no day of the period count nowhere: a typed scan may skip them.
    let scan = source::ScanOptions {
        window: (!opts.rates.uses_due_in_period()).then(|| opts.span()),
        ..opts.scan
    };
    let src = source::open(
        path,
        opts.sheet.as_deref(),
        shown,
        scan,
        &opts.aliases,
        last_year,
    )?;
    let comma = src.separator == b';' || opts.decimal_comma;
    let strict = |fold: &Fold| -> Result<(), DossierError> {
        match &fold.first_error {
            Some((line, bad)) => Err(DossierError::InvalidRow {
                at: src.place(*line, bad.column),
                column: bad.column,
                value: crate::term::clip(&bad.value, crate::term::QUOTE),
                reason: reason(bad.code),
            }),
            None => Ok(()),
        }
    };
    let wanted = if opts.official.is_some() {
        ALL_COLUMNS
    } else {
        &ALL_COLUMNS[..row::BASE_WIDTH]
    };
    let mut fold = source::scan(
        &src,
        wanted,
        Fold::new(Arc::new(Setup::new(opts, comma, progress.clone()))),
    )?;
    strict(&fold)?;

    let hashes = std::mem::replace(&mut fold.hashes, Hashes::new(fold.setup.spill.clone()));
    let suspects = hashes.repeated(shown)?;
    if let Some(later) = duplicates(&src, &fold, suspects, opts)? {
        let again = Fold::new(Arc::new(Setup {
            keep_hashes: false,
            exclude: later,
            ..Setup::new(opts, comma, progress)
        }));
        fold = source::scan(&src, wanted, again)?;
    }
    Ok(finish(fold, shown, opts, &src))
}

/// Duplicate ids: equal hashes, confirmed on the ids themselves. `None` when there are
/// none; else an error (strict), or the rows of every later copy, to be left out.
fn duplicates(
    src: &source::Source,
    fold: &Fold,
    suspects: HashSet<u64>,
    opts: &Options,
) -> Result<Option<HashSet<u64>>, DossierError> {
    if suspects.is_empty() {
        return Ok(None);
    }
    let skipped: HashSet<u64> = fold.skipped_lines.iter().copied().collect();
    let ids = source::scan(
        src,
        &["dossier_id"],
        IdCollector {
            suspects,
            skipped,
            lines: BTreeMap::new(),
        },
    )?;
    let mut later: Vec<(u64, u64, String)> = Vec::new(); // (line, first line, id)
    for (id, lines) in ids.lines {
        for &l in &lines[1..] {
            later.push((l, lines[0], id.clone()));
        }
    }
    later.sort();
    let Some((line, first, id)) = later.first() else {
        return Ok(None);
    };
    if !opts.skip_invalid {
        let word = if src.line_word() == "lines" {
            "line"
        } else {
            "row"
        };
        return Err(DossierError::InvalidRow {
            at: src.place(*line, "dossier_id"),
            column: "dossier_id",
            value: crate::term::clip(id, crate::term::QUOTE),
            reason: format!(
                "{} (first on {word} {})",
                reason(Code::DuplicateDossier),
                src.describe(*first)
            ),
        });
    }
    Ok(Some(later.iter().map(|l| l.0).collect()))
}

/// Pass 2: the lines of the ids whose hashes collided.
struct IdCollector {
    suspects: HashSet<u64>,
    skipped: HashSet<u64>,
    lines: BTreeMap<String, Vec<u64>>,
}

impl Visitor for IdCollector {
    fn row(&mut self, line: u64, f: &Fields) -> bool {
        if self.suspects.contains(&hash_id(f.dossier_id())) && !self.skipped.contains(&line) {
            self.lines
                .entry(row::trim(f.dossier_id()).to_string())
                .or_default()
                .push(line);
        }
        false
    }

    fn fork(&self) -> IdCollector {
        IdCollector {
            suspects: self.suspects.clone(),
            skipped: self.skipped.clone(),
            lines: BTreeMap::new(),
        }
    }

    fn merge(&mut self, other: IdCollector) {
        for (id, lines) in other.lines {
            let ours = self.lines.entry(id).or_default();
            ours.extend(lines);
            ours.sort_unstable();
        }
    }
}

/// The `skipped-rows` and `calendar-gap` findings of a pass.
fn skipped_findings(fold: &Fold, shown: &str, src: &source::Source) -> Vec<Diagnostic> {
    // In a dataset each place names its file and row already.
    let line_word = if src.is_dataset() {
        ""
    } else {
        src.line_word()
    };
    let mut diagnostics = Vec::new();
    for (code, s) in &fold.skipped {
        let lines: Vec<String> = s.first.iter().map(|l| src.describe(*l)).collect();
        diagnostics.push(
            Diagnostic::new(
                Code::SkippedRows,
                format!(
                    "{} row{} skipped: {} (first at {line_word}{}{})",
                    s.count,
                    if s.count == 1 { "" } else { "s" },
                    reason(*code),
                    if line_word.is_empty() { "" } else { " " },
                    lines.join(", ")
                ),
            )
            .at(shown, None),
        );
    }
    for y in &fold.computed_years {
        if !fold.setup.calendar.covers(*y) {
            diagnostics.push(
                Diagnostic::new(Code::CalendarGap,
                    format!(
                        "deadlines of dossiers received in {y} were computed with weekends only: {} has no entries for {y}",
                        fold.setup.calendar.source
                    ),
                )
                .at(shown, None),
            );
        }
    }
    diagnostics
}

/// Rows of the log in words: `dossiers.csv lines 3, 5`, or each dataset file's row.
fn places(src: &source::Source, shown: &str, lines: &[u64]) -> String {
    let each: Vec<String> = lines.iter().map(|l| src.describe(*l)).collect();
    if src.is_dataset() {
        each.join(", ")
    } else {
        let word = src.line_word();
        let word = if each.len() == 1 {
            word.trim_end_matches('s')
        } else {
            word
        };
        format!("{shown} {word} {}", each.join(", "))
    }
}

fn finish(mut fold: Fold, shown: &str, opts: &Options, src: &source::Source) -> MetricsTable {
    let mut diagnostics = skipped_findings(&fold, shown, src);
    let by_unit = matches!(opts.by, GroupBy::Unit | GroupBy::UnitMonth);
    if let (Some(units), true) = (&opts.units, by_unit) {
        diagnostics.extend(super::not_in_register(fold.slots.keys(), units, shown));
        for u in units {
            fold.slot(u);
        }
    }
    let n = fold.setup.windows.len();
    let mut rows = Vec::with_capacity(fold.slots.len() * n);
    for (key, &slot) in &fold.slots {
        for (w, (_, _, label)) in fold.setup.windows.iter().enumerate() {
            let mut k = Vec::new();
            if opts.by != GroupBy::Month {
                k.push(key.clone());
            }
            if matches!(opts.by, GroupBy::Month | GroupBy::UnitMonth) {
                k.push(label.clone());
            }
            rows.push((k, fold.total(slot * n + w)));
        }
    }
    if opts.by == GroupBy::Month && rows.is_empty() {
        for (_, _, label) in &fold.setup.windows {
            rows.push((vec![label.clone()], Counts::default()));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    if fold.read == 0 {
        diagnostics
            .push(Diagnostic::new(Code::NoDossiers, "the log has no dossier rows").at(shown, None));
    }
    let rejected = fold.read - fold.used;
    let official = official_counts(&mut fold, src, shown);
    MetricsTable {
        official,
        key_columns: opts.by.key_columns().to_vec(),
        rows,
        stats: RowStats {
            input: "dossiers".into(),
            file: shown.to_string(),
            read: fold.read as usize,
            used: fold.used as usize,
            rejected: rejected as usize,
        },
        diagnostics,
        period: opts.period.clone(),
        rates: opts.rates.clone(),
        pruned: src.pruned(),
        unread: fold.unread,
    }
}

/// What the official method gathered, per key, with where each key's first late
/// dossiers are; None under the default method.
fn official_counts(
    fold: &mut Fold,
    src: &source::Source,
    shown: &str,
) -> Option<super::OfficialCounts> {
    let setup = fold.setup.official.clone()?;
    let names = &fold.procs.names;
    // The log's procedures a catalogue given does not list.
    let uncatalogued = if setup.procedures.is_empty() {
        Vec::new()
    } else {
        let mut u: Vec<String> = (names.iter().zip(&fold.procs.rules))
            .filter(|(n, r)| r.is_none() && !n.is_empty())
            .map(|(n, _)| n.clone())
            .collect();
        u.sort();
        u
    };
    let rows: BTreeMap<String, super::Gathered> = fold
        .slots
        .iter()
        .map(|(k, &s)| {
            let mut g = std::mem::take(&mut fold.gathered[s]);
            g.name_procedures(names);
            (k.clone(), g)
        })
        .collect();
    // Where each key's late and unjudged dossiers are, in words ("…" past the first).
    let located = |lines: fn(&super::Gathered) -> (&[u64], u64)| {
        rows.iter()
            .filter(|(_, g)| !lines(g).0.is_empty())
            .map(|(k, g)| {
                let (kept, all) = lines(g);
                let mut at = places(src, shown, kept);
                if all > kept.len() as u64 {
                    at.push_str(", …");
                }
                (k.clone(), at)
            })
            .collect::<BTreeMap<String, String>>()
    };
    let late = located(|g| (&g.late_lines, g.tally.late));
    let unjudged = located(|g| (&g.unknown_lines, g.tally.unknown));
    Some(super::OfficialCounts {
        rows,
        columns: src.columns.iter().cloned().collect(),
        late,
        unjudged,
        uncatalogued,
    })
}
