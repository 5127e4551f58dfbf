//! Adopting a PostgreSQL database made before stillroom (by hand, by
//! another tool): the revision whose schema it has is found by replaying the
//! history, one revision at a time, in a scratch schema inside the migrating
//! transaction (rolled back to a savepoint, so nothing of it remains); the
//! database is recorded at that revision and, when it differs from it only
//! in how its tables are declared (types spelled otherwise, defaults,
//! checks, indexes), converted with `ALTER TABLE`s first. Tables or columns
//! that differ are for a person to resolve: the error names them.

use postgres::{GenericClient, Transaction};

use super::backend::run_part;
use super::introspect::{Live, introspect};
use super::render::render;
use crate::apply::Adoption;
use crate::autogenerate::diff::{DiffOptions, diff_in};
use crate::dialect::Dialect;
use crate::history::History;
use crate::history::replay::Direction;
use crate::verify::compare::{Difference, compare_in};
use crate::{Error, Result};

/// What the replay found.
enum Found {
    /// The first `k` revisions make the database's schema exactly.
    Exact(usize),
    /// The first `k` revisions make its tables and columns; the schema
    /// they make, to convert to.
    Convertible(usize, Live),
    /// None: the first `k` revisions come closest, and how they differ.
    Closest(usize, Vec<Difference>),
}

/// Whether the current schema has tables other than stillroom's.
pub(crate) fn has_user_tables(client: &mut impl GenericClient) -> Result<bool> {
    let row = client.query_one(
        "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
           AND c.relname NOT LIKE 'stillroom\\_%')",
        &[],
    )?;
    Ok(row.get(0))
}

/// The adoption of the database behind `tx` (tables, no ledger): the
/// revision, and the conversion's SQL. Changes nothing.
pub(crate) fn plan(tx: &mut Transaction<'_>, history: &History) -> Result<Adoption> {
    let live = introspect(tx)?;
    let (k, differences, sql) = match find(tx, history, &live)? {
        Found::Exact(k) => (k, Vec::new(), String::new()),
        Found::Convertible(k, target) => {
            let ops = diff_in(
                Dialect::Postgres,
                &live.schema,
                &target.schema,
                DiffOptions::default(),
            )
            .map_err(|e| Error::AdoptionBlocked {
                revision: history.migrations[k - 1].revision.clone(),
                misfits: Vec::new(),
                unsupported: vec![format!(
                    "converting to that revision's schema would lose data: {e}"
                )],
            })?
            .ops;
            let differences = compare_in(Dialect::Postgres, &live.schema, &target.schema);
            (k, differences, render(&ops, &live))
        }
        Found::Closest(k, differences) => {
            return Err(Error::AdoptionFailed {
                closest: history.migrations[k - 1].revision.clone(),
                differences,
            });
        }
    };
    Ok(Adoption {
        revision: history.migrations[k - 1].revision.clone(),
        differences,
        sql,
        foreign_keys_off: false,
        not_compared: live.unsupported,
        position: k,
    })
}

/// Runs the conversion's statements inside `tx`.
pub(crate) fn convert(tx: &mut Transaction<'_>, adoption: &Adoption) -> Result<()> {
    for statement in super::lexer::split(&adoption.sql) {
        tx.batch_execute(statement.sql)
            .map_err(|e| Error::PostgresConversion {
                revision: adoption.revision.clone(),
                sql: statement.sql.to_owned(),
                message: super::describe(&e),
            })?;
    }
    Ok(())
}

/// Replays the history one revision at a time in a scratch schema (inside
/// a savepoint of `tx`, rolled back before returning) and compares each
/// revision's schema with the database's: the first exact one, else the
/// first whose tables and columns are the database's, else the closest.
fn find(tx: &mut Transaction<'_>, history: &History, live: &Live) -> Result<Found> {
    let mut scratch = tx.transaction()?;
    scratch.batch_execute(&format!(
        "CREATE SCHEMA \"stillroom_adopt_{pid}\"; SET LOCAL search_path TO \"stillroom_adopt_{pid}\"",
        pid = std::process::id()
    ))?;
    let mut convertible = None;
    let mut closest: Option<(usize, usize, Vec<Difference>)> = None; // (structural, k, all)
    for (i, m) in history.migrations.iter().enumerate() {
        run_part(&mut scratch, m, Direction::Up)?;
        let at = introspect(&mut scratch)?;
        let differences = compare_in(Dialect::Postgres, &live.schema, &at.schema);
        let k = i + 1;
        if differences.is_empty() {
            scratch.rollback()?;
            return Ok(Found::Exact(k));
        }
        let structural = differences.iter().filter(|d| d.is_structural()).count();
        if structural == 0 && convertible.is_none() {
            convertible = Some((k, at));
        }
        if closest.as_ref().is_none_or(|(s, _, _)| structural < *s) {
            closest = Some((structural, k, differences));
        }
    }
    scratch.rollback()?;
    Ok(match (convertible, closest) {
        (Some((k, at)), _) => Found::Convertible(k, at),
        (None, Some((_, k, differences))) => Found::Closest(k, differences),
        (None, None) => Found::Closest(1, Vec::new()),
    })
}
