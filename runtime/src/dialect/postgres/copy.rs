//! Moving an application's rows from SQLite to PostgreSQL: the last step of
//! the move, after the PostgreSQL database was migrated with a history
//! generated for it from the same models.

use postgres::Client;
use rusqlite::types::ValueRef;

use super::types::form_schema;
use crate::schema::{Schema, dependency_order, quote_ident};
use crate::{Error, Result};

/// How many rows [`copy_from_sqlite`] copied, per table, in the order it
/// copied them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Copied {
    /// `(table, rows)`.
    pub tables: Vec<(String, u64)>,
}

/// Copies every row of the models' tables from the SQLite database behind
/// `sqlite` into the PostgreSQL database behind `client`, in one
/// transaction: all rows or, after any error, none.
///
/// The PostgreSQL tables must exist, with the models' schema (migrate the
/// database first, with a history generated for PostgreSQL from the same
/// models), and be empty: rows already there are not merged with. Tables
/// are copied parents first (foreign keys hold at every insert); each
/// value is converted to the column's PostgreSQL type (0 and 1 to `false`
/// and `true`, a 16-byte BLOB to a `UUID`, ISO 8601 text to a timestamp);
/// identity keys go on above the highest key copied.
///
/// ```no_run
/// # fn main() -> stillroom::Result<()> {
/// let sqlite = stillroom::open("app.db")?;
/// let mut client = stillroom::postgres::connect("postgres://app@db.internal/app")?;
/// stillroom::postgres::migrate(&mut client)?;
/// let copied = stillroom::postgres::copy_from_sqlite(&sqlite, &mut client, stillroom::registry()?)?;
/// for (table, rows) in &copied.tables {
///     println!("{table}: {rows} rows");
/// }
/// # Ok(())
/// # }
/// ```
pub fn copy_from_sqlite(
    sqlite: &rusqlite::Connection,
    client: &mut Client,
    models: &Schema,
) -> Result<Copied> {
    let target = form_schema(models)?;
    let mut tx = client.transaction()?;
    let mut copied = Copied::default();
    for table in dependency_order(target.tables()) {
        let name = quote_ident(&table.name);
        let present: i64 = tx
            .query_one(&format!("SELECT count(*) FROM (SELECT 1 FROM {name} LIMIT 1) AS t"), &[])
            .map_err(|e| match e.code() {
                Some(c) if *c == postgres::error::SqlState::UNDEFINED_TABLE => Error::Unsupported {
                    message: format!(
                        "PostgreSQL has no table `{}`: migrate it to the models first (`stillroom::postgres::migrate`), then copy",
                        table.name
                    ),
                },
                _ => e.into(),
            })?
            .get(0);
        if present > 0 {
            return Err(Error::Unsupported {
                message: format!(
                    "PostgreSQL's table `{}` already has rows: the copy fills empty tables only, so nothing was copied",
                    table.name
                ),
            });
        }
        let columns: Vec<String> = table.columns.iter().map(|c| quote_ident(&c.name)).collect();
        let casts: Vec<String> = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("${}::text::{}", i + 1, c.sql_type.as_sql()))
            .collect();
        let insert = tx.prepare(&format!(
            "INSERT INTO {name} ({}) VALUES ({})",
            columns.join(", "),
            casts.join(", ")
        ))?;
        let mut read = sqlite
            .prepare(&format!(
                "SELECT {} FROM {name} ORDER BY rowid",
                columns.join(", ")
            ))
            .or_else(|_| {
                // WITHOUT ROWID tables: their key orders them.
                sqlite.prepare(&format!("SELECT {} FROM {name}", columns.join(", ")))
            })?;
        let mut rows = read.query([])?;
        let mut count = 0u64;
        while let Some(row) = rows.next()? {
            let mut values: Vec<Option<String>> = Vec::with_capacity(table.columns.len());
            for (i, column) in table.columns.iter().enumerate() {
                values.push(
                    as_text(row.get_ref(i)?, column.sql_type.as_sql()).map_err(|why| {
                        Error::Unsupported {
                            message: format!(
                                "row {} of `{}`, column `{}`: {why}; nothing was copied",
                                count + 1,
                                table.name,
                                column.name
                            ),
                        }
                    })?,
                );
            }
            let params: Vec<&(dyn postgres::types::ToSql + Sync)> = values
                .iter()
                .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                .collect();
            tx.execute(&insert, &params)?;
            count += 1;
        }
        if table.primary_key.autoincrement
            && let [key] = table.primary_key.columns.as_slice()
        {
            let key = quote_ident(key);
            tx.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max({key}), 0) + 1, false) FROM {name}"
                ),
                &[&name, &table.primary_key.columns[0]],
            )?;
        }
        copied.tables.push((table.name.clone(), count));
    }
    tx.commit()?;
    Ok(copied)
}

/// A SQLite value as the text PostgreSQL reads as `pg_type`.
pub(crate) fn as_text(
    value: ValueRef<'_>,
    pg_type: &str,
) -> std::result::Result<Option<String>, String> {
    Ok(Some(match value {
        ValueRef::Null => return Ok(None),
        ValueRef::Integer(i) if pg_type == "BOOLEAN" => match i {
            0 => "false".to_owned(),
            1 => "true".to_owned(),
            other => return Err(format!("{other} is not a boolean (0 or 1)")),
        },
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) if f.is_nan() => "NaN".to_owned(),
        ValueRef::Real(f) if f.is_infinite() => {
            if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
        }
        ValueRef::Real(f) => format!("{f:?}"),
        ValueRef::Text(bytes) => std::str::from_utf8(bytes)
            .map_err(|e| format!("the text is not UTF-8 ({e})"))?
            .to_owned(),
        ValueRef::Blob(bytes) if pg_type == "UUID" => {
            if bytes.len() != 16 {
                return Err(format!("a UUID is 16 bytes, this BLOB has {}", bytes.len()));
            }
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..]
            )
        }
        ValueRef::Blob(bytes) => {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            format!("\\x{hex}")
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_postgresqls_text() {
        assert_eq!(
            as_text(ValueRef::Integer(1), "BOOLEAN"),
            Ok(Some("true".into()))
        );
        assert!(as_text(ValueRef::Integer(2), "BOOLEAN").is_err());
        assert_eq!(
            as_text(ValueRef::Real(0.1), "DOUBLE PRECISION"),
            Ok(Some("0.1".into()))
        );
        assert_eq!(
            as_text(ValueRef::Real(f64::INFINITY), "REAL"),
            Ok(Some("Infinity".into()))
        );
        assert_eq!(
            as_text(ValueRef::Blob(&[0xab, 1]), "BYTEA"),
            Ok(Some("\\xab01".into()))
        );
        assert_eq!(
            as_text(ValueRef::Blob(&[0x12; 16]), "UUID"),
            Ok(Some("12121212-1212-1212-1212-121212121212".into()))
        );
        assert_eq!(as_text(ValueRef::Null, "TEXT"), Ok(None));
    }
}
