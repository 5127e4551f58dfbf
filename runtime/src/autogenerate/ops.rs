//! The operations a migration is made of: what [`diff`](crate::diff) finds and
//! [`render`](crate::render) turns into SQL. Named as in Alembic.

use std::fmt;

use crate::schema::{Column, ForeignKey, Index, Table};

/// One schema change.
///
/// ```
/// use stillroom::{diff, DiffOptions, Model, ModelSet, Op};
///
/// #[derive(Model)]
/// #[model(table = "jobs")]
/// struct Before { #[model(primary_key)] id: String }
///
/// #[derive(Model)]
/// #[model(table = "jobs")]
/// struct After { #[model(primary_key)] id: String, #[model(index)] site: Option<String> }
///
/// let before = ModelSet::new().with::<Before>().build()?;
/// let after = ModelSet::new().with::<After>().build()?;
/// let ops = diff(&before, &after, DiffOptions::default())?.ops;
/// assert!(matches!(&ops[0], Op::AddColumn { column, .. } if column.name == "site"));
/// let said: Vec<String> = ops.iter().map(ToString::to_string).collect();
/// assert_eq!(said, ["add column `jobs.site`", "create index `ix_jobs_site`"]);
/// assert!(ops.iter().all(|op| op.table() == "jobs"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Create a table and its indexes.
    CreateTable(Table),
    /// Drop a table (its indexes go with it). Loses its rows.
    DropTable(Table),
    /// `ALTER TABLE .. RENAME TO ..`: keeps the rows.
    RenameTable {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `ALTER TABLE .. ADD COLUMN ..`.
    AddColumn {
        /// The table.
        table: String,
        /// The new column.
        column: Column,
        /// The column's foreign key, if it has one (single-column only).
        foreign_key: Option<ForeignKey>,
    },
    /// `ALTER TABLE .. DROP COLUMN ..`. Loses the column's values.
    DropColumn {
        /// The table.
        table: String,
        /// The dropped column, as it was.
        column: Column,
    },
    /// `ALTER TABLE .. RENAME COLUMN ..`: keeps the values.
    RenameColumn {
        /// The table.
        table: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// `CREATE INDEX`.
    CreateIndex {
        /// The table.
        table: String,
        /// The index.
        index: Index,
    },
    /// `DROP INDEX`.
    DropIndex {
        /// The table.
        table: String,
        /// The index, as it was.
        index: Index,
    },
    /// SQLite's 12-step rebuild, for every change `ALTER TABLE` cannot make:
    /// a new table is created, the rows copied, the old table dropped and the
    /// new one renamed into place.
    RebuildTable(Box<Rebuild>),
}

/// The details of an [`Op::RebuildTable`].
///
/// ```
/// use stillroom::{diff, DiffOptions, Model, ModelSet, Op};
///
/// #[derive(Model)]
/// #[model(table = "jobs")]
/// struct Before { #[model(primary_key)] id: String, note: Option<String> }
///
/// #[derive(Model)]
/// #[model(table = "jobs")]
/// struct After { #[model(primary_key)] id: String, #[model(default = "''")] note: String }
///
/// let before = ModelSet::new().with::<Before>().build()?;
/// let after = ModelSet::new().with::<After>().build()?;
/// // `ALTER TABLE` cannot make a column NOT NULL: the table is rebuilt.
/// let options = DiffOptions { allow_loss_of: vec!["jobs.note".into()], ..Default::default() };
/// let Op::RebuildTable(rebuild) = &diff(&before, &after, options)?.ops[0] else {
///     panic!("not a rebuild");
/// };
/// assert_eq!(rebuild.reasons, ["`note` becomes NOT NULL", "`note` default changes"]);
/// assert!(rebuild.from.column("note").is_some_and(|c| c.nullable));
/// assert!(rebuild.to.column("note").is_some_and(|c| !c.nullable));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rebuild {
    /// The table as it is (under its current name, after any renames of
    /// its columns in the same migration).
    pub from: Table,
    /// The table as it must become.
    pub to: Table,
    /// Why a rebuild is needed, one phrase each.
    pub reasons: Vec<String>,
}

impl Op {
    /// The table this operation changes (its new name for a rename).
    pub fn table(&self) -> &str {
        match self {
            Self::CreateTable(t) | Self::DropTable(t) => &t.name,
            Self::RenameTable { to, .. } => to,
            Self::RebuildTable(r) => &r.to.name,
            Self::AddColumn { table, .. }
            | Self::DropColumn { table, .. }
            | Self::RenameColumn { table, .. }
            | Self::CreateIndex { table, .. }
            | Self::DropIndex { table, .. } => table,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CreateTable(t) => write!(f, "create table `{}`", t.name),
            Self::DropTable(t) => write!(f, "drop table `{}`", t.name),
            Self::RenameTable { from, to } => write!(f, "rename table `{from}` to `{to}`"),
            Self::AddColumn { table, column, .. } => {
                write!(f, "add column `{table}.{}`", column.name)
            }
            Self::DropColumn { table, column } => {
                write!(f, "drop column `{table}.{}`", column.name)
            }
            Self::RenameColumn { table, from, to } => {
                write!(f, "rename column `{table}.{from}` to `{to}`")
            }
            Self::CreateIndex { index, .. } => write!(f, "create index `{}`", index.name),
            Self::DropIndex { index, .. } => write!(f, "drop index `{}`", index.name),
            Self::RebuildTable(r) => write!(
                f,
                "rebuild table `{}` ({})",
                r.to.name,
                r.reasons.join("; ")
            ),
        }
    }
}
