//! SQL text every dialect writes the same way: quoted names and literals,
//! and the order in which tables can be created.

use std::collections::BTreeSet;

use super::Table;

/// Quotes an SQL identifier: wraps it in double quotes and doubles any quote
/// inside, so keywords and names with spaces or quotes are safe.
///
/// Every identifier stillroom writes into SQL goes through this function.
///
/// ```
/// assert_eq!(stillroom::quote_ident("order"), r#""order""#);
/// assert_eq!(stillroom::quote_ident(r#"say "hi""#), r#""say ""hi""""#);
/// ```
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('"');
    for c in name.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Quotes a string as an SQL literal: wraps it in single quotes and doubles
/// any single quote inside.
///
/// For DDL only (defaults, checks): values in queries are always bound.
///
/// ```
/// assert_eq!(stillroom::quote_literal("it's"), "'it''s'");
/// ```
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A comma-separated list of quoted identifiers.
pub(crate) fn ident_list<S: AsRef<str>>(names: &[S]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| quote_ident(n.as_ref())).collect();
    quoted.join(", ")
}

/// `tables` (sorted by name) reordered so that each table follows the tables
/// it references; tables in a reference cycle keep name order. Deterministic.
pub(crate) fn dependency_order(tables: &[Table]) -> Vec<&Table> {
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::with_capacity(tables.len());
    while out.len() < tables.len() {
        let ready = tables.iter().find(|t| {
            !placed.contains(t.name.as_str())
                && t.foreign_keys.iter().all(|fk| {
                    fk.references_table == t.name
                        || placed.contains(fk.references_table.as_str())
                        || !tables.iter().any(|o| o.name == fk.references_table)
                })
        });
        // A cycle: place the first remaining table by name and go on.
        let next = ready.or_else(|| tables.iter().find(|t| !placed.contains(t.name.as_str())));
        let Some(next) = next else { break };
        placed.insert(&next.name);
        out.push(next);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Action, ForeignKey};

    #[test]
    fn dependency_order_puts_parents_first() {
        let child = {
            let mut t = Table::new("a_child");
            t.foreign_keys.push(ForeignKey {
                columns: vec!["p".into()],
                references_table: "z_parent".into(),
                references_columns: vec!["id".into()],
                on_delete: Action::Cascade,
                on_update: Action::NoAction,
            });
            t
        };
        let tables = vec![child, Table::new("m_other"), Table::new("z_parent")];
        let names: Vec<&str> = dependency_order(&tables)
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["m_other", "z_parent", "a_child"]);
    }
}
