//! Applying migrations to a live database: at startup ([`migrate`]) and on
//! demand ([`Migrator`]: upgrade, downgrade, stamp, status, offline SQL).
//!
//! Every change takes SQLite's write lock (`BEGIN IMMEDIATE`) before it
//! reads the ledger, so two processes starting at once cannot both migrate:
//! one applies, the other waits for the lock (the busy timeout) and then finds
//! nothing to do. All the steps of one call run in one transaction.

mod adopt;
mod offline;

use std::collections::BTreeSet;
use std::str::FromStr;
use std::time::Instant;

use rusqlite::Connection;

use self::adopt::has_user_tables;
use crate::ledger::{self, Applied};
use crate::migrations::Migrations;
use crate::replay::{
    Direction, check_version, foreign_key_violations, foreign_keys_on, run_part, with_foreign_keys,
};
use crate::schema::Schema;
use crate::store::{History, Migration};
use crate::verify::{differences, fingerprint, verify_now};
use crate::{Error, Result, registry};

/// Applies the pending migrations of the application's embedded set (see
/// [`embed_migrations!`](crate::embed_migrations)), then checks that the
/// database matches the models in the [`registry`].
///
/// Call it when the application starts, on a connection that is not in a
/// transaction. On an up-to-date database it reads the ledger and returns;
/// the full comparison with the models is skipped while nothing has changed
/// the schema since the last successful one (`PRAGMA schema_version`).
///
/// A database made before stillroom (tables, no ledger) is adopted: if its
/// schema is the schema of some revision, that revision is recorded and the
/// rest applied; otherwise the error shows the differences.
pub fn migrate(conn: &Connection) -> Result<Report> {
    Migrator::new(Migrations::default_set()?.history()?).migrate(conn)
}

/// Where to migrate to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The last revision.
    Head,
    /// Before the first revision: no tables.
    Base,
    /// A revision by id (or a prefix of exactly one id).
    Revision(String),
    /// Steps from the current revision: `-1` is one back, `+2` two ahead.
    Relative(i64),
}

impl FromStr for Target {
    type Err = std::convert::Infallible;

    /// `head`, `base`, `+N` / `-N`, or a revision.
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let s = s.trim();
        Ok(match s {
            "head" => Self::Head,
            "base" => Self::Base,
            _ => relative_steps(s).map_or_else(|| Self::Revision(s.to_owned()), Self::Relative),
        })
    }
}

/// `+N` or `-N`: a sign, then digits only (`-+5` is no number of steps).
/// More steps than `i64` holds saturate: they are outside any history all
/// the same, and resolving the target says so.
fn relative_steps(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-'])?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let saturated = if s.starts_with('-') {
        i64::MIN
    } else {
        i64::MAX
    };
    Some(s.parse().unwrap_or(saturated))
}

/// What a migration call did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The revisions whose `up` (or, downgrading, `down`) part ran, in order.
    pub ran: Vec<String>,
    /// The revision a pre-stillroom database was found at, if it was adopted.
    pub adopted: Option<String>,
    /// The database's revision afterwards (`None`: base).
    pub current: Option<String>,
    /// Whether the live schema was compared with the models (rather than
    /// trusted from an earlier comparison, or not compared).
    pub compared: bool,
}

/// The state of a database, in the spirit of Alembic's `current` and a
/// `check_migrations_status()`, but complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The database's revision (`None`: base).
    pub current: Option<String>,
    /// The last revision of the migrations.
    pub head: Option<String>,
    /// The revisions not yet applied, in order.
    pub pending: Vec<String>,
    /// The ledger, in order.
    pub applied: Vec<Applied>,
    /// Why the ledger and the migrations disagree, if they do (the error
    /// `migrate` would give).
    pub problem: Option<String>,
    /// How the live schema differs from the models (empty: it matches), when
    /// the database is at head; `None` otherwise.
    pub differences: Option<Vec<String>>,
}

/// Migrations applied to a database, with options: an explicit set of
/// migrations, another model set, no verification.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// use stillroom::{History, Migrator, Target};
///
/// let history = History::default(); // usually `MIGRATIONS.history()?` or `History::read(dir)?`
/// let conn = rusqlite::Connection::open_in_memory()?;
/// let schema = stillroom::Schema::default();
/// let migrator = Migrator::new(&history).schema(&schema);
/// let report = migrator.upgrade(&conn, &Target::Head)?;
/// assert!(report.ran.is_empty());
/// assert_eq!(migrator.status(&conn)?.pending.len(), 0);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy)]
pub struct Migrator<'a> {
    history: &'a History,
    schema: Option<&'a Schema>,
    verify: bool,
    progress: Option<&'a Progress<'a>>,
}

impl std::fmt::Debug for Migrator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migrator")
            .field("revisions", &self.history.migrations.len())
            .field("schema", &self.schema.map(|s| s.tables().len()))
            .field("verify", &self.verify)
            .finish_non_exhaustive()
    }
}

/// A callback told of each migration part before it runs.
pub type Progress<'a> = dyn Fn(&Migration, Direction) + Sync + 'a;

/// What one locked pass decided.
enum Pass<T> {
    /// Done: commit (or roll back when nothing was written) and return.
    Done { value: T, wrote: bool },
    /// A pending migration rebuilds a table: start again with foreign keys off.
    NeedForeignKeysOff,
}

impl<'a> Migrator<'a> {
    /// A migrator for `history`, verifying against the [`registry`].
    pub fn new(history: &'a History) -> Self {
        Self {
            history,
            schema: None,
            verify: true,
            progress: None,
        }
    }

    /// Verifies against `schema` instead of the registry.
    #[must_use]
    pub fn schema(mut self, schema: &'a Schema) -> Self {
        self.schema = Some(schema);
        self
    }

    /// Whether to compare the live schema with the models after upgrading to
    /// head (on by default).
    #[must_use]
    pub fn verify(mut self, verify: bool) -> Self {
        self.verify = verify;
        self
    }

    /// Calls `progress` before each migration part runs (a command line shows
    /// it: a long table rebuild is not a silent wait).
    #[must_use]
    pub fn progress(mut self, progress: &'a Progress<'a>) -> Self {
        self.progress = Some(progress);
        self
    }

    fn announce(&self, m: &Migration, direction: Direction) {
        if let Some(progress) = self.progress {
            progress(m, direction);
        }
    }

    /// Upgrades to head and verifies: what [`migrate`] does.
    pub fn migrate(&self, conn: &Connection) -> Result<Report> {
        self.upgrade(conn, &Target::Head)
    }

    /// Applies the migrations up to `target`, in one transaction.
    pub fn upgrade(&self, conn: &Connection, target: &Target) -> Result<Report> {
        self.locked(conn, |fk_off| self.upgrade_pass(conn, target, fk_off))
    }

    /// Runs the `down` parts from the current revision back to `target`
    /// (exclusive), newest first, in one transaction.
    pub fn downgrade(&self, conn: &Connection, target: &Target) -> Result<Report> {
        self.locked(conn, |fk_off| self.downgrade_pass(conn, target, fk_off))
    }

    /// Records `target` as the database's revision without running anything:
    /// the ledger then lists exactly the revisions up to it (as `stamped`).
    pub fn stamp(&self, conn: &Connection, target: &Target) -> Result<Report> {
        self.locked(conn, |_| {
            ledger::create(conn)?;
            let applied = ledger::read(conn)?;
            let position =
                self.resolve(target, applied.len().min(self.history.migrations.len()))?;
            ledger::truncate(conn, 0)?;
            for (i, m) in self.history.migrations[..position].iter().enumerate() {
                let kept = applied
                    .iter()
                    .find(|a| a.revision == m.revision && a.checksum == m.checksum);
                ledger::record(
                    conn,
                    i,
                    m,
                    kept.map_or(0, |a| a.duration_ms),
                    kept.map_or("stamped", |a| a.how.as_str()),
                )?;
            }
            let current = position
                .checked_sub(1)
                .map(|i| self.history.migrations[i].revision.clone());
            Ok(Pass::Done {
                value: Report {
                    current,
                    ..Report::default()
                },
                wrote: true,
            })
        })
    }

    /// Accepts the current text of an applied migration that was edited
    /// after it ran: the ledger takes the file's new checksum. For a reviewed
    /// edit (a comment, a fix that changes no schema); nothing is run.
    pub fn accept_edited(&self, conn: &Connection, revision: &str) -> Result<()> {
        let position = self.position_of(revision)?;
        let m = &self.history.migrations[position];
        self.locked(conn, |_| {
            if ledger::exists(conn)? && ledger::accept_checksum(conn, &m.revision, &m.checksum)? {
                tracing::info!(revision = %m.revision, checksum = %m.checksum, "accepted the edited migration");
                Ok(Pass::Done { value: (), wrote: true })
            } else {
                Err(Error::BadTarget { message: format!("revision `{revision}` is not applied to this database, so there is nothing to accept") })
            }
        })
    }

    /// The database's state: current revision, pending revisions, the
    /// ledger, and (at head) how the schema differs from the models. Reads
    /// only.
    pub fn status(&self, conn: &Connection) -> Result<Status> {
        let applied = ledger::read(conn)?;
        let head = self.history.head().map(|m| m.revision.clone());
        let checked = self.check_ledger(&applied);
        let problem = checked.as_ref().err().map(ToString::to_string);
        let done = applied.len().min(self.history.migrations.len());
        let pending = if problem.is_some() {
            Vec::new()
        } else {
            self.revisions(done..self.history.migrations.len())
        };
        let at_head = problem.is_none() && pending.is_empty();
        let differences = if at_head {
            Some(differences(conn, self.models()?)?)
        } else {
            None
        };
        Ok(Status {
            current: applied.last().map(|a| a.revision.clone()),
            head,
            pending,
            applied,
            problem,
            differences,
        })
    }

    /// Compares the live schema with the models now, ignoring any cached
    /// result; fails listing every difference.
    pub fn check_schema(&self, conn: &Connection) -> Result<()> {
        verify_now(conn, self.models()?)
    }

    fn models(&self) -> Result<&'a Schema> {
        match self.schema {
            Some(schema) => Ok(schema),
            None => Ok(registry()?),
        }
    }

    /// Runs `pass` inside `BEGIN IMMEDIATE`, with foreign keys off when it
    /// asks for them (starting again: SQLite ignores that pragma inside a
    /// transaction), committing or rolling back, and restoring foreign keys
    /// on every path.
    fn locked<T>(
        &self,
        conn: &Connection,
        mut pass: impl FnMut(bool) -> Result<Pass<T>>,
    ) -> Result<T> {
        if !conn.is_autocommit() {
            return Err(Error::InTransaction);
        }
        let mut fk_off = false;
        loop {
            let outcome = with_foreign_keys(conn, fk_off, || {
                conn.execute_batch("BEGIN IMMEDIATE")
                    .map_err(|e| match e.sqlite_error_code() {
                        Some(
                            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked,
                        ) => Error::Locked,
                        _ => e.into(),
                    })?;
                let result = pass(fk_off);
                let end = match &result {
                    Ok(Pass::Done { wrote: true, .. }) => "COMMIT",
                    _ => "ROLLBACK",
                };
                if let Err(e) = conn.execute_batch(end) {
                    let _ = conn.execute_batch("ROLLBACK");
                    return Err(e.into());
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

    fn upgrade_pass(
        &self,
        conn: &Connection,
        target: &Target,
        fk_off: bool,
    ) -> Result<Pass<Report>> {
        let mut applied = ledger::read(conn)?;
        self.check_ledger(&applied)?;
        let mut report = Report::default();
        let mut wrote = false;
        if applied.is_empty() && has_user_tables(conn)? && !self.history.migrations.is_empty() {
            let at = self.adopt(conn)?;
            ledger::create(conn)?;
            for (i, m) in self.history.migrations[..at].iter().enumerate() {
                ledger::record(conn, i, m, 0, "adopted")?;
            }
            report.adopted = at
                .checked_sub(1)
                .map(|i| self.history.migrations[i].revision.clone());
            tracing::info!(revision = ?report.adopted, "adopted a database made before stillroom");
            applied = ledger::read(conn)?;
            wrote = true;
        }
        let current = applied.len();
        let end = self.resolve(target, current)?;
        if end < current {
            return Err(Error::BadTarget {
                message: format!(
                    "{target:?} is behind the database's revision; use downgrade to go back"
                ),
            });
        }
        let pending = &self.history.migrations[current..end];
        if !fk_off && pending.iter().any(|m| m.foreign_keys_off) && foreign_keys_on(conn)? {
            return Ok(Pass::NeedForeignKeysOff);
        }
        if !pending.is_empty() {
            ledger::create(conn)?;
            wrote = true;
        }
        for (offset, m) in pending.iter().enumerate() {
            check_version(m)?;
            self.announce(m, Direction::Up);
            let started = Instant::now();
            run_part(conn, m, Direction::Up)?;
            let ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            ledger::record(conn, current + offset, m, ms, "applied")?;
            tracing::info!(revision = %m.revision, ms, "applied migration");
            report.ran.push(m.revision.clone());
        }
        if fk_off {
            let violations = foreign_key_violations(conn)?;
            if !violations.is_empty() {
                return Err(Error::ForeignKeyViolations { violations });
            }
        }
        if self.verify && end == self.history.migrations.len() {
            let (compared, cached) = self.verify_cached(conn, !pending.is_empty())?;
            report.compared = compared;
            wrote |= cached;
        }
        report.current = end
            .checked_sub(1)
            .map(|i| self.history.migrations[i].revision.clone());
        if report.ran.is_empty() && report.adopted.is_none() {
            tracing::debug!(revision = ?report.current, "database up to date");
        }
        Ok(Pass::Done {
            value: report,
            wrote,
        })
    }

    fn downgrade_pass(
        &self,
        conn: &Connection,
        target: &Target,
        fk_off: bool,
    ) -> Result<Pass<Report>> {
        let applied = ledger::read(conn)?;
        self.check_ledger(&applied)?;
        let current = applied.len();
        let end = self.resolve(target, current)?;
        if end > current {
            return Err(Error::BadTarget {
                message: format!("{target:?} is ahead of the database's revision; use upgrade"),
            });
        }
        let steps = &self.history.migrations[end..current];
        if !fk_off && steps.iter().any(|m| m.foreign_keys_off) && foreign_keys_on(conn)? {
            return Ok(Pass::NeedForeignKeysOff);
        }
        let mut report = Report::default();
        for m in steps.iter().rev() {
            self.announce(m, Direction::Down);
            let started = Instant::now();
            run_part(conn, m, Direction::Down)?;
            tracing::info!(revision = %m.revision, ms = started.elapsed().as_millis(), "reverted migration");
            report.ran.push(m.revision.clone());
        }
        if fk_off {
            let violations = foreign_key_violations(conn)?;
            if !violations.is_empty() {
                return Err(Error::ForeignKeyViolations { violations });
            }
        }
        ledger::truncate(conn, end)?;
        report.current = end
            .checked_sub(1)
            .map(|i| self.history.migrations[i].revision.clone());
        Ok(Pass::Done {
            value: report,
            wrote: !steps.is_empty(),
        })
    }

    /// Compares the live schema with the models, unless the last successful
    /// comparison was of this very schema (same `schema_version`, same
    /// models). Returns (compared, wrote the cache).
    fn verify_cached(&self, conn: &Connection, changed: bool) -> Result<(bool, bool)> {
        let models = self.models()?;
        let print = fingerprint(models);
        let version: i64 = conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
        let seen = format!("{version} {print}");
        if !changed && ledger::state(conn, "verified")?.as_deref() == Some(seen.as_str()) {
            return Ok((false, false));
        }
        verify_now(conn, models)?;
        ledger::create(conn)?;
        // Creating the ledger may have changed the schema: read it again.
        let version: i64 = conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?;
        ledger::set_state(conn, "verified", &format!("{version} {print}"))?;
        Ok((true, true))
    }

    /// The ledger must be the history's first revisions, with the same
    /// checksums.
    fn check_ledger(&self, applied: &[Applied]) -> Result<()> {
        for (i, a) in applied.iter().enumerate() {
            let Some(m) = self
                .history
                .migrations
                .get(i)
                .filter(|m| m.revision == a.revision)
            else {
                // Only on a mismatch, so the no-op startup does not pay for it.
                let known: BTreeSet<&str> = self
                    .history
                    .migrations
                    .iter()
                    .map(|m| m.revision.as_str())
                    .collect();
                // Unknown revisions at the end of the ledger: a newer build
                // migrated the database. Anywhere else: files were changed.
                if applied[i..]
                    .iter()
                    .all(|later| !known.contains(later.revision.as_str()))
                {
                    return Err(Error::UnknownRevision {
                        revision: applied
                            .last()
                            .map_or_else(|| a.revision.clone(), |l| l.revision.clone()),
                        head: self.history.head().map(|m| m.revision.clone()),
                    });
                }
                let expected = self
                    .history
                    .migrations
                    .get(i)
                    .map_or("nothing", |m| m.revision.as_str());
                let what = if known.contains(a.revision.as_str()) {
                    "the revisions were reordered or re-parented after they ran"
                } else {
                    "its file was removed or renamed after it ran"
                };
                return Err(Error::LedgerMismatch {
                    message: format!(
                        "the database records revision `{}` at position {}, where the migrations have `{expected}`: {what}; restore the files as they were, or record the right revisions with `stamp`",
                        a.revision,
                        i + 1
                    ),
                });
            };
            if m.checksum != a.checksum {
                return Err(Error::ChecksumMismatch {
                    revision: a.revision.clone(),
                    path: m.path.clone(),
                    recorded: a.checksum.clone(),
                    current: m.checksum.clone(),
                });
            }
        }
        Ok(())
    }

    /// The number of revisions `target` means, from `current`.
    fn resolve(&self, target: &Target, current: usize) -> Result<usize> {
        let n = self.history.migrations.len();
        match target {
            Target::Head => Ok(n),
            Target::Base => Ok(0),
            Target::Revision(r) => Ok(self.position_of(r)? + 1),
            Target::Relative(k) => {
                let to = i64::try_from(current)
                    .unwrap_or(i64::MAX)
                    .saturating_add(*k);
                usize::try_from(to)
                    .ok()
                    .filter(|&t| t <= n)
                    .ok_or_else(|| Error::BadTarget {
                        message: format!(
                            "{k:+} from revision {current} of {n} is outside the history"
                        ),
                    })
            }
        }
    }

    /// The position of `revision` (an id, or a prefix of exactly one).
    fn position_of(&self, revision: &str) -> Result<usize> {
        self.history.position(revision)
    }

    fn revisions(&self, range: std::ops::Range<usize>) -> Vec<String> {
        self.history.migrations[range]
            .iter()
            .map(|m| m.revision.clone())
            .collect()
    }
}
