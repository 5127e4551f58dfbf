//! The differences [`compare`](super::compare) finds, and how each is said.

use std::fmt;

use crate::schema::{Column, ForeignKey, Index, SqlType, Table};

/// What a database is compared with.
///
/// ```
/// use stillroom::{Against, Column, Difference, SqlType};
///
/// let pinned = Column::new("pinned", SqlType::Integer);
/// let extra = Difference::ExtraColumn { table: "note".into(), column: pinned };
/// assert_eq!(
///     extra.describe(&Against::Models),
///     "the database has column `note.pinned`; the models do not"
/// );
/// let at = Against::Revision("0001_initial".into());
/// assert_eq!(at.to_string(), "revision `0001_initial`");
/// assert_eq!(
///     extra.describe(&at),
///     "the database has column `note.pinned`; revision `0001_initial` does not"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Against {
    /// The models (the registry or a [`ModelSet`](crate::ModelSet)).
    Models,
    /// The schema a revision produces.
    Revision(String),
}

impl Against {
    fn subject(&self) -> String {
        match self {
            Self::Models => "the models".to_owned(),
            Self::Revision(r) => format!("revision `{r}`"),
        }
    }

    /// The subject's possessive: "the models'", "revision `x`'s".
    fn possessive(&self) -> String {
        match self {
            Self::Models => "the models'".to_owned(),
            Self::Revision(r) => format!("revision `{r}`'s"),
        }
    }

    /// The verb for the subject: "the models have", "revision `x` has".
    fn verb(&self, plural: &'static str, singular: &'static str) -> &'static str {
        match self {
            Self::Models => plural,
            Self::Revision(_) => singular,
        }
    }
}

impl fmt::Display for Against {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.subject())
    }
}

/// One way a database's schema differs from the schema it should have.
///
/// [`Difference::describe`] says it in words; [`Difference::is_structural`]
/// tells a difference of tables and columns (which only the user can
/// resolve) from one a table rebuild removes.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// use stillroom::{Difference, Model, ModelSet};
///
/// #[derive(Model)]
/// struct Note { #[model(primary_key)] id: i64, body: String }
///
/// // A table made by hand: not STRICT, and with a column the model lacks.
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch(
///     "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL, pinned INTEGER)",
/// )?;
/// let found = stillroom::differences(&conn, &ModelSet::new().with::<Note>().build()?)?;
///
/// // Only a person can say what becomes of `pinned`; a table rebuild makes it STRICT.
/// assert!(matches!(&found[0], Difference::ExtraColumn { column, .. } if column.name == "pinned"));
/// assert!(found[0].is_structural());
/// assert_eq!(found[1], Difference::Strict { table: "note".into(), database: false });
/// assert!(!found[1].is_structural());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Difference {
    /// A table the database lacks.
    MissingTable {
        /// The table, as expected.
        table: Table,
    },
    /// A table the database has and should not.
    ExtraTable {
        /// The table, as the database has it.
        table: Table,
    },
    /// The expected table is the database's table `from`, renamed.
    TableNotRenamed {
        /// The expected name.
        table: String,
        /// The database's name for it.
        from: String,
    },
    /// A column the database lacks.
    MissingColumn {
        /// The table.
        table: String,
        /// The column, as expected.
        column: Column,
    },
    /// A column the database has and should not.
    ExtraColumn {
        /// The table.
        table: String,
        /// The column, as the database has it.
        column: Column,
    },
    /// The expected column is the database's column `from`, renamed.
    ColumnNotRenamed {
        /// The table.
        table: String,
        /// The expected name.
        column: String,
        /// The database's name for it.
        from: String,
    },
    /// A column's declared type.
    Type {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The database's type.
        database: SqlType,
        /// The expected type.
        expected: SqlType,
    },
    /// Whether a column accepts NULL.
    Nullable {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Whether the database's column accepts NULL (the expected one does
        /// the opposite).
        database: bool,
    },
    /// A column's default.
    ColumnDefault {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The database's default.
        database: Option<String>,
        /// The expected default.
        expected: Option<String>,
    },
    /// A column's CHECK constraints.
    ColumnChecks {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The database's checks.
        database: Vec<String>,
        /// The expected checks.
        expected: Vec<String>,
    },
    /// The primary key's columns.
    PrimaryKey {
        /// The table.
        table: String,
        /// The database's key.
        database: Vec<String>,
        /// The expected key.
        expected: Vec<String>,
    },
    /// Whether the key is `AUTOINCREMENT`.
    Autoincrement {
        /// The table.
        table: String,
        /// Whether the database's key is.
        database: bool,
    },
    /// Whether the table is `STRICT`.
    Strict {
        /// The table.
        table: String,
        /// Whether the database's table is.
        database: bool,
    },
    /// The table's CHECK constraints.
    TableChecks {
        /// The table.
        table: String,
        /// The database's checks.
        database: Vec<String>,
        /// The expected checks.
        expected: Vec<String>,
    },
    /// A foreign key the database lacks.
    MissingForeignKey {
        /// The table.
        table: String,
        /// The foreign key, as expected.
        foreign_key: ForeignKey,
    },
    /// A foreign key the database has and should not.
    ExtraForeignKey {
        /// The table.
        table: String,
        /// The foreign key, as the database has it.
        foreign_key: ForeignKey,
    },
    /// An index the database lacks.
    MissingIndex {
        /// The table.
        table: String,
        /// The index, as expected.
        index: Index,
    },
    /// An index the database has and the expected schema does not declare.
    ExtraIndex {
        /// The table.
        table: String,
        /// The index, as the database has it.
        index: Index,
    },
    /// An index on the same columns under another name (or a `UNIQUE`
    /// constraint where a unique index is expected), or an index of the
    /// same name on other columns.
    IndexDiffers {
        /// The table.
        table: String,
        /// The database's index.
        database: Index,
        /// The expected index.
        expected: Index,
    },
}

impl Difference {
    /// The table it concerns (its expected name).
    pub fn table(&self) -> &str {
        match self {
            Self::MissingTable { table } | Self::ExtraTable { table } => &table.name,
            Self::TableNotRenamed { table, .. }
            | Self::MissingColumn { table, .. }
            | Self::ExtraColumn { table, .. }
            | Self::ColumnNotRenamed { table, .. }
            | Self::Type { table, .. }
            | Self::Nullable { table, .. }
            | Self::ColumnDefault { table, .. }
            | Self::ColumnChecks { table, .. }
            | Self::PrimaryKey { table, .. }
            | Self::Autoincrement { table, .. }
            | Self::Strict { table, .. }
            | Self::TableChecks { table, .. }
            | Self::MissingForeignKey { table, .. }
            | Self::ExtraForeignKey { table, .. }
            | Self::MissingIndex { table, .. }
            | Self::ExtraIndex { table, .. }
            | Self::IndexDiffers { table, .. } => table,
        }
    }

    /// Whether the difference is in which tables or columns exist (or what
    /// they are called): something a rebuild cannot make without adding or
    /// dropping data, so only a person can resolve it.
    pub fn is_structural(&self) -> bool {
        matches!(
            self,
            Self::MissingTable { .. }
                | Self::ExtraTable { .. }
                | Self::TableNotRenamed { .. }
                | Self::MissingColumn { .. }
                | Self::ExtraColumn { .. }
                | Self::ColumnNotRenamed { .. }
        )
    }

    /// Whether the difference is an index the database has and the expected
    /// schema does not declare (added by a person or a hand-written
    /// migration): it changes no stored value and rejects none.
    pub fn is_undeclared_index(&self) -> bool {
        matches!(self, Self::ExtraIndex { index, .. } if !index.unique)
    }

    /// The difference in words, from the database's side, against `other`.
    ///
    /// ```
    /// use stillroom::{Against, Column, Difference, SqlType};
    ///
    /// let d = Difference::ExtraColumn { table: "job".into(), column: Column::new("source_site", SqlType::Text) };
    /// assert_eq!(
    ///     d.describe(&Against::Revision("0001_initial".into())),
    ///     "the database has column `job.source_site`; revision `0001_initial` does not"
    /// );
    /// ```
    pub fn describe(&self, other: &Against) -> String {
        let who = other.subject();
        let whose = other.possessive();
        let has = other.verb("have", "has");
        let says = other.verb("say", "says");
        let does_not = other.verb("do not", "does not");
        match self {
            Self::MissingTable { table } => {
                format!("{who} {has} table `{}`; the database does not", table.name)
            }
            Self::ExtraTable { table } => {
                format!("the database has table `{}`; {who} {does_not}", table.name)
            }
            Self::TableNotRenamed { table, from } => format!(
                "table `{table}`: {who} {says} it was renamed from `{from}`; the database still calls it `{from}`"
            ),
            Self::MissingColumn { table, column } => format!(
                "{who} {has} column `{table}.{}` ({}); the database does not",
                column.name,
                definition(column)
            ),
            Self::ExtraColumn { table, column } => format!(
                "the database has column `{table}.{}`; {who} {does_not}",
                column.name
            ),
            Self::ColumnNotRenamed {
                table,
                column,
                from,
            } => format!(
                "column `{table}.{column}`: {who} {says} it was renamed from `{from}`; the database still calls it `{from}`"
            ),
            Self::Type {
                table,
                column,
                database,
                expected,
            } => format!(
                "column `{table}.{column}`: the database declares {database}; {who} {}",
                format_args!("{} {expected}", other.verb("declare", "declares"))
            ),
            Self::Nullable {
                table,
                column,
                database,
            } => {
                if *database {
                    format!(
                        "column `{table}.{column}`: the database accepts NULL; {who} {says} NOT NULL"
                    )
                } else {
                    let accept = other.verb("accept", "accepts");
                    format!(
                        "column `{table}.{column}`: the database says NOT NULL; {who} {accept} NULL"
                    )
                }
            }
            Self::ColumnDefault {
                table,
                column,
                database,
                expected,
            } => format!(
                "column `{table}.{column}`: the database's default is {}; {whose} is {}",
                or_none(database.as_deref()),
                or_none(expected.as_deref())
            ),
            Self::ColumnChecks {
                table,
                column,
                database,
                expected,
            } => format!(
                "column `{table}.{column}`: the database checks {}; {who} {} {}",
                checks(database),
                other.verb("check", "checks"),
                checks(expected)
            ),
            Self::PrimaryKey {
                table,
                database,
                expected,
            } => format!(
                "table `{table}`: the database's primary key is ({}); {whose} is ({})",
                database.join(", "),
                expected.join(", ")
            ),
            Self::Autoincrement { table, database } => {
                let (db, theirs) = if *database {
                    ("", " not")
                } else {
                    ("not ", "")
                };
                format!(
                    "table `{table}`: the database's key is {db}AUTOINCREMENT; {whose} is{theirs}"
                )
            }
            Self::Strict { table, database } => {
                let (db, theirs) = if *database {
                    ("", " not")
                } else {
                    ("not ", "")
                };
                format!("table `{table}`: the database's table is {db}STRICT; {whose} is{theirs}")
            }
            Self::TableChecks {
                table,
                database,
                expected,
            } => format!(
                "table `{table}`: the database checks {}; {who} {} {}",
                checks(database),
                other.verb("check", "checks"),
                checks(expected)
            ),
            Self::MissingForeignKey { table, foreign_key } => format!(
                "table `{table}`: {who} {has} the foreign key {}; the database does not",
                foreign_key_text(foreign_key)
            ),
            Self::ExtraForeignKey { table, foreign_key } => format!(
                "table `{table}`: the database has the foreign key {}; {who} {does_not}",
                foreign_key_text(foreign_key)
            ),
            Self::MissingIndex { table, index } => format!(
                "{who} {has} {} on `{table}`; the database does not",
                index_text(index)
            ),
            Self::ExtraIndex { table, index } => format!(
                "the database has {} on `{table}`; {who} {does_not}",
                index_text(index)
            ),
            Self::IndexDiffers {
                table,
                database,
                expected,
            } => format!(
                "table `{table}`: the database has {}; {who} {has} {}",
                index_text(database),
                index_text(expected)
            ),
        }
    }
}

fn or_none(value: Option<&str>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| format!("`{v}`"))
}

fn checks(list: &[String]) -> String {
    if list.is_empty() {
        return "nothing".to_owned();
    }
    let each: Vec<String> = list.iter().map(|c| format!("`{c}`")).collect();
    each.join(" and ")
}

fn definition(column: &Column) -> String {
    let mut text = column.sql_type.as_sql().to_owned();
    if !column.nullable {
        text.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        text.push_str(" DEFAULT ");
        text.push_str(default);
    }
    text
}

fn foreign_key_text(fk: &ForeignKey) -> String {
    let mut text = format!(
        "({}) -> `{}` ({})",
        fk.columns.join(", "),
        fk.references_table,
        fk.references_columns.join(", ")
    );
    for (word, action) in [("DELETE", fk.on_delete), ("UPDATE", fk.on_update)] {
        if action != crate::Action::NoAction {
            text.push_str(&format!(" ON {word} {}", action.as_sql()));
        }
    }
    text
}

fn index_text(index: &Index) -> String {
    let columns = index.columns.join(", ");
    if index.name.starts_with("sqlite_autoindex_") {
        format!("a UNIQUE constraint on ({columns})")
    } else {
        format!(
            "{}index `{}` on ({columns})",
            if index.unique { "the unique " } else { "the " },
            index.name
        )
    }
}
