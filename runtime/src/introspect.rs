//! Reading a live SQLite database into the [`schema`](crate::Schema) types.
//!
//! The same code reads the database the stored migrations produce (replay)
//! and the application's database at startup (verify), so the models, the
//! migration history and a live database are compared as values of one type.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension as _};

use crate::schema::{Action, Column, ForeignKey, Index, PrimaryKey, Schema, SqlType, Table};
use crate::sql_text;
use crate::{Error, Result};

/// A live database's schema: its tables, plus what a table rebuild must
/// recreate (views, triggers) and what stillroom cannot compare.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch(
///     "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT);
///      CREATE VIEW recent AS SELECT * FROM note ORDER BY id DESC LIMIT 10;
///      CREATE INDEX ix_note_lower ON note (lower(body));",
/// )?;
/// let live = stillroom::introspect(&conn)?;
/// assert_eq!(live.schema.tables().len(), 1);
/// assert_eq!(live.views[0].name, "recent");
/// assert_eq!(live.unsupported, ["partial or expression index `ix_note_lower` on `note`"]);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveSchema {
    /// The tables (except SQLite's and stillroom's own), sorted by name.
    pub schema: Schema,
    /// Views, sorted by name.
    pub views: Vec<SchemaObject>,
    /// Triggers, sorted by name.
    pub triggers: Vec<SchemaObject>,
    /// Parts of the schema stillroom does not model and so cannot compare
    /// (expression or partial indexes, generated columns, virtual tables,
    /// `COLLATE`, `WITHOUT ROWID`), one description each.
    pub unsupported: Vec<String>,
}

/// A view or trigger, kept as the SQL that created it.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch(
///     "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT, edited TEXT);
///      CREATE TRIGGER note_edited AFTER UPDATE OF body ON note
///      BEGIN UPDATE note SET edited = datetime('now') WHERE id = new.id; END;",
/// )?;
/// let trigger = &stillroom::introspect(&conn)?.triggers[0];
/// assert_eq!((trigger.name.as_str(), trigger.table.as_str()), ("note_edited", "note"));
/// assert!(trigger.sql.starts_with("CREATE TRIGGER note_edited"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaObject {
    /// Its name.
    pub name: String,
    /// The table it belongs to (a trigger's table; a view's own name).
    pub table: String,
    /// The `CREATE VIEW` / `CREATE TRIGGER` statement.
    pub sql: String,
}

/// Reads the schema of the `main` database of `conn`.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x') STRICT;")?;
/// let live = stillroom::introspect(&conn)?;
/// let t = live.schema.table("t").unwrap();
/// assert_eq!(t.primary_key.columns, ["id"]);
/// assert_eq!(t.column("name").unwrap().default.as_deref(), Some("'x'"));
/// # Ok(())
/// # }
/// ```
pub fn introspect(conn: &Connection) -> Result<LiveSchema> {
    let mut live = LiveSchema::default();
    let mut tables = Vec::new();
    let listed: Vec<(String, String, bool, bool)> = query(
        conn,
        "SELECT name, type, strict, wr FROM pragma_table_list WHERE schema = 'main' \
         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'stillroom\\_%' ESCAPE '\\' ORDER BY name",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    for (name, kind, strict, without_rowid) in listed {
        if without_rowid {
            live.unsupported.push(format!(
                "WITHOUT ROWID on table `{name}` (a rebuild would drop it)"
            ));
        }
        match kind.as_str() {
            "table" => {
                let mut table = read_table(conn, &name, strict, &mut live.unsupported)?;
                if !without_rowid {
                    rowid_alias_not_null(&mut table);
                }
                tables.push(table);
            }
            "virtual" => live.unsupported.push(format!("virtual table `{name}`")),
            _ => {} // views are read below; shadow tables belong to a virtual table
        }
    }
    resolve_implicit_references(&mut tables);
    live.schema = Schema::from_tables_unchecked(tables);
    let objects: Vec<(String, String, String, String)> = query(
        conn,
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') \
         AND tbl_name NOT LIKE 'stillroom\\_%' ESCAPE '\\' ORDER BY name",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    for (kind, name, table, sql) in objects {
        let object = SchemaObject { name, table, sql };
        if kind == "view" {
            live.views.push(object)
        } else {
            live.triggers.push(object)
        }
    }
    Ok(live)
}

fn read_table(
    conn: &Connection,
    name: &str,
    strict: bool,
    unsupported: &mut Vec<String>,
) -> Result<Table> {
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()
        .map_err(|e| context(e, "reading sqlite_schema"))?
        .unwrap_or_default();
    let text = sql_text::read_create_table(&sql);
    for column in &text.collated {
        unsupported.push(format!(
            "COLLATE on column `{name}.{column}` (a rebuild would drop it)"
        ));
    }
    let mut table = Table::new(name);
    table.strict = strict;
    table.checks = text.table_checks;
    let mut key: Vec<(i64, String)> = Vec::new();
    let columns: Vec<(String, String, bool, Option<String>, i64, i64)> = query(
        conn,
        "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1) ORDER BY cid",
        [name],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        },
    )?;
    for (column_name, declared, not_null, default, pk, hidden) in columns {
        if hidden != 0 {
            unsupported.push(format!("generated or hidden column `{name}.{column_name}`"));
            continue;
        }
        if pk > 0 {
            key.push((pk, column_name.clone()));
        }
        let mut column = Column::new(column_name, SqlType::parse(&declared));
        column.nullable = !not_null;
        // SQLite reports `DEFAULT (expr)` without its parentheses; put them
        // back so the value is again what a column definition accepts.
        column.default = default.map(|d| {
            if sql_text::is_literal(&d) {
                d
            } else {
                format!("({d})")
            }
        });
        column.checks = text
            .column_checks
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(&column.name))
            .map(|(_, checks)| checks.clone())
            .unwrap_or_default();
        table.columns.push(column);
    }
    key.sort();
    table.primary_key = PrimaryKey {
        columns: key.into_iter().map(|(_, c)| c).collect(),
        autoincrement: text.autoincrement,
    };
    table.indexes = read_indexes(conn, name, unsupported)?;
    table.foreign_keys = read_foreign_keys(conn, name)?;
    Ok(table)
}

fn read_indexes(
    conn: &Connection,
    table: &str,
    unsupported: &mut Vec<String>,
) -> Result<Vec<Index>> {
    let listed: Vec<(String, bool, String, bool)> = query(
        conn,
        "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1)",
        [table],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let mut out = Vec::new();
    for (name, unique, origin, partial) in listed {
        if origin == "pk" {
            continue;
        }
        let columns: Vec<(i64, Option<String>)> = query(
            conn,
            "SELECT cid, name FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno",
            [&name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if partial || columns.iter().any(|(cid, _)| *cid < 0) {
            unsupported.push(format!("partial or expression index `{name}` on `{table}`"));
            continue;
        }
        out.push(Index {
            name,
            columns: columns.into_iter().filter_map(|(_, c)| c).collect(),
            unique,
        });
    }
    out.sort();
    Ok(out)
}

fn read_foreign_keys(conn: &Connection, table: &str) -> Result<Vec<ForeignKey>> {
    type Row = (i64, String, String, Option<String>, String, String);
    let rows: Vec<Row> = query(
        conn,
        "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
        [table],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        },
    )?;
    let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
    for (id, target, from, to, on_update, on_delete) in rows {
        let fk = by_id.entry(id).or_insert_with(|| ForeignKey {
            columns: Vec::new(),
            references_table: target,
            references_columns: Vec::new(),
            on_delete: Action::parse(&on_delete).unwrap_or_default(),
            on_update: Action::parse(&on_update).unwrap_or_default(),
        });
        fk.columns.push(from);
        // An empty target means "the parent's primary key", resolved later.
        fk.references_columns.extend(to);
    }
    let mut out: Vec<ForeignKey> = by_id.into_values().collect();
    out.sort();
    Ok(out)
}

/// A lone `INTEGER PRIMARY KEY` column is the rowid, which is never NULL;
/// SQLite reports it as nullable unless `NOT NULL` was written, which would
/// make two tables that store and accept the same values look different.
fn rowid_alias_not_null(table: &mut Table) {
    let [key] = table.primary_key.columns.as_slice() else {
        return;
    };
    if let Some(column) = table.columns.iter_mut().find(|c| &c.name == key)
        && column.sql_type == SqlType::Integer
    {
        column.nullable = false;
    }
}

/// `REFERENCES parent` without columns means the parent's primary key.
fn resolve_implicit_references(tables: &mut [Table]) {
    let keys: BTreeMap<String, Vec<String>> = tables
        .iter()
        .map(|t| (t.name.to_lowercase(), t.primary_key.columns.clone()))
        .collect();
    for table in tables.iter_mut() {
        for fk in table
            .foreign_keys
            .iter_mut()
            .filter(|fk| fk.references_columns.is_empty())
        {
            if let Some(key) = keys.get(&fk.references_table.to_lowercase()) {
                fk.references_columns = key.clone();
            }
        }
        table.foreign_keys.sort();
    }
}

fn query<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let run = || -> rusqlite::Result<Vec<T>> {
        conn.prepare_cached(sql)?.query_map(params, map)?.collect()
    };
    run().map_err(|e| context(e, sql))
}

fn context(source: rusqlite::Error, sql: &str) -> Error {
    Error::query("introspect", "sqlite_schema", sql, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rowid_alias_is_not_null_and_nothing_else_changes() -> Result<()> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(
            "CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT);
             CREATE TABLE b (id INT PRIMARY KEY);
             CREATE TABLE c (id integer primary key autoincrement);
             CREATE TABLE d (k INTEGER, j INTEGER, PRIMARY KEY (k, j));",
        )?;
        let live = introspect(&conn)?;
        let nullable = |table: &str, column: &str| {
            live.schema
                .table(table)
                .and_then(|t| t.column(column))
                .map(|c| c.nullable)
        };
        assert_eq!(nullable("a", "id"), Some(false));
        assert_eq!(nullable("a", "x"), Some(true));
        // INT PRIMARY KEY is not the rowid: SQLite lets it hold NULL.
        assert_eq!(nullable("b", "id"), Some(true));
        assert_eq!(nullable("c", "id"), Some(false));
        assert_eq!(nullable("d", "k"), Some(true));
        Ok(())
    }
}
