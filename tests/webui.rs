//! The web interface against our supervisord binary, over real HTTP: every page and
//! action, the protections of state-changing actions (token, Origin/Referer, POST
//! only), bad requests, static files and auth, and an end-to-end run in headless
//! Chromium that saves screenshots under `target/webui-screenshots/`.
//!
//! Chromium comes from Debian's `chromium` package (`.ci/chromium.sh`); without it the
//! browser test skips, except under `CI=true` where it fails.

mod actions;
mod browser;
mod cdp;
mod guard;
mod pages;
mod site;
