//! Operations to SQLite DDL.
//!
//! Native `ALTER TABLE` where SQLite supports the change; everything else is
//! SQLite's documented 12-step table rebuild. The rebuild runs with foreign
//! key enforcement off (so dropping the old table cannot cascade to its
//! children); that pragma cannot change inside a transaction, so the
//! migration says so in its header and the runner turns enforcement off
//! around its transaction and runs `PRAGMA foreign_key_check` before commit.

use std::fmt::Write as _;

use crate::autogenerate::ops::{Op, Rebuild};
use crate::dialect::sqlite::introspect::{LiveSchema, SchemaObject};
use crate::dialect::sqlite::sql_text::{self, Token};
use crate::schema::{
    Action, Column, ForeignKey, Table, column_definition, ident_list, quote_ident, quote_literal,
};

/// A rendered list of operations.
///
/// ```
/// use stillroom::{diff, render, DiffOptions, LiveSchema, Model, ModelSet};
///
/// #[derive(Model)]
/// #[model(table = "jobs")]
/// struct Before { #[model(primary_key)] id: String, note: Option<String> }
///
/// #[derive(Model)]
/// #[model(table = "jobs")]
/// struct After { #[model(primary_key)] id: String, #[model(default = "''")] note: Option<String> }
///
/// let before = ModelSet::new().with::<Before>().build()?;
/// let after = ModelSet::new().with::<After>().build()?;
/// let ops = diff(&before, &after, DiffOptions::default())?.ops;
/// let rendered = render(&ops, &LiveSchema { schema: before, ..LiveSchema::default() });
/// assert!(rendered.sql.starts_with("-- rebuild table `jobs` (`note` default changes)\n"));
/// assert!(rendered.foreign_keys_off); // a rebuild: `-- foreign-keys: off` in the file
/// assert_eq!(rendered.requires, (3, 37, 0)); // STRICT tables
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The SQL text: statements ending in `;`, each operation introduced by
    /// a comment saying what it does.
    pub sql: String,
    /// Whether foreign key enforcement must be off while it runs (a rebuild).
    pub foreign_keys_off: bool,
    /// The oldest SQLite version that runs it, as `(major, minor, patch)`.
    pub requires: (u32, u32, u32),
}

/// Renders `ops` for a database whose schema is `before`: its views and
/// triggers are dropped and recreated around the changes that need it.
///
/// ```
/// use stillroom::{render, Column, LiveSchema, Op, SqlType};
///
/// let mut note = Column::new("note", SqlType::Text);
/// note.nullable = true;
/// let r = render(&[Op::AddColumn { table: "jobs".into(), column: note, foreign_key: None }], &LiveSchema::default());
/// assert_eq!(r.sql, "-- add column `jobs.note`\nALTER TABLE \"jobs\" ADD COLUMN \"note\" TEXT;\n");
/// assert!(!r.foreign_keys_off);
/// ```
pub fn render(ops: &[Op], before: &LiveSchema) -> Rendered {
    let mut r = Renderer {
        out: Rendered {
            requires: (3, 8, 0),
            ..Rendered::default()
        },
        objects: objects(before),
    };
    let mut taken: Vec<String> = before
        .schema
        .tables()
        .iter()
        .map(|t| t.name.to_lowercase())
        .collect();
    for (i, op) in ops.iter().enumerate() {
        if i > 0 {
            r.out.sql.push('\n');
        }
        let _ = writeln!(r.out.sql, "-- {op}");
        match op {
            Op::CreateTable(t) => r.create_table(t),
            Op::DropTable(t) => {
                r.out.foreign_keys_off |= drop_needs_foreign_keys_off(t, ops, before);
                r.stmt(format!("DROP TABLE {}", quote_ident(&t.name)));
            }
            Op::RenameTable { from, to } => {
                r.version((3, 25, 0));
                r.stmt(format!(
                    "ALTER TABLE {} RENAME TO {}",
                    quote_ident(from),
                    quote_ident(to)
                ));
                r.respell(None, from, to);
            }
            Op::AddColumn {
                table,
                column,
                foreign_key,
            } => r.add_column(table, column, foreign_key.as_ref()),
            Op::DropColumn { table, column } => r.drop_column(table, &column.name),
            Op::RenameColumn { table, from, to } => {
                r.version((3, 25, 0));
                r.stmt(format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {}",
                    quote_ident(table),
                    quote_ident(from),
                    quote_ident(to)
                ));
                r.respell(Some(table), from, to);
            }
            Op::CreateIndex { table, index } => r.stmt(index.create_sql(table)),
            Op::DropIndex { index, .. } => {
                r.stmt(format!("DROP INDEX {}", quote_ident(&index.name)))
            }
            Op::RebuildTable(rebuild) => {
                let temp = temp_name(&rebuild.to.name, &taken);
                taken.push(temp.to_lowercase());
                r.rebuild(rebuild, &temp);
            }
        }
    }
    r.out
}

/// A view or trigger as the renderer tracks it through renames.
struct Object {
    kind: &'static str,
    name: String,
    table: String,
    sql: String,
}

fn objects(before: &LiveSchema) -> Vec<Object> {
    let make = |kind, o: &SchemaObject| Object {
        kind,
        name: o.name.clone(),
        table: o.table.clone(),
        sql: o.sql.clone(),
    };
    before
        .views
        .iter()
        .map(|o| make("VIEW", o))
        .chain(before.triggers.iter().map(|o| make("TRIGGER", o)))
        .collect()
}

struct Renderer {
    out: Rendered,
    objects: Vec<Object>,
}

impl Renderer {
    fn stmt(&mut self, sql: impl AsRef<str>) {
        self.out.sql.push_str(sql.as_ref());
        self.out.sql.push_str(";\n");
    }

    fn version(&mut self, v: (u32, u32, u32)) {
        self.out.requires = self.out.requires.max(v);
    }

    fn create_table(&mut self, table: &Table) {
        if table.strict {
            self.version((3, 37, 0));
        }
        for sql in table.create_statements() {
            self.stmt(sql);
        }
    }

    fn add_column(&mut self, table: &str, column: &Column, foreign_key: Option<&ForeignKey>) {
        let mut sql = format!(
            "ALTER TABLE {} ADD COLUMN {}",
            quote_ident(table),
            column_definition(column, false, false)
        );
        // A foreign key added in place is a column constraint.
        if let Some(fk) = foreign_key {
            let _ = write!(
                sql,
                " REFERENCES {} ({})",
                quote_ident(&fk.references_table),
                ident_list(&fk.references_columns)
            );
            for (word, action) in [("DELETE", fk.on_delete), ("UPDATE", fk.on_update)] {
                if action != Action::NoAction {
                    let _ = write!(sql, " ON {word} {}", action.as_sql());
                }
            }
        }
        self.stmt(sql);
    }

    fn drop_column(&mut self, table: &str, column: &str) {
        self.version((3, 35, 0));
        // SQLite refuses to drop a column a view or trigger names: set them
        // aside and put them back (which fails, rightly, if they still need it).
        let held =
            self.hold(|o| sql_text::mentions(&o.sql, column) && sql_text::mentions(&o.sql, table));
        self.stmt(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            quote_ident(table),
            quote_ident(column)
        ));
        self.restore(held);
    }

    /// The 12 steps (https://sqlite.org/lang_altertable.html#otheralter),
    /// with foreign keys off around the transaction (done by the runner).
    fn rebuild(&mut self, rebuild: &Rebuild, temp: &str) {
        let (from, to) = (&rebuild.from, &rebuild.to);
        self.out.foreign_keys_off = true;
        if to.strict {
            self.version((3, 37, 0));
        }
        self.stmt(to.create_table_sql_named(temp));
        let (columns, values) = copy_lists(rebuild);
        if !columns.is_empty() {
            self.stmt(format!(
                "INSERT INTO {} ({}) SELECT {} FROM {}",
                quote_ident(temp),
                ident_list(&columns),
                values.join(", "),
                quote_ident(&from.name)
            ));
        }
        if from.primary_key.autoincrement && to.primary_key.autoincrement {
            // Keep the AUTOINCREMENT counter, which may be above every
            // surviving key: ids of deleted rows are never handed out again.
            self.stmt(format!(
                "DELETE FROM sqlite_sequence WHERE name = {}",
                quote_literal(temp)
            ));
            self.stmt(format!(
                "INSERT INTO sqlite_sequence (name, seq) SELECT {}, seq FROM sqlite_sequence WHERE name = {}",
                quote_literal(temp),
                quote_literal(&from.name)
            ));
        }
        // Views and triggers that name the table would break the rename, and
        // the table's own triggers go with it: set them aside.
        let name = to.name.clone();
        let held =
            self.hold(|o| o.table.eq_ignore_ascii_case(&name) || sql_text::mentions(&o.sql, &name));
        self.stmt(format!("DROP TABLE {}", quote_ident(&from.name)));
        self.stmt(format!(
            "ALTER TABLE {} RENAME TO {}",
            quote_ident(temp),
            quote_ident(&to.name)
        ));
        for index in &to.indexes {
            self.stmt(index.create_sql(&to.name));
        }
        self.restore(held);
    }

    /// Drops the views and triggers `pick` selects, and every view or
    /// trigger built on a view dropped (a view of a view would break the
    /// rename too), newest first; returns them.
    fn hold(&mut self, pick: impl Fn(&Object) -> bool) -> Vec<usize> {
        let mut held: Vec<usize> = (0..self.objects.len())
            .filter(|&i| pick(&self.objects[i]))
            .collect();
        loop {
            let more: Vec<usize> = (0..self.objects.len())
                .filter(|i| !held.contains(i))
                .filter(|&i| {
                    held.iter().any(|&h| {
                        self.objects[h].kind == "VIEW"
                            && sql_text::mentions(&self.objects[i].sql, &self.objects[h].name)
                    })
                })
                .collect();
            if more.is_empty() {
                break;
            }
            held.extend(more);
        }
        held.sort_unstable();
        for &i in held.iter().rev() {
            let o = &self.objects[i];
            let sql = format!("DROP {} {}", o.kind, quote_ident(&o.name));
            self.stmt(sql);
        }
        held
    }

    /// Recreates held views and triggers, views first, each as it was.
    fn restore(&mut self, held: Vec<usize>) {
        let mut order = held;
        order.sort_by_key(|&i| (self.objects[i].kind != "VIEW", i));
        for i in order {
            let sql = self.objects[i].sql.clone();
            self.stmt(sql);
        }
    }

    /// After a rename, the views and triggers SQLite rewrote say the new
    /// name: so must the copies held here. A column rename (`table` given)
    /// only touches objects that read that table.
    fn respell(&mut self, table: Option<&str>, from: &str, to: &str) {
        for o in &mut self.objects {
            if table.is_none() && o.table.eq_ignore_ascii_case(from) {
                o.table = to.to_owned();
            }
            let in_scope = table
                .is_none_or(|t| o.table.eq_ignore_ascii_case(t) || sql_text::mentions(&o.sql, t));
            if in_scope && sql_text::mentions(&o.sql, from) {
                o.sql = respell(&o.sql, from, to);
            }
        }
    }
}

/// `sql` with every bare or quoted name `from` written as `to`; everything
/// else (spacing, comments, literals) kept.
fn respell(sql: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    for token in sql_text::tokenize(sql) {
        let src = token.source();
        let Some(at) = rest.find(src) else { continue };
        out.push_str(&rest[..at]);
        match token {
            // `new.name`, `t.name`: each part of a qualified name.
            Token::Word(w) if w.contains('.') => {
                let parts: Vec<String> = w
                    .split('.')
                    .map(|part| {
                        if part.eq_ignore_ascii_case(from) {
                            quote_ident(to)
                        } else {
                            part.to_owned()
                        }
                    })
                    .collect();
                out.push_str(&parts.join("."));
            }
            Token::Word(_) | Token::Quoted(_) if token.name().eq_ignore_ascii_case(from) => {
                out.push_str(&quote_ident(to))
            }
            _ => out.push_str(src),
        }
        rest = &rest[at + src.len()..];
    }
    out.push_str(rest);
    out
}

/// The new table's columns filled from the old table (same name), and
/// their values: the old column, with the default standing in for NULL where
/// the column became NOT NULL. New columns are left to their defaults.
fn copy_lists(rebuild: &Rebuild) -> (Vec<String>, Vec<String>) {
    let mut columns = Vec::new();
    let mut values = Vec::new();
    for column in &rebuild.to.columns {
        let Some(old) = rebuild.from.column_ci(&column.name) else {
            continue;
        };
        let value = match (&column.default, old.nullable && !column.nullable) {
            (Some(default), true) => format!("COALESCE({}, {default})", quote_ident(&old.name)),
            _ => quote_ident(&old.name),
        };
        columns.push(column.name.clone());
        values.push(value);
    }
    (columns, values)
}

/// Whether dropping `t` must run with foreign keys off. `DROP TABLE` deletes
/// every row first, and with enforcement on that trips a RESTRICT (a
/// self-reference, say), fails on a reference cycle among dropped tables, and
/// would cascade into a table that stays. Children are dropped before their
/// parents, so plain references among dropped tables need nothing.
fn drop_needs_foreign_keys_off(t: &Table, ops: &[Op], before: &LiveSchema) -> bool {
    let dropped = |name: &str| {
        ops.iter()
            .any(|op| matches!(op, Op::DropTable(d) if d.name.eq_ignore_ascii_case(name)))
    };
    let restrict = t
        .foreign_keys
        .iter()
        .any(|fk| fk.on_delete == Action::Restrict);
    let kept_child = before.schema.tables().iter().any(|o| {
        !dropped(&o.name)
            && o.foreign_keys
                .iter()
                .any(|fk| fk.references_table.eq_ignore_ascii_case(&t.name))
    });
    restrict || kept_child || in_reference_cycle(t, before)
}

/// Whether `t` reaches itself through other tables' foreign keys.
fn in_reference_cycle(t: &Table, before: &LiveSchema) -> bool {
    let mut seen: Vec<String> = Vec::new();
    let mut next: Vec<String> = t
        .foreign_keys
        .iter()
        .map(|fk| fk.references_table.to_lowercase())
        .collect();
    let me = t.name.to_lowercase();
    next.retain(|n| *n != me);
    while let Some(name) = next.pop() {
        if seen.contains(&name) {
            continue;
        }
        let Some(table) = before
            .schema
            .tables()
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(&name))
        else {
            continue;
        };
        for fk in &table.foreign_keys {
            let target = fk.references_table.to_lowercase();
            if target == me {
                return true;
            }
            next.push(target);
        }
        seen.push(name);
    }
    false
}

/// A name for the rebuild's new table that no table has.
fn temp_name(table: &str, taken: &[String]) -> String {
    let base = format!("_stillroom_new_{table}");
    let mut name = base.clone();
    let mut n = 1;
    while taken.contains(&name.to_lowercase()) {
        n += 1;
        name = format!("{base}_{n}");
    }
    name
}
