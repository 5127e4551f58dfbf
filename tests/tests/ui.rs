//! Compile-time behaviour of `#[derive(stillroom::Model)]`: programs that
//! must compile (and run) in `ui/pass`, and misuses in `ui/fail` whose errors
//! are pinned in the `.stderr` next to each file.
//!
//! Regenerate the expected errors after a deliberate change to a message:
//! `TRYBUILD=overwrite cargo test -p stillroom-tests --test ui`, then read
//! every changed `.stderr`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
