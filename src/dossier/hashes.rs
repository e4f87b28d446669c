//! The duplicate-id check's memory: one 8-byte hash per dossier, kept within a budget.
//!
//! Hashes gather in chunks of 1 Mi (8 MiB), each sorted when full. While the sorted
//! chunks of every worker fit the budget (`--id-check-memory`, [`DEFAULT_BUDGET_MIB`])
//! they stay in memory; beyond it a worker merges its chunks into one sorted run in a
//! temporary folder and frees them. The hash range is split into one part per core
//! (every run records where each part starts), each searched on its own thread: with
//! nothing on disk, by sorting small cache-sized sub-ranges of the memory chunks; else
//! by one streaming k-way merge over the memory chunks and the run files. Memory stays
//! at the budget plus a read buffer per run whatever the number of rows: 10^9 dossiers
//! at the default budget are about 120 runs (each worker spills about half the budget).
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

/// The default budget for sorted hashes held in memory, in MiB.
pub const DEFAULT_BUDGET_MIB: usize = 128;

/// Hashes per chunk (fewer under a budget so small that four would not fit).
const CHUNK: usize = 1 << 20;

/// What every worker's [`Hashes`] shares: the budget, the spill folder, the parts.
pub struct Spill {
    /// Hashes the sorted chunks in memory may hold, all workers together.
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
    /// A budget of `mib` MiB of sorted hashes in memory.
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
            crate::output::register_temp(d.path());
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
        crate::output::register_temp(&path);
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
                crate::output::forget_temp_under(d.path());
            }
        }
    }
}

/// A sorted run on disk: its file and where each part starts (in hashes).
struct Run {
    path: PathBuf,
    starts: Vec<u64>,
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// One worker's hashes: sorted chunks in memory, runs on disk, the chunk being filled.
pub struct Hashes {
    spill: Arc<Spill>,
    sorted: Vec<Vec<u64>>,
    runs: Vec<Run>,
    current: Vec<u64>,
}

impl Hashes {
    /// Empty, sharing `spill`'s budget.
    pub fn new(spill: Arc<Spill>) -> Hashes {
        Hashes {
            spill,
            sorted: Vec::new(),
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

    /// Sorts a chunk and keeps it, spilling this worker's chunks if over the budget.
    fn keep(&mut self, mut chunk: Vec<u64>) {
        sort_chunk(&mut chunk);
        let n = chunk.len();
        self.sorted.push(chunk);
        let total = self.spill.in_memory.fetch_add(n, Ordering::AcqRel) + n;
        if total > self.spill.budget {
            self.write_run();
        }
    }

    /// Merges this worker's sorted chunks into one run on disk and frees them.
    fn write_run(&mut self) {
        let chunks = std::mem::take(&mut self.sorted);
        let held: usize = chunks.iter().map(Vec::len).sum();
        match self.write(&chunks) {
            Ok(run) => {
                self.runs.push(run);
                self.spill.in_memory.fetch_sub(held, Ordering::AcqRel);
            }
            Err(e) => {
                self.spill.fail(e);
                self.sorted = chunks; // keep them: the check reports the error
            }
        }
    }

    fn write(&self, chunks: &[Vec<u64>]) -> std::io::Result<Run> {
        let (path, file) = self.spill.create()?;
        let mut out = BufWriter::with_capacity(1 << 16, file);
        let mut starts = vec![0u64];
        let mut part = 1;
        let mut written = 0u64;
        let mut bytes = Vec::new();
        in_order(0, None, chunks, |piece| {
            bytes.clear();
            for &h in piece {
                while part < self.spill.parts && h >= self.spill.bound(part) {
                    starts.push(written);
                    part += 1;
                }
                written += 1;
                bytes.extend_from_slice(&h.to_le_bytes());
            }
            out.write_all(&bytes)
        })?;
        starts.resize(self.spill.parts + 1, written);
        out.flush()?;
        Ok(Run { path, starts })
    }

    /// Adds another worker's hashes.
    pub fn absorb(&mut self, mut other: Hashes) {
        self.sorted.append(&mut other.sorted);
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
        let (sorted, runs) = (&self.sorted, &self.runs);
        let found: Vec<std::io::Result<Vec<u64>>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..spill.parts)
                .map(|p| {
                    let spill = &spill;
                    s.spawn(move || part_repeated(spill, p, sorted, runs))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let mut out = HashSet::new();
        for f in found {
            out.extend(f.map_err(|e| failed(&e.to_string()))?);
        }
        Ok(out)
    }
}

/// The repeated hashes of part `p`: its slice of every memory chunk and every run.
fn part_repeated(
    spill: &Spill,
    p: usize,
    sorted: &[Vec<u64>],
    runs: &[Run],
) -> std::io::Result<Vec<u64>> {
    let (lo, hi) = (spill.bound(p), spill.bound(p + 1));
    let last = p + 1 == spill.parts;
    if runs.is_empty() {
        return Ok(memory_repeated(
            lo,
            if last { None } else { Some(hi) },
            sorted,
        ));
    }
    let error = std::cell::RefCell::new(None);
    let mut sources: Vec<Box<dyn Iterator<Item = u64> + '_>> = Vec::new();
    for c in sorted {
        let a = if p == 0 {
            0
        } else {
            c.partition_point(|&h| h < lo)
        };
        let b = if last {
            c.len()
        } else {
            c.partition_point(|&h| h < hi)
        };
        sources.push(Box::new(c[a..b].iter().copied()));
    }
    for r in runs {
        let mut file = std::fs::File::open(&r.path)?;
        file.seek(SeekFrom::Start(r.starts[p] * 8))?;
        let count = r.starts[p + 1] - r.starts[p];
        sources.push(Box::new(FileRun {
            reader: BufReader::with_capacity(1 << 16, file),
            left: count,
            error: &error,
        }));
    }
    let mut out = Vec::new();
    let mut last_seen = None;
    merge(sources.into_iter(), |h| {
        if last_seen == Some(h) && out.last() != Some(&h) {
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

/// The repeated hashes in [lo, hi) of sorted chunks held in memory (hi None: to the
/// end of the range). Equal hashes fall in the same sub-range of [`in_order`].
fn memory_repeated(lo: u64, hi: Option<u64>, sorted: &[Vec<u64>]) -> Vec<u64> {
    let mut out = Vec::new();
    let _ = in_order(lo, hi, sorted, |buf| {
        for w in buf.windows(2) {
            if w[0] == w[1] && out.last() != Some(&w[0]) {
                out.push(w[0]);
            }
        }
        Ok(())
    });
    out
}

/// Hands `each` the hashes in [lo, hi) of sorted chunks, in order, a sorted piece at a
/// time. Cheaper than a k-way merge: the range is cut into sub-ranges of about 8k
/// hashes; each gathers its slice of every chunk (found by binary search) into a
/// buffer that stays in cache, and sorts it.
fn in_order(
    lo: u64,
    hi: Option<u64>,
    sorted: &[Vec<u64>],
    mut each: impl FnMut(&[u64]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let end = hi.map_or(1u128 << 64, u128::from);
    let width = end - u128::from(lo);
    let mut cursors: Vec<usize> = sorted
        .iter()
        .map(|c| c.partition_point(|&h| h < lo))
        .collect();
    let total: usize = sorted
        .iter()
        .zip(&cursors)
        .map(|(c, &cur)| c[cur..].partition_point(|&h| u128::from(h) < end))
        .sum();
    let subs = (total / 8192).clamp(1, 1 << 16) as u128;
    let mut buf: Vec<u64> = Vec::new();
    for k in 1..=subs {
        let bound = u128::from(lo) + width * k / subs;
        buf.clear();
        for (c, cur) in sorted.iter().zip(cursors.iter_mut()) {
            let rest = &c[*cur..];
            let n = if bound >= 1u128 << 64 {
                rest.len()
            } else {
                rest.partition_point(|&h| u128::from(h) < bound)
            };
            buf.extend_from_slice(&rest[..n]);
            *cur += n;
        }
        // A few sorted pieces end to end: the stable sort merges its natural runs.
        buf.sort();
        each(&buf)?;
    }
    Ok(())
}

/// Sorts a chunk of hashes. Hashes are uniform, so one pass scatters them by their top
/// bits into buckets of a few hundred, each then sorted within the cache: about half
/// the time of sorting the chunk (8 MiB) as a whole.
fn sort_chunk(chunk: &mut Vec<u64>) {
    const BITS: u32 = 11;
    if chunk.len() < 1 << 14 {
        chunk.sort_unstable();
        return;
    }
    let bucket = |h: u64| (h >> (64 - BITS)) as usize;
    let mut starts = vec![0usize; (1 << BITS) + 1];
    for &h in chunk.iter() {
        starts[bucket(h) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut out = vec![0u64; chunk.len()];
    for &h in chunk.iter() {
        let b = bucket(h);
        out[next[b]] = h;
        next[b] += 1;
    }
    for w in starts.windows(2) {
        out[w[0]..w[1]].sort_unstable();
    }
    *chunk = out;
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
