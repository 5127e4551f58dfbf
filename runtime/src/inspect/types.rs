//! The Rust type of a column: from its declared type (by SQLite's affinity
//! rules on a non-STRICT table) and its bool CHECK.

use crate::dialect::sqlite::sql_text;
use crate::model::column_type::ValueCheck;
use crate::schema::{Column, SqlType};

/// A Rust type the models use, by the SQL type its `ColumnType` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Base {
    /// `i64`: INTEGER.
    I64,
    /// `bool`: INTEGER with the CHECK `"col" IN (0, 1)`.
    Bool,
    /// `f64`: REAL.
    F64,
    /// `String`: TEXT.
    String,
    /// `Vec<u8>`: BLOB.
    Bytes,
    /// `rusqlite::types::Value`: ANY, every value as it is stored.
    Value,
}

impl Base {
    /// The type as the models spell it.
    pub(super) fn rust(self) -> &'static str {
        match self {
            Self::I64 => "i64",
            Self::Bool => "bool",
            Self::F64 => "f64",
            Self::String => "String",
            Self::Bytes => "Vec<u8>",
            Self::Value => "stillroom::rusqlite::types::Value",
        }
    }

    /// The declared type its `ColumnType` gives.
    pub(super) fn sql_type(self) -> SqlType {
        match self {
            Self::I64 | Self::Bool => SqlType::Integer,
            Self::F64 => SqlType::Real,
            Self::String => SqlType::Text,
            Self::Bytes => SqlType::Blob,
            Self::Value => SqlType::Any,
        }
    }
}

/// The type chosen for a column, and why when it was a choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Choice {
    pub(super) base: Base,
    /// A note for the reader when the declared type did not decide it.
    pub(super) note: Option<String>,
}

/// The Rust type for `column`. `may_be_bool` is false where `bool` cannot go
/// (an AUTOINCREMENT key must be `i64`).
pub(super) fn choose(column: &Column, may_be_bool: bool) -> Choice {
    let is_bool = may_be_bool && column.checks.iter().any(|c| is_bool_check(c, &column.name));
    let integer = if is_bool { Base::Bool } else { Base::I64 };
    let plain = |base| Choice { base, note: None };
    match &column.sql_type {
        SqlType::Integer => plain(integer),
        SqlType::Real => plain(Base::F64),
        SqlType::Text => plain(Base::String),
        SqlType::Blob => plain(Base::Bytes),
        SqlType::Any => plain(Base::Value),
        SqlType::Declared(declared) => by_affinity(declared, integer),
    }
}

/// Whether `check` is the CHECK `bool` adds to `column`, however spaced,
/// cased or quoted.
pub(super) fn is_bool_check(check: &str, column: &str) -> bool {
    sql_text::canonical(check) == sql_text::canonical(&ValueCheck::Boolean.render(column))
}

/// The type for a declared type, by SQLite's rules for a column's affinity
/// (<https://sqlite.org/datatype3.html#determination_of_column_affinity>),
/// in their order: the first rule that matches decides.
fn by_affinity(declared: &str, integer: Base) -> Choice {
    let has = |part: &str| declared.contains(part);
    let plain = |base| Choice { base, note: None };
    if has("INT") {
        plain(integer)
    } else if has("CHAR") || has("CLOB") || has("TEXT") {
        plain(Base::String)
    } else if has("BLOB") {
        plain(Base::Bytes)
    } else if declared.is_empty() {
        plain(Base::Value)
    } else if has("REAL") || has("FLOA") || has("DOUB") {
        plain(Base::F64)
    } else {
        numeric(declared, integer)
    }
}

/// NUMERIC affinity: SQLite stores a value that looks like a number as an
/// INTEGER or REAL and anything else as given, so no one Rust type but
/// `Value` reads every value. The type is chosen for what the name promises
/// and what ORMs write into such columns; the note says so.
fn numeric(declared: &str, integer: Base) -> Choice {
    let has = |part: &str| declared.contains(part);
    let (base, why) = if has("BOOL") {
        if integer == Base::Bool {
            (Base::Bool, None)
        } else {
            (
                Base::I64,
                Some(
                    "no column CHECK `IN (0, 1)`, so `i64`, which reads the 0 and 1 ORMs store (`bool` would add that CHECK)",
                ),
            )
        }
    } else if has("DATE") || has("TIME") {
        (
            Base::String,
            Some(
                "`String` reads the ISO 8601 text ORMs store; a value that looks like a number (a Unix time) is stored as a number, which it cannot read",
            ),
        )
    } else if has("JSON") {
        (
            Base::String,
            Some(
                "`String` reads JSON text; a bare JSON number is stored as a number, which it cannot read",
            ),
        )
    } else if has("DEC") || has("NUMERIC") || has("NUMBER") || has("MONEY") {
        (
            Base::F64,
            Some(
                "values are stored as INTEGER or REAL, which `f64` reads; integers beyond 2^53 only approximately (`Value` keeps them exact)",
            ),
        )
    } else {
        (
            Base::Value,
            Some(
                "text that looks like a number is stored as a number, so only `Value` reads every value",
            ),
        )
    };
    Choice {
        base,
        note: why.map(|why| format!("declared {declared} (NUMERIC affinity): {why}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(declared: &str, checks: &[&str]) -> Base {
        let mut column = Column::new("c", SqlType::parse(declared));
        column.checks = checks.iter().map(|c| (*c).to_owned()).collect();
        choose(&column, true).base
    }

    #[test]
    fn affinity_rules_in_sqlites_order() {
        use Base::*;
        for (declared, expected) in [
            ("INTEGER", I64),
            ("INT", I64),
            ("UNSIGNED BIG INT", I64),
            ("FLOATING POINT", I64), // "INT" comes first
            ("VARCHAR(40)", String),
            ("NATIVE CHARACTER(70)", String),
            ("CLOB", String),
            ("TEXT", String),
            ("BLOB", Bytes),
            ("", Value),
            ("REAL", F64),
            ("DOUBLE PRECISION", F64),
            ("FLOAT", F64),
            ("ANY", Value),
            ("BOOLEAN", I64),
            ("DATETIME", String),
            ("TIMESTAMP", String),
            ("DATE", String),
            ("JSON", String),
            ("DECIMAL(10,2)", F64),
            ("NUMERIC", F64),
            ("STRING", Value), // NUMERIC affinity, famously
        ] {
            assert_eq!(base(declared, &[]), expected, "{declared}");
        }
    }

    #[test]
    fn bool_needs_its_exact_check_and_an_integer_affinity() {
        assert_eq!(base("INTEGER", &["\"c\" IN (0, 1)"]), Base::Bool);
        assert_eq!(base("BOOLEAN", &["c in (0,1)"]), Base::Bool);
        assert_eq!(base("TINYINT(1)", &["\"c\" IN (0, 1)"]), Base::Bool);
        assert_eq!(base("INTEGER", &["c IN (1, 0)"]), Base::I64);
        assert_eq!(base("INTEGER", &["d IN (0, 1)"]), Base::I64);
        assert_eq!(base("TEXT", &["c IN (0, 1)"]), Base::String);
        let mut key = Column::new("c", SqlType::Integer);
        key.checks.push("c IN (0, 1)".into());
        assert_eq!(choose(&key, false).base, Base::I64);
    }

    #[test]
    fn numeric_choices_are_explained() {
        let note = |declared: &str| choose(&Column::new("c", SqlType::parse(declared)), true).note;
        assert!(
            note("DATETIME").is_some_and(|n| n.starts_with("declared DATETIME (NUMERIC affinity)"))
        );
        assert!(note("VARCHAR(40)").is_none());
        assert!(note("INTEGER").is_none());
    }
}
