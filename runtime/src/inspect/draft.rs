//! One table as one model: which attribute says each part of the table,
//! and a note wherever the derive cannot say it exactly.

use std::collections::{BTreeMap, BTreeSet};

use super::attr_sql::{default_text, double_quoted_string, expression_text};
use super::names::{FieldName, field_names, snake_case};
use super::source::{Field, Item, Model, comment_text};
use super::types::{Base, choose, is_bool_check};
use crate::schema::{Action, ForeignKey, Index, SqlType, Table};
use crate::sql_text;

/// What the table's indexes and foreign keys put on single fields.
#[derive(Default)]
struct PerField<'a> {
    /// `index` or `unique`, by column position.
    index: BTreeMap<usize, &'static str>,
    /// A single-column foreign key, by column position.
    references: BTreeMap<usize, &'a ForeignKey>,
    /// Table CHECKs moved from a column (a field takes one `check`).
    moved_checks: Vec<String>,
}

/// The model for `table`, named `name`. `index_names` holds every index name
/// of the database (lower-cased): an index that replaces a UNIQUE
/// constraint takes a name not among them, and adds it.
pub(super) fn model(table: &Table, name: String, index_names: &mut BTreeSet<String>) -> Model {
    let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let fields = field_names(&columns);
    let mut notes = Vec::new();
    let mut attrs = Vec::new();
    if snake_case(&name) != table.name {
        attrs.push(Item::Str("table", table.name.clone()));
    }
    if !table.strict {
        attrs.push(Item::Bool("strict", false));
    }
    key(table, &fields, &mut attrs, &mut notes);
    let mut per_field = PerField::default();
    indexes(
        table,
        &fields,
        index_names,
        &mut per_field,
        &mut attrs,
        &mut notes,
    );
    foreign_keys(table, &fields, &mut per_field, &mut attrs, &mut notes);
    let mut model_fields = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        match field(table, i, f, &mut per_field) {
            Some(field) => model_fields.push(field),
            None => notes.push(format!(
                "differs: column {} is left out: its name is blank, which `column = \"...\"` cannot hold",
                code(&table.columns[i].name)
            )),
        }
    }
    raw_list_keywords(&mut attrs, &mut model_fields);
    attrs.extend(
        per_field
            .moved_checks
            .into_iter()
            .map(|c| Item::Str("check", c)),
    );
    attrs.extend(
        table
            .checks
            .iter()
            .map(|c| Item::Str("check", expression_text(c))),
    );
    Model {
        notes,
        name,
        attrs,
        fields: model_fields,
    }
}

/// A field named like a key of a list it is in (`name` in `index(...)`,
/// `references` in `foreign_key(...)`) would be read as that key: it is
/// written raw (`r#name`), in its declaration and in every list, since the
/// derive matches list entries to fields as written.
fn raw_list_keywords(attrs: &mut [Item], fields: &mut [Field]) {
    let mut clashing: Vec<String> = Vec::new();
    for item in attrs.iter() {
        let Item::List(kind, items) = item else {
            continue;
        };
        let keys: &[&str] = match *kind {
            "index" | "unique" => &["name"],
            "foreign_key" => &["references", "on_delete", "on_update"],
            _ => &[],
        };
        for i in items {
            if let Item::Word(w) = i
                && keys.contains(&w.as_str())
            {
                clashing.push(w.clone());
            }
        }
    }
    let raw = |ident: &mut String| {
        if clashing.contains(ident) {
            ident.insert_str(0, "r#");
        }
    };
    for item in attrs.iter_mut() {
        if let Item::List(_, items) = item {
            for i in items {
                if let Item::Word(w) = i {
                    raw(w);
                }
            }
        }
    }
    for f in fields {
        raw(&mut f.ident);
    }
}

/// A name in a note: in backticks, with what could end the comment line
/// escaped.
pub(super) fn code(name: &str) -> String {
    format!("`{}`", comment_text(name))
}

/// A composite key on the struct, in key order; a single one goes on its
/// field. A table without one gets a note (and the derive's error).
fn key(table: &Table, fields: &[FieldName], attrs: &mut Vec<Item>, notes: &mut Vec<String>) {
    let key = &table.primary_key.columns;
    if key.is_empty() {
        notes.push(format!(
            "table {} has no primary key (SQLite's rowid stands in for one), and a model needs one: \
             mark the column or columns that identify a row with `#[model(primary_key)]`; until then this \
             model does not compile",
            code(&table.name)
        ));
    } else if key.len() > 1 {
        let words = key
            .iter()
            .filter_map(|k| position(table, k))
            .map(|i| Item::Word(fields[i].ident.clone()))
            .collect();
        attrs.push(Item::List("primary_key", words));
    }
}

/// The position of the column named `name` (SQLite's names ignore case).
fn position(table: &Table, name: &str) -> Option<usize> {
    table
        .columns
        .iter()
        .position(|c| c.name == name)
        .or_else(|| {
            table
                .columns
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(name))
        })
}

/// The columns of `names`, as positions; `None` if one is missing or
/// repeated (a model lists each field once).
fn positions(table: &Table, names: &[String]) -> Option<Vec<usize>> {
    let mut out: Vec<usize> = Vec::new();
    for name in names {
        let i = position(table, name)?;
        if out.contains(&i) {
            return None;
        }
        out.push(i);
    }
    Some(out)
}

/// Indexes: one with stillroom's default name on one column goes on its
/// field (`index`, `unique`); any other on the struct, named. SQLite's
/// unnamed UNIQUE constraints become named unique indexes, with a note.
fn indexes(
    table: &Table,
    fields: &[FieldName],
    index_names: &mut BTreeSet<String>,
    per_field: &mut PerField<'_>,
    attrs: &mut Vec<Item>,
    notes: &mut Vec<String>,
) {
    let (constraints, named): (Vec<&Index>, Vec<&Index>) = table
        .indexes
        .iter()
        .partition(|i| i.name.starts_with("sqlite_autoindex_"));
    let mut unique_sets: Vec<BTreeSet<usize>> = Vec::new();
    for index in named {
        let Some(cols) = positions(table, &index.columns) else {
            notes.push(format!(
                "differs: index {} is left out: it names a column twice, or one the table lacks",
                code(&index.name)
            ));
            continue;
        };
        if index.name.trim().is_empty() {
            notes.push(format!(
                "differs: index {} is left out: its name is blank, which `name = \"...\"` cannot hold",
                code(&index.name)
            ));
            continue;
        }
        if index.unique {
            unique_sets.push(cols.iter().copied().collect());
        }
        place_index(table, fields, index, &cols, per_field, attrs);
    }
    for constraint in constraints {
        let Some(cols) = positions(table, &constraint.columns) else {
            continue;
        };
        let set: BTreeSet<usize> = cols.iter().copied().collect();
        let columns = constraint
            .columns
            .iter()
            .map(|c| code(c))
            .collect::<Vec<_>>()
            .join(", ");
        if unique_sets.contains(&set) {
            notes.push(format!(
                "differs: the unnamed UNIQUE constraint on ({columns}) is left out: it repeats a \
                 unique index"
            ));
            continue;
        }
        unique_sets.push(set);
        let index = Index {
            name: free_name(&table.name, &constraint.columns, index_names),
            columns: constraint.columns.clone(),
            unique: true,
        };
        notes.push(format!(
            "differs: a model cannot declare an unnamed UNIQUE constraint; the one on ({columns}) is \
             the unique index {} here (the same rule)",
            code(&index.name)
        ));
        place_index(table, fields, &index, &cols, per_field, attrs);
    }
}

/// stillroom's name for a unique index on `columns`, numbered if the
/// database already has an index so named.
fn free_name(table: &str, columns: &[String], taken: &mut BTreeSet<String>) -> String {
    let base = Index::default_name(table, columns, true);
    let mut name = base.clone();
    let mut n = 1;
    while taken.contains(&name.to_lowercase()) {
        n += 1;
        name = format!("{base}_{n}");
    }
    taken.insert(name.to_lowercase());
    name
}

fn place_index(
    table: &Table,
    fields: &[FieldName],
    index: &Index,
    cols: &[usize],
    per_field: &mut PerField<'_>,
    attrs: &mut Vec<Item>,
) {
    let flag = if index.unique { "unique" } else { "index" };
    let default = Index::default_name(&table.name, &index.columns, index.unique);
    if let [i] = cols
        && index.name == default
        && !per_field.index.contains_key(i)
    {
        per_field.index.insert(*i, flag);
        return;
    }
    let mut items: Vec<Item> = cols
        .iter()
        .map(|&i| Item::Word(fields[i].ident.clone()))
        .collect();
    if index.name != default {
        items.push(Item::Str("name", index.name.clone()));
    }
    attrs.push(Item::List(flag, items));
}

/// Foreign keys: a single-column one goes on its field (`references`), any
/// other on the struct (`foreign_key(...)`).
fn foreign_keys<'a>(
    table: &'a Table,
    fields: &[FieldName],
    per_field: &mut PerField<'a>,
    attrs: &mut Vec<Item>,
    notes: &mut Vec<String>,
) {
    for fk in &table.foreign_keys {
        let (Some(target), Some(cols)) = (reference(fk), positions(table, &fk.columns)) else {
            notes.push(format!(
                "differs: the foreign key ({}) to {} is left out: `references = \"table(column)\"` \
                 cannot hold names with parentheses, quotes, `;`, commas or outer blanks, nor a key \
                 that names no columns",
                fk.columns.iter().map(|c| code(c)).collect::<Vec<_>>().join(", "),
                code(&fk.references_table)
            ));
            continue;
        };
        if let [i] = cols[..]
            && !per_field.references.contains_key(&i)
        {
            per_field.references.insert(i, fk);
            continue;
        }
        let mut items: Vec<Item> = cols
            .iter()
            .map(|&i| Item::Word(fields[i].ident.clone()))
            .collect();
        items.push(Item::Str("references", target));
        items.extend(actions(fk));
        attrs.push(Item::List("foreign_key", items));
    }
}

/// `table(column, ...)` as the derive reads it, if it can.
fn reference(fk: &ForeignKey) -> Option<String> {
    let bad =
        |s: &str| s.is_empty() || s.trim() != s || s.contains(['(', ')', '"', '\'', '`', ';']);
    let columns = &fk.references_columns;
    if bad(&fk.references_table)
        || columns.len() != fk.columns.len()
        || columns.iter().any(|c| bad(c) || c.contains(','))
    {
        return None;
    }
    Some(format!("{}({})", fk.references_table, columns.join(", ")))
}

fn actions(fk: &ForeignKey) -> Vec<Item> {
    let mut out = Vec::new();
    for (key, action) in [("on_delete", fk.on_delete), ("on_update", fk.on_update)] {
        if action != Action::NoAction {
            out.push(Item::Str(key, action.as_sql().to_ascii_lowercase()));
        }
    }
    out
}

/// The field for column `i`; `None` when its name cannot be written.
fn field(table: &Table, i: usize, name: &FieldName, per_field: &mut PerField<'_>) -> Option<Field> {
    let column = &table.columns[i];
    let key = &table.primary_key;
    let single_key = key.columns.len() == 1 && key.columns[0] == column.name;
    let in_key = key.columns.contains(&column.name);
    let choice = choose(column, !(single_key && key.autoincrement));
    let mut notes: Vec<String> = choice.note.into_iter().collect();
    let mut attrs = Vec::new();
    if single_key {
        attrs.push(Item::Word("primary_key".into()));
        if key.autoincrement {
            attrs.push(Item::Word("autoincrement".into()));
        }
    }
    if !name.exact {
        if column.name.trim().is_empty() {
            return None;
        }
        attrs.push(Item::Str("column", column.name.clone()));
    }
    sql_type(column, choice.base, &mut attrs, &mut notes);
    if let Some(flag) = per_field.index.get(&i) {
        attrs.push(Item::Word((*flag).into()));
    }
    if let Some(default) = &column.default {
        match double_quoted_string(sql_text::strip_outer_parens(default)) {
            Some(literal) => {
                notes.push(format!(
                    "differs: DEFAULT {} is SQLite's double-quoted string, which the derive does not \
                     take; here it is the same string in single quotes",
                    comment_text(default)
                ));
                attrs.push(Item::Str("default", literal));
            }
            None => attrs.push(Item::Str("default", default_text(default))),
        }
    }
    checks(table, i, choice.base, per_field, &mut attrs, &mut notes);
    if let Some(fk) = per_field.references.get(&i)
        && let Some(target) = reference(fk)
    {
        attrs.push(Item::Str("references", target));
        attrs.extend(actions(fk));
    }
    let mut ty = choice.base.rust().to_owned();
    if column.nullable && in_key {
        notes.push(format!(
            "differs: key column {} allows NULL (a SQLite quirk); a model's key cannot, so here it is \
             NOT NULL",
            code(&column.name)
        ));
    } else if column.nullable {
        ty = format!("Option<{ty}>");
    }
    Some(Field {
        notes,
        attrs,
        ident: name.ident.clone(),
        ty,
    })
}

/// `sql_type = "..."` when the declared type is not the one the Rust type
/// gives.
fn sql_type(column: &crate::Column, base: Base, attrs: &mut Vec<Item>, notes: &mut Vec<String>) {
    if column.sql_type == base.sql_type() {
        return;
    }
    if column.sql_type == SqlType::Declared(String::new()) {
        notes.push(
            "differs: no declared type (values are stored as given, and `Value` reads them all); a \
             model column needs one, and BLOB stores values the same way"
                .into(),
        );
        attrs.push(Item::Str("sql_type", "BLOB".into()));
    } else {
        attrs.push(Item::Str("sql_type", column.sql_type.as_sql().to_owned()));
    }
}

/// The column's CHECKs: `bool`'s own is left to the type, the first other
/// one is the field's `check`, and any more become table CHECKs (a field
/// takes one), with a note.
fn checks(
    table: &Table,
    i: usize,
    base: Base,
    per_field: &mut PerField<'_>,
    attrs: &mut Vec<Item>,
    notes: &mut Vec<String>,
) {
    let column = &table.columns[i];
    let mut checks: Vec<&String> = column.checks.iter().collect();
    if base == Base::Bool
        && let Some(at) = checks.iter().position(|c| is_bool_check(c, &column.name))
    {
        checks.remove(at);
    }
    let mut rest = checks.into_iter().map(|c| expression_text(c));
    if let Some(first) = rest.next() {
        attrs.push(Item::Str("check", first));
    }
    let moved: Vec<String> = rest.collect();
    if !moved.is_empty() {
        notes.push(format!(
            "differs: a field takes one `check`; the other CHECKs of column {} are table CHECKs \
             here (the same rule)",
            code(&column.name)
        ));
        per_field.moved_checks.extend(moved);
    }
}
