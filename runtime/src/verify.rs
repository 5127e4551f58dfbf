//! Verification: does the live database match the models? Every difference
//! is listed in words a person can act on.

use rusqlite::Connection;
use std::hash::{Hash as _, Hasher as _};

use crate::diff::{DiffOptions, diff};
use crate::introspect::introspect;
use crate::ops::Op;
use crate::schema::Schema;
use crate::{Error, Result};

/// Every difference between the database behind `conn` and `schema`, one
/// sentence each (empty: they match). Case, spacing, column order and
/// foreign key order do not count, as in the migration generator.
pub fn differences(conn: &Connection, schema: &Schema) -> Result<Vec<String>> {
    let live = introspect(conn)?;
    let d = diff(
        &live.schema,
        schema,
        DiffOptions {
            allow_data_loss: true,
        },
    )?;
    Ok(d.ops.iter().flat_map(describe).collect())
}

/// Fails with [`Error::SchemaMismatch`] listing every difference.
pub(crate) fn verify_now(conn: &Connection, schema: &Schema) -> Result<()> {
    let differences = differences(conn, schema)?;
    if differences.is_empty() {
        Ok(())
    } else {
        Err(Error::SchemaMismatch { differences })
    }
}

/// An operation the database would need, as what is different now.
fn describe(op: &Op) -> Vec<String> {
    match op {
        Op::CreateTable(t) => vec![format!(
            "table `{}`: a model declares it; the database does not have it",
            t.name
        )],
        Op::DropTable(t) => vec![format!(
            "table `{}`: the database has it; no model declares it (if its model is in another crate, is that crate linked? see `stillroom::registered_models`)",
            t.name
        )],
        Op::RenameTable { from, to } => {
            vec![format!(
                "table `{to}`: the model says it was renamed from `{from}`; the database still calls it `{from}`"
            )]
        }
        Op::AddColumn { table, column, .. } => {
            vec![format!(
                "column `{table}.{}`: the model has it; the database does not",
                column.name
            )]
        }
        Op::DropColumn { table, column } => {
            vec![format!(
                "column `{table}.{}`: the database has it; the model does not",
                column.name
            )]
        }
        Op::RenameColumn { table, from, to } => vec![format!(
            "column `{table}.{to}`: the model says it was renamed from `{from}`; the database still calls it `{from}`"
        )],
        Op::CreateIndex { table, index } => {
            vec![format!(
                "index `{}` on `{table}`: the model declares it; the database does not have it",
                index.name
            )]
        }
        Op::DropIndex { table, index } => {
            vec![format!(
                "index `{}` on `{table}`: the database has it; the model does not declare it",
                index.name
            )]
        }
        Op::RebuildTable(r) => r
            .reasons
            .iter()
            .map(|reason| format!("table `{}` (database -> model): {reason}", r.to.name))
            .collect(),
    }
}

/// A fingerprint of `schema` (and of this version of stillroom's rules), so
/// a cached verification is only trusted for the same models. It hashes the
/// schema values rather than their DDL: this runs at every startup, and
/// rendering hundreds of tables would cost more than reading the ledger.
pub(crate) fn fingerprint(schema: &Schema) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    schema.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}
