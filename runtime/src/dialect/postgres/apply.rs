//! Applying migrations to a PostgreSQL database: one transaction under an
//! advisory lock, the ledger, verification against the models.

use std::time::{Duration, Instant};

use postgres::{Client, Transaction};

use super::backend::PgDb;
use super::ledger;
use crate::apply::runner::{self, Pass};
use crate::apply::{Adoption, Report, Status, Target};
use crate::dialect::Dialect;
use crate::history::History;
use crate::history::replay::Direction;
use crate::schema::Schema;
use crate::verify::Verification;
use crate::verify::compare::Difference;
use crate::{Error, Result};

/// The advisory lock a stillroom migration takes: this key (`stil` in
/// ASCII) and the schema's name hashed, so migrations of one schema
/// serialise and those of different schemas do not wait for each other.
const LOCK: &str = "pg_advisory_xact_lock(1937009004, hashtext(current_schema()))";

/// Applies the pending migrations of the application's embedded set (see
/// [`embed_migrations!`](crate::embed_migrations)) to the database behind
/// `client`, then checks that it matches the models in the
/// [`registry`](crate::registry): what [`stillroom::migrate`](crate::migrate)
/// does for SQLite.
pub fn migrate(client: &mut Client) -> Result<Report> {
    let history = crate::Migrations::default_set()?.history()?;
    Migrator::new(history).migrate(client)
}

/// Migrations applied to a PostgreSQL database, with options: the same
/// builder as [`stillroom::Migrator`](crate::Migrator).
///
/// ```no_run
/// # fn main() -> stillroom::Result<()> {
/// use stillroom::{History, Target};
/// use stillroom::postgres::Migrator;
///
/// let history = History::read(std::path::Path::new("migrations"))?;
/// let mut client = stillroom::postgres::connect("postgres://app@localhost/app")?;
/// let report = Migrator::new(&history).migrate(&mut client)?;
/// println!("applied {:?}, now at {:?}", report.ran, report.current);
/// Migrator::new(&history).allow_data_loss(true).downgrade(&mut client, &Target::Relative(-1))?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Migrator<'a> {
    inner: crate::Migrator<'a>,
}

impl<'a> Migrator<'a> {
    /// A migrator for `history`, verifying against the
    /// [`registry`](crate::registry).
    pub fn new(history: &'a History) -> Self {
        Self {
            inner: crate::Migrator::new(history),
        }
    }

    /// Verifies against `schema` instead of the registry.
    #[must_use]
    pub fn schema(self, schema: &'a Schema) -> Self {
        Self {
            inner: self.inner.schema(schema),
        }
    }

    /// What the comparison after migrating accepts
    /// ([`Verification`]).
    #[must_use]
    pub fn verification(self, verification: Verification) -> Self {
        Self {
            inner: self.inner.verification(verification),
        }
    }

    /// Allows a downgrade whose down parts lose data.
    #[must_use]
    pub fn allow_data_loss(self, allow: bool) -> Self {
        Self {
            inner: self.inner.allow_data_loss(allow),
        }
    }

    /// How long a call waits for another process's migration (the advisory
    /// lock) and for the locks its statements need: [`LOCK_TIMEOUT`](crate::LOCK_TIMEOUT)
    /// by default.
    #[must_use]
    pub fn lock_timeout(self, timeout: Duration) -> Self {
        Self {
            inner: self.inner.lock_timeout(timeout),
        }
    }

    /// Whether a start adopts a database made before stillroom (tables, no
    /// ledger) at the revision whose schema it has: yes by default, as on
    /// SQLite. With `false`, such a database is refused with
    /// [`Error::NotAdopted`] until [`Migrator::adopt`] is run.
    #[must_use]
    pub fn adopt_on_start(self, adopt: bool) -> Self {
        Self {
            inner: self.inner.adopt_on_start(adopt),
        }
    }

    /// Tells `progress` of each migration part as it starts and finishes
    /// ([`Migrator::progress`](crate::Migrator::progress)).
    ///
    /// ```no_run
    /// # fn main() -> stillroom::Result<()> {
    /// use stillroom::Event;
    ///
    /// let history = stillroom::History::read("migrations".as_ref())?;
    /// let mut client = stillroom::postgres::connect("postgres://app@localhost/app")?;
    /// let progress = |event: Event<'_>| {
    ///     if let Event::Finished { migration, elapsed, .. } = event {
    ///         eprintln!("{}: {elapsed:.1?}", migration.revision);
    ///     }
    /// };
    /// stillroom::postgres::Migrator::new(&history).progress(&progress).migrate(&mut client)?;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn progress(self, progress: &'a crate::Progress<'a>) -> Self {
        Self {
            inner: self.inner.progress(progress),
        }
    }

    /// How the database would be adopted (the revision, what the conversion
    /// changes, its SQL), without changing anything.
    pub fn adoption_plan(&self, client: &mut Client) -> Result<Adoption> {
        self.history().expect_dialect(Dialect::Postgres)?;
        let mut tx = self.begin(client)?;
        let adoption = runner::adoption_plan(&self.inner, &mut PgDb::new(&mut tx, &self.inner))?;
        tx.rollback()?;
        Ok(adoption)
    }

    /// Adopts a database made before stillroom at the revision whose schema
    /// it has (converting it with `ALTER TABLE`s when it differs only in how
    /// its tables are declared), and applies nothing else; in one
    /// transaction.
    pub fn adopt(&self, client: &mut Client) -> Result<Report> {
        self.history().expect_dialect(Dialect::Postgres)?;
        self.locked(client, |db| runner::adopt(&self.inner, db, false))
    }

    fn history(&self) -> &'a History {
        self.inner.history
    }

    /// Upgrades to head and verifies.
    pub fn migrate(&self, client: &mut Client) -> Result<Report> {
        self.upgrade(client, &Target::Head)
    }

    /// Applies the migrations up to `target`, in one transaction: the same
    /// runner as SQLite's (a ledger followed through renames and squashes,
    /// adoption, verification at head).
    pub fn upgrade(&self, client: &mut Client, target: &Target) -> Result<Report> {
        let _span =
            tracing::info_span!("migrate", target = %target, dialect = "postgres").entered();
        self.history().expect_dialect(Dialect::Postgres)?;
        self.locked(client, |db| runner::upgrade(&self.inner, db, target, false))
    }

    /// Reverts down to `target`, in one transaction.
    pub fn downgrade(&self, client: &mut Client, target: &Target) -> Result<Report> {
        let _span =
            tracing::info_span!("downgrade", target = %target, dialect = "postgres").entered();
        self.history().expect_dialect(Dialect::Postgres)?;
        self.locked(client, |db| {
            runner::downgrade(&self.inner, db, target, false)
        })
    }

    /// Records `target` as the database's revision without running
    /// anything.
    pub fn stamp(&self, client: &mut Client, target: &Target) -> Result<Report> {
        self.history().expect_dialect(Dialect::Postgres)?;
        self.locked(client, |db| runner::stamp(&self.inner, db, target))
    }

    /// Accepts the current text of an applied migration that was edited
    /// after it ran (a reviewed edit): the ledger takes the file's new
    /// checksum; nothing is run.
    ///
    /// ```no_run
    /// # fn main() -> stillroom::Result<()> {
    /// use stillroom::Error;
    /// use stillroom::postgres::Migrator;
    ///
    /// // `0003_backfill.sql` gained a comment after it ran, and the edit was reviewed.
    /// let history = stillroom::History::read("migrations".as_ref())?;
    /// let mut client = stillroom::postgres::connect("postgres://app@localhost/app")?;
    /// let migrator = Migrator::new(&history);
    /// if let Err(Error::ChecksumMismatch { revision, .. }) = migrator.migrate(&mut client) {
    ///     migrator.accept_edited(&mut client, &revision)?;
    ///     migrator.migrate(&mut client)?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn accept_edited(&self, client: &mut Client, revision: &str) -> Result<()> {
        self.history().expect_dialect(Dialect::Postgres)?;
        self.locked(client, |db| {
            runner::accept_edited(&self.inner, db, revision)
        })
    }

    /// Where the database is, what is pending, and (at head) how it
    /// differs from the models. Reads only.
    pub fn status(&self, client: &mut Client) -> Result<Status> {
        self.history().expect_dialect(Dialect::Postgres)?;
        let mut tx = client.transaction()?;
        let status = runner::status(&self.inner, &mut PgDb::new(&mut tx, &self.inner))?;
        tx.rollback()?;
        Ok(status)
    }

    /// Compares the live schema with the models now: fails listing every
    /// difference the [`Verification`] does not tolerate (a database with
    /// revisions pending is [`Error::Behind`]), and returns the tolerated
    /// ones.
    pub fn check_schema(&self, client: &mut Client) -> Result<Vec<Difference>> {
        self.history().expect_dialect(Dialect::Postgres)?;
        let mut tx = client.transaction()?;
        let found = runner::check_schema(&self.inner, &mut PgDb::new(&mut tx, &self.inner))?;
        tx.rollback()?;
        Ok(found)
    }

    /// The SQL an upgrade (or downgrade) from `from` to `to` runs, as a
    /// script for `psql`: one transaction that takes the advisory lock,
    /// aborts unless the ledger is at `from`, runs the parts and records
    /// them.
    pub fn sql(&self, from: Option<&str>, to: &Target) -> Result<String> {
        self.history().expect_dialect(Dialect::Postgres)?;
        let history = &self.history().migrations;
        let start = match from {
            Some(revision) => self.position_of(revision)? + 1,
            None => 0,
        };
        let end = self.inner.resolve(to, start)?;
        let up = end >= start;
        let range: Vec<usize> = if up {
            (start..end).collect()
        } else {
            (end..start).rev().collect()
        };
        let direction = if up { Direction::Up } else { Direction::Down };
        let parts: Vec<&crate::history::Migration> = range.iter().map(|&i| &history[i]).collect();
        if let Some((m, step)) = parts
            .iter()
            .find_map(|m| Some((m, m.rust_steps(direction).first()?.name)))
        {
            return Err(Error::OfflineStep {
                revision: m.revision.clone(),
                step: step.to_owned(),
            });
        }
        let at = start.checked_sub(1).map(|i| history[i].revision.as_str());
        let mut out = format!(
            "-- stillroom: {} -> {} (PostgreSQL; run with psql: any error rolls it all back)\nBEGIN;\nSELECT {LOCK};\n{}\n",
            at.unwrap_or("base"),
            end.checked_sub(1)
                .map_or("base", |i| history[i].revision.as_str()),
            ledger::CREATE
        );
        let expected = crate::schema::quote_literal(at.unwrap_or(""));
        out.push_str(&format!(
            "DO $stillroom$ BEGIN\n  IF (SELECT count(*) FROM stillroom_migrations) <> {start}\n     OR coalesce((SELECT revision FROM stillroom_migrations ORDER BY position DESC LIMIT 1), '') <> {expected} THEN\n    RAISE EXCEPTION 'the database is not at revision {}: nothing was changed';\n  END IF;\nEND $stillroom$;\n",
            at.unwrap_or("base").replace('\'', "''")
        ));
        for (&i, m) in range.iter().zip(&parts) {
            let (label, sql) = if up {
                ("up", m.up.clone())
            } else {
                let down = m.down.clone().ok_or_else(|| Error::NoDownPart {
                    revision: m.revision.clone(),
                    path: m.path.clone(),
                })?;
                ("down", down)
            };
            out.push_str(&format!("\n-- {} ({label})\n{}", m.revision, sql));
            if !sql.trim_end().ends_with(';') && !sql.trim().is_empty() {
                out.push_str(";\n");
            }
            let q = |s: &str| crate::schema::quote_literal(s);
            if up {
                out.push_str(&format!(
                    "INSERT INTO stillroom_migrations (revision, parent, position, checksum, applied_at, duration_ms, how) VALUES ({}, {}, {i}, {}, to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 0, 'applied');\n",
                    q(&m.revision),
                    m.parent.as_deref().map_or("NULL".to_owned(), q),
                    q(&m.checksum)
                ));
            } else {
                out.push_str(&format!(
                    "DELETE FROM stillroom_migrations WHERE revision = {};\n",
                    q(&m.revision)
                ));
            }
        }
        out.push_str("\nCOMMIT;\n");
        Ok(out)
    }

    fn position_of(&self, revision: &str) -> Result<usize> {
        self.history().position(revision)
    }

    /// A transaction that holds the migration lock, waiting for it (and
    /// for every lock after it) no longer than the lock timeout.
    fn begin<'c>(&self, client: &'c mut Client) -> Result<Transaction<'c>> {
        let mut tx = client.transaction()?;
        let limit = self.inner.lock_timeout;
        let started = Instant::now();
        // One round trip: the wait's bound, then the lock.
        match tx.batch_execute(&format!(
            "SET LOCAL lock_timeout = '{}ms'; SELECT {LOCK}",
            limit.as_millis().max(1)
        )) {
            Ok(()) => Ok(tx),
            Err(e) if is_lock_timeout(&e) => Err(Error::Locked {
                waited: started.elapsed(),
                limit,
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Runs `pass` in a transaction holding the migration lock: committed
    /// when it wrote, rolled back otherwise (and on any error).
    fn locked<T>(
        &self,
        client: &mut Client,
        pass: impl FnOnce(&mut PgDb<'_, '_, 'a>) -> Result<Pass<T>>,
    ) -> Result<T> {
        let mut tx = self.begin(client)?;
        match pass(&mut PgDb::new(&mut tx, &self.inner))? {
            Pass::Done { value, wrote } => {
                if wrote {
                    tx.commit()?;
                } else {
                    tx.rollback()?;
                }
                Ok(value)
            }
            Pass::NeedForeignKeysOff => Err(Error::BadTarget {
                message: "internal: a PostgreSQL migration asked for foreign keys off".into(),
            }),
        }
    }
}

fn is_lock_timeout(e: &postgres::Error) -> bool {
    e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE)
}
