//! Compile-time behaviour of `#[derive(stillroom::Model)]`: programs that
//! must compile (and run) in `ui/pass`, and misuses in `ui/fail` whose errors
//! are pinned in the `.stderr` next to each file.
//!
//! Regenerate the expected errors after a deliberate change to a message:
//! `TRYBUILD=overwrite cargo test -p stillroom-tests --test ui`, then read
//! every changed `.stderr`.
//!
//! `ui/pass/feature-types.rs` names chrono, time, uuid and serde_json types,
//! so those crates are dev-dependencies of this package: trybuild's project
//! can only name the package's direct dependencies.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
