//! Finding leaks across snapshots of one process (beyond DevTools): the three-snapshot technique with
//! clusters (`survivors`) and ranked leak suspects in Node terms (`suspects`), each with the owner path that
//! holds it (`trace`), its growth per snapshot and the evidence.
//!
//! A series is fed one analysed snapshot at a time, oldest first ([`Series::push`]): each snapshot but the
//! last is reduced to a [`digest::Digest`] (ids, class names, retained sizes, entry counts) as soon as the
//! next one arrives, so only one whole graph is held at a time. [`Series::finish`] runs the detectors on the
//! last snapshot with the digests of the earlier ones.

pub mod digest;
pub mod entries;
pub mod survivors;
pub mod suspects;
pub mod trace;

use crate::snapshot::HeapSnapshot;

use digest::Digest;
use survivors::{survivors, Survivors};
use suspects::{growth_suspects, Suspect};

/// Snapshots of one process, oldest first.
#[derive(Default)]
pub struct Series {
    earlier: Vec<Digest>,
    last: Option<HeapSnapshot>,
}

/// The leak analysis of a series.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LeakReport {
    /// Ranked, most accumulated bytes first.
    pub suspects: Vec<Suspect>,
    /// The three-snapshot technique on the first three snapshots (S1 baseline, S2 target, the last as
    /// final); `None` with fewer than three.
    pub survivors: Option<Survivors>,
    pub snapshot_count: usize,
}

impl Series {
    pub fn new() -> Self {
        Series::default()
    }

    /// Adds the next snapshot; the previous last one is reduced to its digest.
    pub fn push(&mut self, snapshot: HeapSnapshot) {
        if let Some(previous) = self.last.replace(snapshot) {
            self.push_earlier(&previous);
        }
    }

    /// Adds a snapshot that will not be the last, as its digest only: with this, a caller that loads the
    /// snapshots one by one holds one whole graph at a time (drop `snapshot` before loading the next).
    pub fn push_earlier(&mut self, snapshot: &HeapSnapshot) {
        let digest = Digest::of(snapshot, role_of(&self.earlier));
        self.earlier.push(digest);
    }

    /// Sets the last snapshot (replacing one set before, which is dropped, not digested).
    pub fn set_last(&mut self, snapshot: HeapSnapshot) {
        self.last = Some(snapshot);
    }

    pub fn len(&self) -> usize {
        self.earlier.len() + usize::from(self.last.is_some())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The last snapshot pushed.
    pub fn last(&self) -> Option<&HeapSnapshot> {
        self.last.as_ref()
    }

    /// Runs the detectors.
    pub fn report(&self) -> Option<LeakReport> {
        Some(report(&self.earlier, self.last.as_ref()?))
    }
}

/// The role of the next earlier snapshot after `earlier` (see [`digest::Role`]).
pub fn role_of(earlier: &[Digest]) -> digest::Role<'_> {
    match earlier {
        [] => digest::Role::First,
        [first] => digest::Role::Target { first },
        _ => digest::Role::Other,
    }
}

/// The leak analysis of the snapshots digested in `earlier` (oldest first) followed by `last`.
pub fn report(earlier: &[Digest], last: &HeapSnapshot) -> LeakReport {
    let suspects = growth_suspects(earlier, last);
    let survivors = match earlier {
        [s1, s2, ..] => Some(survivors(s1, s2, last)),
        _ => None,
    };
    LeakReport { suspects, survivors, snapshot_count: earlier.len() + 1 }
}
