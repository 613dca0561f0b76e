//! The commands of 4.3's `DefaultControllerPlugin`, as `impl Controller` blocks by concern.

mod config;
mod daemon;
mod logs;
mod process;
