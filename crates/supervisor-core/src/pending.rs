//! Requests waiting for their answer: command checks in flight, processes being watched for
//! the transition that settles a reply, and group/"all" batches collecting result structs.
//!
//! A reply is produced by the transition that settles it, never by re-polling. 4.3 polls
//! its deferred callbacks every 50 ms; the results it reports are reproduced here:
//! entries decided during the request itself (4.3's first, synchronous pass) come first in
//! process order, the deferred ones follow in completion order.

use crate::effect::{Effect, ProcessResult, Reply};
use crate::input::{CheckId, RequestId};
use crate::supervisor::ProcessId;
use crate::vocab::Fault;

/// Where a per-process outcome goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SlotRef {
    /// A single-process request: the outcome is the reply (`true` or the fault).
    One {
        /// The request.
        id: RequestId,
    },
    /// Slot `slot` of the batch answering request `id`.
    Many {
        /// The request.
        id: RequestId,
        /// Index in the batch.
        slot: usize,
    },
}

impl SlotRef {
    fn id(&self) -> RequestId {
        match self {
            SlotRef::One { id } | SlotRef::Many { id, .. } => *id,
        }
    }
}

/// What a watched process must do to settle its slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// A start: with `wait`, RUNNING (or leaving STARTING); without, the spawn outcome.
    Start {
        /// `wait=` of the request.
        wait: bool,
    },
    /// A stop with `wait=true`: any stopped state (or a failed first kill).
    Stop,
}

/// A process watched on behalf of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Watch {
    pub(crate) process: ProcessId,
    pub(crate) want: Want,
    /// The name used in fault details (as the client wrote it, or `group:process`).
    pub(crate) name: String,
    pub(crate) to: SlotRef,
}

/// A command check in flight for a start request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Check {
    pub(crate) id: CheckId,
    pub(crate) process: ProcessId,
    pub(crate) wait: bool,
    pub(crate) name: String,
    pub(crate) to: SlotRef,
}

#[derive(Debug, Clone)]
struct Outcome {
    immediate: bool,
    seq: u64,
    result: Result<(), Fault>,
}

#[derive(Debug, Clone)]
struct Batch {
    id: RequestId,
    /// (group, process) per slot, in process order.
    slots: Vec<(String, String)>,
    outcomes: Vec<Option<Outcome>>,
}

/// Everything waiting.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pending {
    checks: Vec<Check>,
    watches: Vec<Watch>,
    batches: Vec<Batch>,
    seq: u64,
}

impl Pending {
    /// Start collecting results for request `id`, one slot per (group, process).
    pub(crate) fn open_batch(&mut self, id: RequestId, slots: Vec<(String, String)>) {
        let outcomes = vec![None; slots.len()];
        self.batches.push(Batch {
            id,
            slots,
            outcomes,
        });
    }

    /// Reply to a batch whose slots are all settled (e.g. an empty one).
    pub(crate) fn close_if_done(&mut self, id: RequestId, fx: &mut Vec<Effect>) {
        let Some(i) = self.batches.iter().position(|b| b.id == id) else {
            return;
        };
        if self.batches[i].outcomes.iter().any(Option::is_none) {
            return;
        }
        let batch = self.batches.remove(i);
        let mut done: Vec<(usize, Outcome)> = batch
            .outcomes
            .into_iter()
            .enumerate()
            .filter_map(|(slot, o)| o.map(|o| (slot, o)))
            .collect();
        // immediate ones first in process order, then deferred ones in completion order
        done.sort_by_key(|(slot, o)| {
            if o.immediate {
                (0, *slot as u64)
            } else {
                (1, o.seq)
            }
        });
        let results = done
            .iter()
            .map(|(slot, o)| {
                let (group, name) = &batch.slots[*slot];
                ProcessResult::new(group, name, &o.result)
            })
            .collect();
        fx.push(Effect::Reply {
            id,
            result: Ok(Reply::Results(results)),
        });
    }

    /// Settle a slot; replies when a single request or a whole batch is done.
    pub(crate) fn settle(
        &mut self,
        to: &SlotRef,
        immediate: bool,
        result: Result<(), Fault>,
        fx: &mut Vec<Effect>,
    ) {
        match to {
            SlotRef::One { id } => {
                fx.push(Effect::Reply {
                    id: *id,
                    result: result.map(|()| Reply::Bool(true)),
                });
            }
            SlotRef::Many { id, slot } => {
                self.seq += 1;
                let seq = self.seq;
                if let Some(b) = self.batches.iter_mut().find(|b| b.id == *id)
                    && let Some(o) = b.outcomes.get_mut(*slot)
                    && o.is_none()
                {
                    *o = Some(Outcome {
                        immediate,
                        seq,
                        result,
                    });
                }
                self.close_if_done(*id, fx);
            }
        }
    }

    pub(crate) fn add_check(&mut self, check: Check) {
        self.checks.push(check);
    }

    pub(crate) fn take_check(&mut self, id: CheckId) -> Option<Check> {
        let i = self.checks.iter().position(|c| c.id == id)?;
        Some(self.checks.remove(i))
    }

    pub(crate) fn watch(&mut self, watch: Watch) {
        self.watches.push(watch);
    }

    /// Remove and return the watches on `process`.
    pub(crate) fn take_watches(&mut self, process: ProcessId) -> Vec<Watch> {
        let (mine, rest) = std::mem::take(&mut self.watches)
            .into_iter()
            .partition(|w| w.process == process);
        self.watches = rest;
        mine
    }

    /// Put back watches that were not settled, ahead of any added meanwhile.
    pub(crate) fn restore_watches(&mut self, mut watches: Vec<Watch>) {
        watches.append(&mut self.watches);
        self.watches = watches;
    }

    /// Whether a stop request waits for `process` (drives "waiting for x to stop").
    pub(crate) fn waits_for_stop(&self, process: ProcessId) -> bool {
        self.watches
            .iter()
            .any(|w| w.process == process && w.want == Want::Stop)
    }

    /// Forget everything; returns each waiting request once (for a last reply).
    pub(crate) fn drain_all(&mut self) -> Vec<RequestId> {
        let mut ids: Vec<RequestId> = Vec::new();
        let from_checks = self.checks.drain(..).map(|c| c.to.id());
        let from_watches = self.watches.drain(..).map(|w| w.to.id());
        let from_batches = self.batches.drain(..).map(|b| b.id);
        for id in from_checks.chain(from_watches).chain(from_batches) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }
}
