//! Behaviour tests of the config crate (one binary; each module names a behaviour).
//! The comparison with Python over whole files is in `corpus.rs`.

#[path = "config/command_line_overrides.rs"]
mod command_line_overrides;
#[path = "config/common.rs"]
mod common;
#[path = "config/error_locations.rs"]
mod error_locations;
#[path = "config/event_extension_options.rs"]
mod event_extension_options;
#[path = "config/host_facts_are_injected.rs"]
mod host_facts_are_injected;
#[path = "config/messages_are_data.rs"]
mod messages_are_data;
#[path = "config/never_panics.rs"]
mod never_panics;
#[path = "config/ron_round_trip.rs"]
mod ron_round_trip;
