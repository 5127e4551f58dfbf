//! The seam between the shared runner (`apply/runner.rs`) and a database.
//!
//! The runner decides what a call does: which revisions are pending, how
//! the ledger is checked and followed through renames and squashes, when a
//! database is adopted, what a downgrade may lose, what is recorded and
//! when the schema is verified. A [`Backend`] is one database inside the
//! migrating transaction (the lock already held): its ledger's SQL, how a
//! migration part runs, its catalog, its own checks. Each dialect has one
//! (`dialect/sqlite/backend.rs`, `dialect/postgres/backend.rs`) and owns
//! the transaction around it: SQLite's `BEGIN IMMEDIATE` (started again
//! with foreign keys off when a rebuild needs it), PostgreSQL's advisory
//! lock.

use std::time::Duration;

use crate::Result;
use crate::apply::Adoption;
use crate::apply::ledger::Applied;
use crate::history::Migration;
use crate::history::replay::Direction;
use crate::schema::Schema;
use crate::verify::compare::Difference;

/// One database, inside the migrating transaction.
pub(crate) trait Backend {
    /// Whether the ledger table exists.
    fn ledger_exists(&mut self) -> Result<bool>;
    /// Creates the ledger (and its state table) when it does not exist.
    fn ledger_create(&mut self) -> Result<()>;
    /// The ledger's rows in order; empty when there is no ledger.
    fn ledger_read(&mut self) -> Result<Vec<Applied>>;
    /// Records `m` at `position`, run in `duration_ms`, `how` (`applied`,
    /// `adopted`, `stamped`).
    fn ledger_record(
        &mut self,
        position: usize,
        m: &Migration,
        duration_ms: i64,
        how: &str,
    ) -> Result<()>;
    /// Records `m` at `position` as it was first recorded (`was`): a
    /// renamed or squashed revision keeps when and how it ran.
    fn ledger_rerecord(&mut self, position: usize, m: &Migration, was: &Applied) -> Result<()>;
    /// Forgets every revision at `position` or later.
    fn ledger_truncate(&mut self, position: usize) -> Result<()>;
    /// Takes `checksum` as `revision`'s; false when it is not recorded.
    fn ledger_accept_checksum(&mut self, revision: &str, checksum: &str) -> Result<bool>;

    /// Refuses, before anything runs, parts this database cannot run (a
    /// Rust step it does not have, a version it lacks).
    fn check_parts(&self, parts: &[(&Migration, Direction)]) -> Result<()>;
    /// Whether a part that runs with foreign keys off (a table rebuild)
    /// needs the transaction started again: true when they are on and
    /// `fk_off` (this transaction was started with them off) is false.
    fn restart_with_foreign_keys_off(&mut self, fk_off: bool) -> Result<bool>;
    /// Runs one part of `m`; how long it took.
    fn run(&mut self, m: &Migration, direction: Direction) -> Result<Duration>;
    /// The rows whose foreign keys point nowhere, described; checked
    /// before commit when a part ran with enforcement off.
    fn foreign_key_violations(&mut self) -> Result<Vec<String>>;

    /// Whether the database has tables of its own (not stillroom's).
    fn has_user_tables(&mut self) -> Result<bool>;
    /// The revision a database made before stillroom is at, and how it is
    /// converted to that revision's exact schema; refused when none fits.
    fn adoption_plan(&mut self) -> Result<Adoption>;
    /// Runs the adoption's conversion.
    fn convert(&mut self, adoption: &Adoption) -> Result<()>;

    /// Every difference between the live schema and `models`.
    fn differences(&mut self, models: &Schema) -> Result<Vec<Difference>>;
    /// At the history's head, inside the transaction: verifies the schema
    /// against the models (skipped while nothing changed since the last
    /// successful verification, unless `wrote`) and keeps what the next
    /// start needs. Returns (compared, wrote).
    fn settle_at_head(&mut self, wrote: bool) -> Result<(bool, bool)>;
}
