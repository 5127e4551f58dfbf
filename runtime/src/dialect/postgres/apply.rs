//! Applying migrations to a PostgreSQL database: one transaction under an
//! advisory lock, the ledger, verification against the models.

use std::time::{Duration, Instant};

use postgres::{Client, GenericClient, Transaction};

use super::introspect::introspect;
use super::lexer::{forbidden, split};
use super::{PgStatementError, adopt, describe, ledger, types};
use crate::apply::{Adoption, Report, Status, Target};
use crate::dialect::Dialect;
use crate::history::replay::Direction;
use crate::history::{History, Migration};
use crate::schema::Schema;
use crate::verify::compare::{Difference, compare_in};
use crate::verify::{Verification, fingerprint};
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

    /// How the database would be adopted (the revision, what the conversion
    /// changes, its SQL), without changing anything.
    pub fn adoption_plan(&self, client: &mut Client) -> Result<Adoption> {
        let mut tx = self.begin_adoption(client)?;
        let adoption = adopt::plan(&mut tx, self.history())?;
        tx.rollback()?;
        Ok(adoption)
    }

    /// Adopts a database made before stillroom at the revision whose schema
    /// it has (converting it with `ALTER TABLE`s when it differs only in how
    /// its tables are declared), and applies nothing else; in one
    /// transaction, verified against the models when that revision is the
    /// head.
    pub fn adopt(&self, client: &mut Client) -> Result<Report> {
        let mut tx = self.begin_adoption(client)?;
        let adoption = self.adopt_in(&mut tx)?;
        let mut report = Report {
            current: Some(adoption.revision.clone()),
            ..Report::default()
        };
        if self.inner.verification != Verification::Off
            && adoption.position == self.history().migrations.len()
        {
            report.compared = self.verify_cached(&mut tx, true)?;
        }
        report.adopted = Some(adoption);
        tx.commit()?;
        Ok(report)
    }

    /// Rewrites the ledger to follow the history (`plan`), then runs the
    /// revisions a merge put below ones the database ran first.
    fn follow(
        &self,
        tx: &mut Transaction<'_>,
        plan: &crate::apply::reconcile::Plan,
        report: &mut Report,
    ) -> Result<()> {
        let history = &self.history().migrations;
        let holes: Vec<Migration> = plan.holes.iter().map(|&p| history[p].clone()).collect();
        no_rust_steps(&holes, Direction::Up)?;
        report.reconciled = plan.describe(history);
        ledger::truncate(tx, 0)?;
        for (p, was) in plan.records()? {
            ledger::rerecord(tx, p, &history[p], &was)?;
        }
        for &p in &plan.holes {
            let m = &history[p];
            let started = Instant::now();
            run_part(tx, m, Direction::Up)?;
            let ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            ledger::record(tx, p, m, ms, "applied")?;
            report.ran.push(m.revision.clone());
        }
        for line in &report.reconciled {
            tracing::info!("ledger: {line}");
        }
        Ok(())
    }

    /// The migrating transaction, on a database that can be adopted (tables,
    /// no ledger, a history to adopt it at).
    fn begin_adoption<'c>(&self, client: &'c mut Client) -> Result<Transaction<'c>> {
        self.history().expect_dialect(Dialect::Postgres)?;
        let mut tx = self.begin(client)?;
        if ledger::exists(&mut tx)? {
            return Err(Error::AlreadyAdopted);
        }
        if self.history().migrations.is_empty() || !adopt::has_user_tables(&mut tx)? {
            return Err(Error::NothingToAdopt);
        }
        Ok(tx)
    }

    /// Plans, converts and records the adoption inside `tx`.
    fn adopt_in(&self, tx: &mut Transaction<'_>) -> Result<Adoption> {
        let adoption = adopt::plan(tx, self.history())?;
        adopt::convert(tx, &adoption)?;
        ledger::create(tx)?;
        for (i, m) in self.history().migrations[..adoption.position]
            .iter()
            .enumerate()
        {
            ledger::record(tx, i, m, 0, "adopted")?;
        }
        tracing::info!(
            revision = %adoption.revision,
            converted = adoption.differences.len(),
            "adopted a database made before stillroom"
        );
        Ok(adoption)
    }

    fn history(&self) -> &'a History {
        self.inner.history
    }

    /// Upgrades to head and verifies.
    pub fn migrate(&self, client: &mut Client) -> Result<Report> {
        self.upgrade(client, &Target::Head)
    }

    /// Applies the migrations up to `target`, in one transaction.
    pub fn upgrade(&self, client: &mut Client, target: &Target) -> Result<Report> {
        let _span =
            tracing::info_span!("migrate", target = %target, dialect = "postgres").entered();
        self.history().expect_dialect(Dialect::Postgres)?;
        if let Target::Relative(k @ ..0) = target {
            return Err(Error::BadTarget {
                message: format!("`{k}` goes back: use `downgrade {k}`"),
            });
        }
        let mut tx = self.begin(client)?;
        let mut applied = ledger::read(&mut tx)?;
        let mut reconciled = Report::default();
        if let Err(e) = self.inner.check_ledger(&applied) {
            // Revisions renamed or renumbered by `db merge`, folded by
            // `db squash`, or put below ones this database ran first.
            let Some(plan) = self
                .inner
                .reconcile(&applied)?
                .filter(|p| p.changes_anything())
            else {
                return Err(e);
            };
            self.follow(&mut tx, &plan, &mut reconciled)?;
            applied = ledger::read(&mut tx)?;
            self.inner.check_ledger(&applied)?;
        }
        let mut adopted = None;
        if applied.is_empty()
            && !self.history().migrations.is_empty()
            && adopt::has_user_tables(&mut tx)?
        {
            if !self.inner.adopts_on_start() {
                return Err(Error::NotAdopted);
            }
            adopted = Some(self.adopt_in(&mut tx)?);
            applied = ledger::read(&mut tx)?;
        }
        let current = applied.len();
        let end = self.inner.resolve(target, current)?;
        if end < current {
            return Err(Error::BadTarget {
                message: format!(
                    "{target} is behind the database's revision; use downgrade to go back"
                ),
            });
        }
        let pending = &self.history().migrations[current..end];
        no_rust_steps(pending, Direction::Up)?;
        let mut report = Report {
            adopted,
            ..reconciled
        };
        if !pending.is_empty() {
            ledger::create(&mut tx)?;
        }
        // Prepared once: one round trip a revision for its ledger row.
        let record = match pending {
            [] | [_] => None,
            _ => Some(tx.prepare(&ledger::record_sql())?),
        };
        for (offset, m) in pending.iter().enumerate() {
            let started = Instant::now();
            run_part(&mut tx, m, Direction::Up)?;
            let ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            match &record {
                Some(statement) => {
                    ledger::record_with(&mut tx, statement, current + offset, m, ms, "applied")?
                }
                None => ledger::record(&mut tx, current + offset, m, ms, "applied")?,
            }
            tracing::info!(revision = %m.revision, ms, "applied migration");
            report.ran.push(m.revision.clone());
        }
        if self.inner.verification != Verification::Off && end == self.history().migrations.len() {
            let wrote = !pending.is_empty() || report.adopted.is_some();
            report.compared = self.verify_cached(&mut tx, wrote)?;
        }
        tx.commit()?;
        report.current = end
            .checked_sub(1)
            .map(|i| self.history().migrations[i].revision.clone());
        Ok(report)
    }

    /// Reverts down to `target`, in one transaction.
    pub fn downgrade(&self, client: &mut Client, target: &Target) -> Result<Report> {
        let _span =
            tracing::info_span!("downgrade", target = %target, dialect = "postgres").entered();
        self.history().expect_dialect(Dialect::Postgres)?;
        if let Target::Relative(k @ 1..) = target {
            return Err(Error::BadTarget {
                message: format!("`{k:+}` goes forward: use `upgrade {k:+}`"),
            });
        }
        let mut tx = self.begin(client)?;
        let applied = ledger::read(&mut tx)?;
        self.inner.check_ledger(&applied)?;
        let current = applied.len();
        let end = self.inner.resolve(target, current)?;
        if end > current {
            return Err(Error::BadTarget {
                message: format!("{target} is ahead of the database's revision; use upgrade"),
            });
        }
        let steps = &self.history().migrations[end..current];
        self.inner.check_down_losses(steps)?;
        no_rust_steps(steps, Direction::Down)?;
        let mut report = Report::default();
        for m in steps.iter().rev() {
            run_part(&mut tx, m, Direction::Down)?;
            tracing::info!(revision = %m.revision, "reverted migration");
            report.ran.push(m.revision.clone());
        }
        ledger::truncate(&mut tx, end)?;
        tx.commit()?;
        report.current = end
            .checked_sub(1)
            .map(|i| self.history().migrations[i].revision.clone());
        Ok(report)
    }

    /// Records `target` as the database's revision without running
    /// anything.
    pub fn stamp(&self, client: &mut Client, target: &Target) -> Result<Report> {
        self.history().expect_dialect(Dialect::Postgres)?;
        let mut tx = self.begin(client)?;
        let applied = ledger::read(&mut tx)?;
        let current = applied.len();
        let end = self.inner.resolve(target, current)?;
        ledger::create(&mut tx)?;
        ledger::truncate(&mut tx, 0)?;
        for (i, m) in self.history().migrations[..end].iter().enumerate() {
            let how = applied
                .get(i)
                .filter(|a| a.revision == m.revision)
                .map_or("stamped", |a| a.how.as_str());
            ledger::record(&mut tx, i, m, 0, how)?;
        }
        tx.commit()?;
        Ok(Report {
            current: end
                .checked_sub(1)
                .map(|i| self.history().migrations[i].revision.clone()),
            ..Report::default()
        })
    }

    /// Where the database is, what is pending, and (at head) how it
    /// differs from the models.
    pub fn status(&self, client: &mut Client) -> Result<Status> {
        self.history().expect_dialect(Dialect::Postgres)?;
        let mut tx = client.transaction()?;
        let applied = ledger::read(&mut tx)?;
        let problem = self
            .inner
            .check_ledger(&applied)
            .err()
            .map(|e| e.to_string());
        let history = &self.history().migrations;
        let current = applied.last().map(|a| a.revision.clone());
        let pending: Vec<String> = if problem.is_none() {
            history[applied.len().min(history.len())..]
                .iter()
                .map(|m| m.revision.clone())
                .collect()
        } else {
            Vec::new()
        };
        let differences = if problem.is_none() && pending.is_empty() {
            Some(self.compare(&mut tx)?)
        } else {
            None
        };
        tx.commit()?;
        Ok(Status {
            current,
            head: history.last().map(|m| m.revision.clone()),
            pending,
            applied,
            problem,
            differences,
        })
    }

    /// Every difference between the database and the models (empty: they
    /// match).
    pub fn check_schema(&self, client: &mut Client) -> Result<Vec<Difference>> {
        let mut tx = client.transaction()?;
        let found = self.compare(&mut tx)?;
        tx.commit()?;
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
        let parts: Vec<&Migration> = range.iter().map(|&i| &history[i]).collect();
        no_rust_steps(
            &parts.iter().map(|m| (*m).clone()).collect::<Vec<_>>(),
            direction,
        )?;
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
        tx.batch_execute(&format!(
            "SET LOCAL lock_timeout = '{}ms'",
            limit.as_millis().max(1)
        ))?;
        let started = Instant::now();
        match tx.execute(&format!("SELECT {LOCK}"), &[]) {
            Ok(_) => Ok(tx),
            Err(e) if is_lock_timeout(&e) => Err(Error::Locked {
                waited: started.elapsed(),
                limit,
            }),
            Err(e) => Err(e.into()),
        }
    }

    fn models(&self) -> Result<Schema> {
        types::form_schema(self.inner.models()?)
    }

    /// The live schema against the models, in PostgreSQL's terms.
    fn compare(&self, tx: &mut impl GenericClient) -> Result<Vec<Difference>> {
        let live = introspect(tx)?;
        Ok(compare_in(Dialect::Postgres, &live.schema, &self.models()?))
    }

    /// Compares with the models unless the last successful comparison was
    /// of this very catalog and these models. Returns whether it compared.
    fn verify_cached(&self, tx: &mut Transaction<'_>, changed: bool) -> Result<bool> {
        let models = self.inner.models()?;
        let print = format!(
            "{}:{}",
            fingerprint(models, self.inner.verification),
            catalog_fingerprint(tx)?
        );
        if !changed && ledger::state(tx, "verified")?.as_deref() == Some(print.as_str()) {
            return Ok(false);
        }
        let (tolerated, differences): (Vec<Difference>, Vec<Difference>) = self
            .compare(tx)?
            .into_iter()
            .partition(|d| self.inner.verification.tolerates(d));
        if !differences.is_empty() {
            return Err(Error::SchemaMismatch {
                differences,
                models: models.tables().len(),
            });
        }
        for d in &tolerated {
            tracing::warn!(difference = %d.describe(&crate::Against::Models), "tolerated: an index the models do not declare");
        }
        ledger::create(tx)?;
        ledger::set_state(tx, "verified", &print)?;
        Ok(true)
    }
}

/// One query's summary of the catalog rows that describe the current
/// schema's tables (their columns, defaults, constraints, constraint
/// comments and indexes): each row by its identity and `xmin`, the
/// transaction that wrote this version of it. DDL writes new row versions,
/// so any change to what the comparison reads changes the fingerprint, and
/// a no-op start skips the full comparison without deparsing the catalog
/// (`VACUUM` keeps `xmin`; at worst a rewrite of the catalog costs one more
/// full comparison, never a missed change).
fn catalog_fingerprint(client: &mut impl GenericClient) -> Result<String> {
    let row = client.query_one(
        "WITH t AS ( \
           SELECT c.oid, c.xmin FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
           WHERE n.nspname = current_schema() AND c.relname NOT LIKE 'stillroom\\_%') \
         SELECT md5(coalesce(string_agg(x, '|' ORDER BY x), '')) FROM ( \
           SELECT 'c' || oid || ':' || xmin AS x FROM t \
           UNION ALL SELECT 'a' || a.attrelid || '.' || a.attnum || ':' || a.xmin \
             FROM pg_attribute a JOIN t ON t.oid = a.attrelid WHERE a.attnum > 0 \
           UNION ALL SELECT 'd' || d.oid || ':' || d.xmin \
             FROM pg_attrdef d JOIN t ON t.oid = d.adrelid \
           UNION ALL SELECT 'k' || k.oid || ':' || k.xmin || ':' || coalesce(e.xmin::text, '') \
             FROM pg_constraint k JOIN t ON t.oid = k.conrelid \
             LEFT JOIN pg_description e ON e.objoid = k.oid \
               AND e.classoid = 'pg_constraint'::regclass \
           UNION ALL SELECT 'i' || i.indexrelid || ':' || i.xmin \
             FROM pg_index i JOIN t ON t.oid = i.indrelid \
         ) parts",
        &[],
    )?;
    Ok(row.get(0))
}

fn is_lock_timeout(e: &postgres::Error) -> bool {
    e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE)
}

/// Rust steps take a SQLite connection: on PostgreSQL a revision with one is
/// refused before anything runs.
fn no_rust_steps(migrations: &[Migration], direction: Direction) -> Result<()> {
    for m in migrations {
        if let Some(step) = m.rust_steps(direction).first() {
            return Err(Error::Unsupported {
                message: format!(
                    "revision `{}` ({}:{}) runs the Rust step `{}`, and Rust steps run on SQLite only for now: write the data migration in SQL for PostgreSQL (nothing was changed)",
                    m.revision,
                    m.path.display(),
                    step.line,
                    step.name
                ),
            });
        }
    }
    Ok(())
}

/// Runs one part of `m`, statement by statement, inside the caller's
/// transaction; an error names the revision, the file and line, the
/// statement and PostgreSQL's message.
pub(crate) fn run_part(
    client: &mut impl GenericClient,
    m: &Migration,
    direction: Direction,
) -> Result<()> {
    let (sql, first_line) = match direction {
        Direction::Up => (m.up.as_str(), m.lines.0),
        Direction::Down => match &m.down {
            Some(down) => (down.as_str(), m.lines.1),
            None => {
                return Err(Error::NoDownPart {
                    revision: m.revision.clone(),
                    path: m.path.clone(),
                });
            }
        },
    };
    let statements = split(sql);
    let line_of = |statement: &super::lexer::Statement<'_>| {
        first_line
            .max(1)
            .saturating_add(statement.line.saturating_sub(1))
    };
    for statement in &statements {
        if let Some(why) = forbidden(statement.sql) {
            return Err(Error::MigrationFile {
                path: m.path.clone(),
                line: line_of(statement),
                message: why.to_owned(),
            });
        }
    }
    // The whole part in one round trip, inside a savepoint; if it fails,
    // back to the savepoint and statement by statement, to name the one
    // that fails with its line. (One statement runs as it is.)
    if statements.len() > 1 {
        let joined: Vec<&str> = statements.iter().map(|s| s.sql).collect();
        // The savepoint on its own: PostgreSQL parses a whole batch before
        // running any of it, so one with a syntax error would not make it.
        client.batch_execute("SAVEPOINT stillroom_part")?;
        let batch = format!(
            // A statement may end in a `--` comment: each `;` on a line
            // of its own.
            "{}\n;\nRELEASE SAVEPOINT stillroom_part",
            joined.join("\n;\n")
        );
        if client.batch_execute(&batch).is_ok() {
            return Ok(());
        }
        client.batch_execute("ROLLBACK TO SAVEPOINT stillroom_part")?;
    }
    for statement in &statements {
        let line = line_of(statement);
        client.batch_execute(statement.sql).map_err(|e| {
            Error::PostgresStatement(Box::new(PgStatementError {
                revision: m.revision.clone(),
                path: m.path.clone(),
                line,
                sql: statement.sql.to_owned(),
                message: describe(&e),
                code: e.code().map(|c| c.code().to_owned()),
            }))
        })?;
    }
    if statements.len() > 1 {
        // The batch failed and one by one every statement ran (a lock or
        // serialization failure that did not recur): keep what they did.
        client.batch_execute("RELEASE SAVEPOINT stillroom_part")?;
    }
    Ok(())
}
