//! The canonical forms both schemas are compared in (defaults, checks,
//! foreign keys). What a database can change in place and which type
//! changes lose values are its dialect's ([`Dialect`](crate::Dialect)'s
//! `addable`, `droppable`, `same_type`, `lossless`).

use crate::dialect::sqlite::sql_text;
use crate::schema::{Column, ForeignKey, Table};

pub(crate) fn canonical_default(c: &Column) -> Option<String> {
    let default = c.default.as_deref()?;
    let canonical = sql_text::canonical(sql_text::strip_outer_parens(default));
    (canonical != "NULL").then_some(canonical)
}

pub(crate) fn canonical_checks(checks: &[String]) -> Vec<String> {
    let mut out: Vec<String> = checks.iter().map(|c| sql_text::canonical(c)).collect();
    out.sort();
    out
}

/// A foreign key with its names lower-cased, as SQLite compares them.
pub(crate) fn canonical_foreign_key(fk: &ForeignKey) -> ForeignKey {
    let lower = |v: &[String]| v.iter().map(|c| c.to_lowercase()).collect();
    ForeignKey {
        columns: lower(&fk.columns),
        references_table: fk.references_table.to_lowercase(),
        references_columns: lower(&fk.references_columns),
        on_delete: fk.on_delete,
        on_update: fk.on_update,
    }
}

pub(crate) fn foreign_key_set(t: &Table) -> Vec<ForeignKey> {
    let mut fks: Vec<ForeignKey> = t.foreign_keys.iter().map(canonical_foreign_key).collect();
    fks.sort();
    fks
}
