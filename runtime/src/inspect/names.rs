//! Rust names for SQL names: struct names from table names and field names
//! from column names, such that the derive reads the SQL names back.

use std::collections::BTreeSet;

/// Rust's keywords (edition 2024, reserved ones included): a field with one
/// of these names is written as a raw identifier (`r#type`), which the
/// derive reads as the column `type`.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either.
const NOT_RAW: &[&str] = &["crate", "self", "super", "_"];

/// Names a struct must not take: it would shadow a prelude name the models
/// use (`Option`, `String`, `Vec`) or one a reader expects to mean std's.
const RESERVED_TYPES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// The table name the derive gives a struct by default: its name in
/// snake_case (`HTTPLog` -> `http_log`). The derive's own rule
/// (`stillroom-macros`, `sql::snake_case`), repeated here: whether a model
/// needs `table = "..."` depends on it.
pub(super) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Whether `word` needs `r#` to be a field name.
pub(super) fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// A field's name: the identifier as written, and whether the derive reads
/// the column's name from it (else the field needs `column = "..."`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FieldName {
    /// The identifier, with `r#` when it is a keyword.
    pub(super) ident: String,
    /// Whether the identifier, without `r#`, is the column's name.
    pub(super) exact: bool,
}

/// Field names for a table's columns, in column order, all distinct.
///
/// A column whose name is already a snake_case identifier keeps it (raw if it
/// is a keyword); the others get a sanitised one, numbered (`_2`, `_3`) when
/// it is taken. Exact names are placed first so a sanitised name never takes
/// one from a column that has it exactly.
pub(super) fn field_names(columns: &[&str]) -> Vec<FieldName> {
    let mut used: BTreeSet<String> = columns
        .iter()
        .filter(|c| is_plain_field(c))
        .map(|c| (*c).to_owned())
        .collect();
    columns
        .iter()
        .map(|&column| {
            if is_plain_field(column) {
                return FieldName {
                    ident: identifier(column),
                    exact: true,
                };
            }
            let base = sanitise(column);
            let mut name = base.clone();
            let mut n = 1;
            while used.contains(&name) {
                n += 1;
                name = format!("{base}_{n}");
            }
            used.insert(name.clone());
            FieldName {
                ident: identifier(&name),
                exact: false,
            }
        })
        .collect()
}

/// `name` as an identifier: raw when it is a keyword.
fn identifier(name: &str) -> String {
    if is_keyword(name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// Whether `name` is a snake_case identifier as it is (raw if need be), as
/// rustc's `non_snake_case` lint sees it: no `__` between words.
fn is_plain_field(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.trim_matches('_').contains("__")
        && !NOT_RAW.contains(&name)
}

/// A snake_case identifier for any name: words split at case changes and
/// at anything but ASCII letters and digits, joined with `_`.
fn sanitise(name: &str) -> String {
    let snake = snake_case(name);
    let words: Vec<&str> = snake
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = words.join("_");
    if out.is_empty() {
        out.push_str("column");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "c_");
    }
    if NOT_RAW.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Struct names for tables, in table order, all distinct: each table's name
/// in CamelCase (`user_roles` -> `UserRoles`), numbered when taken.
pub(super) fn struct_names(tables: &[&str]) -> Vec<String> {
    let mut used = BTreeSet::new();
    tables
        .iter()
        .map(|table| {
            let base = camel_case(table);
            let mut name = base.clone();
            let mut n = 1;
            while used.contains(&name) {
                n += 1;
                name = format!("{base}{n}");
            }
            used.insert(name.clone());
            name
        })
        .collect()
}

/// `table` in CamelCase, made a valid type name that shadows nothing.
fn camel_case(table: &str) -> String {
    let snake = snake_case(table);
    let mut out = String::new();
    for word in snake
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() {
        out.push_str("Table");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    if RESERVED_TYPES.contains(&out.as_str()) {
        out.push_str("Table");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_is_the_derives() {
        assert_eq!(snake_case("EpisodeAvailability"), "episode_availability");
        assert_eq!(snake_case("HTTPLog"), "http_log");
        assert_eq!(snake_case("Job2Task"), "job2_task");
    }

    #[test]
    fn plain_names_are_kept_and_keywords_raw() {
        let names = field_names(&["id", "type", "self", "_x", "a1", "a__b", "__c__"]);
        let idents: Vec<&str> = names.iter().map(|n| n.ident.as_str()).collect();
        assert_eq!(
            idents,
            ["id", "r#type", "self_", "_x", "a1", "a_b", "__c__"]
        );
        let exact: Vec<bool> = names.iter().map(|n| n.exact).collect();
        assert_eq!(exact, [true, true, false, true, true, false, true]);
    }

    #[test]
    fn odd_names_are_sanitised_and_collisions_numbered() {
        let names = field_names(&[
            "Order Date",
            "order_date",
            "first-name",
            "1st",
            "",
            "Type",
            "prénom",
            "ORDER DATE",
            "_",
        ]);
        let idents: Vec<&str> = names.iter().map(|n| n.ident.as_str()).collect();
        assert_eq!(
            idents,
            [
                "order_date_2",
                "order_date",
                "first_name",
                "c_1st",
                "column",
                "r#type",
                "pr_nom",
                "order_date_3",
                "column_2",
            ]
        );
        assert!(names.iter().enumerate().all(|(i, n)| n.exact == (i == 1)));
    }

    #[test]
    fn struct_names_are_camel_case_distinct_and_shadow_nothing() {
        let names = struct_names(&[
            "user_roles",
            "userRoles",
            "option",
            "2fa",
            "my table",
            "ORDERS",
            "HTTPLog",
            "ü",
        ]);
        assert_eq!(
            names,
            [
                "UserRoles",
                "UserRoles2",
                "OptionTable",
                "T2fa",
                "MyTable",
                "Orders",
                "HttpLog",
                "Table"
            ]
        );
    }
}
