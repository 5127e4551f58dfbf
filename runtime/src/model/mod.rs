//! The [`Model`] trait: a table's schema and typed CRUD on its rows.

pub(crate) mod column_type;
pub(crate) mod registry;

use std::marker::PhantomData;

use rusqlite::{CachedStatement, Connection, Params, Row};

use crate::schema::{Table, quote_ident};
use crate::{Error, Result};

/// A struct stored as one table's rows. Implement it with
/// [`#[derive(Model)]`](derive@crate::Model), not by hand.
///
/// Every method binds values, never formats them into SQL, and prepares its
/// statement through the connection's statement cache, so a call costs about
/// what the same hand-written rusqlite code costs. Many rows are inserted
/// faster through [`insert_all`](Model::insert_all) or an
/// [`inserter`](Model::inserter), which look the statement up once, not
/// once per row.
///
/// ```
/// use stillroom::Model;
///
/// #[derive(Model, Debug, PartialEq)]
/// #[model(table = "jobs")]
/// struct Job {
///     #[model(primary_key)]
///     id: String,
///     #[model(default = "'queued'")]
///     status: String,
///     progress: f64,
///     message: Option<String>,
/// }
///
/// # fn main() -> stillroom::Result<()> {
/// let conn = rusqlite::Connection::open_in_memory()?;
/// for sql in Job::table().create_statements() {
///     conn.execute(&sql, [])?;
/// }
/// let mut job = Job { id: "a1".into(), status: "queued".into(), progress: 0.0, message: None };
/// job.insert(&conn)?;
/// job.progress = 0.5;
/// assert!(job.update(&conn)?);
/// assert_eq!(Job::get(&conn, "a1")?, Some(job));
/// let queued = Job::select(&conn, "status = ?1 ORDER BY id", ["queued"])?;
/// assert_eq!(queued.len(), 1);
/// assert_eq!(Job::count(&conn)?, 1);
/// assert!(Job::delete_by_key(&conn, "a1")?);
/// # Ok(())
/// # }
/// ```
pub trait Model: Sized + 'static {
    /// The primary key: the key field's type, or a tuple of the key fields'
    /// types (in key order) for a composite key.
    type Key;

    /// The model's table, built once.
    fn table() -> &'static Table;

    /// Reads a row whose columns are named like the model's columns, in any
    /// order (extra columns are ignored): for hand-written queries.
    ///
    /// ```
    /// # use stillroom::Model;
    /// # #[derive(Model)] struct Tag { #[model(primary_key)] name: String, uses: i64 }
    /// # fn main() -> stillroom::Result<()> {
    /// # let conn = rusqlite::Connection::open_in_memory()?;
    /// # for sql in Tag::table().create_statements() { conn.execute(&sql, [])?; }
    /// let mut stmt = conn.prepare("SELECT * FROM tag WHERE uses > ?1")?;
    /// let popular = stmt
    ///     .query_map([10], Tag::from_row)?
    ///     .collect::<rusqlite::Result<Vec<Tag>>>()?;
    /// # assert!(popular.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self>;

    #[doc(hidden)]
    fn __statements() -> &'static Statements;
    #[doc(hidden)]
    fn __from_row_ordered(row: &Row<'_>) -> rusqlite::Result<Self>;
    #[doc(hidden)]
    fn __bind_columns(&self, stmt: &mut rusqlite::Statement<'_>) -> rusqlite::Result<()>;
    #[doc(hidden)]
    fn __bind_key(key: &Self::Key, stmt: &mut rusqlite::Statement<'_>) -> rusqlite::Result<()>;
    #[doc(hidden)]
    fn __bind_own_key(&self, stmt: &mut rusqlite::Statement<'_>) -> rusqlite::Result<()>;

    /// Inserts this row; fails (with SQLite's constraint error) if a row with
    /// its key exists.
    ///
    /// Each call looks the statement up in the connection's cache; to insert
    /// many rows, [`insert_all`](Model::insert_all) or an
    /// [`inserter`](Model::inserter) costs less.
    fn insert(&self, conn: &Connection) -> Result<()> {
        let sql = &Self::__statements().insert;
        run::<Self, _>(conn, "insert", sql, |stmt| insert_row(stmt, self))
    }

    /// Inserts every row of `rows`, all or none: in a savepoint, released if
    /// every row was inserted and rolled back to if one fails, so the error
    /// (the failing row's, as [`insert`](Model::insert) gives it) leaves the
    /// table as it was. Returns the number of rows inserted.
    ///
    /// The statement is prepared (or taken from the connection's cache) once
    /// for the whole batch. A savepoint works inside a transaction of the
    /// caller's (whose other work it leaves alone) and outside one, where it
    /// is a transaction of its own: the batch is committed once, not once
    /// per row. Should that commit be refused (deferred foreign keys), the
    /// error names the savepoint's `RELEASE` and nothing is inserted either.
    ///
    /// ```
    /// # use stillroom::Model;
    /// # #[derive(Model)] struct Tag { #[model(primary_key)] name: String, uses: i64 }
    /// # fn main() -> stillroom::Result<()> {
    /// # let conn = rusqlite::Connection::open_in_memory()?;
    /// # for sql in Tag::table().create_statements() { conn.execute(&sql, [])?; }
    /// let tags: Vec<Tag> = ["rust", "sqlite", "rust"]
    ///     .into_iter()
    ///     .map(|name| Tag { name: name.into(), uses: 0 })
    ///     .collect();
    /// // The second "rust" breaks the key: none of the three is inserted.
    /// let err = Tag::insert_all(&conn, &tags).unwrap_err();
    /// assert!(err.to_string().starts_with("insert on table `tag` failed: UNIQUE constraint failed"));
    /// assert_eq!(Tag::count(&conn)?, 0);
    ///
    /// assert_eq!(Tag::insert_all(&conn, &tags[..2])?, 2);
    /// assert_eq!(Tag::count(&conn)?, 2);
    /// # Ok(())
    /// # }
    /// ```
    fn insert_all<'a>(conn: &Connection, rows: impl IntoIterator<Item = &'a Self>) -> Result<u64> {
        let mut inserter = Self::inserter(conn)?;
        let savepoint = Savepoint::begin::<Self>(conn)?;
        for row in rows {
            inserter.insert(row)?;
        }
        savepoint.release::<Self>()?;
        Ok(inserter.inserted())
    }

    /// This model's `INSERT`, prepared (or taken from the connection's
    /// cache) once, to insert rows one by one at the cost of running the
    /// statement alone. See [`Inserter`].
    fn inserter(conn: &Connection) -> Result<Inserter<'_, Self>> {
        Inserter::new(conn)
    }

    /// Inserts this row, or updates every column of the row with its key.
    ///
    /// This is `INSERT ... ON CONFLICT DO UPDATE`, not `INSERT OR REPLACE`:
    /// the existing row is updated in place, so rows that reference it with
    /// `ON DELETE CASCADE` are kept.
    fn upsert(&self, conn: &Connection) -> Result<()> {
        let sql = &Self::__statements().upsert;
        run::<Self, _>(conn, "upsert", sql, |stmt| {
            self.__bind_columns(stmt)?;
            stmt.raw_execute().map(drop)
        })
    }

    /// Updates the row with this row's key; returns whether one existed.
    fn update(&self, conn: &Connection) -> Result<bool> {
        let sql = &Self::__statements().update;
        run::<Self, _>(conn, "update", sql, |stmt| {
            self.__bind_columns(stmt)?;
            stmt.raw_execute().map(|n| n > 0)
        })
    }

    /// Deletes the row with this row's key; returns whether one existed.
    fn delete(&self, conn: &Connection) -> Result<bool> {
        let sql = &Self::__statements().delete;
        run::<Self, _>(conn, "delete", sql, |stmt| {
            self.__bind_own_key(stmt)?;
            stmt.raw_execute().map(|n| n > 0)
        })
    }

    /// Deletes the row with `key`; returns whether one existed.
    fn delete_by_key(conn: &Connection, key: impl Into<Self::Key>) -> Result<bool> {
        let key = key.into();
        let sql = &Self::__statements().delete;
        run::<Self, _>(conn, "delete", sql, |stmt| {
            Self::__bind_key(&key, stmt)?;
            stmt.raw_execute().map(|n| n > 0)
        })
    }

    /// The row with `key`, if any. A composite key is a tuple in key order.
    fn get(conn: &Connection, key: impl Into<Self::Key>) -> Result<Option<Self>> {
        let key = key.into();
        let sql = &Self::__statements().get;
        run::<Self, _>(conn, "get", sql, |stmt| {
            Self::__bind_key(&key, stmt)?;
            let mut rows = stmt.raw_query();
            rows.next()?.map(Self::__from_row_ordered).transpose()
        })
    }

    /// Every row, ordered by primary key.
    fn all(conn: &Connection) -> Result<Vec<Self>> {
        let sql = &Self::__statements().all;
        run::<Self, _>(conn, "all", sql, |stmt| {
            stmt.query_map([], Self::__from_row_ordered)?.collect()
        })
    }

    /// The rows matching an SQL condition, with bound parameters. The
    /// condition follows `WHERE` and may end in `ORDER BY` or `LIMIT`.
    ///
    /// ```
    /// # use stillroom::Model;
    /// # #[derive(Model)] struct Job { #[model(primary_key)] id: String, status: String }
    /// # fn main() -> stillroom::Result<()> {
    /// # let conn = rusqlite::Connection::open_in_memory()?;
    /// # for sql in Job::table().create_statements() { conn.execute(&sql, [])?; }
    /// let running = Job::select(&conn, "status = ?1 ORDER BY id LIMIT 10", ["running"])?;
    /// # assert!(running.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    fn select<P: Params>(conn: &Connection, condition: &str, params: P) -> Result<Vec<Self>> {
        let sql = format!("{} WHERE {condition}", Self::__statements().select);
        run::<Self, _>(conn, "select", &sql, |stmt| {
            stmt.query_map(params, Self::__from_row_ordered)?.collect()
        })
    }

    /// The number of rows.
    fn count(conn: &Connection) -> Result<u64> {
        let sql = &Self::__statements().count;
        run::<Self, _>(conn, "count", sql, |stmt| stmt.query_row([], read_count))
    }

    /// The number of rows matching an SQL condition, with bound parameters.
    fn count_where<P: Params>(conn: &Connection, condition: &str, params: P) -> Result<u64> {
        let sql = format!("{} WHERE {condition}", Self::__statements().count);
        run::<Self, _>(conn, "count", &sql, |stmt| {
            stmt.query_row(params, read_count)
        })
    }
}

/// A model whose primary key is one `autoincrement` INTEGER field: SQLite
/// chooses the key of each new row. Implemented by the derive.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// use stillroom::{AutoIncrement, Model};
///
/// #[derive(Model)]
/// struct Event {
///     #[model(primary_key, autoincrement)]
///     id: i64,
///     name: String,
/// }
///
/// let conn = rusqlite::Connection::open_in_memory()?;
/// # for sql in Event::table().create_statements() { conn.execute(&sql, [])?; }
/// let mut started = Event { id: 0, name: "started".into() };
/// assert_eq!(started.insert_new(&conn)?, 1);
/// assert_eq!(started.id, 1);
/// let mut stopped = Event { id: 0, name: "stopped".into() };
/// assert_eq!(stopped.insert_new(&conn)?, 2);
///
/// // A deleted row's key is never given again.
/// stopped.delete(&conn)?;
/// let mut again = Event { id: 0, name: "started".into() };
/// assert_eq!(again.insert_new(&conn)?, 3);
/// # Ok(())
/// # }
/// ```
pub trait AutoIncrement: Model {
    /// Inserts this row with a key chosen by SQLite, stores that key in the
    /// key field and returns it. The key field's value before the call is
    /// ignored.
    fn insert_new(&mut self, conn: &Connection) -> Result<i64> {
        let sql = &Self::__statements().insert;
        let id = run::<Self, _>(conn, "insert", sql, |stmt| insert_row_new(conn, stmt, self))?;
        self.__set_key(id);
        Ok(id)
    }

    /// Inserts every row of `rows` with keys chosen by SQLite, all or none
    /// (as [`Model::insert_all`] does), and stores each row's new key in its
    /// key field once all are inserted: after an error, no row is inserted
    /// and no key field changed. Returns the number of rows inserted.
    ///
    /// ```
    /// # use stillroom::{AutoIncrement, Model};
    /// # #[derive(Model)] struct Event { #[model(primary_key, autoincrement)] id: i64, name: String }
    /// # fn main() -> stillroom::Result<()> {
    /// # let conn = rusqlite::Connection::open_in_memory()?;
    /// # for sql in Event::table().create_statements() { conn.execute(&sql, [])?; }
    /// let mut events: Vec<Event> = ["started", "stopped"]
    ///     .into_iter()
    ///     .map(|name| Event { id: 0, name: name.into() })
    ///     .collect();
    /// assert_eq!(Event::insert_all_new(&conn, &mut events)?, 2);
    /// assert_eq!((events[0].id, events[1].id), (1, 2));
    /// # Ok(())
    /// # }
    /// ```
    fn insert_all_new<'a>(
        conn: &Connection,
        rows: impl IntoIterator<Item = &'a mut Self>,
    ) -> Result<u64> {
        // Collected first, so that the keys are stored only once the batch
        // has succeeded.
        let mut rows: Vec<&mut Self> = rows.into_iter().collect();
        let mut inserter = Self::inserter(conn)?;
        let savepoint = Savepoint::begin::<Self>(conn)?;
        let ids = rows
            .iter()
            .map(|row| inserter.insert_keyless(row))
            .collect::<Result<Vec<i64>>>()?;
        savepoint.release::<Self>()?;
        for (row, id) in rows.iter_mut().zip(ids) {
            row.__set_key(id);
        }
        Ok(inserter.inserted())
    }

    #[doc(hidden)]
    fn __set_key(&mut self, id: i64);
}

/// Binds every column of `row` and runs the model's `INSERT`.
fn insert_row<M: Model>(stmt: &mut rusqlite::Statement<'_>, row: &M) -> rusqlite::Result<()> {
    row.__bind_columns(stmt)?;
    stmt.raw_execute().map(drop)
}

/// Runs the model's `INSERT` with the key column NULL, which makes SQLite
/// choose the key, and returns that key.
fn insert_row_new<M: AutoIncrement>(
    conn: &Connection,
    stmt: &mut rusqlite::Statement<'_>,
    row: &M,
) -> rusqlite::Result<i64> {
    row.__bind_columns(stmt)?;
    if let Some(key) = M::__statements().single_key_param {
        stmt.raw_bind_parameter(key, rusqlite::types::Null)?;
    }
    stmt.raw_execute()?;
    Ok(conn.last_insert_rowid())
}

/// A model's `INSERT` statement held across rows: made by
/// [`Model::inserter`], it inserts each row at the cost of binding its values
/// and running the statement, as hand-written rusqlite holding one prepared
/// statement does.
///
/// Each row is a statement of its own: outside a transaction, each is
/// committed by itself (slowly, on a file), and a failure leaves the rows
/// before it inserted. Open a transaction around a batch (rusqlite's
/// `Transaction` derefs to the `Connection` the inserter takes), or use
/// [`Model::insert_all`], which inserts all rows or none.
///
/// A failed row's error is the one [`Model::insert`] gives (the table, the
/// statement, SQLite's error), and the inserter can go on with the next row.
/// The statement returns to the connection's cache when the inserter is
/// dropped.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// use stillroom::{AutoIncrement, Model};
///
/// #[derive(Model)]
/// struct Event {
///     #[model(primary_key, autoincrement)]
///     id: i64,
///     name: String,
/// }
///
/// let mut conn = rusqlite::Connection::open_in_memory()?;
/// # for sql in Event::table().create_statements() { conn.execute(&sql, [])?; }
/// let tx = conn.transaction()?;
/// let mut events = Event::inserter(&tx)?;
/// events.insert(&Event { id: 10, name: "imported".into() })?;
/// let mut started = Event { id: 0, name: "started".into() };
/// assert_eq!(events.insert_new(&mut started)?, 11); // SQLite chose the key
/// assert_eq!(started.id, 11);
/// assert!(events.insert(&Event { id: 10, name: "again".into() }).is_err()); // key taken
/// assert_eq!(events.inserted(), 2);
/// drop(events);
/// tx.commit()?;
/// assert_eq!(Event::count(&conn)?, 2);
/// # Ok(())
/// # }
/// ```
pub struct Inserter<'conn, M: Model> {
    stmt: CachedStatement<'conn>,
    conn: &'conn Connection,
    inserted: u64,
    model: PhantomData<fn(&M)>,
}

impl<M: Model> std::fmt::Debug for Inserter<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inserter")
            .field("table", &M::table().name)
            .field("sql", &M::__statements().insert)
            .field("inserted", &self.inserted)
            .finish_non_exhaustive()
    }
}

impl<'conn, M: Model> Inserter<'conn, M> {
    fn new(conn: &'conn Connection) -> Result<Self> {
        let sql = &M::__statements().insert;
        let stmt = conn
            .prepare_cached(sql)
            .map_err(|source| Error::query("insert", &M::table().name, sql, source))?;
        Ok(Self {
            stmt,
            conn,
            inserted: 0,
            model: PhantomData,
        })
    }

    /// Inserts `row`, as [`Model::insert`] does; fails (with SQLite's
    /// constraint error) if a row with its key exists.
    pub fn insert(&mut self, row: &M) -> Result<()> {
        self.run(|stmt, _| insert_row(stmt, row))
    }

    /// Inserts `row` with a key chosen by SQLite, stores that key in the key
    /// field and returns it, as [`AutoIncrement::insert_new`] does.
    pub fn insert_new(&mut self, row: &mut M) -> Result<i64>
    where
        M: AutoIncrement,
    {
        let id = self.insert_keyless(row)?;
        row.__set_key(id);
        Ok(id)
    }

    /// The rows inserted so far.
    pub fn inserted(&self) -> u64 {
        self.inserted
    }

    /// Inserts `row` with a key chosen by SQLite and returns the key,
    /// leaving the row's key field alone.
    fn insert_keyless(&mut self, row: &M) -> Result<i64>
    where
        M: AutoIncrement,
    {
        self.run(|stmt, conn| insert_row_new(conn, stmt, row))
    }

    /// Runs `f` on the statement, counts the row if it succeeds, and gives
    /// an error the context [`run`] gives.
    fn run<T>(
        &mut self,
        f: impl FnOnce(&mut rusqlite::Statement<'conn>, &Connection) -> rusqlite::Result<T>,
    ) -> Result<T> {
        match f(&mut self.stmt, self.conn) {
            Ok(t) => {
                self.inserted += 1;
                Ok(t)
            }
            Err(source) => Err(Error::query(
                "insert",
                &M::table().name,
                &M::__statements().insert,
                source,
            )),
        }
    }
}

/// `SAVEPOINT stillroom_insert_all`, which [`Savepoint::release`] releases
/// and dropping the guard unreleased (an error, a panic in the caller's
/// iterator) rolls back. The name is the same at every depth: `ROLLBACK TO`
/// and `RELEASE` name the innermost savepoint of that name, this one.
struct Savepoint<'conn> {
    conn: &'conn Connection,
    /// Whether the savepoint began the transaction (no transaction was
    /// open): then undoing it is a `ROLLBACK`.
    outermost: bool,
    released: bool,
}

impl<'conn> Savepoint<'conn> {
    const BEGIN: &'static str = "SAVEPOINT stillroom_insert_all";
    const RELEASE: &'static str = "RELEASE stillroom_insert_all";

    fn begin<M: Model>(conn: &'conn Connection) -> Result<Self> {
        let outermost = conn.is_autocommit();
        execute_cached::<M>(conn, Self::BEGIN)?;
        Ok(Self {
            conn,
            outermost,
            released: false,
        })
    }

    /// Releases the savepoint: commits, when it began the transaction. If
    /// that fails (the commit is refused), the guard rolls back.
    fn release<M: Model>(mut self) -> Result<()> {
        execute_cached::<M>(self.conn, Self::RELEASE)?;
        self.released = true;
        Ok(())
    }
}

impl Drop for Savepoint<'_> {
    fn drop(&mut self) {
        if self.released {
            return;
        }
        // Errors here are not reported: the caller gets the failure that
        // stopped the batch. One is expected where SQLite has already rolled
        // the whole transaction back (some I/O errors do).
        if self.outermost {
            if !self.conn.is_autocommit() {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
        } else {
            let _ = self
                .conn
                .execute_batch("ROLLBACK TO stillroom_insert_all; RELEASE stillroom_insert_all");
        }
    }
}

/// Runs a statement without parameters or rows (savepoints), prepared once
/// per connection.
fn execute_cached<M: Model>(conn: &Connection, sql: &'static str) -> Result<()> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.raw_execute())
        .map(drop)
        .map_err(|source| Error::query("insert", &M::table().name, sql, source))
}

/// Prepares `sql` through the statement cache, runs `f` on it and gives any
/// error the model's table, the operation and the statement as context.
fn run<M: Model, T>(
    conn: &Connection,
    operation: &'static str,
    sql: &str,
    f: impl FnOnce(&mut CachedStatement<'_>) -> rusqlite::Result<T>,
) -> Result<T> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| f(&mut stmt))
        .map_err(|source| Error::query(operation, &M::table().name, sql, source))
}

/// The CRUD statements of one model, built once from its table.
///
/// Every column is bound as `?N` where N is its position (from 1), so one
/// binding of all columns serves insert, upsert and update alike.
#[doc(hidden)]
#[derive(Debug)]
pub struct Statements {
    /// `INSERT INTO t (cols) VALUES (?1, ...)`.
    pub insert: String,
    /// `INSERT ... ON CONFLICT (key) DO UPDATE SET ...`.
    pub upsert: String,
    /// `UPDATE t SET col = ?N, ... WHERE key = ?K`.
    pub update: String,
    /// `DELETE FROM t WHERE key = ?1 ...` (key parameters numbered in key order).
    pub delete: String,
    /// `SELECT cols FROM t WHERE key = ?1 ...`.
    pub get: String,
    /// `SELECT cols FROM t ORDER BY key`.
    pub all: String,
    /// `SELECT cols FROM t`, to which `select` appends its condition.
    pub select: String,
    /// `SELECT COUNT(*) FROM t`.
    pub count: String,
    /// The parameter of the key column, when the key is one column (binding
    /// NULL there makes SQLite choose an INTEGER key).
    pub single_key_param: Option<usize>,
}

impl Statements {
    /// Builds the statements for `table`.
    pub fn new(table: &Table) -> Self {
        let name = quote_ident(&table.name);
        let cols: Vec<String> = table.columns.iter().map(|c| quote_ident(&c.name)).collect();
        let col_list = cols.join(", ");
        let params: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        let key: Vec<usize> = table
            .primary_key
            .columns
            .iter()
            .filter_map(|k| table.columns.iter().position(|c| &c.name == k))
            .collect();
        let key_cols: Vec<&str> = key.iter().map(|&i| cols[i].as_str()).collect();
        let key_by_position = join_map(&key, " AND ", |&i| format!("{} = ?{}", cols[i], i + 1));
        let key_by_order = join_map(&key_cols, " AND ", |c| format!("{c} = ?"));
        let non_key: Vec<usize> = (0..cols.len()).filter(|i| !key.contains(i)).collect();

        let upsert_action = if non_key.is_empty() {
            "NOTHING".to_owned()
        } else {
            format!(
                "UPDATE SET {}",
                join_map(&non_key, ", ", |&i| format!("{0} = excluded.{0}", cols[i]))
            )
        };
        // With no column outside the key, setting the key to itself still
        // reports whether the row exists.
        let set = if non_key.is_empty() { &key } else { &non_key };
        let select = format!("SELECT {col_list} FROM {name}");
        Self {
            insert: format!(
                "INSERT INTO {name} ({col_list}) VALUES ({})",
                params.join(", ")
            ),
            upsert: format!(
                "INSERT INTO {name} ({col_list}) VALUES ({}) ON CONFLICT ({}) DO {upsert_action}",
                params.join(", "),
                key_cols.join(", ")
            ),
            update: format!(
                "UPDATE {name} SET {} WHERE {key_by_position}",
                join_map(set, ", ", |&i| format!("{} = ?{}", cols[i], i + 1))
            ),
            delete: format!("DELETE FROM {name} WHERE {key_by_order}"),
            get: format!("{select} WHERE {key_by_order}"),
            all: format!("{select} ORDER BY {}", key_cols.join(", ")),
            count: format!("SELECT COUNT(*) FROM {name}"),
            single_key_param: match key.as_slice() {
                [only] => Some(only + 1),
                _ => None,
            },
            select,
        }
    }
}

/// Reads `COUNT(*)`, which SQLite never makes negative: were it, an error
/// rather than the count of another sign.
fn read_count(row: &Row<'_>) -> rusqlite::Result<u64> {
    let n: i64 = row.get(0)?;
    u64::try_from(n).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Integer, Box::new(e))
    })
}

fn join_map<T>(items: &[T], sep: &str, f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Column, SqlType};

    #[test]
    fn statements_number_parameters_by_column_position() {
        let mut t = Table::new("tasks");
        for c in ["note", "id", "job"] {
            t.columns.push(Column::new(c, SqlType::Text));
        }
        t.primary_key.columns = vec!["job".into(), "id".into()];
        let s = Statements::new(&t);
        assert_eq!(
            s.insert,
            r#"INSERT INTO "tasks" ("note", "id", "job") VALUES (?1, ?2, ?3)"#
        );
        assert_eq!(
            s.upsert,
            r#"INSERT INTO "tasks" ("note", "id", "job") VALUES (?1, ?2, ?3) ON CONFLICT ("job", "id") DO UPDATE SET "note" = excluded."note""#
        );
        assert_eq!(
            s.update,
            r#"UPDATE "tasks" SET "note" = ?1 WHERE "job" = ?3 AND "id" = ?2"#
        );
        assert_eq!(
            s.delete,
            r#"DELETE FROM "tasks" WHERE "job" = ? AND "id" = ?"#
        );
        assert_eq!(
            s.get,
            r#"SELECT "note", "id", "job" FROM "tasks" WHERE "job" = ? AND "id" = ?"#
        );
        assert_eq!(
            s.all,
            r#"SELECT "note", "id", "job" FROM "tasks" ORDER BY "job", "id""#
        );
        assert_eq!(s.count, r#"SELECT COUNT(*) FROM "tasks""#);
    }

    #[test]
    fn key_only_tables_upsert_nothing_and_update_the_key() {
        let mut t = Table::new("tags");
        t.columns.push(Column::new("name", SqlType::Text));
        t.primary_key.columns = vec!["name".into()];
        let s = Statements::new(&t);
        assert!(
            s.upsert.ends_with("ON CONFLICT (\"name\") DO NOTHING"),
            "{}",
            s.upsert
        );
        assert_eq!(
            s.update,
            r#"UPDATE "tags" SET "name" = ?1 WHERE "name" = ?1"#
        );
        assert_eq!(s.single_key_param, Some(1));
    }
}
