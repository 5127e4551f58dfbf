//! Adopting a database made before stillroom: finding the revision whose
//! schema it has.

use std::collections::BTreeSet;

use rusqlite::Connection;

use super::Migrator;
use crate::diff::{DiffOptions, diff};
use crate::introspect::introspect;
use crate::replay::{Direction, apply_steps};
use crate::store::History;
use crate::{Error, Result};

impl Migrator<'_> {
    /// Finds the first revision whose schema is the live database's, by
    /// replaying the history in memory.
    pub(super) fn adopt(&self, conn: &Connection) -> Result<usize> {
        let live = introspect(conn)?;
        let live_names = column_names(conn)?;
        let memory = Connection::open_in_memory()?;
        memory.execute_batch("PRAGMA foreign_keys = ON")?;
        let mut closest: Option<(usize, usize)> = None; // (distance, revisions)
        for k in 1..=self.history.migrations.len() {
            apply_steps(&memory, &[(&self.history.migrations[k - 1], Direction::Up)])?;
            let names = column_names(&memory)?;
            let distance = names.symmetric_difference(&live_names).count();
            if distance == 0 {
                let replayed = introspect(&memory)?;
                if diff(
                    &live.schema,
                    &replayed.schema,
                    DiffOptions {
                        allow_data_loss: true,
                    },
                )?
                .is_empty()
                {
                    return Ok(k);
                }
            }
            if closest.is_none_or(|(d, _)| distance < d) {
                closest = Some((distance, k));
            }
        }
        let k = closest.map_or(1, |(_, k)| k);
        let replay = History {
            migrations: self.history.migrations[..k].to_vec(),
        };
        let replayed = crate::replay::replay(&replay)?;
        let d = diff(
            &replayed.schema.schema,
            &live.schema,
            DiffOptions {
                allow_data_loss: true,
            },
        )?;
        Err(Error::AdoptionFailed {
            closest: self.history.migrations[k - 1].revision.clone(),
            differences: d.ops.iter().map(ToString::to_string).collect(),
        })
    }
}

pub(super) fn has_user_tables(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'stillroom\\_%' ESCAPE '\\'",
        )?
        .exists([])?)
}

/// Every `table.column` name of the user's tables, lower-cased: a cheap
/// first comparison before a full one.
fn column_names(conn: &Connection) -> Result<BTreeSet<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT lower(m.name || '.' || c.name) FROM sqlite_schema AS m JOIN pragma_table_xinfo(m.name) AS c \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name NOT LIKE 'stillroom\\_%' ESCAPE '\\'",
    )?;
    let names = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<BTreeSet<String>>>()?;
    Ok(names)
}
