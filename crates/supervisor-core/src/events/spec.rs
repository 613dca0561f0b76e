//! The event options the core needs: per listener pool, per process output channel, and
//! supervisord-wide. They are given beside [`crate::SupervisorSpec`] (keyed by group name)
//! rather than inside `GroupSpec`/`ProcessSpec`, so that code building those structs with
//! literals keeps compiling; see [`crate::Supervisor::with_events`].

use eventproto::Subscription;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// supervisord-wide event options plus the per-group ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSpec {
    /// `[supervisord] identifier=` (default `supervisor`): the `server:` of every header.
    pub identifier: String,
    /// New option: how long a shutdown or reload waits for buffered events to be
    /// delivered before it stops the listener groups (default 10 s), counted from the
    /// moment the first listener group is due to stop (normally once every other group
    /// has stopped, so that their STOPPING/STOPPED events are included). 0 = 4.3's
    /// behaviour: no wait; undelivered events are discarded (and here logged, counted).
    pub shutdown_drain_timeout: Duration,
    /// Event options by group name. A group without an entry has no events enabled, and
    /// a listener group without a pool entry subscribes to nothing.
    pub groups: BTreeMap<String, GroupEvents>,
}

impl Default for EventSpec {
    fn default() -> Self {
        EventSpec {
            identifier: "supervisor".to_string(),
            shutdown_drain_timeout: Duration::from_secs(10),
            groups: BTreeMap::new(),
        }
    }
}

/// The event options of one group.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupEvents {
    /// For an `[eventlistener:x]` group: its pool options.
    pub pool: Option<PoolSpec>,
    /// Output event options by process name (absent = none enabled).
    pub outputs: BTreeMap<String, OutputEvents>,
}

/// The options of one `[eventlistener:x]` pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSpec {
    /// `events=`: concrete types and abstract classes.
    pub events: Vec<Subscription>,
    /// `buffer_size=` (default 10): events waiting for a READY listener; when full the
    /// OLDEST buffered event is discarded, as 4.3 does.
    pub buffer_size: usize,
    /// `max_retry=` (new; the config crate does not parse it yet): once ONE event has
    /// been rejected this many times it is dead-lettered (logged in full at ERROR,
    /// counted) and supervisord enters FATAL. `None` (default) = retry forever, as 4.3.
    /// `Some(0)` behaves as `Some(1)`.
    pub max_retry: Option<u32>,
    /// New: how often a pool subscribed to `MONITOR_QUERY` is queried (default 60 s).
    pub monitor_interval: Duration,
}

impl PoolSpec {
    /// A pool with 4.3's defaults subscribed to `events`.
    pub fn new(events: Vec<Subscription>) -> Self {
        PoolSpec {
            events,
            buffer_size: 10,
            max_retry: None,
            monitor_interval: Duration::from_secs(60),
        }
    }
}

impl Default for PoolSpec {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

/// `stdout_events_enabled`, `stderr_events_enabled`, `stdout_capture_maxbytes`,
/// `stderr_capture_maxbytes` of one process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OutputEvents {
    /// Emit PROCESS_LOG_STDOUT for each stdout chunk.
    pub stdout_events_enabled: bool,
    /// Emit PROCESS_LOG_STDERR for each stderr chunk.
    pub stderr_events_enabled: bool,
    /// Capture mode on stdout when > 0 (ignored on a listener's stdout, the protocol).
    pub stdout_capture_maxbytes: usize,
    /// Capture mode on stderr when > 0.
    pub stderr_capture_maxbytes: usize,
}

impl OutputEvents {
    /// Whether anything is enabled at all.
    pub fn any(&self) -> bool {
        self.stdout_events_enabled
            || self.stderr_events_enabled
            || self.stdout_capture_maxbytes > 0
            || self.stderr_capture_maxbytes > 0
    }
}
