//! One table as one model: which attribute says each part of the table,
//! and a note wherever the derive cannot say it exactly.

use std::collections::{BTreeMap, BTreeSet};

use super::attr_sql::{default_text, double_quoted_string, expression_text};
use super::names::{FieldName, field_names, snake_case};
use super::source::{Field, Item, Model, comment_text};
use super::types::{Base, choose_in, is_bool_check};
use crate::dialect::Dialect;
use crate::dialect::sqlite::sql_text;
use crate::schema::{Action, Column, ForeignKey, Index, Schema, Table};

/// A model being drafted from its table.
struct Draft<'a> {
    dialect: Dialect,
    table: &'a Table,
    fields: Vec<FieldName>,
    /// Struct attributes, one `#[model(...)]` each.
    attrs: Vec<Item>,
    /// Notes above the struct.
    notes: Vec<String>,
    /// `index` or `unique` on a field, by column position.
    index_flags: BTreeMap<usize, &'static str>,
    /// `references` on a field, by column position.
    references: BTreeMap<usize, ForeignKey>,
    /// Column CHECKs beyond a field's one, as table CHECKs.
    moved_checks: Vec<String>,
}

/// The model for `table` of `schema`, named `name`. `index_names` holds
/// every index name of the database (lower-cased): an index that replaces
/// a UNIQUE constraint takes a name not among them, and adds it.
pub(super) fn model(
    dialect: Dialect,
    schema: &Schema,
    table: &Table,
    name: String,
    index_names: &mut BTreeSet<String>,
) -> Model {
    let columns: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    let mut d = Draft {
        dialect,
        table,
        fields: field_names(&columns),
        attrs: Vec::new(),
        notes: Vec::new(),
        index_flags: BTreeMap::new(),
        references: BTreeMap::new(),
        moved_checks: Vec::new(),
    };
    if snake_case(&name) != table.name {
        d.attrs.push(Item::Str("table", table.name.clone()));
    }
    if !table.strict {
        d.attrs.push(Item::Bool("strict", false));
    }
    d.key();
    d.named_indexes();
    d.unique_constraints(index_names);
    d.foreign_keys(schema);
    let mut fields: Vec<Field> = (0..table.columns.len())
        .filter_map(|i| d.field(i))
        .collect();
    raw_list_keywords(&mut d.attrs, &mut fields);
    d.attrs
        .extend(d.moved_checks.drain(..).map(|c| Item::Str("check", c)));
    d.attrs.extend(
        table
            .checks
            .iter()
            .map(|c| Item::Str("check", expression_text(c))),
    );
    Model {
        notes: d.notes,
        name,
        attrs: d.attrs,
        fields,
    }
}

/// A name in a note: in backticks, with what could end the comment line
/// escaped.
pub(super) fn code(name: &str) -> String {
    format!("`{}`", comment_text(name))
}

fn code_list(names: &[String]) -> String {
    let coded: Vec<String> = names.iter().map(|n| code(n)).collect();
    coded.join(", ")
}

impl Draft<'_> {
    /// A composite key goes on the struct, in key order; a single one on
    /// its field. A table without one gets a note (and the derive's error).
    fn key(&mut self) {
        let key = &self.table.primary_key.columns;
        if key.is_empty() {
            let stand_in = match self.dialect {
                Dialect::Sqlite => " (SQLite's rowid stands in for one)",
                Dialect::Postgres => "",
            };
            self.notes.push(format!(
                "table {} has no primary key{stand_in}, and a model needs \
                 one: mark the column or columns that identify a row with `#[model(primary_key)]`; \
                 until then this model does not compile",
                code(&self.table.name)
            ));
        } else if key.len() > 1
            && let Some(cols) = positions(self.table, key)
        {
            let words = self.words(&cols);
            self.attrs.push(Item::List("primary_key", words));
        }
    }

    /// The fields at `cols`, as list entries.
    fn words(&self, cols: &[usize]) -> Vec<Item> {
        cols.iter()
            .map(|&i| Item::Word(self.fields[i].ident.clone()))
            .collect()
    }

    /// Indexes: one with stillroom's name on one column goes on its field
    /// (`index`, `unique`); any other on the struct, with its name.
    fn named_indexes(&mut self) {
        let named = self
            .table
            .indexes
            .iter()
            .filter(|i| !i.name.starts_with("sqlite_autoindex_"));
        for index in named {
            match positions(self.table, &index.columns) {
                _ if index.name.trim().is_empty() => self.notes.push(format!(
                    "differs: index {} is left out: its name is blank, which `name = \"...\"` cannot \
                     hold",
                    code(&index.name)
                )),
                Some(cols) => self.place_index(index, &cols),
                None => self.notes.push(format!(
                    "differs: index {} is left out: it names a column twice, or one the table lacks",
                    code(&index.name)
                )),
            }
        }
    }

    /// SQLite's unnamed UNIQUE constraints (`sqlite_autoindex_...`), which
    /// a model cannot declare, as unique indexes with stillroom's names.
    fn unique_constraints(&mut self, index_names: &mut BTreeSet<String>) {
        let (constraints, named): (Vec<&Index>, Vec<&Index>) = self
            .table
            .indexes
            .iter()
            .partition(|i| i.name.starts_with("sqlite_autoindex_"));
        let mut unique: Vec<BTreeSet<usize>> = named
            .iter()
            .filter(|i| i.unique)
            .filter_map(|i| positions(self.table, &i.columns))
            .map(|cols| cols.into_iter().collect())
            .collect();
        for constraint in constraints {
            let Some(cols) = positions(self.table, &constraint.columns) else {
                continue;
            };
            let columns = code_list(&constraint.columns);
            if unique.contains(&cols.iter().copied().collect()) {
                self.notes.push(format!(
                    "differs: the unnamed UNIQUE constraint on ({columns}) is left out: it repeats \
                     a unique index"
                ));
                continue;
            }
            unique.push(cols.iter().copied().collect());
            let index = Index {
                name: free_name(&self.table.name, &constraint.columns, index_names),
                columns: constraint.columns.clone(),
                unique: true,
            };
            self.notes.push(format!(
                "differs: a model cannot declare an unnamed UNIQUE constraint; the one on \
                 ({columns}) is the unique index {} here (the same rule)",
                code(&index.name)
            ));
            self.place_index(&index, &cols);
        }
    }

    fn place_index(&mut self, index: &Index, cols: &[usize]) {
        let flag = if index.unique { "unique" } else { "index" };
        let default = Index::default_name(&self.table.name, &index.columns, index.unique);
        if let [i] = cols
            && index.name == default
            && !self.index_flags.contains_key(i)
        {
            self.index_flags.insert(*i, flag);
            return;
        }
        let mut items = self.words(cols);
        if index.name != default {
            items.push(Item::Str("name", index.name.clone()));
        }
        self.attrs.push(Item::List(flag, items));
    }

    /// Foreign keys: a single-column one goes on its field (`references`),
    /// any other on the struct (`foreign_key(...)`).
    fn foreign_keys(&mut self, schema: &Schema) {
        for fk in &self.table.foreign_keys {
            let fk = resolved(fk, schema);
            let (Some(target), Some(cols)) = (reference(&fk), positions(self.table, &fk.columns))
            else {
                self.notes.push(format!(
                    "differs: the foreign key ({}) to {} is left out: `references = \
                     \"table(column)\"` cannot hold names with parentheses, quotes, `;`, commas or \
                     outer blanks, nor a key that names no columns",
                    code_list(&fk.columns),
                    code(&fk.references_table)
                ));
                continue;
            };
            if let [i] = cols[..]
                && !self.references.contains_key(&i)
            {
                self.references.insert(i, fk);
                continue;
            }
            let mut items = self.words(&cols);
            items.push(Item::Str("references", target));
            items.extend(actions(&fk));
            self.attrs.push(Item::List("foreign_key", items));
        }
    }

    /// The field for column `i`, or a note when its name cannot be written.
    fn field(&mut self, i: usize) -> Option<Field> {
        let column = &self.table.columns[i];
        let name = &self.fields[i];
        if !name.exact && column.name.trim().is_empty() {
            self.notes.push(format!(
                "differs: column {} is left out: its name is blank, which `column = \"...\"` cannot \
                 hold",
                code(&column.name)
            ));
            return None;
        }
        let key = &self.table.primary_key;
        let single_key = key.columns.len() == 1 && key.columns[0] == column.name;
        let (choice, declared, notes) =
            choose_in(self.dialect, column, !(single_key && key.autoincrement));
        let mut f = Field {
            notes,
            attrs: Vec::new(),
            ident: name.ident.clone(),
            ty: choice.base.rust().to_owned(),
        };
        if single_key {
            f.attrs.push(Item::Word("primary_key".into()));
            if key.autoincrement {
                f.attrs.push(Item::Word("autoincrement".into()));
            }
        }
        if !name.exact {
            f.attrs.push(Item::Str("column", column.name.clone()));
        }
        if let Some(declared) = declared {
            f.attrs.push(Item::Str("sql_type", declared));
        }
        if let Some(flag) = self.index_flags.get(&i) {
            f.attrs.push(Item::Word((*flag).into()));
        }
        default(column, &mut f);
        self.checks(i, choice.base, &mut f);
        if let Some(fk) = self.references.get(&i)
            && let Some(target) = reference(fk)
        {
            f.attrs.push(Item::Str("references", target));
            f.attrs.extend(actions(fk));
        }
        self.nullability(column, &mut f);
        Some(f)
    }

    /// `Option<T>` for a nullable column; a key column stays `T` (keys are
    /// never `Option`), with a note.
    fn nullability(&self, column: &Column, f: &mut Field) {
        if !column.nullable {
            return;
        }
        if self.table.primary_key.columns.contains(&column.name) {
            f.notes.push(format!(
                "differs: key column {} allows NULL (a SQLite quirk); a model's key cannot, so here \
                 it is NOT NULL",
                code(&column.name)
            ));
        } else {
            f.ty = format!("Option<{}>", f.ty);
        }
    }

    /// The column's CHECKs: `bool`'s own is left to the type, the first
    /// other one is the field's `check`, and any more become table CHECKs
    /// (a field takes one), with a note.
    fn checks(&mut self, i: usize, base: Base, f: &mut Field) {
        let column = &self.table.columns[i];
        let mut checks: Vec<&String> = column.checks.iter().collect();
        if base == Base::Bool
            && let Some(at) = checks.iter().position(|c| is_bool_check(c, &column.name))
        {
            checks.remove(at);
        }
        let mut rest = checks.into_iter().map(|c| expression_text(c));
        if let Some(first) = rest.next() {
            f.attrs.push(Item::Str("check", first));
        }
        let moved: Vec<String> = rest.collect();
        if !moved.is_empty() {
            f.notes.push(format!(
                "differs: a field takes one `check`; the other CHECKs of column {} are table \
                 CHECKs here (the same rule)",
                code(&column.name)
            ));
            self.moved_checks.extend(moved);
        }
    }
}

/// The position of the column named `name` (SQLite's names ignore case).
fn position(table: &Table, name: &str) -> Option<usize> {
    let columns = &table.columns;
    columns.iter().position(|c| c.name == name).or_else(|| {
        columns
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

/// `fk` with its target named as the target table spells its names: SQLite
/// matches them ignoring case, and so does the diff, but a model set is
/// checked by exact name.
pub(super) fn resolved(fk: &ForeignKey, schema: &Schema) -> ForeignKey {
    let mut fk = fk.clone();
    let target = schema
        .tables()
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(&fk.references_table));
    if let Some(target) = target {
        fk.references_table = target.name.clone();
        for column in &mut fk.references_columns {
            if let Some(i) = position(target, column) {
                *column = target.columns[i].name.clone();
            }
        }
    }
    fk
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

/// `default = "..."`, in a form the derive takes.
fn default(column: &Column, f: &mut Field) {
    let Some(default) = &column.default else {
        return;
    };
    let text = match double_quoted_string(sql_text::strip_outer_parens(default)) {
        Some(literal) => {
            f.notes.push(format!(
                "differs: DEFAULT {} is SQLite's double-quoted string, which the derive does not \
                 take; here it is the same string in single quotes",
                comment_text(default)
            ));
            literal
        }
        None => default_text(default),
    };
    f.attrs.push(Item::Str("default", text));
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
            items.iter_mut().for_each(|i| {
                if let Item::Word(w) = i {
                    raw(w);
                }
            });
        }
    }
    fields.iter_mut().for_each(|f| raw(&mut f.ident));
}
