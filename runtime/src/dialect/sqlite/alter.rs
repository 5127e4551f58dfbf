//! What SQLite's `ALTER TABLE` can change in place (anything else is a
//! table rebuild), and which declared types store the same values: type
//! affinity, the rowid, `ADD COLUMN` and `DROP COLUMN`'s documented limits.

use super::sql_text;
use crate::autogenerate::diff::canonical_default;
use crate::schema::{Column, ForeignKey, SqlType, Table};

/// A column's type affinity: how SQLite converts the values stored in it
/// (<https://sqlite.org/datatype3.html#determination_of_column_affinity>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Affinity {
    Integer,
    Text,
    Blob,
    Real,
    Numeric,
}

pub(crate) fn affinity(sql_type: &SqlType) -> Affinity {
    let name = sql_type.as_sql();
    if name.contains("INT") {
        Affinity::Integer
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|w| name.contains(w)) {
        Affinity::Text
    } else if name.contains("BLOB") || name.is_empty() || name == "ANY" {
        Affinity::Blob
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|w| name.contains(w)) {
        Affinity::Real
    } else {
        Affinity::Numeric
    }
}

/// Whether `column` is `table`'s rowid: its one key column, declared
/// `INTEGER` (`INT PRIMARY KEY` is not).
pub(crate) fn is_rowid_alias(column: &Column, table: &Table) -> bool {
    column.sql_type == SqlType::Integer
        && matches!(table.primary_key.columns.as_slice(), [k] if k.eq_ignore_ascii_case(&column.name))
}

/// Whether column `a` of table `at` and column `b` of table `bt` are
/// declared types that store and accept the same values: the same type, or
/// on two tables that are not STRICT, two spellings of one affinity
/// (`VARCHAR(40)` and `TEXT`); on STRICT tables `INT` is `INTEGER`. Never a
/// rowid and a column that is not one.
pub(crate) fn same_type(a: &Column, at: &Table, b: &Column, bt: &Table) -> bool {
    if a.sql_type == b.sql_type {
        return true;
    }
    if is_rowid_alias(a, at) != is_rowid_alias(b, bt) {
        return false;
    }
    let integer = |t: &SqlType| matches!(t, SqlType::Integer) || t.as_sql() == "INT";
    affinity(&a.sql_type) == affinity(&b.sql_type)
        && ((!at.strict && !bt.strict) || (integer(&a.sql_type) && integer(&b.sql_type)))
}

/// Whether every value of type `from` survives as type `to`: the same
/// affinity (SQLite converts no stored value), `ANY`, or numbers to text.
pub(crate) fn lossless(from: &SqlType, to: &SqlType) -> bool {
    *to == SqlType::Any
        || affinity(from) == affinity(to)
        || matches!(
            (from, to),
            (SqlType::Integer | SqlType::Real, SqlType::Text)
        )
}

/// Whether `ALTER TABLE ADD COLUMN` can add `column` to `table` (SQLite's
/// documented limits), or why not.
pub(crate) fn addable(column: &Column, table: &Table) -> Result<(), &'static str> {
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
pub(crate) fn droppable(table: &Table, column: &str) -> bool {
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
