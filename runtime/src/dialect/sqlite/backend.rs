//! SQLite as the shared runner's [`Backend`]: a connection inside the
//! migration's `BEGIN IMMEDIATE`, which [`Migrator::locked`] opens (waiting
//! for another process's write lock, starting again with foreign keys off
//! when a rebuild needs it) and commits; and the no-op start, which reads
//! the startup summary under the same lock.

use std::time::{Duration, Instant};

use rusqlite::Connection;

use super::ledger;
use super::runner::{
    check_version, foreign_key_violations, foreign_keys_on, run_part_reporting, with_foreign_keys,
};
use crate::apply::ledger::Applied;
use crate::apply::runner::Pass;
use crate::apply::{Adoption, Event, Migrator, Report};
use crate::dialect::backend::Backend;
use crate::history::Migration;
use crate::history::replay::Direction;
use crate::schema::Schema;
use crate::verify::compare::Difference;
use crate::verify::{Verification, fingerprint, verify_now};
use crate::{Error, Result};

/// A SQLite connection in the migrating transaction, with the migrator
/// whose options (Rust steps, progress, verification) the run follows.
pub(crate) struct SqliteDb<'m, 'a> {
    pub(crate) conn: &'m Connection,
    pub(crate) migrator: &'m Migrator<'a>,
}

impl Backend for SqliteDb<'_, '_> {
    fn ledger_exists(&mut self) -> Result<bool> {
        ledger::exists(self.conn)
    }

    fn ledger_create(&mut self) -> Result<()> {
        ledger::create(self.conn)
    }

    fn ledger_read(&mut self) -> Result<Vec<Applied>> {
        ledger::read(self.conn)
    }

    fn ledger_record(
        &mut self,
        position: usize,
        m: &Migration,
        duration_ms: i64,
        how: &str,
    ) -> Result<()> {
        ledger::record(self.conn, position, m, duration_ms, how)
    }

    fn ledger_rerecord(&mut self, position: usize, m: &Migration, was: &Applied) -> Result<()> {
        ledger::rerecord(self.conn, position, m, was)
    }

    fn ledger_truncate(&mut self, position: usize) -> Result<()> {
        ledger::truncate(self.conn, position)
    }

    fn ledger_accept_checksum(&mut self, revision: &str, checksum: &str) -> Result<bool> {
        ledger::accept_checksum(self.conn, revision, checksum)
    }

    fn check_parts(&self, parts: &[(&Migration, Direction)]) -> Result<()> {
        self.migrator.lookup().check(parts)
    }

    fn restart_with_foreign_keys_off(&mut self, fk_off: bool) -> Result<bool> {
        Ok(!fk_off && foreign_keys_on(self.conn)?)
    }

    fn run(&mut self, m: &Migration, direction: Direction) -> Result<Duration> {
        check_version(m)?;
        let started = Instant::now();
        run_part_reporting(self.conn, m, direction, &self.migrator.lookup(), &mut |r| {
            self.migrator.tell(Event::Rebuilt {
                migration: m,
                table: r.table,
                elapsed: r.elapsed,
                rows: r.rows,
            });
        })?;
        Ok(started.elapsed())
    }

    fn foreign_key_violations(&mut self) -> Result<Vec<String>> {
        foreign_key_violations(self.conn)
    }

    fn has_user_tables(&mut self) -> Result<bool> {
        super::adopt::has_user_tables(self.conn)
    }

    fn adoption_plan(&mut self) -> Result<Adoption> {
        self.migrator.plan(self.conn)
    }

    fn convert(&mut self, adoption: &Adoption) -> Result<()> {
        super::adopt::convert(self.conn, adoption)
    }

    fn differences(&mut self, models: &Schema) -> Result<Vec<Difference>> {
        crate::verify::differences(self.conn, models)
    }

    /// Guards the startup summary with the ledger's triggers, verifies
    /// unless `PRAGMA schema_version` and the models are those of the last
    /// verification, and writes the summary the next no-op start reads.
    fn settle_at_head(&mut self, wrote: bool) -> Result<(bool, bool)> {
        let migrator = self.migrator;
        let some = !migrator.history.migrations.is_empty();
        let mut settled = some && ledger::guard(self.conn)?;
        let mut compared = false;
        if migrator.verification != Verification::Off {
            let (c, cached) = migrator.verify_cached(self.conn, wrote || settled)?;
            compared = c;
            settled |= cached;
        }
        if some {
            settled |= ledger::set_startup(self.conn, &migrator.summary(&migrator.digest()))?;
        }
        Ok((compared, settled))
    }
}

/// Ends the transaction after a failure, unless SQLite already did (after a
/// full disk or an I/O error it rolls back by itself, and a second ROLLBACK
/// would fail with a message that hides the real error).
fn rollback(conn: &Connection) -> Result<()> {
    if conn.is_autocommit() {
        return Ok(());
    }
    Ok(conn.execute_batch("ROLLBACK")?)
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

impl<'a> Migrator<'a> {
    /// Runs `pass` inside `BEGIN IMMEDIATE`, with foreign keys off when it
    /// asks for them (starting again: SQLite ignores that pragma inside a
    /// transaction), committing or rolling back, and restoring foreign keys
    /// on every path.
    pub(crate) fn locked<T>(
        &self,
        conn: &Connection,
        pass: impl FnMut(&mut SqliteDb<'_, 'a>, bool) -> Result<Pass<T>>,
    ) -> Result<T> {
        self.locked_inner(conn, pass).map_err(|e| e.at(conn))
    }

    pub(crate) fn locked_inner<T>(
        &self,
        conn: &Connection,
        mut pass: impl FnMut(&mut SqliteDb<'_, 'a>, bool) -> Result<Pass<T>>,
    ) -> Result<T> {
        if !conn.is_autocommit() {
            return Err(Error::InTransaction);
        }
        let mut fk_off = false;
        loop {
            let outcome = with_foreign_keys(conn, fk_off, || {
                self.begin(conn)?;
                let result = pass(
                    &mut SqliteDb {
                        conn,
                        migrator: self,
                    },
                    fk_off,
                );
                match result {
                    Ok(Pass::Done { wrote: true, .. }) => self.commit(conn)?,
                    _ => rollback(conn)?,
                }
                result
            })?;
            match outcome {
                Pass::Done { value, .. } => return Ok(value),
                Pass::NeedForeignKeysOff if !fk_off => fk_off = true,
                Pass::NeedForeignKeysOff => {
                    return Err(Error::BadTarget {
                        message: "internal: foreign keys could not be turned off".into(),
                    });
                }
            }
        }
    }

    /// `BEGIN IMMEDIATE`, waiting while another connection holds the write
    /// lock (another process migrating, usually) for up to the lock timeout,
    /// telling the progress callback and `tracing` how long it has waited.
    /// Each attempt itself waits for the connection's busy timeout.
    pub(crate) fn begin(&self, conn: &Connection) -> Result<()> {
        let started = Instant::now();
        let mut told = Duration::ZERO;
        loop {
            match conn.execute_batch("BEGIN IMMEDIATE") {
                Ok(()) => return Ok(()),
                Err(e) if is_busy(&e) => {
                    let waited = started.elapsed();
                    if waited >= self.lock_timeout {
                        return Err(Error::Locked {
                            waited,
                            limit: self.lock_timeout,
                        });
                    }
                    if waited >= told + Duration::from_secs(1) || told.is_zero() {
                        told = waited.max(Duration::from_millis(1));
                        tracing::info!(
                            waited_s = waited.as_secs(),
                            "waiting for another process to finish migrating"
                        );
                        self.tell(Event::Waiting { waited });
                    }
                    // Without a busy timeout the attempt returned at once.
                    std::thread::sleep(Duration::from_millis(20).min(self.lock_timeout - waited));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// `COMMIT`, retried while readers hold the database (a rollback-journal
    /// database needs them gone to commit), up to the lock timeout; rolled
    /// back if it cannot.
    pub(crate) fn commit(&self, conn: &Connection) -> Result<()> {
        let started = Instant::now();
        loop {
            match conn.execute_batch("COMMIT") {
                Ok(()) => return Ok(()),
                Err(e) if is_busy(&e) && started.elapsed() < self.lock_timeout => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => {
                    rollback(conn)?;
                    return Err(if is_busy(&e) {
                        Error::Locked {
                            waited: started.elapsed(),
                            limit: self.lock_timeout,
                        }
                    } else {
                        e.into()
                    });
                }
            }
        }
    }

    /// The no-op start: when the database's startup summary (written by the
    /// last start that found it at head, and forgotten by triggers whenever
    /// the ledger changes) holds the schema version now, `digest` (this
    /// history's) and the models' fingerprint, nothing changed since: no
    /// ledger row, migration file or model comparison is needed. Takes the
    /// write lock all the same, so a start waits for another process that is
    /// migrating, as the full path does. `None`: the full path decides.
    pub(crate) fn start_unchanged(
        &self,
        conn: &Connection,
        digest: &str,
        head: Option<&str>,
    ) -> Result<Option<Report>> {
        if !conn.is_autocommit() || head.is_none() {
            return Ok(None);
        }
        let expected = self.summary(digest);
        let found = (|| {
            self.begin(conn)?;
            let found = ledger::startup(conn);
            rollback(conn)?;
            found
        })()
        .map_err(|e| e.at(conn))?;
        let Some((Some(value), version)) = found else {
            return Ok(None);
        };
        let same = value
            .split_once(' ')
            .is_some_and(|(v, rest)| v.parse() == Ok(version) && rest == expected);
        if !same {
            return Ok(None);
        }
        tracing::debug!(revision = ?head, "database up to date");
        crate::dialect::sqlite::connection::accepted(conn);
        Ok(Some(Report {
            current: head.map(str::to_owned),
            ..Report::default()
        }))
    }

    /// Compares the live schema with the models, unless the last successful
    /// comparison was of this very schema (same `schema_version`, same
    /// models). Returns (compared, wrote the cache).
    pub(crate) fn verify_cached(&self, conn: &Connection, changed: bool) -> Result<(bool, bool)> {
        let models = self.models()?;
        let print = fingerprint(models, self.verification);
        let version: i64 = conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
        let seen = format!("{version} {print}");
        if !changed && ledger::state(conn, "verified")?.as_deref() == Some(seen.as_str()) {
            return Ok((false, false));
        }
        verify_now(conn, models, self.verification)?;
        ledger::create(conn)?;
        // Creating the ledger may have changed the schema: read it again.
        let version: i64 = conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
        ledger::set_state(conn, "verified", &format!("{version} {print}"))?;
        Ok((true, true))
    }

    /// After a pending revision failed: when the database already has the
    /// schema of a revision past what its ledger records (ledger rows were
    /// deleted, or an older ledger restored), the error says so, and what
    /// `stamp` would do, rather than only SQLite's complaint.
    pub(crate) fn already_applied(&self, conn: &Connection, failed: Error) -> Error {
        let found = || -> Result<Option<usize>> {
            let applied = ledger::read(conn)?;
            let live = crate::dialect::sqlite::introspect::introspect(conn)?;
            let memory = Connection::open_in_memory()?;
            memory.execute_batch("PRAGMA foreign_keys = ON")?;
            for (k, m) in self.history.migrations.iter().enumerate() {
                crate::dialect::sqlite::runner::apply_parts(&memory, &[(m, Direction::Up)])?;
                if k >= applied.len() {
                    let replayed = crate::dialect::sqlite::introspect::introspect(&memory)?;
                    if crate::verify::compare::compare(&live.schema, &replayed.schema).is_empty() {
                        return Ok(Some(k));
                    }
                }
            }
            Ok(None)
        };
        match found() {
            Ok(Some(k)) => Error::AlreadyApplied {
                ledger: ledger::read(conn)
                    .ok()
                    .and_then(|a| a.last().map(|a| a.revision.clone())),
                schema: self.history.migrations[k].revision.clone(),
                failed: Box::new(failed),
            },
            _ => failed,
        }
    }
}
