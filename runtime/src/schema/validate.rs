//! Rules a set of tables must satisfy to be one schema, checked together so
//! that one error lists every problem.

use std::collections::BTreeMap;
use std::fmt;

use super::{Action, SqlType, Table};

/// Every problem found in a set of tables, reported at once.
///
/// Produced when the global registry is first read, when a
/// [`ModelSet`](crate::ModelSet) is built and by [`Schema::new`](crate::Schema::new).
///
/// ```
/// use stillroom::{Schema, Table};
///
/// let err = Schema::new([Table::new("notes")]).unwrap_err();
/// assert_eq!(err.problems.len(), 2);
/// assert_eq!(
///     err.to_string(),
///     "the models do not form a valid schema (2 problems):
///   - table `notes` has no columns
///   - table `notes` has no primary key; mark a field `#[model(primary_key)]`"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The problems, in table order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "the models do not form a valid schema ({n} problem{}):",
            if n == 1 { "" } else { "s" }
        )?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SchemaError {}

/// One reason a set of tables is not a valid schema. Each message names the
/// table (and model, where known) and says how to fix it.
///
/// ```
/// use stillroom::{Column, Problem, Schema, SqlType, Table};
///
/// let mut notes = Table::new("notes");
/// notes.columns.push(Column::new("id", SqlType::Integer));
/// notes.primary_key.columns.push("uid".into());
///
/// let err = Schema::new([notes]).unwrap_err();
/// let problem = &err.problems[0];
/// assert!(matches!(problem, Problem::UnknownColumn { column, .. } if column == "uid"));
/// assert_eq!(
///     problem.to_string(),
///     "the primary key of table `notes` names column `uid`, which the table does not have"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// Two or more models (or tables) claim one table name.
    DuplicateTable {
        /// The table name.
        table: String,
        /// The Rust types claiming it, where known.
        models: Vec<String>,
    },
    /// A table name SQLite or stillroom keeps for itself.
    ReservedTableName {
        /// The table name.
        table: String,
    },
    /// A table without columns.
    NoColumns {
        /// The table name.
        table: String,
    },
    /// Two columns of one table share a name.
    DuplicateColumn {
        /// The table name.
        table: String,
        /// The column name.
        column: String,
    },
    /// A table without a primary key.
    NoPrimaryKey {
        /// The table name.
        table: String,
    },
    /// A primary key, index or foreign key names a column the table lacks.
    UnknownColumn {
        /// The table name.
        table: String,
        /// What names it (`primary key`, `index "ix_..."`, `foreign key`).
        used_by: String,
        /// The missing column.
        column: String,
    },
    /// `AUTOINCREMENT` on a key that is not one INTEGER column.
    BadAutoincrement {
        /// The table name.
        table: String,
    },
    /// A STRICT table with a column type STRICT does not allow.
    NotStrictType {
        /// The table name.
        table: String,
        /// The column name.
        column: String,
        /// The declared type.
        sql_type: SqlType,
    },
    /// An index with no columns.
    EmptyIndex {
        /// The table name.
        table: String,
        /// The index name.
        index: String,
    },
    /// Two indexes share a name (index names are database-wide in SQLite).
    DuplicateIndex {
        /// The index name.
        index: String,
        /// The tables that declare it.
        tables: Vec<String>,
    },
    /// A foreign key to a table no model declares.
    UnknownReferencedTable {
        /// The referencing table.
        table: String,
        /// The referencing columns.
        columns: Vec<String>,
        /// The missing table.
        references: String,
    },
    /// A foreign key to a column the referenced table lacks.
    UnknownReferencedColumn {
        /// The referencing table.
        table: String,
        /// The referenced table.
        references: String,
        /// The missing column.
        column: String,
    },
    /// A foreign key whose two column lists differ in length.
    ForeignKeyArity {
        /// The referencing table.
        table: String,
        /// The referencing columns.
        columns: Vec<String>,
        /// The referenced table.
        references: String,
    },
    /// A foreign key whose target is neither the primary key nor a unique
    /// index; SQLite would fail every write with "foreign key mismatch".
    ForeignKeyTargetNotUnique {
        /// The referencing table.
        table: String,
        /// The referenced table.
        references: String,
        /// The referenced columns.
        columns: Vec<String>,
    },
    /// A foreign key column whose type differs from the column it references.
    ForeignKeyTypeMismatch {
        /// The referencing table.
        table: String,
        /// The referencing column.
        column: String,
        /// Its type.
        sql_type: SqlType,
        /// The referenced `table.column`.
        references: String,
        /// The referenced column's type.
        references_type: SqlType,
    },
    /// `ON DELETE/UPDATE SET NULL` on a column that cannot be NULL.
    SetNullOnNotNull {
        /// The referencing table.
        table: String,
        /// The NOT NULL column.
        column: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DuplicateTable { table, models } if models.is_empty() => write!(
                f,
                "table `{table}` is declared more than once; rename one of them"
            ),
            Self::DuplicateTable { table, models } => write!(
                f,
                "table `{table}` is declared by more than one model ({}); give each its own `#[model(table = \"...\")]`",
                models.join(", ")
            ),
            Self::ReservedTableName { table } => write!(
                f,
                "table name `{table}` is reserved (names starting with `sqlite_` belong to SQLite, `stillroom_` to stillroom); choose another"
            ),
            Self::NoColumns { table } => write!(f, "table `{table}` has no columns"),
            Self::DuplicateColumn { table, column } => write!(
                f,
                "table `{table}` has two columns named `{column}`; rename one with `#[model(column = \"...\")]`"
            ),
            Self::NoPrimaryKey { table } => write!(
                f,
                "table `{table}` has no primary key; mark a field `#[model(primary_key)]`"
            ),
            Self::UnknownColumn {
                table,
                used_by,
                column,
            } => write!(
                f,
                "the {used_by} of table `{table}` names column `{column}`, which the table does not have"
            ),
            Self::BadAutoincrement { table } => write!(
                f,
                "table `{table}`: `autoincrement` needs a primary key of exactly one INTEGER column"
            ),
            Self::NotStrictType {
                table,
                column,
                sql_type,
            } => write!(
                f,
                "column `{table}.{column}` has type `{sql_type}`, which a STRICT table does not allow (INTEGER, INT, REAL, TEXT, BLOB, ANY); use one of those or `#[model(strict = false)]`"
            ),
            Self::EmptyIndex { table, index } => {
                write!(f, "index `{index}` on table `{table}` has no columns")
            }
            Self::DuplicateIndex { index, tables } => write!(
                f,
                "index name `{index}` is used more than once (tables {}); index names are shared by the whole database, give one an explicit `name = \"...\"`",
                tables.join(", ")
            ),
            Self::UnknownReferencedTable {
                table,
                columns,
                references,
            } => write!(
                f,
                "the foreign key `{table}({})` references table `{references}`, which no model declares; declare that model, or check that the crate defining it is linked",
                columns.join(", ")
            ),
            Self::UnknownReferencedColumn {
                table,
                references,
                column,
            } => write!(
                f,
                "a foreign key of table `{table}` references `{references}.{column}`, but table `{references}` has no column `{column}`"
            ),
            Self::ForeignKeyArity {
                table,
                columns,
                references,
            } => write!(
                f,
                "the foreign key `{table}({})` to `{references}` lists a different number of referenced columns",
                columns.join(", ")
            ),
            Self::ForeignKeyTargetNotUnique {
                table,
                references,
                columns,
            } => write!(
                f,
                "a foreign key of table `{table}` references `{references}({})`, which is neither its primary key nor unique; SQLite would reject every write with \"foreign key mismatch\": reference the primary key or mark the target `unique`",
                columns.join(", ")
            ),
            Self::ForeignKeyTypeMismatch {
                table,
                column,
                sql_type,
                references,
                references_type,
            } => write!(
                f,
                "foreign key column `{table}.{column}` is {sql_type} but references `{references}`, which is {references_type}; give both the same type"
            ),
            Self::SetNullOnNotNull { table, column } => write!(
                f,
                "the foreign key on `{table}.{column}` uses SET NULL, but the column is NOT NULL, so the delete or update would fail; make the field an `Option<_>` or choose another action"
            ),
        }
    }
}

/// Checks `tables` (sorted by name, each with the model it came from).
pub(super) fn check_schema(tables: &[(Table, Option<&'static str>)]) -> Result<(), SchemaError> {
    let mut problems = Vec::new();
    let mut by_name: BTreeMap<&str, Vec<Option<&str>>> = BTreeMap::new();
    for (table, model) in tables {
        by_name.entry(&table.name).or_default().push(*model);
    }
    for (name, models) in &by_name {
        if models.len() > 1 {
            problems.push(Problem::DuplicateTable {
                table: (*name).to_owned(),
                models: models.iter().flatten().map(|m| (*m).to_owned()).collect(),
            });
        }
    }
    let lookup: BTreeMap<&str, &Table> = tables.iter().map(|(t, _)| (t.name.as_str(), t)).collect();
    for (table, _) in tables {
        check_table(table, &mut problems);
        check_foreign_keys(table, &lookup, &mut problems);
    }
    // A table declared twice is one problem (reported above), not also a
    // clash of its indexes with themselves: each name counts once.
    let mut index_owners: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (i, (table, _)) in tables.iter().enumerate() {
        if tables[..i].iter().any(|(t, _)| t.name == table.name) {
            continue;
        }
        for index in &table.indexes {
            index_owners
                .entry(&index.name)
                .or_default()
                .push(table.name.clone());
        }
    }
    for (index, owners) in index_owners {
        if owners.len() > 1 {
            problems.push(Problem::DuplicateIndex {
                index: index.to_owned(),
                tables: owners,
            });
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(SchemaError { problems })
    }
}

/// Rules that concern one table alone.
fn check_table(table: &Table, problems: &mut Vec<Problem>) {
    let name = &table.name;
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("sqlite_") || lower.starts_with("stillroom_") {
        problems.push(Problem::ReservedTableName {
            table: name.clone(),
        });
    }
    if table.columns.is_empty() {
        problems.push(Problem::NoColumns {
            table: name.clone(),
        });
    }
    for (i, column) in table.columns.iter().enumerate() {
        if table.columns[..i]
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(&column.name))
        {
            problems.push(Problem::DuplicateColumn {
                table: name.clone(),
                column: column.name.clone(),
            });
        }
        if table.strict && !column.sql_type.allowed_in_strict() {
            problems.push(Problem::NotStrictType {
                table: name.clone(),
                column: column.name.clone(),
                sql_type: column.sql_type.clone(),
            });
        }
    }
    let missing = |used_by: String, columns: &[String], problems: &mut Vec<Problem>| {
        for column in columns.iter().filter(|c| table.column(c).is_none()) {
            problems.push(Problem::UnknownColumn {
                table: name.clone(),
                used_by: used_by.clone(),
                column: column.clone(),
            });
        }
    };
    if table.primary_key.columns.is_empty() {
        problems.push(Problem::NoPrimaryKey {
            table: name.clone(),
        });
    }
    missing("primary key".into(), &table.primary_key.columns, problems);
    if table.primary_key.autoincrement {
        let single_integer = match table.primary_key.columns.as_slice() {
            [only] => table
                .column(only)
                .is_some_and(|c| c.sql_type == SqlType::Integer),
            _ => false,
        };
        if !single_integer {
            problems.push(Problem::BadAutoincrement {
                table: name.clone(),
            });
        }
    }
    for index in &table.indexes {
        if index.columns.is_empty() {
            problems.push(Problem::EmptyIndex {
                table: name.clone(),
                index: index.name.clone(),
            });
        }
        missing(format!("index `{}`", index.name), &index.columns, problems);
    }
    for fk in &table.foreign_keys {
        missing("foreign key".into(), &fk.columns, problems);
    }
}

/// Rules that relate a table's foreign keys to the tables they reference.
fn check_foreign_keys(table: &Table, lookup: &BTreeMap<&str, &Table>, problems: &mut Vec<Problem>) {
    for fk in &table.foreign_keys {
        if fk.on_delete == Action::SetNull || fk.on_update == Action::SetNull {
            for column in fk
                .columns
                .iter()
                .filter_map(|c| table.column(c))
                .filter(|c| !c.nullable)
            {
                problems.push(Problem::SetNullOnNotNull {
                    table: table.name.clone(),
                    column: column.name.clone(),
                });
            }
        }
        let Some(target) = lookup.get(fk.references_table.as_str()) else {
            problems.push(Problem::UnknownReferencedTable {
                table: table.name.clone(),
                columns: fk.columns.clone(),
                references: fk.references_table.clone(),
            });
            continue;
        };
        if fk.columns.len() != fk.references_columns.len() {
            problems.push(Problem::ForeignKeyArity {
                table: table.name.clone(),
                columns: fk.columns.clone(),
                references: fk.references_table.clone(),
            });
            continue;
        }
        let mut all_known = true;
        for (own, theirs) in fk.columns.iter().zip(&fk.references_columns) {
            let Some(target_column) = target.column(theirs) else {
                all_known = false;
                problems.push(Problem::UnknownReferencedColumn {
                    table: table.name.clone(),
                    references: target.name.clone(),
                    column: theirs.clone(),
                });
                continue;
            };
            if let Some(own_column) = table.column(own)
                && own_column.sql_type != target_column.sql_type
            {
                problems.push(Problem::ForeignKeyTypeMismatch {
                    table: table.name.clone(),
                    column: own.clone(),
                    sql_type: own_column.sql_type.clone(),
                    references: format!("{}.{}", target.name, theirs),
                    references_type: target_column.sql_type.clone(),
                });
            }
        }
        if all_known && !target.is_unique_key(&fk.references_columns) {
            problems.push(Problem::ForeignKeyTargetNotUnique {
                table: table.name.clone(),
                references: target.name.clone(),
                columns: fk.references_columns.clone(),
            });
        }
    }
}
