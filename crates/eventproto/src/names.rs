//! Event type names: the concrete types a header carries and the abstract classes a pool
//! may subscribe to (`events=` of `[eventlistener:x]`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A concrete event type: what `eventname:` of a header says. supervisord 4.3's
/// `EventTypes` minus the abstract ones, plus the new [`EventType::MonitorQuery`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventType {
    /// `PROCESS_STATE_STOPPED`
    ProcessStateStopped,
    /// `PROCESS_STATE_EXITED`
    ProcessStateExited,
    /// `PROCESS_STATE_STARTING`
    ProcessStateStarting,
    /// `PROCESS_STATE_STOPPING`
    ProcessStateStopping,
    /// `PROCESS_STATE_BACKOFF`
    ProcessStateBackoff,
    /// `PROCESS_STATE_FATAL`
    ProcessStateFatal,
    /// `PROCESS_STATE_RUNNING`
    ProcessStateRunning,
    /// `PROCESS_STATE_UNKNOWN`
    ProcessStateUnknown,
    /// `PROCESS_COMMUNICATION_STDOUT`
    ProcessCommunicationStdout,
    /// `PROCESS_COMMUNICATION_STDERR`
    ProcessCommunicationStderr,
    /// `PROCESS_LOG_STDOUT`
    ProcessLogStdout,
    /// `PROCESS_LOG_STDERR`
    ProcessLogStderr,
    /// `REMOTE_COMMUNICATION`
    RemoteCommunication,
    /// `SUPERVISOR_STATE_CHANGE_RUNNING`
    SupervisorStateChangeRunning,
    /// `SUPERVISOR_STATE_CHANGE_STOPPING`
    SupervisorStateChangeStopping,
    /// `TICK_5`
    Tick5,
    /// `TICK_60`
    Tick60,
    /// `TICK_3600`
    Tick3600,
    /// `PROCESS_GROUP_ADDED`
    ProcessGroupAdded,
    /// `PROCESS_GROUP_REMOVED`
    ProcessGroupRemoved,
    /// `MONITOR_QUERY` (new, not in 4.3): a query to a monitor process; see the crate doc.
    MonitorQuery,
}

impl EventType {
    /// Every concrete type, in 4.3's declaration order (new ones last).
    pub const ALL: [EventType; 21] = [
        Self::ProcessStateStopped,
        Self::ProcessStateExited,
        Self::ProcessStateStarting,
        Self::ProcessStateStopping,
        Self::ProcessStateBackoff,
        Self::ProcessStateFatal,
        Self::ProcessStateRunning,
        Self::ProcessStateUnknown,
        Self::ProcessCommunicationStdout,
        Self::ProcessCommunicationStderr,
        Self::ProcessLogStdout,
        Self::ProcessLogStderr,
        Self::RemoteCommunication,
        Self::SupervisorStateChangeRunning,
        Self::SupervisorStateChangeStopping,
        Self::Tick5,
        Self::Tick60,
        Self::Tick3600,
        Self::ProcessGroupAdded,
        Self::ProcessGroupRemoved,
        Self::MonitorQuery,
    ];

    /// The name in headers and `events=` lines.
    pub fn name(self) -> &'static str {
        match self {
            Self::ProcessStateStopped => "PROCESS_STATE_STOPPED",
            Self::ProcessStateExited => "PROCESS_STATE_EXITED",
            Self::ProcessStateStarting => "PROCESS_STATE_STARTING",
            Self::ProcessStateStopping => "PROCESS_STATE_STOPPING",
            Self::ProcessStateBackoff => "PROCESS_STATE_BACKOFF",
            Self::ProcessStateFatal => "PROCESS_STATE_FATAL",
            Self::ProcessStateRunning => "PROCESS_STATE_RUNNING",
            Self::ProcessStateUnknown => "PROCESS_STATE_UNKNOWN",
            Self::ProcessCommunicationStdout => "PROCESS_COMMUNICATION_STDOUT",
            Self::ProcessCommunicationStderr => "PROCESS_COMMUNICATION_STDERR",
            Self::ProcessLogStdout => "PROCESS_LOG_STDOUT",
            Self::ProcessLogStderr => "PROCESS_LOG_STDERR",
            Self::RemoteCommunication => "REMOTE_COMMUNICATION",
            Self::SupervisorStateChangeRunning => "SUPERVISOR_STATE_CHANGE_RUNNING",
            Self::SupervisorStateChangeStopping => "SUPERVISOR_STATE_CHANGE_STOPPING",
            Self::Tick5 => "TICK_5",
            Self::Tick60 => "TICK_60",
            Self::Tick3600 => "TICK_3600",
            Self::ProcessGroupAdded => "PROCESS_GROUP_ADDED",
            Self::ProcessGroupRemoved => "PROCESS_GROUP_REMOVED",
            Self::MonitorQuery => "MONITOR_QUERY",
        }
    }

    /// The concrete type of a name (exact, upper case).
    pub fn from_name(name: &str) -> Option<EventType> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The abstract class this type belongs to, if any (`PROCESS_STATE` for the state
    /// types, ...). `REMOTE_COMMUNICATION` and `MONITOR_QUERY` have none.
    pub fn class(self) -> Option<EventClass> {
        Some(match self {
            Self::ProcessStateStopped
            | Self::ProcessStateExited
            | Self::ProcessStateStarting
            | Self::ProcessStateStopping
            | Self::ProcessStateBackoff
            | Self::ProcessStateFatal
            | Self::ProcessStateRunning
            | Self::ProcessStateUnknown => EventClass::ProcessState,
            Self::ProcessCommunicationStdout | Self::ProcessCommunicationStderr => {
                EventClass::ProcessCommunication
            }
            Self::ProcessLogStdout | Self::ProcessLogStderr => EventClass::ProcessLog,
            Self::SupervisorStateChangeRunning | Self::SupervisorStateChangeStopping => {
                EventClass::SupervisorStateChange
            }
            Self::Tick5 | Self::Tick60 | Self::Tick3600 => EventClass::Tick,
            Self::ProcessGroupAdded | Self::ProcessGroupRemoved => EventClass::ProcessGroup,
            Self::RemoteCommunication | Self::MonitorQuery => return None,
        })
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An abstract event type (4.3's abstract base classes), usable in `events=` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventClass {
    /// `EVENT`: every notification. Not `MONITOR_QUERY`, which is a query a pool must ask
    /// for by name (a plain `EVENT` listener answering `OK` is no monitor).
    Event,
    /// `PROCESS_STATE`
    ProcessState,
    /// `PROCESS_LOG`
    ProcessLog,
    /// `PROCESS_COMMUNICATION`
    ProcessCommunication,
    /// `SUPERVISOR_STATE_CHANGE`
    SupervisorStateChange,
    /// `TICK`
    Tick,
    /// `PROCESS_GROUP`
    ProcessGroup,
}

impl EventClass {
    /// The abstract name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Event => "EVENT",
            Self::ProcessState => "PROCESS_STATE",
            Self::ProcessLog => "PROCESS_LOG",
            Self::ProcessCommunication => "PROCESS_COMMUNICATION",
            Self::SupervisorStateChange => "SUPERVISOR_STATE_CHANGE",
            Self::Tick => "TICK",
            Self::ProcessGroup => "PROCESS_GROUP",
        }
    }
}

/// One entry of an `events=` line: a concrete type or an abstract class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Subscription {
    /// Exactly this type.
    Type(EventType),
    /// Every type of the class (as Python's `isinstance`).
    Class(EventClass),
}

impl Subscription {
    /// Parse one name as 4.3 does after upper-casing (`EVENT`, `TICK_60`, ...).
    pub fn parse(name: &str) -> Option<Subscription> {
        let upper = name.trim().to_ascii_uppercase();
        if let Some(t) = EventType::from_name(&upper) {
            return Some(Subscription::Type(t));
        }
        [
            EventClass::Event,
            EventClass::ProcessState,
            EventClass::ProcessLog,
            EventClass::ProcessCommunication,
            EventClass::SupervisorStateChange,
            EventClass::Tick,
            EventClass::ProcessGroup,
        ]
        .into_iter()
        .find(|c| c.name() == upper)
        .map(Subscription::Class)
    }

    /// Whether an event of type `t` is delivered under this subscription.
    pub fn matches(self, t: EventType) -> bool {
        match self {
            Subscription::Type(x) => x == t,
            Subscription::Class(EventClass::Event) => t != EventType::MonitorQuery,
            Subscription::Class(c) => t.class() == Some(c),
        }
    }

    /// The name as written in `events=`.
    pub fn name(self) -> &'static str {
        match self {
            Subscription::Type(t) => t.name(),
            Subscription::Class(c) => c.name(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_classes_match() {
        for t in EventType::ALL {
            assert_eq!(EventType::from_name(t.name()), Some(t));
            assert!(Subscription::Type(t).matches(t));
        }
        let tick = Subscription::parse("tick").expect("abstract name");
        assert!(tick.matches(EventType::Tick60) && !tick.matches(EventType::ProcessGroupAdded));
        let all = Subscription::parse("EVENT").expect("abstract name");
        assert!(all.matches(EventType::RemoteCommunication));
        assert!(!all.matches(EventType::MonitorQuery));
        assert_eq!(Subscription::parse("EVENT_BUFFER_OVERFLOW"), None);
    }
}
