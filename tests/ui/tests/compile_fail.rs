//! Misuses of `#[derive(stillroom::Model)]`, each in its own file under
//! `fail/`, with the compiler's errors pinned in the `.stderr` beside it.
//!
//! Regenerate the expected errors after a deliberate change to a message:
//! `TRYBUILD=overwrite cargo test -p stillroom-ui`, then read every changed
//! `.stderr`.
//!
//! There are no pass cases here (they are tests in `tests/tests/it/derive`):
//! with only compile-fail cases trybuild runs `cargo check`, which neither
//! links nor builds the bundled SQLite.

#[test]
fn compile_fail() {
    trybuild::TestCases::new().compile_fail("fail/*.rs");
}
