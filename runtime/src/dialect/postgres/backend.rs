//! PostgreSQL as the shared runner's [`Backend`]: a transaction that holds
//! the migration's advisory lock (taken by `Migrator::begin` in
//! `apply.rs`), and how one migration part runs in it.

use std::time::{Duration, Instant};

use postgres::{GenericClient, Statement, Transaction};

use super::introspect::introspect;
use super::lexer::{Statement as Part, forbidden, split};
use super::{PgStatementError, adopt, describe, ledger, types};
use crate::apply::ledger::Applied;
use crate::apply::{Adoption, Migrator};
use crate::dialect::Dialect;
use crate::dialect::backend::Backend;
use crate::history::Migration;
use crate::history::replay::Direction;
use crate::schema::Schema;
use crate::verify::compare::{Difference, compare_in};
use crate::verify::{Verification, fingerprint, judge};
use crate::{Error, Result};

/// A PostgreSQL transaction holding the migration lock, with the migrator
/// whose options (verification, the models) the run follows.
pub(crate) struct PgDb<'t, 'c, 'a> {
    pub(crate) tx: &'t mut Transaction<'c>,
    pub(crate) migrator: &'t Migrator<'a>,
    /// The ledger's insert, prepared at the second row a call records (one
    /// round trip a row after that; none spent for a single revision).
    record: Option<Statement>,
    recorded: usize,
    /// Whether the ledger's tables exist, once asked (they are only ever
    /// created in the transaction, never dropped).
    ledger: Option<bool>,
}

impl<'t, 'c, 'a> PgDb<'t, 'c, 'a> {
    pub(crate) fn new(tx: &'t mut Transaction<'c>, migrator: &'t Migrator<'a>) -> Self {
        Self {
            tx,
            migrator,
            record: None,
            recorded: 0,
            ledger: None,
        }
    }

    /// Compares with the models unless the last successful comparison was
    /// of this very catalog and these models. Returns whether it compared.
    fn verify_cached(&mut self, changed: bool) -> Result<bool> {
        let models = self.migrator.models()?;
        let print = format!(
            "{}:{}",
            fingerprint(models, self.migrator.verification),
            catalog_fingerprint(self.tx)?
        );
        let known = if self.ledger_exists()? {
            ledger::state(self.tx, "verified")?
        } else {
            None
        };
        if !changed && known.as_deref() == Some(print.as_str()) {
            return Ok(false);
        }
        let found = self.differences(models)?;
        judge(found, models, self.migrator.verification)?;
        self.ledger_create()?;
        ledger::set_state(self.tx, "verified", &print)?;
        Ok(true)
    }
}

impl Backend for PgDb<'_, '_, '_> {
    fn ledger_exists(&mut self) -> Result<bool> {
        if let Some(known) = self.ledger {
            return Ok(known);
        }
        let exists = ledger::exists(self.tx)?;
        self.ledger = Some(exists);
        Ok(exists)
    }

    fn ledger_create(&mut self) -> Result<()> {
        if self.ledger != Some(true) {
            ledger::create(self.tx)?;
            self.ledger = Some(true);
        }
        Ok(())
    }

    fn ledger_read(&mut self) -> Result<Vec<Applied>> {
        if self.ledger_exists()? {
            ledger::read(self.tx)
        } else {
            Ok(Vec::new())
        }
    }

    fn ledger_record(
        &mut self,
        position: usize,
        m: &Migration,
        duration_ms: i64,
        how: &str,
    ) -> Result<()> {
        self.recorded += 1;
        if self.record.is_none() && self.recorded > 1 {
            self.record = Some(self.tx.prepare(&ledger::record_sql())?);
        }
        match &self.record {
            Some(statement) => {
                ledger::record_with(self.tx, statement, position, m, duration_ms, how)
            }
            None => ledger::record(self.tx, position, m, duration_ms, how),
        }
    }

    fn ledger_rerecord(&mut self, position: usize, m: &Migration, was: &Applied) -> Result<()> {
        ledger::rerecord(self.tx, position, m, was)
    }

    fn ledger_truncate(&mut self, position: usize) -> Result<()> {
        ledger::truncate(self.tx, position)
    }

    fn ledger_accept_checksum(&mut self, revision: &str, checksum: &str) -> Result<bool> {
        ledger::accept_checksum(self.tx, revision, checksum)
    }

    fn check_parts(&self, parts: &[(&Migration, Direction)]) -> Result<()> {
        super::step::check(parts)
    }

    /// PostgreSQL alters tables in place: no part turns foreign keys off.
    fn restart_with_foreign_keys_off(&mut self, _: bool) -> Result<bool> {
        Ok(false)
    }

    fn run(&mut self, m: &Migration, direction: Direction) -> Result<Duration> {
        let started = Instant::now();
        run_part_with(self.tx, m, direction, true)?;
        Ok(started.elapsed())
    }

    /// Foreign keys are enforced as each statement runs (or, deferred, at
    /// commit): nothing is left to find.
    fn foreign_key_violations(&mut self) -> Result<Vec<String>> {
        Ok(Vec::new())
    }

    fn has_user_tables(&mut self) -> Result<bool> {
        adopt::has_user_tables(self.tx)
    }

    fn adoption_plan(&mut self) -> Result<Adoption> {
        adopt::plan(self.tx, self.migrator.history)
    }

    fn convert(&mut self, adoption: &Adoption) -> Result<()> {
        adopt::convert(self.tx, adoption)
    }

    /// The live schema against the models, in PostgreSQL's terms.
    fn differences(&mut self, models: &Schema) -> Result<Vec<Difference>> {
        let live = introspect(self.tx)?;
        Ok(compare_in(
            Dialect::Postgres,
            &live.schema,
            &types::form_schema(models)?,
        ))
    }

    /// Verifies, unless the catalog and the models are those of the last
    /// verification (PostgreSQL has no `schema_version`: see
    /// [`catalog_fingerprint`]).
    fn settle_at_head(&mut self, wrote: bool) -> Result<(bool, bool)> {
        if self.migrator.verification == Verification::Off {
            return Ok((false, false));
        }
        let compared = self.verify_cached(wrote)?;
        Ok((compared, compared))
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

/// Runs one part of `m`, statement by statement, inside the caller's
/// transaction, passing over its `-- rust:` lines (a replay's: the steps
/// need the application's rows); an error names the revision, the file and
/// line, the statement and PostgreSQL's message.
pub(crate) fn run_part(
    client: &mut impl GenericClient,
    m: &Migration,
    direction: Direction,
) -> Result<()> {
    run_part_with(client, m, direction, false)
}

/// [`run_part`]; with `steps`, the Rust steps its `-- rust:` lines mark
/// run where they are marked (`step.rs`).
pub(crate) fn run_part_with(
    client: &mut impl GenericClient,
    m: &Migration,
    direction: Direction,
    steps: bool,
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
    // Saturating: `lines` is a public field, so any value may come here.
    let line_of = |statement: &Part<'_>| {
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
    let markers = if steps {
        m.rust_steps(direction)
    } else {
        Vec::new()
    };
    let mut rest = statements.as_slice();
    for marker in &markers {
        let before = rest
            .iter()
            .position(|s| line_of(s) > marker.line)
            .unwrap_or(rest.len());
        run_statements(client, m, &rest[..before], &line_of)?;
        rest = &rest[before..];
        super::step::run(client, m, direction, marker.name, marker.line)?;
    }
    run_statements(client, m, rest, &line_of)
}

/// Runs `statements` of `m`: in one round trip, inside a savepoint; if
/// that fails, back to the savepoint and statement by statement, to name
/// the one that fails with its line. (One statement runs as it is.)
fn run_statements(
    client: &mut impl GenericClient,
    m: &Migration,
    statements: &[Part<'_>],
    line_of: &dyn Fn(&Part<'_>) -> usize,
) -> Result<()> {
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
    for statement in statements {
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
