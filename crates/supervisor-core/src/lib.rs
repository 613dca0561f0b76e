//! supervisor-core: being written (see issue "Foundation"). The vocabulary is settled.
pub mod vocab;
pub use vocab::*;
