//! Pairing the tables and columns of two schemas: by name, or by
//! `renamed_from`; and the old table as SQLite sees it after the renames.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::dialect::sqlite::sql_text::{self, Token};
use crate::schema::{Column, Schema, Table};

pub(crate) struct TablePairs<'a> {
    pub(crate) matched: Vec<(&'a Table, &'a Table)>,
    pub(crate) created: Vec<&'a Table>,
    pub(crate) dropped: Vec<&'a Table>,
}

/// A schema's tables by lowercase name (SQLite's names are
/// case-insensitive), so pairing two schemas costs O(N), not O(N²).
struct ByName<'a>(HashMap<String, &'a Table>);

impl<'a> ByName<'a> {
    fn new(schema: &'a Schema) -> Self {
        Self(
            schema
                .tables()
                .iter()
                .map(|t| (t.name.to_lowercase(), t))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&'a Table> {
        self.0.get(&name.to_lowercase()).copied()
    }
}

/// Pairs each table of `to` with its table in `from`: same name, or the
/// name in `renamed_from` when no table of `to` still has that name.
pub(crate) fn match_tables<'a>(from: &'a Schema, to: &'a Schema) -> TablePairs<'a> {
    let (old_tables, new_tables) = (ByName::new(from), ByName::new(to));
    let mut matched = Vec::new();
    let mut created = Vec::new();
    for new in to.tables() {
        let old = old_tables.get(&new.name).or_else(|| {
            let previous = new.renamed_from.as_deref()?;
            new_tables
                .get(previous)
                .is_none()
                .then(|| old_tables.get(previous))
                .flatten()
        });
        match old {
            Some(old) => matched.push((old, new)),
            None => created.push(new),
        }
    }
    let taken: HashSet<*const Table> = matched.iter().map(|(m, _)| *m as *const Table).collect();
    let dropped = from
        .tables()
        .iter()
        .filter(|o| !taken.contains(&(*o as *const Table)))
        .collect();
    TablePairs {
        matched,
        created,
        dropped,
    }
}

/// Two schemas paired: tables, the columns of each matched pair, and each
/// old table as SQLite sees it after the renames run (`renamed[i]` for
/// `columns[i]`).
pub(crate) struct Matched<'a> {
    pub(crate) tables: TablePairs<'a>,
    pub(crate) columns: Vec<ColumnMatch<'a>>,
    pub(crate) renamed: Vec<Cow<'a, Table>>,
}

pub(crate) fn match_schemas<'a>(from: &'a Schema, to: &'a Schema) -> Matched<'a> {
    let tables = match_tables(from, to);
    let table_renames: BTreeMap<String, String> = tables
        .matched
        .iter()
        .filter(|(o, n)| !o.name.eq_ignore_ascii_case(&n.name))
        .map(|(o, n)| (o.name.to_lowercase(), n.name.clone()))
        .collect();
    let columns: Vec<ColumnMatch<'a>> = tables
        .matched
        .iter()
        .map(|(o, n)| match_columns(o, n))
        .collect();
    let column_renames: BTreeMap<String, Vec<(String, String)>> = columns
        .iter()
        .map(|m| (m.new.name.to_lowercase(), m.renames.clone()))
        .collect();
    let renamed = columns
        .iter()
        .map(|m| renamed_table(m, &table_renames, &column_renames))
        .collect();
    Matched {
        tables,
        columns,
        renamed,
    }
}

/// The columns of one matched table pair.
pub(crate) struct ColumnMatch<'a> {
    pub(crate) old: &'a Table,
    pub(crate) new: &'a Table,
    /// `(old, new)` for columns present in both.
    pub(crate) pairs: Vec<(&'a Column, &'a Column)>,
    pub(crate) added: Vec<&'a Column>,
    pub(crate) dropped: Vec<&'a Column>,
    /// `(old name, new name)` for renamed columns.
    pub(crate) renames: Vec<(String, String)>,
}

pub(crate) fn match_columns<'a>(old: &'a Table, new: &'a Table) -> ColumnMatch<'a> {
    let mut m = ColumnMatch {
        old,
        new,
        pairs: Vec::new(),
        added: Vec::new(),
        dropped: Vec::new(),
        renames: Vec::new(),
    };
    for column in &new.columns {
        let previous = old
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&column.name))
            .or_else(|| {
                let was = column.renamed_from.as_deref()?;
                new.column_ci(was)
                    .is_none()
                    .then(|| old.column_ci(was))
                    .flatten()
            });
        match previous {
            Some(p) => {
                if !p.name.eq_ignore_ascii_case(&column.name) {
                    m.renames.push((p.name.clone(), column.name.clone()));
                }
                m.pairs.push((p, column));
            }
            None => m.added.push(column),
        }
    }
    m.dropped = old
        .columns
        .iter()
        .filter(|o| !m.pairs.iter().any(|(p, _)| std::ptr::eq(*p, *o)))
        .collect();
    m
}

/// The old table as SQLite sees it after the renames run: table and column
/// renames applied to its own definition and to its foreign keys' targets
/// (SQLite rewrites all of these itself when it renames).
pub(crate) fn renamed_table<'a>(
    m: &ColumnMatch<'a>,
    table_renames: &BTreeMap<String, String>,
    column_renames: &BTreeMap<String, Vec<(String, String)>>,
) -> Cow<'a, Table> {
    // Nothing renamed that the table has: the table as it is (no copy).
    let refers_to_renamed = m.old.foreign_keys.iter().any(|fk| {
        let target = fk.references_table.to_lowercase();
        table_renames.contains_key(&target)
            || column_renames
                .get(&target)
                .is_some_and(|renames| !renames.is_empty())
    });
    if m.renames.is_empty() && m.old.name == m.new.name && !refers_to_renamed {
        return Cow::Borrowed(m.old);
    }
    let rename = |name: &str, renames: &[(String, String)]| {
        renames
            .iter()
            .find(|(o, _)| o.eq_ignore_ascii_case(name))
            .map_or_else(|| name.to_owned(), |(_, n)| n.clone())
    };
    let own = &m.renames;
    let mut t = m.old.clone();
    t.name = m.new.name.clone();
    for c in &mut t.columns {
        c.name = rename(&c.name, own);
        c.checks = c.checks.iter().map(|e| rename_in_expr(e, own)).collect();
    }
    t.checks = t.checks.iter().map(|e| rename_in_expr(e, own)).collect();
    t.primary_key.columns = t
        .primary_key
        .columns
        .iter()
        .map(|c| rename(c, own))
        .collect();
    for index in &mut t.indexes {
        index.columns = index.columns.iter().map(|c| rename(c, own)).collect();
    }
    for fk in &mut t.foreign_keys {
        fk.columns = fk.columns.iter().map(|c| rename(c, own)).collect();
        if let Some(new_name) = table_renames.get(&fk.references_table.to_lowercase()) {
            fk.references_table = new_name.clone();
        }
        if let Some(parent) = column_renames.get(&fk.references_table.to_lowercase()) {
            fk.references_columns = fk
                .references_columns
                .iter()
                .map(|c| rename(c, parent))
                .collect();
        }
    }
    Cow::Owned(t)
}

/// `expr` with every reference to a renamed column respelled.
pub(crate) fn rename_in_expr(expr: &str, renames: &[(String, String)]) -> String {
    if renames.is_empty() {
        return expr.to_owned();
    }
    let tokens = sql_text::tokenize(expr);
    let respelled: Vec<String> = tokens
        .iter()
        .map(|t| match t {
            Token::Word(_) | Token::Quoted(_) => renames
                .iter()
                .find(|(o, _)| o.eq_ignore_ascii_case(&t.name()))
                .map_or_else(
                    || t.source().to_owned(),
                    |(_, n)| crate::schema::quote_ident(n),
                ),
            other => other.source().to_owned(),
        })
        .collect();
    sql_text::canonical(&respelled.join(" "))
}

pub(crate) fn renamed_name(name: &str, renames: &[(String, String)]) -> String {
    renames
        .iter()
        .find(|(o, _)| o.eq_ignore_ascii_case(name))
        .map_or_else(|| name.to_owned(), |(_, n)| n.clone())
}
