//! Models from an existing database: Rust source declaring one
//! `#[derive(Model)]` struct per table, for adopting a database made
//! without stillroom (diesel's `print-schema`, Django's `inspectdb`).
//!
//! The models are exact: compiled, they give the schema the database has,
//! as [`diff`](crate::diff) compares schemas, so that a first revision
//! generated from them is the database's schema and `migrate` adopts the
//! database at that revision. Where the derive cannot declare exactly what
//! the database has, the source says so in a note starting with `differs:`.

mod attr_sql;
mod draft;
mod names;
mod source;
mod types;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use rusqlite::Connection;

use crate::dialect::Dialect;
use crate::dialect::sqlite::introspect::{LiveSchema, SchemaObject, introspect};
use crate::schema::{Problem, Schema};
use crate::{Result, Table};

/// Reads the schema of `conn`'s `main` database and writes Rust source for
/// its tables: one `#[derive(stillroom::Model)]` struct each. See
/// [`models_source`] for what the source holds.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch(
///     "CREATE TABLE users (
///          id INTEGER PRIMARY KEY,
///          login VARCHAR(40) NOT NULL,
///          admin BOOLEAN NOT NULL DEFAULT 0 CHECK (admin IN (0, 1))
///      );",
/// )?;
/// let source = stillroom::inspect(&conn)?;
/// assert!(source.contains(
///     r#"#[derive(Debug, Clone, PartialEq, stillroom::Model)]
/// #[model(strict = false)]
/// pub struct Users {
///     #[model(primary_key)]
///     pub id: i64,
///     #[model(sql_type = "VARCHAR(40)")]
///     pub login: String,
///     #[model(sql_type = "BOOLEAN", default = "0")]
///     pub admin: bool,
/// }
/// "#
/// ));
/// # Ok(())
/// # }
/// ```
pub fn inspect(conn: &Connection) -> Result<String> {
    Ok(models_source(&introspect(conn)?))
}

/// Rust source declaring one `#[derive(stillroom::Model)]` struct per table
/// of `live` (as [`introspect`] reads a database), in table-name order. The
/// same schema always gives the same text, laid out as rustfmt lays it out.
///
/// # How a table becomes a model
///
/// | database | model |
/// |---|---|
/// | table `user_roles` | `pub struct UserRoles`; `table = "..."` when the derive's default (the struct's name in snake_case) is not the table's name; a name taken, or shadowing a prelude name (`Option`), gets a suffix |
/// | column `login` | `pub login`; a Rust keyword is a raw identifier (`r#type`); any other name a snake_case identifier with `column = "..."`, numbered (`_2`) when two collide |
/// | not STRICT | `strict = false` |
/// | INTEGER, REAL, TEXT, BLOB, ANY | `i64`, `f64`, `String`, `Vec<u8>`, `rusqlite::types::Value` |
/// | INTEGER with the CHECK `col IN (0, 1)` | `bool` (the CHECK is `bool`'s own) |
/// | nullable | `Option<T>` |
/// | another declared type (`VARCHAR(40)`, `INT`) | `sql_type = "VARCHAR(40)"`, the Rust type by SQLite's affinity rules: INT → `i64`, CHAR/CLOB/TEXT → `String`, BLOB → `Vec<u8>`, REAL/FLOA/DOUB → `f64` |
/// | NUMERIC affinity (any other declared type) | by name, with a note: BOOL → `bool` with the CHECK, else `i64`; DATE/TIME → `String` (ORMs store ISO 8601 text); JSON → `String`; DEC/NUMERIC/NUMBER/MONEY → `f64`; anything else → `Value` |
/// | primary key | `primary_key` on the field; composite: `primary_key(a, b)` on the struct, in key order; `autoincrement` |
/// | DEFAULT, CHECK | `default = "..."`, `check = "..."` as the database has them (a field's second CHECK becomes a table CHECK, with a note); table CHECKs on the struct |
/// | index named as stillroom names it (`ix_t_c`, `uq_t_c`) on one column | `index` / `unique` on the field |
/// | any other index | `index(a, b, name = "...")` / `unique(...)` on the struct |
/// | unnamed UNIQUE constraint (`sqlite_autoindex_...`) | a unique index named as stillroom names it, with a note: the database differs until a rebuild replaces the constraint |
/// | foreign key on one column | `references = "t(c)"` with `on_delete` / `on_update` on the field |
/// | composite foreign key | `foreign_key(a, b, references = "t(x, y)", ...)` on the struct |
///
/// Views, triggers, expression and partial indexes, generated columns,
/// virtual tables, WITHOUT ROWID and COLLATE cannot be declared by a model:
/// the source names them in its header, and also lists what stillroom
/// refuses in a model set that SQLite took (a foreign key between columns of
/// different types). A table without a primary key gets a note and no key,
/// so that the derive's error asks for one.
///
/// ```
/// use stillroom::{Column, LiveSchema, Schema, SqlType, Table};
///
/// let mut t = Table::new("order");
/// t.columns.push(Column::new("id", SqlType::Integer));
/// t.columns.push(Column::new("Ship Date", SqlType::Text));
/// t.primary_key.columns.push("id".into());
/// t.primary_key.autoincrement = true;
/// let live = LiveSchema { schema: Schema::new([t])?, ..LiveSchema::default() };
///
/// let source = stillroom::models_source(&live);
/// assert!(source.ends_with(
///     r#"#[derive(Debug, Clone, PartialEq, stillroom::Model)]
/// pub struct Order {
///     #[model(primary_key, autoincrement)]
///     pub id: i64,
///     #[model(column = "Ship Date")]
///     pub ship_date: String,
/// }
/// "#
/// ));
/// # Ok::<(), stillroom::SchemaError>(())
/// ```
pub fn models_source(live: &LiveSchema) -> String {
    models_source_in(Dialect::Sqlite, live)
}

/// [`models_source`] for a `dialect` database (`live` read by its
/// introspection).
pub(crate) fn models_source_in(dialect: Dialect, live: &LiveSchema) -> String {
    let tables = live.schema.tables();
    let mut index_names: BTreeSet<String> = tables
        .iter()
        .flat_map(|t| t.indexes.iter().map(|i| i.name.to_lowercase()))
        .collect();
    let (blank, named): (Vec<_>, Vec<_>) = tables.iter().partition(|t| t.name.trim().is_empty());
    let struct_names =
        names::struct_names(&named.iter().map(|t| t.name.as_str()).collect::<Vec<_>>());
    let mut models = String::new();
    let mut features = BTreeSet::new();
    for (table, name) in named.into_iter().zip(struct_names) {
        models.push('\n');
        let table = as_declared(dialect, table, &mut features);
        let model = draft::model(dialect, &live.schema, &table, name, &mut index_names);
        models.push_str(&source::model(&model));
    }
    header(dialect, live, &blank, &features) + &models
}

/// `table` as its model declares it. On PostgreSQL, STRICT means nothing
/// (a model keeps the default), and the stillroom features its fields'
/// types need go into `features`.
fn as_declared<'t>(
    dialect: Dialect,
    table: &'t Table,
    features: &mut BTreeSet<&'static str>,
) -> std::borrow::Cow<'t, Table> {
    if dialect == Dialect::Sqlite {
        return std::borrow::Cow::Borrowed(table);
    }
    let mut declared = table.clone();
    declared.strict = true;
    for column in &table.columns {
        let (choice, _, _) = types::choose_in(dialect, column, false);
        features.extend(choice.base.feature());
    }
    std::borrow::Cow::Owned(declared)
}

/// What the source is and what to do with it (after its first line, which
/// names the database).
const INTRODUCTION: &str = "\
Review them: the names of structs and fields, the Rust type chosen for each column,
and every note. A note starting with \"differs:\" marks what a model cannot declare
exactly; there the database differs from these models.

Then add them to the application and generate the first revision from them
(`db revision --autogenerate -m \"initial\"`): `migrate` adopts this database at that
revision, its schema being the revision's. Where a note says the database differs,
adoption converts the database to the models' declaration, after checking that every
stored value fits it (`db adopt --sql` shows the conversion first).";

/// The header: what the source is, what to do with it, what stillroom
/// would refuse in it, and what it leaves out.
fn header(
    dialect: Dialect,
    live: &LiveSchema,
    blank: &[&Table],
    features: &BTreeSet<&'static str>,
) -> String {
    let mut lines: Vec<String> = vec![match dialect {
        Dialect::Sqlite => {
            "Models of the tables of an existing SQLite database, written by `stillroom::inspect`."
                .to_owned()
        }
        Dialect::Postgres => "Models of the tables of an existing PostgreSQL schema, written by `stillroom::postgres::inspect`.".to_owned(),
    }];
    lines.push(String::new());
    lines.extend(INTRODUCTION.lines().map(String::from));
    if !features.is_empty() {
        let list: Vec<String> = features.iter().map(|f| format!("`{f}`")).collect();
        lines.push(String::new());
        lines.push(format!(
            "Their field types need stillroom's features {} (and those crates).",
            list.join(", ")
        ));
    }
    let refused: Vec<String> = refused(dialect, live)
        .iter()
        .flat_map(|p| list_item(p))
        .collect();
    if !refused.is_empty() {
        lines.push(String::new());
        lines.push(
            "stillroom refuses these models as they are (the database took what they declare): fix"
                .into(),
        );
        lines.push("them, and the database with them, before generating a revision:".into());
        lines.extend(refused);
    }
    let mut left_out: Vec<String> = live.unsupported.clone();
    left_out.extend(blank.iter().map(|t| {
        let name = draft::code(&t.name);
        format!("table {name}: a blank name, which `table = \"...\"` cannot hold")
    }));
    left_out.extend(live.views.iter().map(|v| object("view", v)));
    left_out.extend(live.triggers.iter().map(|t| object("trigger", t)));
    if !left_out.is_empty() {
        lines.push(String::new());
        lines.push(
            "Not in these models (stillroom does not compare these; a new database gets them"
                .into(),
        );
        lines.push("only from a migration written by hand):".into());
        for item in &left_out {
            let mut parts = item.lines();
            lines.push(format!("- {}", parts.next().unwrap_or_default()));
            lines.extend(parts.map(|line| format!("  {line}")));
        }
    }
    let mut out = String::new();
    source::comments(&mut out, "", &lines);
    out
}

/// What a model set of these tables would be refused for (a foreign key to
/// a missing table, or between columns of different types, ...), as the
/// models spell their foreign keys. A missing key has its own note.
fn refused(dialect: Dialect, live: &LiveSchema) -> Vec<String> {
    let mut tables = live.schema.tables().to_vec();
    for table in &mut tables {
        if dialect == Dialect::Postgres {
            // The models' columns as the derive builds them: each field's
            // SQLite type, which the rules are written for.
            table.strict = true;
            for column in &mut table.columns {
                let (choice, _, _) = types::choose_in(dialect, column, false);
                column.sql_type = choice.base.sqlite_type();
            }
        }
        for fk in &mut table.foreign_keys {
            *fk = draft::resolved(fk, &live.schema);
        }
    }
    match Schema::new(tables) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .problems
            .iter()
            .filter(|p| !matches!(p, Problem::NoPrimaryKey { .. }))
            .map(|p| source::comment_text(&p.to_string()))
            .collect(),
    }
}

/// `text` as a list item, wrapped: `- ` before its first line, two blanks
/// before the others.
fn list_item(text: &str) -> Vec<String> {
    let lines = source::wrap("  ", &[text.to_owned()]);
    let prefix = |i| if i == 0 { "- " } else { "  " };
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| format!("{}{l}", prefix(i)))
        .collect()
}

/// A view or trigger: its name, then its SQL, indented.
fn object(kind: &str, o: &SchemaObject) -> String {
    let mut text = format!("{kind} {}", draft::code(&o.name));
    if kind == "trigger" {
        let _ = write!(text, " on {}", draft::code(&o.table));
    }
    text.push(':');
    for line in o.sql.lines() {
        let _ = write!(text, "\n  {line}");
    }
    text
}
