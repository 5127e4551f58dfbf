//! Reading a live SQLite database into the [`schema`](crate::Schema) types.
//!
//! The same code reads the database the stored migrations produce (replay)
//! and the application's database at startup (verify), so the models, the
//! migration history and a live database are compared as values of one type.

use std::collections::{BTreeMap, HashMap, btree_map};

use rusqlite::Connection;

use crate::dialect::sqlite::sql_text;
use crate::schema::{Action, Column, ForeignKey, Index, Schema, SqlType, Table};
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
    // A fixed number of statements whatever the number of tables: one pass
    // over `sqlite_schema`, then each kind of pragma joined with the table
    // list. `sqlite_schema` has no index on its names, so looking a table's
    // text up by name, table by table, would cost O(N²).
    let mut live = LiveSchema::default();
    let mut texts: HashMap<String, String> = HashMap::new();
    each_row(
        conn,
        "SELECT type, name, tbl_name, sql FROM sqlite_schema \
         WHERE type = 'table' OR (type IN ('view', 'trigger') \
           AND tbl_name NOT LIKE 'stillroom\\_%' ESCAPE '\\') ORDER BY name",
        |r| {
            let kind = r.get_ref(0)?.as_str()?;
            let sql: Option<String> = r.get(3)?;
            let sql = sql.unwrap_or_default();
            match kind {
                "table" => {
                    texts.insert(r.get(1)?, sql);
                }
                "view" | "trigger" => {
                    let object = SchemaObject {
                        name: r.get(1)?,
                        table: r.get(2)?,
                        sql,
                    };
                    if kind == "view" {
                        live.views.push(object)
                    } else {
                        live.triggers.push(object)
                    }
                }
                _ => {}
            }
            Ok(())
        },
    )?;

    let mut tables: Vec<Table> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    let mut column_checks: Vec<Vec<(String, Vec<String>)>> = Vec::new();
    let mut without_rowid: Vec<bool> = Vec::new();
    each_row(
        conn,
        &format!("SELECT name, type, strict, wr FROM ({TABLE_LIST}) ORDER BY name"),
        |r| {
            let name: String = r.get(0)?;
            let kind = r.get_ref(1)?.as_str()?;
            let (strict, wr): (bool, bool) = (r.get(2)?, r.get(3)?);
            if wr {
                live.unsupported.push(format!(
                    "WITHOUT ROWID on table `{name}` (a rebuild would drop it)"
                ));
            }
            match kind {
                "table" => {
                    let text = sql_text::read_create_table(
                        texts.get(&name).map(String::as_str).unwrap_or_default(),
                    );
                    for column in &text.collated {
                        live.unsupported.push(format!(
                            "COLLATE on column `{name}.{column}` (a rebuild would drop it)"
                        ));
                    }
                    let mut table = Table::new(name.clone());
                    table.strict = strict;
                    table.checks = text.table_checks;
                    table.primary_key.autoincrement = text.autoincrement;
                    position.insert(name, tables.len());
                    tables.push(table);
                    column_checks.push(text.column_checks);
                    without_rowid.push(wr);
                }
                "virtual" => live.unsupported.push(format!("virtual table `{name}`")),
                _ => {} // views are read above; shadow tables belong to a virtual table
            }
            Ok(())
        },
    )?;

    // Columns, in their order; the key's columns in the key's order.
    let mut keys: Vec<Vec<(i64, String)>> = vec![Vec::new(); tables.len()];
    each_row(
        conn,
        &format!(
            "SELECT t.name, c.name, c.type, c.\"notnull\", c.dflt_value, c.pk, c.hidden \
             FROM {TABLES} AS t JOIN pragma_table_xinfo(t.name, 'main') AS c \
             WHERE {ORDINARY} ORDER BY t.name, c.cid"
        ),
        |r| {
            let Some(&i) = position.get(r.get_ref(0)?.as_str()?) else {
                return Ok(());
            };
            let table = &mut tables[i];
            let column_name: String = r.get(1)?;
            let declared = r.get_ref(2)?.as_str()?;
            let (not_null, default, pk, hidden): (bool, Option<String>, i64, i64) =
                (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
            if hidden != 0 {
                live.unsupported.push(format!(
                    "generated or hidden column `{}.{column_name}`",
                    table.name
                ));
                return Ok(());
            }
            if pk > 0 {
                keys[i].push((pk, column_name.clone()));
            }
            let mut column = Column::new(column_name, SqlType::parse(declared));
            column.nullable = !not_null;
            // SQLite reports `DEFAULT (expr)` without its parentheses; put
            // them back so the value is again what a column definition
            // accepts.
            column.default = default.map(|d| {
                if sql_text::is_literal(&d) {
                    d
                } else {
                    format!("({d})")
                }
            });
            column.checks = column_checks[i]
                .iter()
                .find(|(c, _)| c.eq_ignore_ascii_case(&column.name))
                .map(|(_, checks)| checks.clone())
                .unwrap_or_default();
            table.columns.push(column);
            Ok(())
        },
    )?;
    for (table, mut key) in tables.iter_mut().zip(keys) {
        key.sort();
        table.primary_key.columns = key.into_iter().map(|(_, c)| c).collect();
    }

    // Indexes (those the primary key makes are the key's), with their key
    // columns in order; an expression or partial index is not compared.
    // Per table: index name -> (unique, partial, [(seqno, cid, column)]).
    type Listed = BTreeMap<String, (bool, bool, Vec<(i64, i64, Option<String>)>)>;
    let mut indexes: Vec<Listed> = vec![BTreeMap::new(); tables.len()];
    each_row(
        conn,
        &format!(
            "SELECT t.name, i.name, i.\"unique\", i.partial, x.seqno, x.cid, x.name \
             FROM {TABLES} AS t JOIN pragma_index_list(t.name, 'main') AS i \
             JOIN pragma_index_xinfo(i.name, 'main') AS x \
             WHERE {ORDINARY} AND i.origin <> 'pk' AND x.key = 1 \
             AND lower(t.name) IN (SELECT lower(tbl_name) FROM sqlite_schema WHERE type = 'index')"
        ),
        |r| {
            let Some(&i) = position.get(r.get_ref(0)?.as_str()?) else {
                return Ok(());
            };
            let (unique, partial): (bool, bool) = (r.get(2)?, r.get(3)?);
            let entry = indexes[i]
                .entry(r.get(1)?)
                .or_insert_with(|| (unique, partial, Vec::new()));
            entry.2.push((r.get(4)?, r.get(5)?, r.get(6)?));
            Ok(())
        },
    )?;
    for (table, listed) in tables.iter_mut().zip(indexes) {
        for (name, (unique, partial, mut columns)) in listed {
            if partial || columns.iter().any(|(_, cid, _)| *cid < 0) {
                live.unsupported.push(format!(
                    "partial or expression index `{name}` on `{}`",
                    table.name
                ));
                continue;
            }
            columns.sort();
            table.indexes.push(Index {
                name,
                columns: columns.into_iter().filter_map(|(_, _, c)| c).collect(),
                unique,
            });
        }
        table.indexes.sort();
    }

    // Foreign keys, a constraint's columns in their order.
    let mut foreign_keys: Vec<BTreeMap<i64, ForeignKey>> = vec![BTreeMap::new(); tables.len()];
    each_row(
        conn,
        &format!(
            "SELECT t.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
             FROM {TABLES} AS t JOIN pragma_foreign_key_list(t.name, 'main') AS f \
             WHERE {ORDINARY} AND t.sql LIKE '%references%' ORDER BY t.name, f.id, f.seq"
        ),
        |r| {
            let Some(&i) = position.get(r.get_ref(0)?.as_str()?) else {
                return Ok(());
            };
            let fk = match foreign_keys[i].entry(r.get(1)?) {
                btree_map::Entry::Occupied(e) => e.into_mut(),
                btree_map::Entry::Vacant(e) => e.insert(ForeignKey {
                    columns: Vec::new(),
                    references_table: r.get(2)?,
                    references_columns: Vec::new(),
                    on_update: Action::parse(r.get_ref(5)?.as_str()?).unwrap_or_default(),
                    on_delete: Action::parse(r.get_ref(6)?.as_str()?).unwrap_or_default(),
                }),
            };
            fk.columns.push(r.get(3)?);
            // An empty target means "the parent's primary key", resolved
            // below.
            fk.references_columns.extend(r.get::<_, Option<String>>(4)?);
            Ok(())
        },
    )?;
    for ((table, fks), wr) in tables.iter_mut().zip(foreign_keys).zip(without_rowid) {
        table.foreign_keys = fks.into_values().collect();
        table.foreign_keys.sort();
        if !wr {
            rowid_alias_not_null(table);
        }
    }
    resolve_implicit_references(&mut tables);
    live.schema = Schema::from_tables_unchecked(tables);
    Ok(live)
}

/// `main`'s tables (and views, virtual and shadow tables), except SQLite's
/// and stillroom's own.
const TABLE_LIST: &str = "SELECT name, type, strict, wr FROM pragma_table_list \
     WHERE schema = 'main' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
     AND name NOT LIKE 'stillroom\\_%' ESCAPE '\\'";

/// The joins read the pragmas of `sqlite_schema`'s tables, filtered with
/// [`ORDINARY`]; rows of tables [`TABLE_LIST`] left out are skipped. (Joining
/// `pragma_table_list` itself would list every table once per join.)
const TABLES: &str = "sqlite_schema";

/// A table whose columns and keys the pragmas can read: not a view, and not
/// a virtual table (whose module may not be loaded). A table without the
/// word `REFERENCES` in its text has no foreign key; one that no index
/// names has no index: their pragmas are not run.
const ORDINARY: &str = "t.type = 'table' AND t.sql NOT LIKE 'create virtual table%'";

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

/// Runs `sql` and hands each row to `f`; errors name the statement.
fn each_row(
    conn: &Connection,
    sql: &str,
    mut f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<()>,
) -> Result<()> {
    let mut run = || -> rusqlite::Result<()> {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            f(row)?;
        }
        Ok(())
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
    fn every_table_is_read_whatever_the_spelling_of_its_references() -> Result<()> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(
            "CREATE TABLE \"Parent Table\" (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
             CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER rEfErEnCeS \"parent table\" ON DELETE CASCADE, n TEXT);
             CREATE INDEX ix_child ON CHILD (n, p);
             CREATE TABLE plain (x TEXT);",
        )?;
        let live = introspect(&conn)?;
        let names: Vec<&str> = live
            .schema
            .tables()
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["Parent Table", "child", "plain"]);
        let child = live.schema.table("child").unwrap();
        assert_eq!(child.indexes.len(), 1);
        assert_eq!(child.indexes[0].columns, ["n", "p"]);
        assert_eq!(child.foreign_keys.len(), 1);
        assert_eq!(child.foreign_keys[0].references_columns, ["id"]);
        assert_eq!(child.foreign_keys[0].on_delete, Action::Cascade);
        let parent = live.schema.table("Parent Table").unwrap();
        // A UNIQUE constraint's automatic index is an index like any other.
        assert_eq!(parent.indexes.len(), 1);
        assert!(parent.indexes[0].unique);
        assert!(live.schema.table("plain").unwrap().indexes.is_empty());
        Ok(())
    }

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
