//! How Rust types map to SQLite columns: the [`ColumnType`] trait.

use rusqlite::types::{FromSql, ToSql};

use crate::schema::{Kind, SqlType, quote_ident, quote_literal};

/// A Rust type that can be stored in one SQLite column.
///
/// This trait is the single source of the mapping from Rust to SQLite: the
/// derive asks it for each field's SQL type, nullability and value check, and
/// reads and writes values through rusqlite's [`ToSql`] and [`FromSql`].
///
/// | Rust | SQLite |
/// |---|---|
/// | `i8`, `i16`, `i32`, `i64`, `u8`, `u16`, `u32` | `INTEGER` |
/// | `bool` | `INTEGER` with `CHECK (col IN (0, 1))` |
/// | `f32`, `f64` | `REAL` |
/// | `String` | `TEXT` |
/// | `Vec<u8>`, `[u8; N]` | `BLOB` |
/// | `rusqlite::types::Value` | `ANY` (STRICT tables keep each value as given) |
/// | `Option<T>` | as `T`, but nullable |
/// | chrono's `NaiveDate`, `NaiveTime`, `NaiveDateTime`, `DateTime<Utc / Local / FixedOffset>` (feature `chrono`) | `TEXT` (ISO 8601) |
/// | time's `Date`, `Time`, `PrimitiveDateTime`, `OffsetDateTime`, `UtcDateTime` (feature `time`) | `TEXT` (ISO 8601) |
/// | `uuid::Uuid` (feature `uuid`) | `BLOB` (16 bytes) |
/// | `serde_json::Value` (feature `serde_json`) | `TEXT` (JSON null is SQL NULL: use `Option<Value>` for it) |
///
/// `u64`, `usize`, `u128` and `i128` are not supported: SQLite integers are
/// 64-bit signed, so their large values could not be stored. Use `i64`, or a
/// type of your own stored as `TEXT` or `BLOB`.
///
/// # Your own types
///
/// Implement this trait plus rusqlite's `ToSql` and `FromSql`. An enum stored
/// as text, with a CHECK that only its names are stored:
///
/// ```
/// use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
/// use stillroom::{ColumnType, SqlType, ValueCheck};
///
/// #[derive(Debug, Clone, Copy, PartialEq)]
/// enum Status { Queued, Done }
///
/// impl ToSql for Status {
///     fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
///         Ok(match self { Status::Queued => "queued", Status::Done => "done" }.into())
///     }
/// }
///
/// impl FromSql for Status {
///     fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
///         match value.as_str()? {
///             "queued" => Ok(Status::Queued),
///             "done" => Ok(Status::Done),
///             other => Err(FromSqlError::Other(format!("unknown status {other:?}").into())),
///         }
///     }
/// }
///
/// impl ColumnType for Status {
///     const SQL_TYPE: SqlType = SqlType::Text;
///     const CHECK: Option<ValueCheck> = Some(ValueCheck::OneOf(&["queued", "done"]));
/// }
///
/// assert_eq!(ValueCheck::OneOf(&["queued", "done"]).render("status"), r#""status" IN ('queued', 'done')"#);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a stillroom model column",
    label = "`{Self}` does not implement `stillroom::ColumnType`",
    note = "implement `stillroom::ColumnType` (with rusqlite's `ToSql` and `FromSql`) for it, enable the stillroom feature for its crate (`chrono`, `time`, `uuid`, `serde_json`), or mark the field `#[model(skip)]`",
    note = "`u64`, `usize`, `u128` and `i128` cannot be stored losslessly in SQLite's 64-bit signed INTEGER: use `i64`"
)]
pub trait ColumnType: ToSql + FromSql {
    /// The column's declared type.
    const SQL_TYPE: SqlType;
    /// Whether the column accepts NULL (only `Option<T>` says yes).
    const NULLABLE: bool = false;
    /// A CHECK every stored value must pass, if any.
    const CHECK: Option<ValueCheck> = None;
    /// What the type holds beyond its SQLite type (a `bool`, a timestamp),
    /// for databases with richer types; `None` for a type of your own,
    /// which such a database stores as [`SQL_TYPE`](Self::SQL_TYPE) says.
    const KIND: Option<Kind> = None;
}

/// A constraint on a column's values, rendered as a CHECK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueCheck {
    /// The value is 0 or 1 (`bool`).
    Boolean,
    /// The value is one of these strings (an enum stored as text).
    OneOf(&'static [&'static str]),
}

impl ValueCheck {
    /// The CHECK expression for `column`.
    ///
    /// ```
    /// assert_eq!(stillroom::ValueCheck::Boolean.render("done"), r#""done" IN (0, 1)"#);
    /// ```
    pub fn render(&self, column: &str) -> String {
        let column = quote_ident(column);
        match self {
            Self::Boolean => format!("{column} IN (0, 1)"),
            Self::OneOf(values) => {
                let list: Vec<String> = values.iter().map(|v| quote_literal(v)).collect();
                format!("{column} IN ({})", list.join(", "))
            }
        }
    }
}

macro_rules! column_types {
    ($sql:ident / $kind:ident: $($t:ty),+ $(,)?) => {
        $(impl ColumnType for $t {
            const SQL_TYPE: SqlType = SqlType::$sql;
            const KIND: Option<Kind> = Some(Kind::$kind);
        })+
    };
}

column_types!(Integer / SmallInt: i8, i16, u8);
column_types!(Integer / Int: i32, u16);
column_types!(Integer / BigInt: i64, u32);
column_types!(Real / Float: f32);
column_types!(Real / Double: f64);
column_types!(Text / Text: String);
column_types!(Blob / Bytes: Vec<u8>);

impl<const N: usize> ColumnType for [u8; N] {
    const SQL_TYPE: SqlType = SqlType::Blob;
    const KIND: Option<Kind> = Some(Kind::Bytes);
}

impl ColumnType for bool {
    const SQL_TYPE: SqlType = SqlType::Integer;
    const CHECK: Option<ValueCheck> = Some(ValueCheck::Boolean);
    const KIND: Option<Kind> = Some(Kind::Bool);
}

/// Any value, as stored: the column type of STRICT's `ANY` columns.
impl ColumnType for rusqlite::types::Value {
    const SQL_TYPE: SqlType = SqlType::Any;
}

impl<T: ColumnType> ColumnType for Option<T> {
    const SQL_TYPE: SqlType = T::SQL_TYPE;
    const NULLABLE: bool = true;
    const CHECK: Option<ValueCheck> = T::CHECK;
    const KIND: Option<Kind> = T::KIND;
}

#[cfg(feature = "chrono")]
column_types!(Text / Date: chrono::NaiveDate);
#[cfg(feature = "chrono")]
column_types!(Text / Time: chrono::NaiveTime);
#[cfg(feature = "chrono")]
column_types!(Text / Timestamp: chrono::NaiveDateTime);
#[cfg(feature = "chrono")]
column_types!(
    Text / TimestampTz: chrono::DateTime<chrono::Utc>,
    chrono::DateTime<chrono::Local>,
    chrono::DateTime<chrono::FixedOffset>,
);

#[cfg(feature = "time")]
column_types!(Text / Date: time::Date);
#[cfg(feature = "time")]
column_types!(Text / Time: time::Time);
#[cfg(feature = "time")]
column_types!(Text / Timestamp: time::PrimitiveDateTime);
#[cfg(feature = "time")]
column_types!(Text / TimestampTz: time::OffsetDateTime, time::UtcDateTime);

#[cfg(feature = "uuid")]
column_types!(Blob / Uuid: uuid::Uuid);

#[cfg(feature = "serde_json")]
column_types!(Text / Json: serde_json::Value);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_keeps_type_and_check_and_allows_null() {
        const { assert!(<Option<bool> as ColumnType>::NULLABLE) };
        const { assert!(!<bool as ColumnType>::NULLABLE) };
        assert_eq!(<Option<bool> as ColumnType>::SQL_TYPE, SqlType::Integer);
        assert_eq!(
            <Option<bool> as ColumnType>::CHECK,
            Some(ValueCheck::Boolean)
        );
    }

    #[test]
    fn one_of_quotes_values() {
        assert_eq!(
            ValueCheck::OneOf(&["it's", "b"]).render("s t"),
            r#""s t" IN ('it''s', 'b')"#
        );
    }
}
