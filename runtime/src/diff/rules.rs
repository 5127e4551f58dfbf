//! What SQLite can do in place, and what counts as the same or as a loss.

use crate::schema::{Column, ForeignKey, SqlType, Table};
use crate::sql_text;

/// Whether every value of type `from` survives as type `to`.
pub(super) fn lossless(from: &SqlType, to: &SqlType) -> bool {
    from == to
        || *to == SqlType::Any
        || matches!(
            (from, to),
            (SqlType::Integer | SqlType::Real, SqlType::Text)
        )
        || matches!((from, to), (SqlType::Declared(d), SqlType::Integer) | (SqlType::Integer, SqlType::Declared(d)) if d == "INT")
}

pub(super) fn canonical_default(c: &Column) -> Option<String> {
    let default = c.default.as_deref()?;
    let canonical = sql_text::canonical(sql_text::strip_outer_parens(default));
    (canonical != "NULL").then_some(canonical)
}

pub(super) fn canonical_checks(checks: &[String]) -> Vec<String> {
    let mut out: Vec<String> = checks.iter().map(|c| sql_text::canonical(c)).collect();
    out.sort();
    out
}

/// Whether `ALTER TABLE ADD COLUMN` can add `column` to `table` (SQLite's
/// documented limits), or why not.
pub(super) fn addable(column: &Column, table: &Table) -> Result<(), &'static str> {
    let default = canonical_default(column);
    if table
        .primary_key
        .columns
        .iter()
        .any(|k| k.eq_ignore_ascii_case(&column.name))
    {
        return Err("part of the primary key");
    }
    // ADD COLUMN takes neither CURRENT_* nor an expression in parentheses.
    if let Some(raw) = column.default.as_deref()
        && (!sql_text::is_literal(raw)
            || default
                .as_deref()
                .is_some_and(|d| d.starts_with("CURRENT_")))
    {
        return Err("its default is not a constant");
    }
    if !column.nullable && default.is_none() {
        return Err("NOT NULL without a default");
    }
    let in_fk: Vec<&ForeignKey> = table
        .foreign_keys
        .iter()
        .filter(|fk| {
            fk.columns
                .iter()
                .any(|c| c.eq_ignore_ascii_case(&column.name))
        })
        .collect();
    if in_fk.iter().any(|fk| fk.columns.len() > 1) {
        return Err("part of a composite foreign key");
    }
    if !in_fk.is_empty() && default.is_some() {
        return Err("a foreign key column added in place must default to NULL");
    }
    Ok(())
}

/// Whether `ALTER TABLE DROP COLUMN` can drop `column` from `table` (the
/// table after renames): not in the key, a unique constraint, a foreign key
/// or another column's or the table's CHECK. Indexes on it are dropped first.
pub(super) fn droppable(table: &Table, column: &str) -> bool {
    let named = |list: &[String]| list.iter().any(|c| c.eq_ignore_ascii_case(column));
    let in_expr = |e: &String| sql_text::mentions(e, column);
    !named(&table.primary_key.columns)
        && !table.foreign_keys.iter().any(|fk| named(&fk.columns))
        && !table
            .indexes
            .iter()
            .any(|i| i.name.starts_with("sqlite_autoindex_") && named(&i.columns))
        && !table.checks.iter().any(in_expr)
        && !table
            .columns
            .iter()
            .filter(|c| !c.name.eq_ignore_ascii_case(column))
            .any(|c| c.checks.iter().any(in_expr))
}

pub(super) fn foreign_key_set(t: &Table) -> Vec<ForeignKey> {
    let mut fks: Vec<ForeignKey> = t
        .foreign_keys
        .iter()
        .map(|fk| ForeignKey {
            columns: fk.columns.iter().map(|c| c.to_lowercase()).collect(),
            references_table: fk.references_table.to_lowercase(),
            references_columns: fk
                .references_columns
                .iter()
                .map(|c| c.to_lowercase())
                .collect(),
            on_delete: fk.on_delete,
            on_update: fk.on_update,
        })
        .collect();
    fks.sort();
    fks
}
