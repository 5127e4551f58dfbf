//! Reading and writing a model's rows on PostgreSQL: the same derived
//! models as on SQLite, through [`Rows`], an extension of the `postgres`
//! client.
//!
//! A field's value goes through the field type's own SQLite conversion
//! (`ColumnType`, the rusqlite `ToSql`/`FromSql` every model field has), on
//! a small in-memory SQLite connection used as a codec, then to and from
//! PostgreSQL's text form for the column's PostgreSQL type, as
//! [`copy_from_sqlite`](super::copy_from_sqlite) does. So every field type a
//! model can have works on PostgreSQL too, an application's own types
//! included, and a value reads back as it was written on either database.
//! The codec costs a few microseconds a row, far below a round trip to the
//! server.

use std::cell::RefCell;

use postgres::GenericClient;
use postgres::types::ToSql;
use rusqlite::types::{Value, ValueRef};

use super::copy::as_text;
use super::types::column_type;
use crate::model::{AutoIncrement, Model};
use crate::schema::{Table, quote_ident};
use crate::{Error, Result};

/// CRUD for derived models on a PostgreSQL client or transaction: the
/// methods of [`Model`] with the client as the receiver. Conditions and
/// their parameters are PostgreSQL's (`$1`, `$2`, ...).
///
/// ```no_run
/// # fn main() -> stillroom::Result<()> {
/// use stillroom::postgres::Rows as _;
///
/// #[derive(stillroom::Model, Debug, PartialEq)]
/// struct Job {
///     #[model(primary_key)]
///     id: String,
///     status: String,
/// }
///
/// let mut client = stillroom::postgres::connect("postgres://app@localhost/app")?;
/// let job = Job { id: "a1".into(), status: "queued".into() };
/// client.insert(&job)?;
/// assert_eq!(client.get::<Job>("a1")?, Some(job));
/// let queued: Vec<Job> = client.select("status = $1 ORDER BY id", &[&"queued"])?;
/// assert_eq!(client.count::<Job>()?, 1);
/// # Ok(())
/// # }
/// ```
pub trait Rows {
    /// Inserts `row`; fails (with PostgreSQL's unique violation) if a row
    /// with its key exists.
    fn insert<M: Model>(&mut self, row: &M) -> Result<()>;
    /// Inserts `row` with a key the database picks (the identity column),
    /// sets the key field to it and returns it.
    fn insert_new<M: AutoIncrement>(&mut self, row: &mut M) -> Result<i64>;
    /// Inserts `row`, or updates every column of the row with its key
    /// (`INSERT ... ON CONFLICT DO UPDATE`).
    fn upsert<M: Model>(&mut self, row: &M) -> Result<()>;
    /// Updates the row with `row`'s key; returns whether one existed.
    fn update<M: Model>(&mut self, row: &M) -> Result<bool>;
    /// Deletes the row with `row`'s key; returns whether one existed.
    fn delete<M: Model>(&mut self, row: &M) -> Result<bool>;
    /// The row with `key`, if any. A composite key is a tuple in key order.
    fn get<M: Model>(&mut self, key: impl Into<M::Key>) -> Result<Option<M>>;
    /// Every row, in key order.
    fn all<M: Model>(&mut self) -> Result<Vec<M>>;
    /// The rows matching `condition` (what follows `WHERE`, with `$1`, ...
    /// for `params`; it may end with `ORDER BY` or `LIMIT`).
    fn select<M: Model>(
        &mut self,
        condition: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<M>>;
    /// The number of rows.
    fn count<M: Model>(&mut self) -> Result<u64>;
    /// The number of rows matching `condition`.
    fn count_where<M: Model>(
        &mut self,
        condition: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64>;
}

impl<C: GenericClient> Rows for C {
    fn insert<M: Model>(&mut self, row: &M) -> Result<()> {
        let shape = Shape::of::<M>()?;
        let values = shape.params(&codec::values_of(row)?)?;
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            shape.name, shape.column_list, shape.casts
        );
        self.execute(&sql, &refs(&values))?;
        Ok(())
    }

    fn insert_new<M: AutoIncrement>(&mut self, row: &mut M) -> Result<i64> {
        let shape = Shape::of::<M>()?;
        let values = shape.params(&codec::values_of(row)?)?;
        let [key] = shape.key_positions.as_slice() else {
            return Err(Error::Unsupported {
                message: format!(
                    "`{}` has no one-column key for the database to pick",
                    shape.table.name
                ),
            });
        };
        let others: Vec<usize> = (0..values.len()).filter(|i| i != key).collect();
        let columns: Vec<String> = others
            .iter()
            .map(|&i| quote_ident(&shape.table.columns[i].name))
            .collect();
        let casts: Vec<String> = others
            .iter()
            .enumerate()
            .map(|(n, &i)| format!("${}::text::{}", n + 1, shape.types[i]))
            .collect();
        let key_name = quote_ident(&shape.table.columns[*key].name);
        let sql = if others.is_empty() {
            format!(
                "INSERT INTO {} DEFAULT VALUES RETURNING {key_name}",
                shape.name
            )
        } else {
            format!(
                "INSERT INTO {} ({}) VALUES ({}) RETURNING {key_name}",
                shape.name,
                columns.join(", "),
                casts.join(", ")
            )
        };
        let params: Vec<Option<String>> = others.iter().map(|&i| values[i].clone()).collect();
        let id: i64 = self.query_one(&sql, &refs(&params))?.get(0);
        row.__set_key(id);
        Ok(id)
    }

    fn upsert<M: Model>(&mut self, row: &M) -> Result<()> {
        let shape = Shape::of::<M>()?;
        let values = shape.params(&codec::values_of(row)?)?;
        let non_key: Vec<String> = shape
            .table
            .columns
            .iter()
            .filter(|c| !shape.table.primary_key.columns.contains(&c.name))
            .map(|c| format!("{0} = excluded.{0}", quote_ident(&c.name)))
            .collect();
        let action = if non_key.is_empty() {
            "NOTHING".to_owned()
        } else {
            format!("UPDATE SET {}", non_key.join(", "))
        };
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) DO {action}",
            shape.name,
            shape.column_list,
            shape.casts,
            shape.key_list()
        );
        self.execute(&sql, &refs(&values))?;
        Ok(())
    }

    fn update<M: Model>(&mut self, row: &M) -> Result<bool> {
        let shape = Shape::of::<M>()?;
        let values = shape.params(&codec::values_of(row)?)?;
        let is_key = |name: &str| shape.table.primary_key.columns.iter().any(|k| k == name);
        let set: Vec<String> = shape
            .table
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| !is_key(&c.name))
            .map(|(i, c)| format!("{} = {}", quote_ident(&c.name), shape.cast(i)))
            .collect();
        let set = if set.is_empty() {
            // Only key columns: setting the key to itself still says
            // whether the row exists.
            shape.key_by_position(", ")
        } else {
            set.join(", ")
        };
        let sql = format!(
            "UPDATE {} SET {set} WHERE {}",
            shape.name,
            shape.key_by_position(" AND ")
        );
        Ok(self.execute(&sql, &refs(&values))? > 0)
    }

    fn delete<M: Model>(&mut self, row: &M) -> Result<bool> {
        let shape = Shape::of::<M>()?;
        let all = codec::values_of(row)?;
        let key: Vec<Value> = shape
            .key_positions
            .iter()
            .map(|&i| all[i].clone())
            .collect();
        let values = shape.key_params(&key)?;
        let sql = format!("DELETE FROM {} WHERE {}", shape.name, shape.key_by_order());
        Ok(self.execute(&sql, &refs(&values))? > 0)
    }

    fn get<M: Model>(&mut self, key: impl Into<M::Key>) -> Result<Option<M>> {
        let shape = Shape::of::<M>()?;
        let values = shape.key_params(&codec::key_values::<M>(&key.into())?)?;
        let sql = format!(
            "SELECT {} FROM {} WHERE {}",
            shape.reads,
            shape.name,
            shape.key_by_order()
        );
        match self.query_opt(&sql, &refs(&values))? {
            Some(row) => Ok(Some(shape.model(&row)?)),
            None => Ok(None),
        }
    }

    fn all<M: Model>(&mut self) -> Result<Vec<M>> {
        let shape = Shape::of::<M>()?;
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            shape.reads,
            shape.name,
            shape.key_list()
        );
        self.query(&sql, &[])?
            .iter()
            .map(|row| shape.model(row))
            .collect()
    }

    fn select<M: Model>(
        &mut self,
        condition: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<M>> {
        let shape = Shape::of::<M>()?;
        let sql = format!(
            "SELECT {} FROM {} WHERE {condition}",
            shape.reads, shape.name
        );
        self.query(&sql, params)?
            .iter()
            .map(|row| shape.model(row))
            .collect()
    }

    fn count<M: Model>(&mut self) -> Result<u64> {
        let name = quote_ident(&M::table().name);
        let n: i64 = self
            .query_one(&format!("SELECT count(*) FROM {name}"), &[])?
            .get(0);
        Ok(n.unsigned_abs())
    }

    fn count_where<M: Model>(
        &mut self,
        condition: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64> {
        let name = quote_ident(&M::table().name);
        let n: i64 = self
            .query_one(
                &format!("SELECT count(*) FROM {name} WHERE {condition}"),
                params,
            )?
            .get(0);
        Ok(n.unsigned_abs())
    }
}

fn refs(values: &[Option<String>]) -> Vec<&(dyn ToSql + Sync)> {
    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

/// How a column's PostgreSQL value is read, as text, back into the value
/// its field's SQLite conversion reads.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Read {
    Integer,
    Boolean,
    Real,
    Blob,
    Uuid,
    Text,
}

/// A model's table in PostgreSQL's terms, and the SQL fragments its
/// statements share.
struct Shape {
    table: &'static Table,
    name: String,
    /// Each column's PostgreSQL type.
    types: Vec<String>,
    reads_as: Vec<Read>,
    column_list: String,
    /// `$1::text::BIGINT, ...`: every value is sent as text.
    casts: String,
    /// The select list: each column as text in the form its field reads.
    reads: String,
    key_positions: Vec<usize>,
}

impl Shape {
    fn of<M: Model>() -> Result<Self> {
        let table = M::table();
        let types = table
            .columns
            .iter()
            .map(|c| column_type(&table.name, c))
            .collect::<Result<Vec<String>>>()?;
        let reads_as: Vec<Read> = types.iter().map(|t| read_of(t)).collect();
        let column_list = table
            .columns
            .iter()
            .map(|c| quote_ident(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        let casts = (0..types.len())
            .map(|i| format!("${}::text::{}", i + 1, types[i]))
            .collect::<Vec<_>>()
            .join(", ");
        let reads = table
            .columns
            .iter()
            .zip(&types)
            .zip(&reads_as)
            .map(|((c, ty), read)| read_expression(&quote_ident(&c.name), ty, *read))
            .collect::<Vec<_>>()
            .join(", ");
        let key_positions = table
            .primary_key
            .columns
            .iter()
            .filter_map(|k| table.columns.iter().position(|c| &c.name == k))
            .collect();
        Ok(Self {
            name: quote_ident(&table.name),
            table,
            types,
            reads_as,
            column_list,
            casts,
            reads,
            key_positions,
        })
    }

    fn cast(&self, i: usize) -> String {
        format!("${}::text::{}", i + 1, self.types[i])
    }

    fn key_list(&self) -> String {
        self.key_positions
            .iter()
            .map(|&i| quote_ident(&self.table.columns[i].name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `key = $N` with N the key column's position among all columns.
    fn key_by_position(&self, separator: &str) -> String {
        self.key_positions
            .iter()
            .map(|&i| {
                format!(
                    "{} = {}",
                    quote_ident(&self.table.columns[i].name),
                    self.cast(i)
                )
            })
            .collect::<Vec<_>>()
            .join(separator)
    }

    /// `key = $1 AND ...` in key order.
    fn key_by_order(&self) -> String {
        self.key_positions
            .iter()
            .enumerate()
            .map(|(n, &i)| {
                format!(
                    "{} = ${}::text::{}",
                    quote_ident(&self.table.columns[i].name),
                    n + 1,
                    self.types[i]
                )
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// Every column's value as PostgreSQL text.
    fn params(&self, values: &[Value]) -> Result<Vec<Option<String>>> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| self.text(i, v))
            .collect()
    }

    /// The key columns' values as PostgreSQL text.
    fn key_params(&self, key: &[Value]) -> Result<Vec<Option<String>>> {
        self.key_positions
            .iter()
            .zip(key)
            .map(|(&i, v)| self.text(i, v))
            .collect()
    }

    fn text(&self, i: usize, value: &Value) -> Result<Option<String>> {
        as_text(ValueRef::from(value), &self.types[i]).map_err(|why| Error::Unsupported {
            message: format!(
                "column `{}.{}`: {why}",
                self.table.name, self.table.columns[i].name
            ),
        })
    }

    /// A row read with [`Shape::reads`] as the model.
    fn model<M: Model>(&self, row: &postgres::Row) -> Result<M> {
        let values = (0..self.types.len())
            .map(|i| {
                let text: Option<String> = row.try_get(i)?;
                self.value(i, text)
            })
            .collect::<Result<Vec<Value>>>()?;
        codec::model_from(&self.table.name, values)
    }

    /// PostgreSQL's text for column `i` as the SQLite value its field reads.
    fn value(&self, i: usize, text: Option<String>) -> Result<Value> {
        let Some(text) = text else {
            return Ok(Value::Null);
        };
        let bad = |why: String| Error::Unsupported {
            message: format!(
                "column `{}.{}`: PostgreSQL returned `{text}`, {why}",
                self.table.name, self.table.columns[i].name
            ),
        };
        Ok(match self.reads_as[i] {
            Read::Integer | Read::Boolean => Value::Integer(
                text.parse()
                    .map_err(|e| bad(format!("not an integer ({e})")))?,
            ),
            Read::Real => Value::Real(
                text.parse()
                    .map_err(|e| bad(format!("not a number ({e})")))?,
            ),
            Read::Blob | Read::Uuid => {
                Value::Blob(hex(&text).ok_or_else(|| bad("not hex".into()))?)
            }
            Read::Text => Value::Text(text),
        })
    }
}

/// How a column of PostgreSQL type `ty` reads back.
fn read_of(ty: &str) -> Read {
    let upper = ty.to_ascii_uppercase();
    if upper == "BOOLEAN" {
        Read::Boolean
    } else if upper.contains("INT") || upper == "BIGSERIAL" || upper == "SERIAL" {
        Read::Integer
    } else if ["REAL", "DOUBLE PRECISION", "FLOAT4", "FLOAT8"].contains(&upper.as_str())
        || upper.starts_with("FLOAT")
    {
        Read::Real
    } else if upper == "BYTEA" {
        Read::Blob
    } else if upper == "UUID" {
        Read::Uuid
    } else {
        Read::Text
    }
}

/// The select expression reading `column` (of type `ty`) as the text its
/// field's SQLite conversion reads: dates and times in the forms rusqlite
/// writes, bytes and UUIDs as hex.
fn read_expression(column: &str, ty: &str, read: Read) -> String {
    match (read, ty.to_ascii_uppercase().as_str()) {
        (Read::Boolean, _) => format!("{column}::int::text"),
        (Read::Blob, _) => format!("encode({column}, 'hex')"),
        (Read::Uuid, _) => format!("replace({column}::text, '-', '')"),
        (_, "TIMESTAMPTZ") => {
            format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || 'Z'")
        }
        (_, "TIMESTAMP") => format!("to_char({column}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"),
        (_, "DATE") => format!("to_char({column}, 'YYYY-MM-DD')"),
        (_, "TIME") => format!("to_char('2000-01-01'::date + {column}, 'HH24:MI:SS.US')"),
        _ => format!("{column}::text"),
    }
}

fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The fields' own SQLite conversions, run on an in-memory connection.
mod codec {
    use super::*;

    thread_local! {
        static CONNECTION: RefCell<Option<rusqlite::Connection>> = const { RefCell::new(None) };
    }

    /// Runs `f` on this thread's codec connection.
    fn with<T>(
        f: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        CONNECTION.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                *slot = Some(rusqlite::Connection::open_in_memory()?);
            }
            match slot.as_ref() {
                Some(conn) => f(conn),
                None => Err(rusqlite::Error::InvalidQuery),
            }
        })
    }

    /// `SELECT ?1, ..., ?n`.
    fn echo(n: usize) -> String {
        let list: Vec<String> = (1..=n.max(1)).map(|i| format!("?{i}")).collect();
        format!("SELECT {}", list.join(", "))
    }

    fn read_values(stmt: &mut rusqlite::Statement<'_>, n: usize) -> rusqlite::Result<Vec<Value>> {
        let mut rows = stmt.raw_query();
        let row = rows.next()?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        (0..n).map(|i| row.get::<_, Value>(i)).collect()
    }

    /// Every column's value of `row`, as its field writes it.
    pub(super) fn values_of<M: Model>(row: &M) -> Result<Vec<Value>> {
        let n = M::table().columns.len();
        let sql = echo(n);
        with(|conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            row.__bind_columns(&mut stmt)?;
            read_values(&mut stmt, n)
        })
        .map_err(|e| Error::query("bind", &M::table().name, &sql, e))
    }

    /// The key's values, in key order.
    pub(super) fn key_values<M: Model>(key: &M::Key) -> Result<Vec<Value>> {
        let n = M::table().primary_key.columns.len();
        let sql = echo(n);
        with(|conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            M::__bind_key(key, &mut stmt)?;
            read_values(&mut stmt, n)
        })
        .map_err(|e| Error::query("bind", &M::table().name, &sql, e))
    }

    /// The model whose fields read `values` (in column order).
    pub(super) fn model_from<M: Model>(table: &str, values: Vec<Value>) -> Result<M> {
        let sql = echo(values.len());
        with(|conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            stmt.query_row(rusqlite::params_from_iter(values), |r| {
                M::__from_row_ordered(r)
            })
        })
        .map_err(|e| Error::query("read", table, &sql, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgresql_types_read_back_as_their_sqlite_values() {
        assert_eq!(read_of("BOOLEAN"), Read::Boolean);
        assert_eq!(read_of("smallint"), Read::Integer);
        assert_eq!(read_of("BIGINT"), Read::Integer);
        assert_eq!(read_of("DOUBLE PRECISION"), Read::Real);
        assert_eq!(read_of("REAL"), Read::Real);
        assert_eq!(read_of("BYTEA"), Read::Blob);
        assert_eq!(read_of("UUID"), Read::Uuid);
        assert_eq!(read_of("TIMESTAMPTZ"), Read::Text);
        assert_eq!(read_of("JSONB"), Read::Text);
        assert_eq!(hex("00ff10"), Some(vec![0, 0xff, 0x10]));
        assert_eq!(hex(""), Some(vec![]));
        assert_eq!(hex("abc"), None);
        assert_eq!(hex("zz"), None);
        assert_eq!(hex("é0"), None, "not a char boundary: no panic");
    }
}
