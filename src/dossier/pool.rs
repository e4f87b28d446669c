//! The worker pool every scan of a log runs on: one worker per core takes the next
//! batch in file order (a block of a CSV file, a row group of a Parquet log), folds it
//! into its own copy of a [`Visitor`], and the copies are merged at the end. The
//! earliest problem in file order is the one reported, however the batches were cut
//! or spread over the workers.

use super::row::Fields;
use super::DossierError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Receives the rows of a scan. A scan may run several copies at once (one per core,
/// each seeing some of the batches, in file order within a copy) and merge them.
pub trait Visitor: Send + 'static {
    /// One row; return true to stop the scan.
    fn row(&mut self, line: u64, fields: &Fields) -> bool;
    /// A row already checked and turned into a dossier (a typed Parquet batch's fast
    /// path; its deadline was given): Some(stop), or None when this visitor wants the
    /// row's fields instead ([`Visitor::row`]). `hint`: what [`Visitor::ahead`]
    /// returned for this very row's unit, when it was asked.
    fn dossier(
        &mut self,
        _line: u64,
        _ids: &super::row::Ids,
        _d: &super::row::Dossier,
        _hint: Option<usize>,
    ) -> Option<bool> {
        None
    }
    /// The unit of a row a few rows ahead (a typed batch, where the next rows are at
    /// hand): a hint to fetch what that row will touch. What it returns comes back
    /// with that row ([`Visitor::dossier`]'s `hint`), so the work is not done twice.
    fn ahead(&mut self, _unit_id: &str) -> Option<usize> {
        None
    }
    /// The row a few rows ahead has the unit whose [`Visitor::ahead`] gave `slot`
    /// before (a typed batch that reads its units as a dictionary looks each up once):
    /// a hint to fetch what that row will touch.
    fn fetch(&mut self, _slot: usize) {}
    /// Whether [`Visitor::peek`] is worth a reader's while (asked at each CSV
    /// block's start): a reader that peeks delivers each record one record late.
    fn peeking(&self) -> bool {
        false
    }
    /// The unit of the record after the one about to be delivered (a CSV block splits
    /// a record ahead when [`Visitor::peeking`]): a hint to fetch what finding its
    /// slot will read.
    fn peek(&mut self, _unit_id: &str) {}
    /// What the progress shown so far stands at (rows), for [`Visitor::rewind`].
    fn progress(&self) -> u64 {
        0
    }
    /// Sets the progress shown back to `rows`: a scan that reads the log again
    /// (a guessed cut proved wrong) counts its rows once.
    fn rewind(&self, _rows: u64) {}
    /// Called after each batch.
    fn batch_end(&mut self) {}
    /// Rows the scan left unread because they touch no day of the period (a typed
    /// Parquet scan's window and row-group statistics); added up, once per batch or
    /// at the end.
    fn unread(&mut self, _rows: u64) {}
    /// A fresh copy with the same settings and nothing seen yet.
    fn fork(&self) -> Self
    where
        Self: Sized;
    /// Adds what another copy saw.
    fn merge(&mut self, other: Self)
    where
        Self: Sized;
}

/// Why a batch stopped early: the visitor asked to, or the text cannot be read.
pub enum Stop {
    /// The visitor's `row` returned true.
    Visitor,
    /// The batch cannot be read; the scan fails with this error.
    Read(DossierError),
    /// The batch was cut on a guess that proved wrong (a CSV block cut at a line break
    /// inside a quoted field): the scan is to be redone without guessing. Left, as a
    /// visitor's stop is, for the pool's caller to act on.
    Retry,
}

/// Runs `process` over the batches `next` gives, on one worker per core, each with its
/// own copy of the visitor ([`Visitor::fork`]), merged at the end. There is no producer
/// thread: the workers take turns at `next` (under a lock), each handing back the batch
/// it has finished (a CSV block's buffer, to be filled again) and taking the next, so
/// a block is read on the core that then splits it, while it is in that core's cache
/// (a reading thread handing blocks over took 5% more time on a quoted log). A worker
/// skips batches after one that stopped, and every batch before it is processed, so
/// the earliest problem in batch order is the one that counts: a read error is
/// returned, a visitor's stop is left in the merged visitor; an error of `next` counts
/// as a stop after the batches it gave.
///
/// Long: taking a batch, the stop index, panic capture and the join are one protocol;
/// split, its invariants would be spread over several functions.
pub fn pull<V, B, N, F>(visitor: V, next: N, process: F) -> Result<V, DossierError>
where
    V: Visitor,
    B: Send,
    N: FnMut(Option<B>) -> Result<Option<B>, DossierError> + Send,
    F: Fn(&B, &mut V) -> Option<Stop> + Sync,
{
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8));
    let mut visitors = vec![visitor];
    while visitors.len() < workers {
        let fresh = visitors[0].fork();
        visitors.push(fresh);
    }
    // The source, the next batch's index, and whether it has ended.
    let source = Mutex::new((next, 0u64, false));
    let stopped_at = AtomicU64::new(u64::MAX);
    let stops: Mutex<Vec<(u64, Stop)>> = Mutex::new(Vec::new());
    let panicked: Mutex<Option<Box<dyn std::any::Any + Send>>> = Mutex::new(None);
    let stop_at = |index: u64, stop: Stop| {
        stopped_at.fetch_min(index, Ordering::AcqRel);
        stops
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((index, stop));
    };
    // A bug that panics stops the scan; the panic is raised again after the join.
    let crashed = |payload: Box<dyn std::any::Any + Send>| {
        stopped_at.store(0, Ordering::Release);
        let mut first = panicked.lock().unwrap_or_else(|p| p.into_inner());
        first.get_or_insert(payload);
    };
    let visitors: Vec<V> = std::thread::scope(|s| {
        let handles: Vec<_> = (visitors.into_iter())
            .map(|mut v| {
                let (source, stopped_at, process, stop_at, crashed) =
                    (&source, &stopped_at, &process, &stop_at, &crashed);
                s.spawn(move || {
                    let mut spent: Option<B> = None;
                    loop {
                        let taken = {
                            let mut src = source.lock().unwrap_or_else(|p| p.into_inner());
                            let (next, index, ended) = &mut *src;
                            if *ended || *index > stopped_at.load(Ordering::Acquire) {
                                break;
                            }
                            let got =
                                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                    next(spent.take())
                                }));
                            match got {
                                Ok(Ok(Some(batch))) => {
                                    *index += 1;
                                    (*index - 1, batch)
                                }
                                Ok(Ok(None)) => {
                                    *ended = true;
                                    break;
                                }
                                Ok(Err(e)) => {
                                    *ended = true;
                                    stop_at(*index, Stop::Read(e));
                                    break;
                                }
                                Err(payload) => {
                                    *ended = true;
                                    crashed(payload);
                                    break;
                                }
                            }
                        };
                        let (index, batch) = taken;
                        if index > stopped_at.load(Ordering::Acquire) {
                            spent = Some(batch);
                            continue;
                        }
                        let run = std::panic::AssertUnwindSafe(|| process(&batch, &mut v));
                        match std::panic::catch_unwind(run) {
                            Ok(outcome) => {
                                v.batch_end();
                                if let Some(stop) = outcome {
                                    stop_at(index, stop);
                                }
                            }
                            Err(payload) => crashed(payload),
                        }
                        spent = Some(batch);
                    }
                    v
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    if let Some(payload) = panicked.into_inner().unwrap_or_else(|p| p.into_inner()) {
        std::panic::resume_unwind(payload);
    }
    let mut visitors = visitors.into_iter();
    let mut first = visitors.next().expect("at least one worker");
    for other in visitors {
        first.merge(other);
    }
    let mut stops = stops.into_inner().unwrap_or_default();
    stops.sort_by_key(|(index, _)| *index);
    match stops.into_iter().next() {
        Some((_, Stop::Read(e))) => Err(e),
        _ => Ok(first),
    }
}
