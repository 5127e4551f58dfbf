//! Comparing two schemas: the operations that take a database from one to
//! the other, and the refusals when that would lose data silently.
//!
//! Schemas are compared on a canonical form: names without regard to case,
//! SQL expressions (defaults, checks) by [`canonical`](crate::dialect::sqlite::sql_text)
//! spelling, foreign keys and indexes as sets, and column order ignored (SQLite
//! can only append columns; a rebuild just to reorder them would be noise).

use std::fmt;

mod matching;
pub(crate) mod rules;

pub(crate) use self::matching::match_schemas;
use self::matching::{ColumnMatch, renamed_name};
pub(crate) use self::rules::{
    canonical_checks, canonical_default, canonical_foreign_key, foreign_key_set,
};
use crate::autogenerate::ops::{Op, Rebuild};
use crate::dialect::Dialect;
use crate::schema::{Column, ForeignKey, Schema, Table, dependency_order};

/// What a diff may do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiffOptions {
    /// Allow every operation that loses data (drops, narrowing type
    /// changes, NOT NULL on existing columns). They are listed in
    /// [`Diff::data_loss`].
    pub allow_data_loss: bool,
    /// Allow the losses of these only: `jobs` (the table's drop and any
    /// loss in its columns) or `jobs.legacy` (one column), names compared
    /// as SQLite does, without regard to case. Every other loss is refused.
    pub allow_loss_of: Vec<String>,
}

impl DiffOptions {
    /// Data loss allowed: every difference becomes an operation (what a
    /// comparison that only describes, or a down part, wants).
    pub const ALLOW_LOSS: Self = Self {
        allow_data_loss: true,
        allow_loss_of: Vec::new(),
    };

    /// Whether a loss in `table` (and `column`, when it is a column's) is
    /// allowed.
    ///
    /// ```
    /// let options = stillroom::DiffOptions { allow_loss_of: vec!["jobs.legacy".into()], ..Default::default() };
    /// assert!(options.allows("Jobs", Some("legacy")));
    /// assert!(!options.allows("jobs", Some("status")));
    /// assert!(!options.allows("jobs", None));
    /// ```
    pub fn allows(&self, table: &str, column: Option<&str>) -> bool {
        self.allow_data_loss
            || self
                .allow_loss_of
                .iter()
                .any(|scope| match scope.split_once('.') {
                    Some((t, c)) => {
                        t.eq_ignore_ascii_case(table)
                            && column.is_some_and(|col| col.eq_ignore_ascii_case(c))
                    }
                    None => scope.eq_ignore_ascii_case(table),
                })
    }
}

/// The operations from one schema to another.
///
/// ```
/// use stillroom::{diff, DiffOptions, Model, ModelSet, Op};
///
/// #[derive(Model)]
/// #[model(table = "jobs")]
/// struct Before { #[model(primary_key)] id: String, legacy: String }
///
/// #[derive(Model)]
/// #[model(table = "jobs")]
/// struct After { #[model(primary_key)] id: String }
///
/// let before = ModelSet::new().with::<Before>().build()?;
/// let after = ModelSet::new().with::<After>().build()?;
/// let options = DiffOptions { allow_loss_of: vec!["jobs.legacy".into()], ..Default::default() };
/// let d = diff(&before, &after, options)?;
/// assert!(matches!(&d.ops[..], [Op::DropColumn { column, .. }] if column.name == "legacy"));
/// assert_eq!(d.data_loss, ["drops column `jobs.legacy` and its values"]);
/// assert!(diff(&after, &after, DiffOptions::default())?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// The operations, in the order they must run.
    pub ops: Vec<Op>,
    /// What the operations lose, one sentence each (empty unless allowed).
    pub data_loss: Vec<String>,
}

impl Diff {
    /// Whether the schemas are equal.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// The reasons a diff was refused, each naming the table and column and the
/// fix.
///
/// ```
/// use stillroom::{diff, DiffOptions, Model, ModelSet};
///
/// #[derive(Model)]
/// #[model(table = "jobs")]
/// struct Before { #[model(primary_key)] id: String, legacy: String }
///
/// #[derive(Model)]
/// #[model(table = "jobs")]
/// struct After { #[model(primary_key)] id: String }
///
/// let before = ModelSet::new().with::<Before>().build()?;
/// let after = ModelSet::new().with::<After>().build()?;
/// let refused = diff(&before, &after, DiffOptions::default()).unwrap_err();
/// assert!(refused.refusals[0].starts_with(
///     "column `jobs.legacy` has no field any more: dropping it loses its values"
/// ));
/// assert!(refused
///     .to_string()
///     .starts_with("the migration would lose data, so it was not generated:"));
/// # Ok::<(), stillroom::SchemaError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// One sentence per refused change.
    pub refusals: Vec<String>,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the migration would lose data, so it was not generated:")?;
        for r in &self.refusals {
            write!(f, "\n  - {r}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Refused {}

/// The operations that take a database with schema `from` to schema `to`.
///
/// `renamed_from` on `to`'s tables and columns marks renames; a table or
/// column that is missing from `to` is a drop, refused unless
/// `options.allow_data_loss`, and so is any other change that can lose
/// values. A column that disappears while another of the same type appears
/// is refused as an ambiguous rename rather than guessed.
///
/// ```
/// use stillroom::{diff, Column, DiffOptions, Op, Schema, SqlType, Table};
///
/// let mut old = Table::new("jobs");
/// old.columns.push(Column::new("id", SqlType::Text));
/// old.primary_key.columns.push("id".into());
/// let mut new = old.clone();
/// let mut note = Column::new("note", SqlType::Text);
/// note.nullable = true;
/// new.columns.push(note.clone());
///
/// let d = diff(&Schema::new([old])?, &Schema::new([new])?, DiffOptions::default())?;
/// assert_eq!(d.ops, [Op::AddColumn { table: "jobs".into(), column: note, foreign_key: None }]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diff(from: &Schema, to: &Schema, options: DiffOptions) -> Result<Diff, Refused> {
    diff_in(Dialect::Sqlite, from, to, options)
}

/// [`diff`] for `dialect`: what its `ALTER TABLE` makes in place and what
/// its types keep decide the ops (a PostgreSQL `RebuildTable` is rendered
/// as `ALTER TABLE`s, never a copy).
pub(crate) fn diff_in(
    dialect: Dialect,
    from: &Schema,
    to: &Schema,
    options: DiffOptions,
) -> Result<Diff, Refused> {
    let mut cx = Cx {
        options,
        dialect,
        data_loss: Vec::new(),
        refusals: Vec::new(),
    };
    let matched = match_schemas(from, to);
    let pairs = &matched.tables;
    let mut out = Ordered::default();
    for (old, new) in &pairs.matched {
        if !old.name.eq_ignore_ascii_case(&new.name) {
            out.rename_tables.push(Op::RenameTable {
                from: old.name.clone(),
                to: new.name.clone(),
            });
        }
    }
    for (m, old) in matched.columns.iter().zip(&matched.renamed) {
        table_ops(&mut cx, m, old, &mut out);
    }
    let created_any = !pairs.created.is_empty();
    for table in &pairs.dropped {
        cx.loss(
            &table.name,
            None,
            format!("drops table `{}` and all its rows", table.name),
            format!(
                "table `{}` has no model any more: dropping it loses all its rows; if a model now holds it under another name, add `#[model(renamed_from = \"{}\")]` to that model{}",
                table.name,
                table.name,
                if created_any { " (a new table appears in the same change)" } else { "" }
            ),
        );
    }
    let created: Vec<Table> = pairs.created.iter().map(|t| (*t).clone()).collect();
    out.create_tables = dependency_order(&created)
        .into_iter()
        .map(|t| Op::CreateTable(t.clone()))
        .collect();
    let dropped: Vec<Table> = pairs.dropped.iter().map(|t| (*t).clone()).collect();
    out.drop_tables = dependency_order(&dropped)
        .into_iter()
        .rev()
        .map(|t| Op::DropTable(t.clone()))
        .collect();

    if cx.refusals.is_empty() {
        Ok(Diff {
            ops: out.into_ops(),
            data_loss: cx.data_loss,
        })
    } else {
        Err(Refused {
            refusals: cx.refusals,
        })
    }
}

struct Cx {
    options: DiffOptions,
    dialect: Dialect,
    data_loss: Vec<String>,
    refusals: Vec<String>,
}

impl Cx {
    /// Records a change that loses data in `table` (`column`): allowed and
    /// listed, or refused.
    fn loss(&mut self, table: &str, column: Option<&str>, what: String, refusal: String) {
        if self.options.allows(table, column) {
            self.data_loss.push(what);
        } else {
            let scope = column.map_or_else(|| table.to_owned(), |c| format!("{table}.{c}"));
            self.refusals.push(format!(
                "{refusal}; or, to accept this loss, generate with `--allow-loss-of {scope}` (`GenerateOptions::allow_loss_of`)"
            ));
        }
    }
}

/// The operations, bucketed in the order they run.
#[derive(Default)]
struct Ordered {
    rename_tables: Vec<Op>,
    drop_indexes: Vec<Op>,
    table_changes: Vec<Op>,
    create_tables: Vec<Op>,
    create_indexes: Vec<Op>,
    drop_tables: Vec<Op>,
}

impl Ordered {
    fn into_ops(self) -> Vec<Op> {
        [
            self.rename_tables,
            self.drop_indexes,
            self.table_changes,
            self.create_tables,
            self.create_indexes,
            self.drop_tables,
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// The operations for one matched table.
fn table_ops(cx: &mut Cx, m: &ColumnMatch<'_>, old: &Table, out: &mut Ordered) {
    let new = m.new;
    let name = &new.name;
    let mut reasons = Vec::new();
    ambiguous_renames(cx, m);
    for (o, n) in &m.pairs {
        // Compare with the column as the rename left it (its own CHECK names
        // it by its new name by then).
        let o = old.column_ci(&n.name).unwrap_or(o);
        column_change(cx, (old, new), o, n, &mut reasons);
    }
    for d in &m.dropped {
        let ambiguous = m.added.iter().any(|a| a.sql_type == d.sql_type);
        if cx.options.allows(name, Some(&d.name)) || !ambiguous {
            cx.loss(
                name,
                Some(&d.name),
                format!("drops column `{name}.{}` and its values", d.name),
                format!("column `{name}.{}` has no field any more: dropping it loses its values; if a field now holds it under another name, add `#[model(renamed_from = \"{}\")]` to that field", d.name, d.name),
            );
        }
        let old_name = renamed_name(&d.name, &m.renames);
        if !cx.dialect.droppable(old, &old_name) {
            reasons.push(format!("drop column `{}`", d.name));
        }
    }
    for a in &m.added {
        if !a.nullable && a.default.is_none() {
            cx.loss(
                name,
                Some(&a.name),
                format!("adds NOT NULL column `{name}.{}` without a default: fails if the table has rows", a.name),
                format!("column `{name}.{}` is NOT NULL without a default, so existing rows cannot be filled; give the field a `default = \"...\"` or make it an `Option`", a.name),
            );
        }
        if let Err(why) = cx.dialect.addable(a, new) {
            reasons.push(format!("add column `{}` ({why})", a.name));
        }
    }
    table_level_changes(cx.dialect, old, new, &m.added, &mut reasons);
    // Renames run first, natively even before a rebuild: SQLite then rewrites
    // every reference to the column (other tables' foreign keys, indexes,
    // views, triggers), which a copy under a new name would not.
    for (from, to) in &m.renames {
        out.table_changes.push(Op::RenameColumn {
            table: name.clone(),
            from: from.clone(),
            to: to.clone(),
        });
    }
    if !reasons.is_empty() {
        // Say everything the rebuild does, not only what forced it.
        for a in m
            .added
            .iter()
            .filter(|a| cx.dialect.addable(a, new).is_ok())
        {
            reasons.push(format!("add column `{}`", a.name));
        }
        for d in m.dropped.iter().filter(|d| {
            cx.dialect
                .droppable(old, &renamed_name(&d.name, &m.renames))
        }) {
            reasons.push(format!("drop column `{}`", d.name));
        }
        // The table as the renames left it is what the rebuild copies from.
        let rebuild = Rebuild {
            from: old.clone(),
            to: new.clone(),
            reasons,
        };
        out.table_changes.push(Op::RebuildTable(Box::new(rebuild)));
        return;
    }
    for d in &m.dropped {
        out.table_changes.push(Op::DropColumn {
            table: name.clone(),
            column: (*d).clone(),
        });
    }
    for a in &m.added {
        let foreign_key = new
            .foreign_keys
            .iter()
            .find(|fk| fk.columns.len() == 1 && fk.columns[0].eq_ignore_ascii_case(&a.name))
            .cloned();
        out.table_changes.push(Op::AddColumn {
            table: name.clone(),
            column: (*a).clone(),
            foreign_key,
        });
    }
    index_ops(old, m.old, new, out);
}

/// A column gone and another of its type new, without `renamed_from`:
/// maybe a rename, maybe not. Never guessed.
fn ambiguous_renames(cx: &mut Cx, m: &ColumnMatch<'_>) {
    for d in m
        .dropped
        .iter()
        .filter(|d| !cx.options.allows(&m.new.name, Some(&d.name)))
    {
        for a in m.added.iter().filter(|a| a.sql_type == d.sql_type) {
            cx.refusals.push(format!(
                "table `{}`: column `{}` is gone and column `{}` ({}) is new: if `{}` is `{}` renamed, add `#[model(renamed_from = \"{}\")]` to field `{}`; if not, generate with `--allow-loss-of {}.{}` to drop `{}`",
                m.new.name, d.name, a.name, a.sql_type, a.name, d.name, d.name, a.name, m.new.name, d.name, d.name
            ));
        }
    }
}

/// A change to one column in place: type, nullability, default, checks.
/// `tables` are the old table (after renames) and the new one.
fn column_change(
    cx: &mut Cx,
    tables: (&Table, &Table),
    o: &Column,
    n: &Column,
    reasons: &mut Vec<String>,
) {
    let (table, col) = (&tables.1.name, &n.name);
    if !cx.dialect.same_type(o, tables.0, n, tables.1) {
        reasons.push(format!("`{col}` type {} -> {}", o.sql_type, n.sql_type));
        if !cx.dialect.lossless(&o.sql_type, &n.sql_type) {
            cx.loss(
                table,
                Some(col),
                format!("changes `{table}.{col}` from {} to {}: values that do not convert are lost or fail", o.sql_type, n.sql_type),
                format!("changing `{table}.{col}` from {} to {} can lose values; keep the type", o.sql_type, n.sql_type),
            );
        }
    }
    if o.nullable && !n.nullable {
        reasons.push(format!("`{col}` becomes NOT NULL"));
        let fill = n.default.as_deref().map_or_else(
            || "the migration fails if any row holds NULL".to_owned(),
            |d| format!("its NULLs become {d}"),
        );
        cx.loss(
            table,
            Some(col),
            format!("makes `{table}.{col}` NOT NULL: {fill}"),
            format!("making `{table}.{col}` NOT NULL changes data ({fill}); keep it an `Option`"),
        );
    } else if !o.nullable && n.nullable {
        reasons.push(format!("`{col}` becomes nullable"));
    }
    if canonical_default(o) != canonical_default(n) {
        reasons.push(format!("`{col}` default changes"));
    }
    if canonical_checks(&o.checks) != canonical_checks(&n.checks) {
        reasons.push(format!("`{col}` checks change"));
    }
}

/// Table-level differences only a rebuild can make.
fn table_level_changes(
    dialect: Dialect,
    old: &Table,
    new: &Table,
    added: &[&Column],
    reasons: &mut Vec<String>,
) {
    let lower = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
    if lower(&old.primary_key.columns) != lower(&new.primary_key.columns) {
        reasons.push(format!(
            "primary key ({}) -> ({})",
            old.primary_key.columns.join(", "),
            new.primary_key.columns.join(", ")
        ));
    } else if old.primary_key.autoincrement != new.primary_key.autoincrement {
        reasons.push("AUTOINCREMENT changes".into());
    }
    // A new column's own foreign key comes with its ADD COLUMN.
    let added_in_place = |fk: &ForeignKey| {
        fk.columns.len() == 1
            && added.iter().any(|a| {
                a.name.eq_ignore_ascii_case(&fk.columns[0]) && dialect.addable(a, new).is_ok()
            })
    };
    let mut kept = new.clone();
    kept.foreign_keys.retain(|fk| !added_in_place(fk));
    if foreign_key_set(old) != foreign_key_set(&kept) {
        reasons.push("foreign keys change".into());
    }
    if canonical_checks(&old.checks) != canonical_checks(&new.checks) {
        reasons.push("table checks change".into());
    }
    if old.strict != new.strict {
        reasons.push(
            if new.strict {
                "becomes STRICT"
            } else {
                "stops being STRICT"
            }
            .into(),
        );
    }
    if old
        .indexes
        .iter()
        .any(|i| i.name.starts_with("sqlite_autoindex_"))
    {
        reasons.push("replace UNIQUE constraints with unique indexes".into());
    }
}

/// Index changes of a table changed in place. `old` is the table after
/// renames (what to compare), `as_was` before them (what a drop reports).
fn index_ops(old: &Table, as_was: &Table, new: &Table, out: &mut Ordered) {
    for o in &old.indexes {
        match new
            .indexes
            .iter()
            .find(|n| n.name.eq_ignore_ascii_case(&o.name))
        {
            Some(n) if o.same_key(n) => {}
            _ => out.drop_indexes.push(Op::DropIndex {
                table: new.name.clone(),
                index: as_was.index(&o.name).unwrap_or(o).clone(),
            }),
        }
    }
    for n in &new.indexes {
        match old
            .indexes
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(&n.name))
        {
            Some(o) if o.same_key(n) => {}
            _ => out.create_indexes.push(Op::CreateIndex {
                table: new.name.clone(),
                index: n.clone(),
            }),
        }
    }
}
