//! Rules that involve more than one attribute or field, one function per rule.
//! Each reports to the context and lets the others run.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::Type;

use crate::ast::{Model, option_inner};
use crate::ctxt::Ctxt;

pub(crate) fn check(cx: &Ctxt, model: &Model<'_>) {
    no_generics(cx, model);
    has_primary_key(cx, model);
    struct_lists_name_columns(cx, model);
    skip_stands_alone(cx, model);
    autoincrement_is_the_only_key(cx, model);
    actions_need_references(cx, model);
    unique_column_names(cx, model);
    keys_are_not_optional(cx, model);
    integers_fit_sqlite(cx, model);
    strict_types(cx, model);
    table_name_not_reserved(cx, model);
    index_and_unique_not_both(cx, model);
    foreign_key_arity(cx, model);
}

/// A model is one table, so it cannot be generic over its field types.
fn no_generics(cx: &Ctxt, model: &Model<'_>) {
    let generics = &model.input.generics;
    if !generics.params.is_empty() {
        cx.error_spanned_by(generics, "`Model` cannot be derived for a generic struct: a table has one fixed set of column types");
    }
}

/// Every table has a primary key, given one way or the other. (Not checked
/// when an attribute failed to parse: it may have been the key.)
fn has_primary_key(cx: &Ctxt, model: &Model<'_>) {
    if model.attrs.failed || model.fields.iter().any(|f| f.attrs.failed) {
        return;
    }
    let on_fields = model
        .fields
        .iter()
        .filter(|f| f.attrs.primary_key.is_set())
        .count();
    match (model.attrs.primary_key.path(), on_fields) {
        (None, 0) => cx.error_spanned_by(
            &model.input.ident,
            "a model needs a primary key; mark a field `#[model(primary_key)]`, or list several on the struct: `#[model(primary_key(a, b))]`",
        ),
        (Some(path), n) if n > 0 => cx.error_spanned_by(
            path,
            "the primary key is given twice: on the struct and on fields; keep one of the two",
        ),
        _ => {}
    }
}

/// `primary_key(..)`, `index(..)`, `unique(..)` and `foreign_key(..)` on the
/// struct name stored fields, each once.
fn struct_lists_name_columns(cx: &Ctxt, model: &Model<'_>) {
    let attrs = &model.attrs;
    let lists = attrs
        .primary_key
        .get()
        .into_iter()
        .map(|fields| ("primary_key", fields))
        .chain(
            attrs
                .indexes
                .iter()
                .map(|i| (if i.unique { "unique" } else { "index" }, &i.fields)),
        )
        .chain(
            attrs
                .foreign_keys
                .iter()
                .map(|f| ("foreign_key", &f.fields)),
        );
    for (word, idents) in lists {
        for (i, ident) in idents.iter().enumerate() {
            if idents[..i].contains(ident) {
                cx.error_spanned_by(
                    ident,
                    format!("field `{ident}` is listed twice in `{word}(...)`"),
                );
            } else if model.column_field(ident).is_none() {
                let why = if model.fields.iter().any(|f| f.ident == ident) {
                    "a skipped field"
                } else {
                    "no such field"
                };
                cx.error_spanned_by(ident, format!("`{word}(...)` names `{ident}`: {why}; list fields that are stored as columns"));
            }
        }
    }
}

/// A skipped field is not a column, so column attributes make no sense on it.
fn skip_stands_alone(cx: &Ctxt, model: &Model<'_>) {
    for field in model.fields.iter().filter(|f| f.attrs.skip.is_set()) {
        let a = &field.attrs;
        let others = [
            a.primary_key.path(),
            a.autoincrement.path(),
            a.column.path(),
            a.sql_type.path(),
            a.unique.path(),
            a.index.path(),
            a.default.path(),
            a.references.path(),
            a.on_delete.path(),
            a.on_update.path(),
            a.renamed_from.path(),
            a.check.path(),
        ];
        for path in others.into_iter().flatten() {
            let name = path.to_token_stream();
            cx.error_spanned_by(
                path,
                format!("`{name}` cannot be used on a `skip` field, which is not stored"),
            );
        }
    }
}

/// AUTOINCREMENT exists only on a table's single INTEGER PRIMARY KEY.
fn autoincrement_is_the_only_key(cx: &Ctxt, model: &Model<'_>) {
    for field in &model.fields {
        let Some(path) = field.attrs.autoincrement.path() else {
            continue;
        };
        let keys = model.key_fields();
        if !(keys.len() == 1 && keys[0].ident == field.ident) {
            cx.error_spanned_by(path, "`autoincrement` needs the field to be the table's only primary key: `#[model(primary_key, autoincrement)]`");
        }
    }
}

/// ON DELETE / ON UPDATE belong to a foreign key.
fn actions_need_references(cx: &Ctxt, model: &Model<'_>) {
    for field in model.fields.iter().filter(|f| !f.attrs.references.is_set()) {
        for path in [field.attrs.on_delete.path(), field.attrs.on_update.path()]
            .into_iter()
            .flatten()
        {
            let name = path.to_token_stream();
            cx.error_spanned_by(path, format!("`{name}` needs a foreign key on the same field: `references = \"table(column)\"`"));
        }
    }
}

/// SQLite column names are case-insensitive, so two fields may not map to
/// one name in any case.
fn unique_column_names(cx: &Ctxt, model: &Model<'_>) {
    let mut seen: BTreeMap<String, &syn::Ident> = BTreeMap::new();
    for (field, column) in model.columns() {
        if let Some(first) = seen.insert(column.to_lowercase(), field.ident) {
            let at = field
                .attrs
                .column
                .get()
                .map(ToTokens::to_token_stream)
                .unwrap_or_else(|| field.ident.to_token_stream());
            cx.error_spanned_by(at, format!("column `{column}` is already used by field `{first}`; give one of them `#[model(column = \"...\")]`"));
        }
    }
}

/// SQLite lets some keys hold NULL; stillroom keys never do.
fn keys_are_not_optional(cx: &Ctxt, model: &Model<'_>) {
    for field in model.key_fields() {
        if option_inner(field.ty).is_some() {
            cx.error_spanned_by(
                field.ty,
                "a primary key field cannot be an `Option`: keys must not be NULL",
            );
        }
    }
}

/// SQLite integers are 64-bit signed.
fn integers_fit_sqlite(cx: &Ctxt, model: &Model<'_>) {
    for (field, _) in model.columns() {
        let ty = option_inner(field.ty).unwrap_or(field.ty);
        let Type::Path(path) = ty else { continue };
        let Some(ident) = path.path.get_ident() else {
            continue;
        };
        let msg = match ident.to_string().as_str() {
            "u64" | "usize" => {
                "SQLite stores integers as 64-bit signed, so values above i64::MAX would not fit; use `i64` (or `u32` if the values are small)"
            }
            "u128" | "i128" => {
                "SQLite stores integers as 64-bit signed; use `i64`, or a type of your own stored as TEXT or BLOB"
            }
            "isize" => "the size of `isize` depends on the platform; use `i64`",
            _ => continue,
        };
        cx.error_spanned_by(ty, format!("`{ident}` cannot be a column type: {msg}"));
    }
}

/// A STRICT table accepts only its own few type names.
fn strict_types(cx: &Ctxt, model: &Model<'_>) {
    if !model.strict() {
        return;
    }
    for field in &model.fields {
        let Some(lit) = field.attrs.sql_type.get() else {
            continue;
        };
        let value = lit.value().trim().to_ascii_uppercase();
        if !["INTEGER", "INT", "REAL", "TEXT", "BLOB", "ANY"].contains(&value.as_str()) {
            cx.error_spanned_by(lit, format!("`{}` is not a type a STRICT table accepts (INTEGER, INT, REAL, TEXT, BLOB, ANY); use one of those, or declare the table `#[model(strict = false)]`", lit.value()));
        }
    }
}

/// `sqlite_` names belong to SQLite, `stillroom_` names to stillroom's ledger.
fn table_name_not_reserved(cx: &Ctxt, model: &Model<'_>) {
    let lower = model.table.to_ascii_lowercase();
    if lower.starts_with("sqlite_") || lower.starts_with("stillroom_") {
        let at = model
            .attrs
            .table
            .get()
            .map(ToTokens::to_token_stream)
            .unwrap_or_else(|| model.input.ident.to_token_stream());
        cx.error_spanned_by(at, format!("table name `{}` is reserved (`sqlite_` and `stillroom_` prefixes); choose another with `#[model(table = \"...\")]`", model.table));
    }
}

/// `unique` already creates an index on the column.
fn index_and_unique_not_both(cx: &Ctxt, model: &Model<'_>) {
    for field in &model.fields {
        if let (Some(path), true) = (field.attrs.index.path(), field.attrs.unique.is_set()) {
            cx.error_spanned_by(path, "`unique` already indexes this column; remove `index`");
        }
    }
}

/// A foreign key pairs each of its columns with one referenced column.
fn foreign_key_arity(cx: &Ctxt, model: &Model<'_>) {
    let single = model
        .fields
        .iter()
        .filter_map(|f| f.attrs.references.get())
        .map(|r| (1, r));
    let multi = model
        .attrs
        .foreign_keys
        .iter()
        .filter_map(|s| Some((s.fields.len(), s.references.get()?)));
    for (count, reference) in single.chain(multi) {
        if reference.columns.len() != count {
            cx.error_spanned_by(
                &reference.lit,
                format!(
                    "this foreign key has {count} column{} but references {} (`{}`); list one referenced column per field",
                    if count == 1 { "" } else { "s" },
                    reference.columns.len(),
                    reference.lit.value()
                ),
            );
        }
    }
}
