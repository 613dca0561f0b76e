//! Scenario tests of the core on a simulated clock: one integration-test binary, one file per
//! behaviour. The `Sim` harness lives in `scenarios/sim.rs`.

#[path = "scenarios/sim.rs"]
mod sim;
#[path = "scenarios/sim_events.rs"]
mod sim_events;

mod scenarios {
    mod add_and_remove_groups;
    mod autorestart_policies;
    mod autostart_spawns_in_priority_order;
    mod backoff_to_fatal;
    mod boot_trace;
    mod deferred_replies;
    mod event_dispatch_is_immediate;
    mod exit_too_quickly_to_backoff;
    mod group_and_all_ordering;
    mod group_and_remote_events;
    mod listener_conversation_trace;
    mod listener_dies_mid_event_redelivers;
    mod listener_fail_requeues;
    mod listener_protocol_states;
    mod max_retry_dead_letter_enters_fatal;
    mod monitor_query_result_kept;
    mod output_events_and_capture;
    mod overflow_discards_oldest;
    mod poll_timeout_and_clock;
    mod process_info_descriptions;
    mod random_traces_keep_invariants;
    mod remote_comm_event_during_shutdown;
    mod remove_listener_group_with_event_in_flight;
    mod running_exit_expected_or_not;
    mod shutdown_order;
    mod shutdown_waits_for_buffered_events;
    mod spawned_lines_before_success_lines;
    mod start_request_faults;
    mod starting_to_running_after_startsecs;
    mod startsecs_counts_from_each_fork;
    mod stop_and_signal_request_faults;
    mod stop_from_backoff_keeps_backoff_count;
    mod stopped_by_request_never_autostarts;
    mod stopwaitsecs_then_sigkill;
    mod supervisord_fatal;
    mod supervisord_signals;
    mod tick_on_wall_clock_boundaries;
    mod unknown_on_kill_failure;
}
