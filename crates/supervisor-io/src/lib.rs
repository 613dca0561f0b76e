//! supervisor-io: being written (see issue "The daemon").
