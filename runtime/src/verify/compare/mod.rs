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

mod difference;

pub use self::difference::{Against, Difference};

use crate::autogenerate::diff::{
    canonical_checks, canonical_default, canonical_foreign_key, foreign_key_set, match_schemas,
};
use crate::dialect::Dialect;
use crate::schema::{Column, ForeignKey, Schema, Table, quote_ident};

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
    compare_in(Dialect::Sqlite, database, expected)
}

/// [`compare`] with `dialect`'s equivalences (PostgreSQL's types compare by
/// name).
pub(crate) fn compare_in(
    dialect: Dialect,
    database: &Schema,
    expected: &Schema,
) -> Vec<Difference> {
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
                columns(&mut out, dialect, (db, m.new), o, n);
            }
        }
        table_level(&mut out, db, m.new);
        indexes(&mut out, db, m.new);
    }
    out.sort_by_key(|d| d.table().to_lowercase());
    out
}

/// The differences of one column present on both sides.
fn columns(
    out: &mut Vec<Difference>,
    dialect: Dialect,
    tables: (&Table, &Table),
    o: &Column,
    n: &Column,
) {
    let (table, column) = (tables.1.name.clone(), n.name.clone());
    if !dialect.same_type(o, tables.0, n, tables.1) {
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
                if !db.indexes[i].same_key(e) {
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
                && db.indexes[i].same_key(e)
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

/// `differences` in a few words per table, for a person skimming a report:
/// `job: STRICT; id, status VARCHAR -> TEXT; default of status`.
pub(crate) fn summary(differences: &[Difference]) -> Vec<String> {
    let mut tables: Vec<(&str, Vec<String>)> = Vec::new();
    for d in differences {
        let phrase = short(d);
        match tables.iter_mut().find(|(t, _)| *t == d.table()) {
            Some((_, phrases)) => phrases.push(phrase),
            None => tables.push((d.table(), vec![phrase])),
        }
    }
    tables
        .into_iter()
        .map(|(table, phrases)| format!("{table}: {}", merge(phrases).join("; ")))
        .collect()
}

/// Phrases of one kind joined: `id VARCHAR -> TEXT` and `name VARCHAR ->
/// TEXT` become `id, name VARCHAR -> TEXT`.
fn merge(phrases: Vec<String>) -> Vec<String> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for phrase in phrases {
        let (subject, rest) = phrase
            .split_once('\u{1}')
            .map_or((String::new(), phrase.clone()), |(s, r)| {
                (s.to_owned(), r.to_owned())
            });
        match out.iter_mut().find(|(r, _)| *r == rest) {
            Some((_, subjects)) if !subject.is_empty() => subjects.push(subject),
            _ => out.push((rest, vec![subject])),
        }
    }
    out.into_iter()
        .map(|(rest, subjects)| {
            let subjects: Vec<String> = subjects.into_iter().filter(|s| !s.is_empty()).collect();
            if subjects.is_empty() {
                rest
            } else {
                format!("{}{rest}", subjects.join(", "))
            }
        })
        .collect()
}

/// One difference in a few words; a column's name comes first, split from
/// the rest by `\u{1}` so that `merge` can list columns sharing the rest.
fn short(d: &Difference) -> String {
    let col = |c: &str, rest: String| format!("{c}\u{1}{rest}");
    match d {
        Difference::MissingTable { .. } => "missing".into(),
        Difference::ExtraTable { .. } => "not in the models".into(),
        Difference::TableNotRenamed { from, .. } => format!("renamed from {from}"),
        Difference::MissingColumn { column, .. } => col(&column.name, " added".into()),
        Difference::ExtraColumn { column, .. } => col(&column.name, " dropped".into()),
        Difference::ColumnNotRenamed { column, from, .. } => {
            col(column, format!(" renamed from {from}"))
        }
        Difference::Type {
            column,
            database,
            expected,
            ..
        } => col(column, format!(" {database} -> {expected}")),
        Difference::Nullable {
            column, database, ..
        } => col(
            column,
            if *database {
                " NOT NULL".into()
            } else {
                " nullable".into()
            },
        ),
        Difference::ColumnDefault { column, .. } => col(column, " default".into()),
        Difference::ColumnChecks { column, .. } => col(column, " CHECK".into()),
        Difference::PrimaryKey { expected, .. } => format!("primary key ({})", expected.join(", ")),
        Difference::Autoincrement { database, .. } => {
            if *database {
                "no AUTOINCREMENT".into()
            } else {
                "AUTOINCREMENT".into()
            }
        }
        Difference::Strict { database, .. } => {
            if *database {
                "not STRICT".into()
            } else {
                "STRICT".into()
            }
        }
        Difference::TableChecks { .. } => "table CHECKs".into(),
        Difference::MissingForeignKey { foreign_key, .. }
        | Difference::ExtraForeignKey { foreign_key, .. } => {
            format!("foreign key ({})", foreign_key.columns.join(", "))
        }
        Difference::MissingIndex { index, .. }
        | Difference::ExtraIndex { index, .. }
        | Difference::IndexDiffers {
            expected: index, ..
        } => format!("index {}", index.name),
    }
}
