//! The duplicate-id check's memory: one 8-byte hash per dossier, kept within a budget.
//!
//! Hashes gather in chunks of 256 Ki (2 MiB); a full chunk is grouped by bucket (the
//! hashes' top 11 bits: uniform hashes make buckets even), not sorted. While the
//! chunks of every worker fit the budget (`--id-check-memory`, [`DEFAULT_BUDGET_MIB`])
//! they stay in memory; beyond it a worker writes its chunks, bucket by bucket, as one
//! run in a temporary folder and frees them (a bucket's share is sorted only when it
//! is large: the check needs no order, only the merge below does). The hash range is split
//! into one part per core (every run records where each part starts), each searched on
//! its own thread, bucket by bucket: a bucket's share of every chunk (a few thousand
//! hashes) through a small table that stays in cache, no sort. With runs on disk each
//! run records where every bucket starts, so a bucket's share of each run is read with
//! one seek into the same kind of table, beside the chunks still in memory — no merge
//! of the runs (a k-way merge made 10^8 rows slower per row than 10^7). Only a bucket
//! too large for a table within the budget (a crafted log whose ids' hashes share
//! their top bits) is merged, streaming: the chunks in memory then go to one more run.
//! Memory stays at the budget plus a read piece per thread whatever the number of
//! rows: 10^9 dossiers at the default budget are about 120 runs (each worker spills
//! about half the budget).
//!
//! Run files live in a `cchc-ids-*` folder under the system's temporary folder
//! (`TMPDIR`), registered with [`crate::output`] so that a signal or a panic removes
//! them, and removed when the check ends.

use super::{read_err, DossierError};
use std::collections::{BinaryHeap, HashSet};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The default budget for hashes held in memory, in MiB.
pub const DEFAULT_BUDGET_MIB: usize = 128;

/// Hashes per chunk (fewer under a budget so small that four would not fit).
const CHUNK: usize = 1 << 18;

/// Bits of a hash that name its bucket.
const BITS: u32 = 11;

/// Buckets of the hash range.
const BUCKETS: usize = 1 << BITS;

/// The bucket of a hash: its top bits.
fn bucket(h: u64) -> usize {
    (h >> (64 - BITS)) as usize
}

/// A chunk of hashes grouped by bucket, in no order within a bucket.
struct Chunk {
    hashes: Vec<u64>,
    /// Where each bucket starts in `hashes` (and where the last ends).
    starts: Vec<u32>,
}

impl Chunk {
    /// Groups `hashes` by bucket: one pass counts, one places.
    fn of(hashes: &[u64]) -> Chunk {
        let mut starts = vec![0u32; BUCKETS + 1];
        for &h in hashes {
            starts[bucket(h) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut grouped = vec![0u64; hashes.len()];
        for &h in hashes {
            let b = bucket(h);
            grouped[next[b] as usize] = h;
            next[b] += 1;
        }
        Chunk {
            hashes: grouped,
            starts,
        }
    }

    /// The hashes of bucket `b`.
    fn bucket(&self, b: usize) -> &[u64] {
        &self.hashes[self.starts[b] as usize..self.starts[b + 1] as usize]
    }

    fn len(&self) -> usize {
        self.hashes.len()
    }
}

/// What every worker's [`Hashes`] shares: the budget, the spill folder, the parts.
pub struct Spill {
    /// Hashes the chunks in memory may hold, all workers together.
    budget: usize,
    in_memory: AtomicUsize,
    dir: Mutex<Option<tempfile::TempDir>>,
    runs: AtomicUsize,
    /// The first write error (reported when the check ends).
    error: Mutex<Option<String>>,
    /// Hash-range parts merged in parallel.
    parts: usize,
    /// Hashes per chunk.
    chunk: usize,
}

impl Spill {
    /// A budget of `mib` MiB of hashes in memory.
    pub fn new(mib: usize) -> Arc<Spill> {
        Arc::new(Spill {
            budget: (mib << 20) / 8,
            chunk: ((mib << 20) / 32).clamp(1024, CHUNK),
            in_memory: AtomicUsize::new(0),
            dir: Mutex::new(None),
            runs: AtomicUsize::new(0),
            error: Mutex::new(None),
            parts: std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8)),
        })
    }

    /// The most hashes a bucket may have to be searched through a table (twice the
    /// bucket: at most half a thread's share of the budget); a larger one is merged.
    fn table_limit(&self) -> usize {
        (self.budget / (4 * self.parts)).max(1 << 12)
    }

    /// The first hash of part `p` (parts split the u64 range evenly).
    fn bound(&self, p: usize) -> u64 {
        ((u128::from(u64::MAX) + 1) * p as u128 / self.parts as u128) as u64
    }

    /// A new run file in the spill folder (created on first use).
    fn create(&self) -> std::io::Result<(PathBuf, std::fs::File)> {
        let mut dir = self
            .dir
            .lock()
            .map_err(|_| std::io::Error::other("spill folder lock poisoned"))?;
        if dir.is_none() {
            let d = tempfile::Builder::new().prefix("cchc-ids-").tempdir()?;
            crate::atomic::register_temp(d.path());
            *dir = Some(d);
        }
        let folder = dir
            .as_ref()
            .map(|d| d.path().to_path_buf())
            .unwrap_or_default();
        let n = self.runs.fetch_add(1, Ordering::Relaxed);
        let path = folder.join(format!("run-{n:06}"));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        crate::atomic::register_temp(&path);
        Ok((path, file))
    }

    fn fail(&self, e: impl std::fmt::Display) {
        if let Ok(mut first) = self.error.lock() {
            first.get_or_insert_with(|| e.to_string());
        }
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        if let Ok(mut dir) = self.dir.lock() {
            if let Some(d) = dir.take() {
                crate::atomic::forget_temp_under(d.path());
            }
        }
    }
}

/// A sorted run on disk: its file and where each bucket starts (in hashes; one more
/// for the end).
struct Run {
    path: PathBuf,
    buckets: Vec<u64>,
    /// Whether each bucket's share was sorted when written ([`SORTED_ABOVE`]).
    sorted: Vec<bool>,
}

/// A bucket's share of a run is sorted when written only if it holds more hashes than
/// this. The check itself needs no order (each bucket goes into a table); only a
/// bucket too large for a table, which only a crafted log makes, is merged, and the
/// merge reads a smaller share whole and sorts it then. Sorting every share took a
/// tenth of a 10^8-row scan.
const SORTED_ABOVE: usize = 1 << 15;

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// One worker's hashes: grouped chunks in memory, runs on disk, the chunk being filled.
pub struct Hashes {
    spill: Arc<Spill>,
    chunks: Vec<Chunk>,
    runs: Vec<Run>,
    current: Vec<u64>,
}

impl Hashes {
    /// Empty, sharing `spill`'s budget.
    pub fn new(spill: Arc<Spill>) -> Hashes {
        Hashes {
            spill,
            chunks: Vec::new(),
            runs: Vec::new(),
            current: Vec::new(),
        }
    }

    /// Adds a hash.
    pub fn push(&mut self, h: u64) {
        if self.current.capacity() == 0 {
            self.current.reserve_exact(self.spill.chunk);
        }
        self.current.push(h);
        if self.current.len() == self.spill.chunk {
            let full = std::mem::take(&mut self.current);
            self.keep(full);
        }
    }

    /// Groups a chunk and keeps it, spilling this worker's chunks if over the budget.
    fn keep(&mut self, hashes: Vec<u64>) {
        let chunk = Chunk::of(&hashes);
        drop(hashes);
        let n = chunk.len();
        self.chunks.push(chunk);
        let total = self.spill.in_memory.fetch_add(n, Ordering::AcqRel) + n;
        if total > self.spill.budget {
            self.write_run();
        }
    }

    /// Writes this worker's chunks as one run on disk, bucket by bucket, and frees them.
    fn write_run(&mut self) {
        let chunks = std::mem::take(&mut self.chunks);
        let held: usize = chunks.iter().map(Chunk::len).sum();
        match self.write(&chunks) {
            Ok(run) => {
                self.runs.push(run);
                self.spill.in_memory.fetch_sub(held, Ordering::AcqRel);
            }
            Err(e) => {
                self.spill.fail(e);
                self.chunks = chunks; // keep them: the check reports the error
            }
        }
    }

    fn write(&self, chunks: &[Chunk]) -> std::io::Result<Run> {
        let (path, file) = self.spill.create()?;
        // Writes of 1 MiB: the file system's cost per write made 64 KiB ones take
        // nearly twice the system time.
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let mut buckets = Vec::with_capacity(BUCKETS + 1);
        let mut sorted = Vec::with_capacity(BUCKETS);
        let mut written = 0u64;
        let mut bytes = Vec::new();
        // `in_order` gives the buckets in order, one piece each.
        in_order(chunks, |piece, in_order| {
            buckets.push(written);
            sorted.push(in_order);
            bytes.resize(8 * piece.len(), 0);
            for (to, h) in bytes.chunks_exact_mut(8).zip(piece) {
                to.copy_from_slice(&h.to_le_bytes());
            }
            written += piece.len() as u64;
            out.write_all(&bytes)
        })?;
        buckets.push(written);
        out.flush()?;
        Ok(Run {
            path,
            buckets,
            sorted,
        })
    }

    /// Whether a bucket's hashes, in the runs and the chunks, are too many for a table
    /// within a thread's share of the budget ([`Spill::table_limit`]).
    fn any_too_large(&self) -> bool {
        let limit = self.spill.table_limit();
        (0..BUCKETS).any(|b| bucket_len(&self.runs, &self.chunks, b) > limit)
    }

    /// Adds another worker's hashes.
    pub fn absorb(&mut self, mut other: Hashes) {
        self.chunks.append(&mut other.chunks);
        self.runs.append(&mut other.runs);
        if !other.current.is_empty() {
            let rest = std::mem::take(&mut other.current);
            self.keep(rest);
        }
    }

    /// The hashes that occur more than once, each part merged on its own thread.
    pub fn repeated(mut self, shown: &str) -> Result<HashSet<u64>, DossierError> {
        let rest = std::mem::take(&mut self.current);
        if !rest.is_empty() {
            self.keep(rest);
        }
        // The chunks still in memory are searched there, beside the runs (writing
        // them out was a sixth of a 10^8 scan's spill, on one thread) — unless a bucket
        // is too large for a table: that bucket is merged, and the merge reads runs.
        if !self.runs.is_empty() && !self.chunks.is_empty() && self.any_too_large() {
            self.write_run();
        }
        let spill = self.spill.clone();
        let failed = |e: &str| {
            read_err(
                shown,
                format!("the duplicate-id check could not use its temporary folder: {e}"),
            )
        };
        if let Some(e) = spill.error.lock().ok().and_then(|e| e.clone()) {
            return Err(failed(&e));
        }
        let (chunks, runs) = (&self.chunks, &self.runs);
        let found: Vec<std::io::Result<Vec<u64>>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..spill.parts)
                .map(|p| {
                    let spill = &spill;
                    s.spawn(move || part_repeated(spill, p, chunks, runs))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        remove_runs(std::mem::take(&mut self.runs), spill.parts);
        let mut out = HashSet::new();
        for f in found {
            out.extend(f.map_err(|e| failed(&e.to_string()))?);
        }
        Ok(out)
    }
}

/// Removes the runs, shared among `threads` threads: removing a run frees its pages
/// from the system's file cache, about 8 ms for each of the ten runs of 10^8 rows —
/// a tenth of a second at the scan's end, one thread alone.
fn remove_runs(runs: Vec<Run>, threads: usize) {
    if runs.len() < 2 || threads < 2 {
        return; // dropped here
    }
    let mut shares: Vec<Vec<Run>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, r) in runs.into_iter().enumerate() {
        shares[i % threads].push(r);
    }
    std::thread::scope(|s| {
        for share in shares {
            s.spawn(move || drop(share));
        }
    });
}

/// The repeated hashes of part `p`: in the memory chunks if nothing went to disk, else
/// in the runs and the chunks still in memory.
fn part_repeated(
    spill: &Spill,
    p: usize,
    chunks: &[Chunk],
    runs: &[Run],
) -> std::io::Result<Vec<u64>> {
    let (lo, hi) = (spill.bound(p), spill.bound(p + 1));
    let last = p + 1 == spill.parts;
    if runs.is_empty() {
        return Ok(memory_repeated(
            lo,
            if last { None } else { Some(hi) },
            chunks,
        ));
    }
    disk_repeated(spill, lo, if last { None } else { Some(hi) }, runs, chunks)
}

/// How many hashes bucket `b` holds, in the runs and in the chunks still in memory.
fn bucket_len(runs: &[Run], chunks: &[Chunk], b: usize) -> usize {
    let on_disk: u64 = runs.iter().map(|r| r.buckets[b + 1] - r.buckets[b]).sum();
    on_disk as usize + chunks.iter().map(|c| c.bucket(b).len()).sum::<usize>()
}

/// Hashes of one bucket read from the runs at a time: a bucket's share of a run is
/// read in pieces of this many hashes.
const PIECE: usize = 1 << 13;

/// The repeated hashes in [lo, hi) of the runs on disk and the chunks still in
/// memory, bucket by bucket: each run's share of a bucket is read (one seek, then
/// pieces) through a table in cache, then each chunk's — no merge. A bucket too large
/// for a table within this thread's share of the budget (a crafted log whose ids'
/// hashes share their top bits) is merged instead, in bounded memory: [`Hashes::repeated`]
/// then wrote the chunks out too.
fn disk_repeated(
    spill: &Spill,
    lo: u64,
    hi: Option<u64>,
    runs: &[Run],
    chunks: &[Chunk],
) -> std::io::Result<Vec<u64>> {
    let inside = |h: u64| h >= lo && hi.is_none_or(|hi| h < hi);
    let last = hi.map_or(BUCKETS - 1, |hi| bucket(hi - 1));
    let limit = spill.table_limit();
    let mut files = (runs.iter())
        .map(|r| std::fs::File::open(&r.path))
        .collect::<std::io::Result<Vec<_>>>()?;
    let (mut out, mut table, mut found) = (Vec::new(), Vec::new(), Vec::new());
    let mut bytes = vec![0u8; 8 * PIECE];
    for b in bucket(lo)..=last {
        let n = bucket_len(runs, chunks, b);
        if n > limit {
            out.extend(bucket_merged(runs, chunks, b, &inside)?);
            continue;
        }
        let empty = ((b ^ 1) as u64) << (64 - BITS);
        table.clear();
        table.resize((2 * n).next_power_of_two().max(16), empty);
        found.clear();
        for (r, file) in runs.iter().zip(files.iter_mut()) {
            let (mut at, end) = (r.buckets[b], r.buckets[b + 1]);
            if at == end {
                continue;
            }
            file.seek(SeekFrom::Start(at * 8))?;
            while at < end {
                let k = ((end - at) as usize).min(PIECE);
                file.read_exact(&mut bytes[..8 * k])?;
                for w in bytes[..8 * k].chunks_exact(8) {
                    let h = u64::from_le_bytes(w.try_into().unwrap_or_default());
                    if inside(h) && !place(&mut table, empty, h) && found.last() != Some(&h) {
                        found.push(h);
                    }
                }
                at += k as u64;
            }
        }
        for &h in chunks.iter().flat_map(|c| c.bucket(b)) {
            if inside(h) && !place(&mut table, empty, h) && found.last() != Some(&h) {
                found.push(h);
            }
        }
        found.sort_unstable();
        found.dedup(); // a hash seen three times is found twice
        out.extend_from_slice(&found);
    }
    Ok(out)
}

/// The repeated hashes of bucket `b` that `inside` keeps, by a streaming k-way merge of
/// the runs' shares of it (each sorted) and the chunks' (sorted copies: none in
/// practice, as the chunks go to a run when a bucket is this large).
fn bucket_merged(
    runs: &[Run],
    chunks: &[Chunk],
    b: usize,
    inside: &dyn Fn(u64) -> bool,
) -> std::io::Result<Vec<u64>> {
    let error = std::cell::RefCell::new(None);
    let mut sources: Vec<Share> = Vec::new();
    for r in runs {
        let mut file = std::fs::File::open(&r.path)?;
        file.seek(SeekFrom::Start(r.buckets[b] * 8))?;
        let left = r.buckets[b + 1] - r.buckets[b];
        let mut run = FileRun {
            reader: BufReader::with_capacity(1 << 16, file),
            left,
            error: &error,
        };
        sources.push(if r.sorted[b] {
            Share::Streamed(run)
        } else {
            // At most SORTED_ABOVE hashes: read whole, and sorted here.
            let mut whole: Vec<u64> = run.by_ref().collect();
            whole.sort_unstable();
            Share::Read(whole.into_iter())
        });
    }
    for c in chunks {
        let mut held = c.bucket(b).to_vec();
        held.sort_unstable();
        sources.push(Share::Read(held.into_iter()));
    }
    let mut out = Vec::new();
    let mut last_seen = None;
    merge(sources.into_iter(), |h| {
        if inside(h) && last_seen == Some(h) && out.last() != Some(&h) {
            out.push(h);
        }
        last_seen = Some(h);
        Ok(())
    })?;
    match error.into_inner() {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// The repeated hashes in [lo, hi) of the chunks held in memory (hi None: to the end
/// of the range), bucket by bucket: each hash goes into a small open-addressing table
/// (in cache), and one found there already is repeated. The table holds distinct
/// hashes only and grows with them, so a hostile log that repeats one id millions of
/// times (one huge bucket) costs no more than its distinct ids.
fn memory_repeated(lo: u64, hi: Option<u64>, chunks: &[Chunk]) -> Vec<u64> {
    let inside = |h: u64| h >= lo && hi.is_none_or(|hi| h < hi);
    let last = hi.map_or(BUCKETS - 1, |hi| bucket(hi - 1));
    let (mut out, mut table, mut found) = (Vec::new(), Vec::new(), Vec::new());
    for b in bucket(lo)..=last {
        // A value outside the bucket marks an empty place (its top bits differ).
        let empty = ((b ^ 1) as u64) << (64 - BITS);
        let n: usize = chunks.iter().map(|c| c.bucket(b).len()).sum();
        table.clear();
        table.resize((2 * n.min(1 << 16)).next_power_of_two().max(16), empty);
        let mut filled = 0;
        found.clear();
        for &h in chunks.iter().flat_map(|c| c.bucket(b)) {
            if !inside(h) {
                continue;
            }
            if place(&mut table, empty, h) {
                filled += 1;
                if 2 * filled > table.len() {
                    let grown = vec![empty; 2 * table.len()];
                    let old = std::mem::replace(&mut table, grown);
                    for v in old.into_iter().filter(|&v| v != empty) {
                        place(&mut table, empty, v);
                    }
                }
            } else if found.last() != Some(&h) {
                found.push(h);
            }
        }
        found.sort_unstable();
        found.dedup(); // a hash seen three times is found twice
        out.extend_from_slice(&found);
    }
    out
}

/// Puts `h` into the open-addressing `table` (a power of two long, never full); false
/// if it was there already.
fn place(table: &mut [u64], empty: u64, h: u64) -> bool {
    let mask = table.len() - 1;
    let mut at = (h as usize) & mask;
    loop {
        if table[at] == empty {
            table[at] = h;
            return true;
        }
        if table[at] == h {
            return false;
        }
        at = (at + 1) & mask;
    }
}

/// Hands `each` every hash of the chunks a bucket at a time, in bucket order: each
/// bucket's share of every chunk gathered into a buffer that stays in cache, and sorted
/// when it holds more than [`SORTED_ABOVE`] (`each` is told whether it is).
fn in_order(
    chunks: &[Chunk],
    mut each: impl FnMut(&[u64], bool) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut buf: Vec<u64> = Vec::new();
    for b in 0..BUCKETS {
        buf.clear();
        for c in chunks {
            buf.extend_from_slice(c.bucket(b));
        }
        let sorted = buf.len() > SORTED_ABOVE;
        if sorted {
            buf.sort_unstable();
        }
        each(&buf, sorted)?;
    }
    Ok(())
}

/// A run's share of a bucket in order: streamed from the file (sorted when written),
/// or read whole and sorted.
enum Share<'a> {
    Streamed(FileRun<'a>),
    Read(std::vec::IntoIter<u64>),
}

impl Iterator for Share<'_> {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        match self {
            Share::Streamed(f) => f.next(),
            Share::Read(v) => v.next(),
        }
    }
}

/// The hashes of one part of a run file, read in order.
struct FileRun<'a> {
    reader: BufReader<std::fs::File>,
    left: u64,
    error: &'a std::cell::RefCell<Option<std::io::Error>>,
}

impl Iterator for FileRun<'_> {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        if self.left == 0 {
            return None;
        }
        let mut b = [0u8; 8];
        match self.reader.read_exact(&mut b) {
            Ok(()) => {
                self.left -= 1;
                Some(u64::from_le_bytes(b))
            }
            Err(e) => {
                self.error.borrow_mut().get_or_insert(e);
                self.left = 0;
                None
            }
        }
    }
}

/// A streaming k-way merge of sorted sources: `each` sees every value in order.
fn merge<I: Iterator<Item = u64>>(
    sources: impl Iterator<Item = I>,
    mut each: impl FnMut(u64) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut sources: Vec<I> = sources.collect();
    let mut heap: BinaryHeap<std::cmp::Reverse<(u64, usize)>> = BinaryHeap::new();
    for (i, s) in sources.iter_mut().enumerate() {
        if let Some(v) = s.next() {
            heap.push(std::cmp::Reverse((v, i)));
        }
    }
    while let Some(std::cmp::Reverse((v, i))) = heap.pop() {
        each(v)?;
        if let Some(next) = sources[i].next() {
            heap.push(std::cmp::Reverse((next, i)));
        }
    }
    Ok(())
}
