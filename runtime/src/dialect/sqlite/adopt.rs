//! Adopting a SQLite database made before stillroom: which revision its
//! tables are at (the history replayed in memory, one revision at a time),
//! and the conversion to that revision's exact declaration (table
//! rebuilds, after checking every stored value fits: `fit.rs`).

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::fit::misfits;
use super::introspect::{LiveSchema, introspect};
use super::render::render;
use super::runner::apply_parts;
use crate::apply::{Adoption, Migrator};
use crate::autogenerate::diff::{DiffOptions, diff};
use crate::autogenerate::ops::Op;
use crate::history::History;
use crate::history::replay::{Direction, replay};
use crate::verify::compare::compare;
use crate::{Error, Result};

/// The revisions a database could be adopted at.
enum Found {
    /// The first revision whose schema the database has exactly.
    Exact(usize),
    /// Revisions with the database's tables and columns, fewest differences
    /// first (then the earliest), each with its schema.
    Convertible(Vec<(usize, LiveSchema)>),
    /// None: the revision whose tables and columns are closest.
    Closest(usize),
}

impl Migrator<'_> {
    /// Finds the revision and builds the conversion: the exact revision, or
    /// the first convertible one (fewest differences first) whose stored
    /// values fit; if none fits, the best one's misfits are the error.
    pub(crate) fn plan(&self, conn: &Connection) -> Result<Adoption> {
        let live = introspect(conn)?;
        let candidates = match self.find(conn, &live)? {
            Found::Exact(k) => vec![(k, self.schema_at(k)?)],
            Found::Convertible(candidates) => candidates,
            Found::Closest(k) => {
                return Err(Error::AdoptionFailed {
                    closest: self.history.migrations[k - 1].revision.clone(),
                    differences: compare(&live.schema, &self.schema_at(k)?.schema),
                });
            }
        };
        let mut first_error = None;
        for (k, target) in candidates {
            match self.conversion(conn, &live, k, &target) {
                Ok(adoption) => return Ok(adoption),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(first_error.unwrap_or(Error::NothingToAdopt))
    }

    /// The adoption at revision `k` (schema `target`), if every stored
    /// value fits it.
    fn conversion(
        &self,
        conn: &Connection,
        live: &LiveSchema,
        k: usize,
        target: &LiveSchema,
    ) -> Result<Adoption> {
        let revision = self.history.migrations[k - 1].revision.clone();
        let ops = diff(&live.schema, &target.schema, DiffOptions::ALLOW_LOSS)?.ops;
        let unsupported = unsupported_in(live, &ops);
        let misfits = if unsupported.is_empty() {
            misfits(conn, &ops)?
        } else {
            Vec::new()
        };
        if !unsupported.is_empty() || !misfits.is_empty() {
            return Err(Error::AdoptionBlocked {
                revision,
                misfits,
                unsupported,
            });
        }
        let rendered = render(&ops, live);
        Ok(Adoption {
            revision,
            differences: compare(&live.schema, &target.schema),
            sql: rendered.sql,
            foreign_keys_off: rendered.foreign_keys_off,
            not_compared: live.unsupported.clone(),
            position: k,
        })
    }

    /// Replays the history one revision at a time and compares each
    /// revision's tables and columns with the database's (a cheap query),
    /// comparing the whole schema only where those match.
    fn find(&self, conn: &Connection, live: &LiveSchema) -> Result<Found> {
        let live_names = column_names(conn)?;
        let memory = Connection::open_in_memory()?;
        memory.execute_batch("PRAGMA foreign_keys = ON")?;
        let mut convertible: Vec<(usize, usize, LiveSchema)> = Vec::new(); // (differences, k, schema)
        let mut closest: Option<(usize, usize)> = None; // (distance, k)
        for k in 1..=self.history.migrations.len() {
            apply_parts(&memory, &[(&self.history.migrations[k - 1], Direction::Up)])?;
            let names = column_names(&memory)?;
            let distance = names.symmetric_difference(&live_names).count();
            if closest.is_none_or(|(d, _)| distance < d) {
                closest = Some((distance, k));
            }
            if distance > 0 {
                continue;
            }
            let schema = introspect(&memory)?;
            let n = compare(&live.schema, &schema.schema).len();
            if n == 0 {
                return Ok(Found::Exact(k));
            }
            convertible.push((n, k, schema));
        }
        if convertible.is_empty() {
            return Ok(Found::Closest(closest.map_or(1, |(_, k)| k)));
        }
        convertible.sort_by_key(|(n, k, _)| (*n, *k));
        Ok(Found::Convertible(
            convertible.into_iter().map(|(_, k, s)| (k, s)).collect(),
        ))
    }

    /// The schema the first `k` revisions produce.
    fn schema_at(&self, k: usize) -> Result<LiveSchema> {
        let history = History {
            migrations: self.history.migrations[..k].to_vec(),
        };
        Ok(replay(&history)?.schema)
    }
}

/// Runs the conversion's statements (inside the caller's transaction).
pub(crate) fn convert(conn: &Connection, adoption: &Adoption) -> Result<()> {
    for statement in crate::dialect::sqlite::sql_text::split_statements(&adoption.sql) {
        conn.execute_batch(statement.sql)
            .map_err(|source| Error::Conversion {
                revision: adoption.revision.clone(),
                sql: statement.sql.to_owned(),
                source,
            })?;
    }
    Ok(())
}

/// What the database has that a rebuild of a converted table would lose
/// (WITHOUT ROWID, COLLATE, generated columns, expression indexes): a
/// conversion must not drop it silently.
fn unsupported_in(live: &LiveSchema, ops: &[Op]) -> Vec<String> {
    let rebuilt: Vec<String> = ops
        .iter()
        .filter_map(|op| match op {
            Op::RebuildTable(r) => Some(r.from.name.to_lowercase()),
            _ => None,
        })
        .collect();
    live.unsupported
        .iter()
        .filter(|u| {
            let u = u.to_lowercase();
            rebuilt
                .iter()
                .any(|t| u.contains(&format!("`{t}`")) || u.contains(&format!("`{t}.")))
        })
        .cloned()
        .collect()
}

pub(crate) fn has_user_tables(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'stillroom\\_%' ESCAPE '\\'",
        )?
        .exists([])?)
}

/// Every `table.column` name of the user's tables, lower-cased, as
/// `introspect` reads them (no virtual or shadow tables, no generated
/// columns): a cheap first comparison before a full one.
fn column_names(conn: &Connection) -> Result<BTreeSet<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT lower(t.name || '.' || c.name) FROM pragma_table_list AS t JOIN pragma_table_xinfo(t.name) AS c \
         WHERE t.schema = 'main' AND t.type = 'table' AND c.hidden = 0 \
         AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND t.name NOT LIKE 'stillroom\\_%' ESCAPE '\\'",
    )?;
    let names = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<BTreeSet<String>>>()?;
    Ok(names)
}
