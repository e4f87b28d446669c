//! The worker pool every scan of a log runs on: one thread produces batches in file
//! order (blocks of a CSV file, row groups of a Parquet log), one worker per core
//! folds them into its own copy of a [`Visitor`], and the copies are merged at the
//! end. The earliest problem in file order is the one reported, however the batches
//! were cut or spread over the workers.

use super::row::Fields;
use super::DossierError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};

/// Receives the rows of a scan. A scan may run several copies at once (one per core,
/// each seeing some of the batches, in file order within a copy) and merge them.
pub trait Visitor: Send + 'static {
    /// One row; return true to stop the scan.
    fn row(&mut self, line: u64, fields: &Fields) -> bool;
    /// A row already checked and turned into a dossier (a typed Parquet batch's fast
    /// path; its deadline was given): Some(stop), or None when this visitor wants the
    /// row's fields instead ([`Visitor::row`]).
    fn dossier(
        &mut self,
        _line: u64,
        _ids: &super::row::Ids,
        _d: &super::row::Dossier,
    ) -> Option<bool> {
        None
    }
    /// The unit of a row a few rows ahead (a typed batch, where the next rows are at
    /// hand): a hint to fetch what that row will touch.
    fn ahead(&mut self, _unit_id: &str) {}
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
    /// visitor's stop is, for the producer's caller to act on.
    Retry,
}

/// The channel into the workers, closed by taking the sender out.
type Sender<B> = Arc<Mutex<Option<mpsc::SyncSender<(u64, B)>>>>;

/// The producer's end of [`fan_out`]: hands batches to the workers in file order.
/// Cloneable and `'static`, so a producer's callback can own one.
pub struct Feed<B> {
    tx: Sender<B>,
    next: Arc<AtomicU64>,
    stopped_at: Arc<AtomicU64>,
}

impl<B> Clone for Feed<B> {
    fn clone(&self) -> Self {
        Feed {
            tx: self.tx.clone(),
            next: self.next.clone(),
            stopped_at: self.stopped_at.clone(),
        }
    }
}

impl<B: Send> Feed<B> {
    /// Sends the next batch (from one producer thread at a time, in file order); false
    /// once the scan needs no more (a batch stopped, or the workers are gone).
    pub fn send(&self, batch: B) -> bool {
        let index = self.next.fetch_add(1, Ordering::AcqRel);
        if index > self.stopped_at.load(Ordering::Acquire) {
            return false;
        }
        let tx = match self.tx.lock() {
            Ok(guard) => guard.clone(),
            Err(_) => None,
        };
        tx.is_some_and(|tx| tx.send((index, batch)).is_ok())
    }
}

/// Runs `process` over the batches `produce` sends, on one worker per core, each with
/// its own copy of the visitor ([`Visitor::fork`]), merged at the end. A worker skips
/// batches after one that stopped, and every batch before it is processed, so the
/// earliest problem in file order is the one that counts: a read error is returned, a
/// visitor's stop is left in the merged visitor.
///
/// Long: the workers' loop, the producer, the closing of the channel and the join are
/// one protocol (the stop index, panic capture, draining after a stop); split, its
/// invariants would be spread over several functions.
pub fn fan_out<V, B, P, F>(visitor: V, produce: P, process: F) -> Result<V, DossierError>
where
    V: Visitor,
    B: Send,
    P: FnOnce(Feed<B>) -> Result<(), DossierError>,
    F: Fn(B, &mut V) -> Option<Stop> + Sync,
{
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8));
    let mut visitors = vec![visitor];
    while visitors.len() < workers {
        let fresh = visitors[0].fork();
        visitors.push(fresh);
    }
    let (tx, rx) = mpsc::sync_channel::<(u64, B)>(workers + 1);
    let rx = Mutex::new(rx);
    let feed = Feed {
        tx: Arc::new(Mutex::new(Some(tx))),
        next: Arc::default(),
        stopped_at: Arc::new(AtomicU64::new(u64::MAX)),
    };
    let stops: Mutex<Vec<(u64, Stop)>> = Mutex::new(Vec::new());
    let panicked: Mutex<Option<Box<dyn std::any::Any + Send>>> = Mutex::new(None);
    let produced = std::thread::scope(|s| {
        let handles: Vec<_> = visitors
            .into_iter()
            .map(|mut v| {
                let (rx, stops, process, panicked) = (&rx, &stops, &process, &panicked);
                let stopped_at = feed.stopped_at.clone();
                s.spawn(move || {
                    loop {
                        let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        let Ok((index, batch)) = next else { break };
                        if index > stopped_at.load(Ordering::Acquire) {
                            continue;
                        }
                        // A bug that panics must not leave the producer waiting on a
                        // full channel: stop the scan, keep draining, re-raise at the end.
                        let run = std::panic::AssertUnwindSafe(|| process(batch, &mut v));
                        let outcome = match std::panic::catch_unwind(run) {
                            Ok(outcome) => outcome,
                            Err(payload) => {
                                stopped_at.store(0, Ordering::Release);
                                panicked
                                    .lock()
                                    .unwrap_or_else(|p| p.into_inner())
                                    .get_or_insert(payload);
                                continue;
                            }
                        };
                        v.batch_end();
                        if let Some(stop) = outcome {
                            stopped_at.fetch_min(index, Ordering::AcqRel);
                            if let Ok(mut all) = stops.lock() {
                                all.push((index, stop));
                            }
                        }
                    }
                    v
                })
            })
            .collect();
        let produced = produce(feed.clone());
        // Close the channel even if a copy of the feed lives on (inside a callback).
        if let Ok(mut tx) = feed.tx.lock() {
            tx.take();
        }
        let visitors: Vec<V> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect();
        produced.map(|()| visitors)
    });
    if let Some(payload) = panicked.into_inner().unwrap_or_else(|p| p.into_inner()) {
        std::panic::resume_unwind(payload);
    }
    let mut visitors = produced?.into_iter();
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
