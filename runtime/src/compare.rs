//! A live database's schema against the schema it should have (the models'
//! or a revision's): every difference as a typed value, said from the
//! database's side ("the database has column `job.site`; revision `0001`
//! does not").
//!
//! What cannot change what a database stores or accepts is not a
//! difference: column order, the case and spacing of names and expressions,
//! `DEFAULT NULL` against no default, two spellings of one type on tables
//! that are not STRICT (`VARCHAR(40)` and `TEXT`). The rules are the ones
//! [`diff`](crate::diff) uses, so a comparison is empty exactly when `diff`
//! finds nothing to do.

use std::fmt;

use crate::diff::{
    canonical_checks, canonical_default, canonical_foreign_key, foreign_key_set, match_schemas,
    same_type,
};
use crate::schema::{Column, ForeignKey, Index, Schema, SqlType, Table, quote_ident};

/// What a database is compared with.
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
                "column `{table}.{column}`: the database's default is {}; {who}'s is {}",
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
                "table `{table}`: the database's primary key is ({}); {who}'s is ({})",
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
                    "table `{table}`: the database's key is {db}AUTOINCREMENT; {who}'s is{theirs}"
                )
            }
            Self::Strict { table, database } => {
                let (db, theirs) = if *database {
                    ("", " not")
                } else {
                    ("not ", "")
                };
                format!("table `{table}`: the database's table is {db}STRICT; {who}'s is{theirs}")
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

/// Every difference between the schema a database has and the schema it
/// should have, sorted by table; empty when they match.
///
/// ```
/// use stillroom::{Column, Schema, SqlType, Table};
///
/// let mut table = Table::new("t");
/// table.columns.push(Column::new("id", SqlType::Integer));
/// table.primary_key.columns.push("id".into());
/// let mut loose = table.clone();
/// loose.strict = false;
/// let differences = stillroom::compare(&Schema::new([loose])?, &Schema::new([table])?);
/// assert_eq!(differences, [stillroom::Difference::Strict { table: "t".into(), database: false }]);
/// # Ok::<(), stillroom::SchemaError>(())
/// ```
pub fn compare(database: &Schema, expected: &Schema) -> Vec<Difference> {
    let matched = match_schemas(database, expected);
    let mut out = Vec::new();
    for table in &matched.tables.created {
        out.push(Difference::MissingTable {
            table: (*table).clone(),
        });
    }
    for table in &matched.tables.dropped {
        out.push(Difference::ExtraTable {
            table: (*table).clone(),
        });
    }
    for (m, db) in matched.columns.iter().zip(&matched.renamed) {
        let name = &m.new.name;
        if !m.old.name.eq_ignore_ascii_case(name) {
            out.push(Difference::TableNotRenamed {
                table: name.clone(),
                from: m.old.name.clone(),
            });
        }
        for (from, to) in &m.renames {
            out.push(Difference::ColumnNotRenamed {
                table: name.clone(),
                column: to.clone(),
                from: from.clone(),
            });
        }
        for column in &m.added {
            out.push(Difference::MissingColumn {
                table: name.clone(),
                column: (*column).clone(),
            });
        }
        for column in &m.dropped {
            out.push(Difference::ExtraColumn {
                table: name.clone(),
                column: (*column).clone(),
            });
        }
        for (_, n) in &m.pairs {
            if let Some(o) = db.column_ci(&n.name) {
                columns(&mut out, (db, m.new), o, n);
            }
        }
        table_level(&mut out, db, m.new);
        indexes(&mut out, db, m.new);
    }
    out.sort_by_key(|d| d.table().to_lowercase());
    out
}

/// The differences of one column present on both sides.
fn columns(out: &mut Vec<Difference>, tables: (&Table, &Table), o: &Column, n: &Column) {
    let (table, column) = (tables.1.name.clone(), n.name.clone());
    if !same_type(o, tables.0, n, tables.1) {
        out.push(Difference::Type {
            table: table.clone(),
            column: column.clone(),
            database: o.sql_type.clone(),
            expected: n.sql_type.clone(),
        });
    }
    if o.nullable != n.nullable {
        out.push(Difference::Nullable {
            table: table.clone(),
            column: column.clone(),
            database: o.nullable,
        });
    }
    if canonical_default(o) != canonical_default(n) {
        out.push(Difference::ColumnDefault {
            table: table.clone(),
            column: column.clone(),
            database: o.default.clone(),
            expected: n.default.clone(),
        });
    }
    if canonical_checks(&o.checks) != canonical_checks(&n.checks) {
        out.push(Difference::ColumnChecks {
            table,
            column,
            database: o.checks.clone(),
            expected: n.checks.clone(),
        });
    }
}

/// Key, AUTOINCREMENT, STRICT, table checks and foreign keys.
fn table_level(out: &mut Vec<Difference>, db: &Table, expected: &Table) {
    let table = &expected.name;
    let lower = |v: &[String]| v.iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
    if lower(&db.primary_key.columns) != lower(&expected.primary_key.columns) {
        out.push(Difference::PrimaryKey {
            table: table.clone(),
            database: db.primary_key.columns.clone(),
            expected: expected.primary_key.columns.clone(),
        });
    } else if db.primary_key.autoincrement != expected.primary_key.autoincrement {
        out.push(Difference::Autoincrement {
            table: table.clone(),
            database: db.primary_key.autoincrement,
        });
    }
    if db.strict != expected.strict {
        out.push(Difference::Strict {
            table: table.clone(),
            database: db.strict,
        });
    }
    if canonical_checks(&db.checks) != canonical_checks(&expected.checks) {
        out.push(Difference::TableChecks {
            table: table.clone(),
            database: db.checks.clone(),
            expected: expected.checks.clone(),
        });
    }
    let (theirs, ours) = (foreign_key_set(db), foreign_key_set(expected));
    for (i, fk) in ours.iter().enumerate() {
        if !theirs.contains(fk) {
            out.push(Difference::MissingForeignKey {
                table: table.clone(),
                foreign_key: original(expected, &ours, i),
            });
        }
    }
    for (i, fk) in theirs.iter().enumerate() {
        if !ours.contains(fk) {
            out.push(Difference::ExtraForeignKey {
                table: table.clone(),
                foreign_key: original(db, &theirs, i),
            });
        }
    }
}

/// The foreign key of `table` whose canonical form is `set[i]`, as written.
fn original(table: &Table, set: &[ForeignKey], i: usize) -> ForeignKey {
    table
        .foreign_keys
        .iter()
        .find(|fk| Some(&canonical_foreign_key(fk)) == set.get(i))
        .cloned()
        .unwrap_or_else(|| set[i].clone())
}

/// Indexes paired by name, then by what they index.
fn indexes(out: &mut Vec<Difference>, db: &Table, expected: &Table) {
    let table = &expected.name;
    let same_columns = |a: &Index, b: &Index| {
        a.unique == b.unique
            && a.columns.len() == b.columns.len()
            && a.columns
                .iter()
                .zip(&b.columns)
                .all(|(x, y)| x.eq_ignore_ascii_case(y))
    };
    let mut claimed = vec![false; db.indexes.len()];
    let mut unmatched = Vec::new();
    for e in &expected.indexes {
        let by_name = db
            .indexes
            .iter()
            .position(|d| d.name.eq_ignore_ascii_case(&e.name));
        match by_name {
            Some(i) => {
                claimed[i] = true;
                if !same_columns(&db.indexes[i], e) {
                    out.push(Difference::IndexDiffers {
                        table: table.clone(),
                        database: db.indexes[i].clone(),
                        expected: e.clone(),
                    });
                }
            }
            None => unmatched.push(e),
        }
    }
    for e in unmatched {
        let like = (0..db.indexes.len()).find(|&i| {
            !claimed[i]
                && same_columns(&db.indexes[i], e)
                && !expected
                    .indexes
                    .iter()
                    .any(|x| x.name.eq_ignore_ascii_case(&db.indexes[i].name))
        });
        match like {
            Some(i) => {
                claimed[i] = true;
                out.push(Difference::IndexDiffers {
                    table: table.clone(),
                    database: db.indexes[i].clone(),
                    expected: e.clone(),
                });
            }
            None => out.push(Difference::MissingIndex {
                table: table.clone(),
                index: e.clone(),
            }),
        }
    }
    for (i, index) in db.indexes.iter().enumerate() {
        if !claimed[i] {
            out.push(Difference::ExtraIndex {
                table: table.clone(),
                index: index.clone(),
            });
        }
    }
}

/// SQL a person can run to resolve a structural difference by hand, where
/// one statement does it.
pub(crate) fn remedy(difference: &Difference) -> Option<String> {
    match difference {
        Difference::ExtraColumn { table, column } => Some(format!(
            "ALTER TABLE {} DROP COLUMN {};",
            quote_ident(table),
            quote_ident(&column.name)
        )),
        Difference::MissingColumn { table, column } => Some(format!(
            "ALTER TABLE {} ADD COLUMN {};",
            quote_ident(table),
            crate::schema::column_definition(column, false, false)
        )),
        Difference::TableNotRenamed { table, from } => Some(format!(
            "ALTER TABLE {} RENAME TO {};",
            quote_ident(from),
            quote_ident(table)
        )),
        Difference::ColumnNotRenamed {
            table,
            column,
            from,
        } => Some(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {};",
            quote_ident(table),
            quote_ident(from),
            quote_ident(column)
        )),
        Difference::ExtraTable { table } => {
            Some(format!("DROP TABLE {};", quote_ident(&table.name)))
        }
        Difference::MissingTable { table } => Some(format!("{};", table.create_table_sql())),
        _ => None,
    }
}
