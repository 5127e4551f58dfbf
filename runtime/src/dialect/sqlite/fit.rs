//! Whether the values a database stores fit the definitions a conversion
//! gives its tables: checked before anything is converted, so that a
//! conversion never changes a value silently (SQLite turns `12` into `'12'`
//! in a STRICT TEXT column) and never fails half-way on one that does not
//! fit (a 7 in a `bool` column).

use std::fmt;

use rusqlite::Connection;

use crate::autogenerate::diff::canonical_checks;
use crate::autogenerate::ops::Op;
use crate::dialect::sqlite::alter::{Affinity, affinity, is_rowid_alias};
use crate::schema::{Column, ForeignKey, SqlType, Table, ident_list, quote_ident};
use crate::{Error, Result};

/// How many offending rows a [`Misfit`] shows.
const SHOWN: i64 = 5;

/// Stored values that do not fit a table's new definition.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Task { #[model(primary_key)] id: i64, done: bool }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-misfit-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Task>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// use stillroom::{Error, Migrator};
///
/// // Made before stillroom: SQLite let the BOOLEAN `done` hold a 7.
/// let conn = rusqlite::Connection::open_in_memory()?;
/// conn.execute_batch(
///     "CREATE TABLE task (id INTEGER PRIMARY KEY, done BOOLEAN NOT NULL);
///      INSERT INTO task VALUES (1, 1), (2, 7);",
/// )?;
/// let err = Migrator::new(&history).schema(&schema).adoption_plan(&conn).unwrap_err();
/// let Error::AdoptionBlocked { misfits, .. } = &err else { panic!("{err}") };
/// assert_eq!((misfits[0].table.as_str(), misfits[0].count), ("task", 1));
/// assert_eq!(
///     misfits[0].to_string(),
///     r#"table `task`: column `done` CHECK ("done" IN (0, 1)) is broken 1 time: rowid 2 holds 7"#
/// );
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Misfit {
    /// The table.
    pub table: String,
    /// The definition they break (``column `done` CHECK ("done" IN (0, 1))``).
    pub rule: String,
    /// The first offending rows: their rowid (or key) and value.
    pub examples: Vec<String>,
    /// How many rows (or keys) break it.
    pub count: i64,
}

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "table `{}`: {} is broken {} time{}: {}",
            self.table,
            self.rule,
            self.count,
            if self.count == 1 { "" } else { "s" },
            self.examples.join(", ")
        )?;
        if self.count > i64::try_from(self.examples.len()).unwrap_or(i64::MAX) {
            f.write_str(", ...")?;
        }
        Ok(())
    }
}

/// Every way the rows of the tables `ops` rebuild, and the unique indexes
/// they create, do not fit the new definitions.
pub(super) fn misfits(conn: &Connection, ops: &[Op]) -> Result<Vec<Misfit>> {
    let mut out = Vec::new();
    for op in ops {
        match op {
            Op::RebuildTable(r) => table(conn, &r.from, &r.to, &mut out)?,
            Op::CreateIndex { table, index } if index.unique => {
                let rule = format!("the unique index `{}`", index.name);
                unique(conn, table, &index.columns, &rule, &mut out)?;
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The checks for one rebuilt table: what `to` requires that `from` did
/// not already enforce.
fn table(conn: &Connection, from: &Table, to: &Table, out: &mut Vec<Misfit>) -> Result<()> {
    let name = &from.name;
    for column in &to.columns {
        let Some(old) = from.column_ci(&column.name) else {
            continue;
        };
        let c = quote_ident(&old.name);
        if let Some(types) = kept_types(old, from, column, to) {
            let list: Vec<String> = types.iter().map(|t| format!("'{t}'")).collect();
            let rule = format!(
                "column `{}` as {}{} (which keeps only {} values unchanged)",
                column.name,
                column.sql_type,
                if to.strict { " in a STRICT table" } else { "" },
                types.join(" or ")
            );
            let filter = format!("typeof({c}) NOT IN ('null', {})", list.join(", "));
            rows(conn, name, &c, &filter, rule, out)?;
        }
        if !column.nullable && old.nullable && !is_rowid_alias(column, to) {
            let rule = format!("column `{}` NOT NULL", column.name);
            rows(conn, name, &c, &format!("{c} IS NULL"), rule, out)?;
        }
        let had = canonical_checks(&old.checks);
        for check in &column.checks {
            if !had.contains(&crate::dialect::sqlite::sql_text::canonical(check)) {
                let rule = format!("column `{}` CHECK ({check})", column.name);
                rows(conn, name, &c, &format!("NOT ({check})"), rule, out)?;
            }
        }
    }
    let had = canonical_checks(&from.checks);
    for check in &to.checks {
        if !had.contains(&crate::dialect::sqlite::sql_text::canonical(check)) {
            let rule = format!("CHECK ({check})");
            rows(conn, name, "NULL", &format!("NOT ({check})"), rule, out)?;
        }
    }
    keys(conn, from, to, out)
}

/// Primary key and unique indexes `to` adds, and its foreign keys.
fn keys(conn: &Connection, from: &Table, to: &Table, out: &mut Vec<Misfit>) -> Result<()> {
    let name = &from.name;
    let rowid_key = to.columns.iter().any(|c| {
        is_rowid_alias(c, to)
            && from
                .column_ci(&c.name)
                .is_some_and(|o| is_rowid_alias(o, from))
    });
    if !rowid_key && !from.is_unique_key(&to.primary_key.columns) {
        unique(conn, name, &to.primary_key.columns, "the primary key", out)?;
    }
    for index in to.indexes.iter().filter(|i| i.unique) {
        if !from.is_unique_key(&index.columns) {
            let rule = format!("the unique index `{}`", index.name);
            unique(conn, name, &index.columns, &rule, out)?;
        }
    }
    // Every foreign key, not only new ones: rows a database kept while
    // enforcement was off would fail the check before commit, with a less
    // precise message.
    for fk in &to.foreign_keys {
        references(conn, name, fk, out)?;
    }
    Ok(())
}

/// The value types a column of `to` keeps unchanged, when converting from
/// `old` may change or reject some; `None` when every value is kept.
fn kept_types(
    old: &Column,
    from: &Table,
    new: &Column,
    to: &Table,
) -> Option<&'static [&'static str]> {
    let target = affinity(&new.sql_type);
    if to.strict {
        return match &new.sql_type {
            SqlType::Any => None,
            _ if from.strict && old.sql_type == new.sql_type => None,
            _ => Some(match target {
                Affinity::Integer => &["integer"],
                Affinity::Real => &["real", "integer"],
                Affinity::Text => &["text"],
                Affinity::Blob | Affinity::Numeric => &["blob"],
            }),
        };
    }
    if affinity(&old.sql_type) == target || target == Affinity::Blob {
        return None;
    }
    Some(match target {
        Affinity::Text => &["text", "blob"],
        _ => &["integer", "real", "blob"],
    })
}

/// Rows of `table` matching `filter`, shown by rowid and `value`.
fn rows(
    conn: &Connection,
    table: &str,
    value: &str,
    filter: &str,
    rule: String,
    out: &mut Vec<Misfit>,
) -> Result<()> {
    let sql = format!(
        "SELECT 'rowid ' || rowid || CASE WHEN {value} IS NULL THEN '' ELSE ' holds ' || quote({value}) END, count(*) OVER () FROM {} WHERE {filter} LIMIT {SHOWN}",
        quote_ident(table)
    );
    push(conn, table, &sql, rule, out)
}

/// Keys of `columns` held by more than one row.
fn unique(
    conn: &Connection,
    table: &str,
    columns: &[String],
    rule: &str,
    out: &mut Vec<Misfit>,
) -> Result<()> {
    let list = ident_list(columns);
    let shown: Vec<String> = columns
        .iter()
        .map(|c| format!("quote({})", quote_ident(c)))
        .collect();
    let present: Vec<String> = columns
        .iter()
        .map(|c| format!("{} IS NOT NULL", quote_ident(c)))
        .collect();
    let sql = format!(
        "SELECT '(' || {} || ') in ' || count(*) || ' rows', count(*) OVER () FROM {} WHERE {} GROUP BY {list} HAVING count(*) > 1 LIMIT {SHOWN}",
        shown.join(" || ', ' || "),
        quote_ident(table),
        present.join(" AND ")
    );
    let rule = format!("{rule} on ({})", columns.join(", "));
    push(conn, table, &sql, rule, out)
}

/// Rows whose foreign key names no row of the parent.
fn references(
    conn: &Connection,
    table: &str,
    fk: &ForeignKey,
    out: &mut Vec<Misfit>,
) -> Result<()> {
    let child = |c: &String| format!("c.{}", quote_ident(c));
    let present: Vec<String> = fk
        .columns
        .iter()
        .map(|c| format!("{} IS NOT NULL", child(c)))
        .collect();
    let matches: Vec<String> = fk
        .columns
        .iter()
        .zip(&fk.references_columns)
        .map(|(c, p)| format!("p.{} = {}", quote_ident(p), child(c)))
        .collect();
    let shown: Vec<String> = fk
        .columns
        .iter()
        .map(|c| format!("quote({})", child(c)))
        .collect();
    let sql = format!(
        "SELECT 'rowid ' || c.rowid || ' holds (' || {} || ')', count(*) OVER () FROM {} AS c WHERE {} AND NOT EXISTS (SELECT 1 FROM {} AS p WHERE {}) LIMIT {SHOWN}",
        shown.join(" || ', ' || "),
        quote_ident(table),
        present.join(" AND "),
        quote_ident(&fk.references_table),
        matches.join(" AND ")
    );
    let rule = format!(
        "the foreign key ({}) -> `{}` ({})",
        fk.columns.join(", "),
        fk.references_table,
        fk.references_columns.join(", ")
    );
    push(conn, table, &sql, rule, out)
}

fn push(
    conn: &Connection,
    table: &str,
    sql: &str,
    rule: String,
    out: &mut Vec<Misfit>,
) -> Result<()> {
    let found: Vec<(String, i64)> = conn
        .prepare(sql)
        .and_then(|mut stmt| {
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect()
        })
        .map_err(|e| Error::query("check values of", table, sql, e))?;
    if let Some((_, count)) = found.first() {
        out.push(Misfit {
            table: table.to_owned(),
            rule,
            count: *count,
            examples: found.iter().map(|(shown, _)| shown.clone()).collect(),
        });
    }
    Ok(())
}
