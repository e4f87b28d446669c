//! The worker pool's order of stops: the earliest problem in batch order is the one
//! reported, however the workers met them. A read error of the source counts as a stop
//! after the batches it gave, so a batch that failed before it wins even when its
//! failure is registered last.

use cchc::dossier::probe::{pull, Fields, Stop, Visitor};
use cchc::dossier::DossierError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Counts the batches it processed; its copies add up.
struct Batches(u64);

impl Visitor for Batches {
    fn row(&mut self, _line: u64, _fields: &Fields) -> bool {
        false
    }
    fn fork(&self) -> Self {
        Batches(0)
    }
    fn merge(&mut self, other: Self) {
        self.0 += other.0;
    }
}

fn failed(what: &str) -> DossierError {
    cchc::dossier::read_err(what, "cannot be read")
}

#[test]
fn a_failed_batch_before_the_sources_error_is_the_one_reported() {
    // Batch 1 fails, but only once the source has failed at batch 3 (or after 5 s on
    // a machine with one worker, where batch 1 fails first anyway): the pool must
    // still report batch 1's error, the earlier in file order.
    let source_failed = Arc::new(AtomicBool::new(false));
    let flag = source_failed.clone();
    let mut given = 0u64;
    let next = move |_spent: Option<u64>| {
        if given == 3 {
            flag.store(true, Ordering::Release);
            return Err(failed("the source"));
        }
        given += 1;
        Ok(Some(given - 1))
    };
    let process = |batch: &u64, v: &mut Batches| {
        v.0 += 1;
        if *batch != 1 {
            return None;
        }
        let start = Instant::now();
        while !source_failed.load(Ordering::Acquire) && start.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(1));
        }
        Some(Stop::Read(failed("batch 1")))
    };
    let e = pull(Batches(0), next, process).err().expect("a stop");
    assert!(e.to_string().starts_with("batch 1:"), "{e}");
}

#[test]
fn the_sources_error_after_every_batch_is_reported_and_they_are_all_processed() {
    let mut given = 0u64;
    let next = move |_spent: Option<u64>| {
        if given == 40 {
            return Err(failed("the source"));
        }
        given += 1;
        Ok(Some(given - 1))
    };
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    let process = move |batch: &u64, v: &mut Batches| {
        v.0 += 1;
        record.lock().unwrap().push(*batch);
        None
    };
    let e = pull(Batches(0), next, process).err().expect("a stop");
    assert!(e.to_string().starts_with("the source:"), "{e}");
    let mut seen = seen.lock().unwrap().clone();
    seen.sort_unstable();
    assert_eq!(seen, (0..40).collect::<Vec<u64>>());
}

#[test]
fn a_clean_source_is_processed_whole_and_the_copies_merged() {
    let mut given = 0u64;
    let next = move |_spent: Option<u64>| {
        given += 1;
        Ok((given <= 100).then_some(given))
    };
    let v = pull(Batches(0), next, |_: &u64, v: &mut Batches| {
        v.0 += 1;
        None
    })
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(v.0, 100);
}
