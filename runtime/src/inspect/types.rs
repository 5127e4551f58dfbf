//! The Rust type of a column. On SQLite: from its declared type (by
//! SQLite's affinity rules on a non-STRICT table) and its bool CHECK. On
//! PostgreSQL: the Rust type whose PostgreSQL type (`Kind`) the column has,
//! else `String` with the column's type as `sql_type`.

use crate::dialect::Dialect;
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
    /// `i32`: PostgreSQL's INTEGER.
    I32,
    /// `i16`: SMALLINT.
    I16,
    /// `f32`: PostgreSQL's REAL.
    F32,
    /// `chrono::NaiveDate`: DATE.
    Date,
    /// `chrono::NaiveTime`: TIME.
    Time,
    /// `chrono::NaiveDateTime`: TIMESTAMP.
    Timestamp,
    /// `chrono::DateTime<chrono::Utc>`: TIMESTAMPTZ.
    TimestampTz,
    /// `uuid::Uuid`: UUID.
    Uuid,
    /// `serde_json::Value`: JSONB.
    Json,
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
            Self::I32 => "i32",
            Self::I16 => "i16",
            Self::F32 => "f32",
            Self::Date => "chrono::NaiveDate",
            Self::Time => "chrono::NaiveTime",
            Self::Timestamp => "chrono::NaiveDateTime",
            Self::TimestampTz => "chrono::DateTime<chrono::Utc>",
            Self::Uuid => "uuid::Uuid",
            Self::Json => "serde_json::Value",
        }
    }

    /// The stillroom feature the type needs, if any.
    pub(super) fn feature(self) -> Option<&'static str> {
        match self {
            Self::Date | Self::Time | Self::Timestamp | Self::TimestampTz => Some("chrono"),
            Self::Uuid => Some("uuid"),
            Self::Json => Some("serde_json"),
            _ => None,
        }
    }

    /// The SQLite type its `ColumnType` gives.
    pub(super) fn sqlite_type(self) -> SqlType {
        match self {
            Self::I64 | Self::Bool | Self::I32 | Self::I16 => SqlType::Integer,
            Self::F64 | Self::F32 => SqlType::Real,
            Self::String | Self::Date | Self::Time | Self::Timestamp | Self::TimestampTz => {
                SqlType::Text
            }
            Self::Json => SqlType::Text,
            Self::Bytes | Self::Uuid => SqlType::Blob,
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

/// The type for `column` of a `dialect` database, with the `sql_type`
/// attribute it needs (when the Rust type alone does not give the
/// column's type) and the notes on both. `may_be_bool` is false where
/// `bool` cannot go (an AUTOINCREMENT key must be an integer).
pub(super) fn choose_in(
    dialect: Dialect,
    column: &Column,
    may_be_bool: bool,
) -> (Choice, Option<String>, Vec<String>) {
    match dialect {
        Dialect::Sqlite => {
            let choice = choose(column, may_be_bool);
            let mut notes: Vec<String> = choice.note.clone().into_iter().collect();
            let attr = sqlite_attr(column, choice.base, &mut notes);
            (choice, attr, notes)
        }
        // A model's PostgreSQL type is its Rust type's: no `sql_type`.
        Dialect::Postgres => {
            let choice = postgres(column);
            let notes = choice.note.clone().into_iter().collect();
            (choice, None, notes)
        }
    }
}

/// `sql_type = "..."` on SQLite, when the declared type is not the one the
/// Rust type gives.
fn sqlite_attr(column: &Column, base: Base, notes: &mut Vec<String>) -> Option<String> {
    if column.sql_type == base.sqlite_type() {
        return None;
    }
    if column.sql_type == SqlType::Declared(String::new()) {
        notes.push(
            "differs: no declared type (values are stored as given, and `Value` reads them all); \
             a model column needs one, and BLOB stores values the same way"
                .into(),
        );
        Some("BLOB".into())
    } else {
        Some(column.sql_type.as_sql().to_owned())
    }
}

/// The PostgreSQL type a Rust type gives (its `Kind`'s).
fn postgres_type(base: Base) -> Option<&'static str> {
    Some(match base {
        Base::I64 => "BIGINT",
        Base::I32 => "INTEGER",
        Base::I16 => "SMALLINT",
        Base::Bool => "BOOLEAN",
        Base::F64 => "DOUBLE PRECISION",
        Base::F32 => "REAL",
        Base::String => "TEXT",
        Base::Bytes => "BYTEA",
        Base::Date => "DATE",
        Base::Time => "TIME",
        Base::Timestamp => "TIMESTAMP",
        Base::TimestampTz => "TIMESTAMPTZ",
        Base::Uuid => "UUID",
        Base::Json => "JSONB",
        Base::Value => return None,
    })
}

/// The Rust type for a PostgreSQL column (its type as the catalog names it,
/// in stillroom's one spelling): the one whose `Kind` is that type; else the
/// nearest, with a `differs:` note saying what adoption does with the
/// column (converts it when every value survives, refuses otherwise).
fn postgres(column: &Column) -> Choice {
    let declared = column.sql_type.as_sql();
    let exact = [
        Base::I64,
        Base::I32,
        Base::I16,
        Base::Bool,
        Base::F64,
        Base::F32,
        Base::String,
        Base::Bytes,
        Base::Date,
        Base::Time,
        Base::Timestamp,
        Base::TimestampTz,
        Base::Uuid,
        Base::Json,
    ]
    .into_iter()
    .find(|&b| postgres_type(b) == Some(declared));
    if let Some(base) = exact {
        return Choice { base, note: None };
    }
    let base = if declared.starts_with("NUMERIC") || declared == "MONEY" {
        Base::F64
    } else if declared == "JSON" {
        Base::Json
    } else if declared == "TIMETZ" {
        Base::Time
    } else {
        Base::String
    };
    let to = postgres_type(base).unwrap_or("TEXT");
    let adoption = if Dialect::Postgres.lossless(
        &SqlType::Declared(declared.to_owned()),
        &SqlType::Declared(to.to_owned()),
    ) {
        "adoption converts the column (every value fits)"
    } else {
        "adoption refuses to convert the column, as values could change: keep it out of the models' tables, or convert it by hand first"
    };
    Choice {
        base,
        note: Some(format!(
            "differs: the database declares {declared}, which no Rust type gives; `{}` is {to}, and {adoption}",
            base.rust()
        )),
    }
}

/// The Rust type for `column` on SQLite. `may_be_bool` is false where
/// `bool` cannot go (an AUTOINCREMENT key must be `i64`).
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
