//! Parsing `#[model(...)]` attributes on the struct and on its fields.
//!
//! Each attribute may appear once; a repeat is an error on the repeat. Errors
//! go to the [`Ctxt`] and parsing goes on, so all of them are reported.

use proc_macro2::Span;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, LitBool, LitStr, Path};

use crate::ctxt::Ctxt;
use crate::sql;

/// An attribute that may be given once, remembering where it was given.
pub(crate) struct Attr<T> {
    name: &'static str,
    value: Option<(Path, T)>,
}

impl<T> Attr<T> {
    fn none(name: &'static str) -> Self {
        Self { name, value: None }
    }

    fn set(&mut self, cx: &Ctxt, path: &Path, value: T) {
        if self.value.is_some() {
            cx.error_spanned_by(path, format!("duplicate model attribute `{}`", self.name));
        } else {
            self.value = Some((path.clone(), value));
        }
    }

    pub(crate) fn get(&self) -> Option<&T> {
        self.value.as_ref().map(|(_, v)| v)
    }

    pub(crate) fn path(&self) -> Option<&Path> {
        self.value.as_ref().map(|(p, _)| p)
    }

    pub(crate) fn is_set(&self) -> bool {
        self.value.is_some()
    }
}

/// A foreign key action, checked at parse time.
#[derive(Clone, Copy)]
#[allow(
    clippy::enum_variant_names,
    reason = "the variants mirror SQL's names, NO ACTION included"
)]
pub(crate) enum Action {
    NoAction,
    Restrict,
    SetNull,
    SetDefault,
    Cascade,
}

impl Action {
    fn parse(lit: &LitStr) -> syn::Result<Self> {
        let text = lit.value().replace('_', " ").to_ascii_lowercase();
        let words: Vec<&str> = text.split_whitespace().collect();
        Ok(match words.as_slice() {
            ["no", "action"] => Self::NoAction,
            ["restrict"] => Self::Restrict,
            ["set", "null"] => Self::SetNull,
            ["set", "default"] => Self::SetDefault,
            ["cascade"] => Self::Cascade,
            _ => {
                return Err(syn::Error::new(
                    lit.span(),
                    format!(
                        "unknown foreign key action `{}`; expected one of `cascade`, `set null`, `set default`, `restrict`, `no action`",
                        lit.value()
                    ),
                ));
            }
        })
    }

    pub(crate) fn variant(self) -> Ident {
        let name = match self {
            Self::NoAction => "NoAction",
            Self::Restrict => "Restrict",
            Self::SetNull => "SetNull",
            Self::SetDefault => "SetDefault",
            Self::Cascade => "Cascade",
        };
        Ident::new(name, Span::call_site())
    }
}

/// A parsed `references = "table(column, ...)"`.
#[derive(Clone)]
pub(crate) struct Reference {
    pub(crate) table: String,
    pub(crate) columns: Vec<String>,
    pub(crate) lit: LitStr,
}

/// `index(a, b, name = "...")` or `unique(a, b)` on the struct.
pub(crate) struct IndexSpec {
    pub(crate) unique: bool,
    pub(crate) fields: Vec<Ident>,
    pub(crate) name: Option<LitStr>,
}

/// `foreign_key(a, b, references = "t(x, y)", on_delete = "...")` on the struct.
pub(crate) struct ForeignKeySpec {
    pub(crate) fields: Vec<Ident>,
    pub(crate) references: Attr<Reference>,
    pub(crate) on_delete: Attr<Action>,
    pub(crate) on_update: Attr<Action>,
}

/// Attributes on the struct.
pub(crate) struct StructAttrs {
    pub(crate) table: Attr<LitStr>,
    pub(crate) strict: Attr<bool>,
    pub(crate) renamed_from: Attr<LitStr>,
    pub(crate) primary_key: Attr<Vec<Ident>>,
    pub(crate) crate_path: Attr<Path>,
    pub(crate) indexes: Vec<IndexSpec>,
    pub(crate) foreign_keys: Vec<ForeignKeySpec>,
    pub(crate) checks: Vec<LitStr>,
    /// Whether some attribute could not be parsed (its intent is unknown).
    pub(crate) failed: bool,
}

/// Attributes on a field.
pub(crate) struct FieldAttrs {
    pub(crate) primary_key: Attr<()>,
    pub(crate) autoincrement: Attr<()>,
    pub(crate) column: Attr<LitStr>,
    pub(crate) sql_type: Attr<LitStr>,
    pub(crate) unique: Attr<()>,
    pub(crate) index: Attr<()>,
    pub(crate) default: Attr<LitStr>,
    pub(crate) references: Attr<Reference>,
    pub(crate) on_delete: Attr<Action>,
    pub(crate) on_update: Attr<Action>,
    pub(crate) renamed_from: Attr<LitStr>,
    pub(crate) skip: Attr<()>,
    pub(crate) check: Attr<LitStr>,
    /// Whether some attribute could not be parsed (its intent is unknown).
    pub(crate) failed: bool,
}

impl StructAttrs {
    pub(crate) fn parse(cx: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut out = Self {
            table: Attr::none("table"),
            strict: Attr::none("strict"),
            renamed_from: Attr::none("renamed_from"),
            primary_key: Attr::none("primary_key"),
            crate_path: Attr::none("crate"),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            failed: false,
        };
        for attr in attrs.iter().filter(|a| a.path().is_ident("model")) {
            // Whether the attribute that failed may have been the primary key
            // (an unknown or misspelt one, or `primary_key` itself).
            let key_like = std::cell::Cell::new(false);
            let result = attr.parse_nested_meta(|meta| {
                key_like.set(may_be_key(&meta.path));
                let path = &meta.path;
                if path.is_ident("table") {
                    // #[model(table = "jobs")]
                    let lit = name_value(&meta, "table")?;
                    out.table.set(cx, path, lit);
                } else if path.is_ident("strict") {
                    // #[model(strict = false)]
                    let lit: LitBool = meta.value()?.parse().map_err(|e| {
                        syn::Error::new(
                            e.span(),
                            "`strict` expects `true` or `false`, e.g. `strict = false`",
                        )
                    })?;
                    out.strict.set(cx, path, lit.value);
                } else if path.is_ident("renamed_from") {
                    // #[model(renamed_from = "old_table")]
                    let lit = name_value(&meta, "renamed_from")?;
                    out.renamed_from.set(cx, path, lit);
                } else if path.is_ident("primary_key") {
                    // #[model(primary_key(slug, season))]
                    let fields = field_list(&meta, "primary_key", |_| Ok(false))?;
                    out.primary_key.set(cx, path, fields);
                } else if path.is_ident("index") || path.is_ident("unique") {
                    // #[model(index(a, b))], #[model(unique(a, b, name = "uq_x"))]
                    out.indexes.push(index_spec(cx, &meta)?);
                } else if path.is_ident("foreign_key") {
                    // #[model(foreign_key(a, b, references = "t(x, y)", on_delete = "cascade"))]
                    out.foreign_keys.push(foreign_key_spec(cx, &meta)?);
                } else if path.is_ident("check") {
                    // #[model(check = "start <= finish")]
                    let lit = sql_value(&meta, "check", sql::check_expression)?;
                    out.checks.push(lit);
                } else if path.is_ident("crate") {
                    // #[model(crate = my_reexport::stillroom)]
                    let value: Path = meta.value()?.parse().map_err(|e| {
                        syn::Error::new(
                            e.span(),
                            "`crate` expects a path, e.g. `crate = my_reexport::stillroom`",
                        )
                    })?;
                    out.crate_path.set(cx, path, value);
                } else {
                    return Err(unknown(&meta, STRUCT_ATTRS));
                }
                Ok(())
            });
            if let Err(e) = result {
                out.failed |= key_like.get();
                cx.syn_error(e);
            }
        }
        out
    }
}

impl FieldAttrs {
    pub(crate) fn parse(cx: &Ctxt, attrs: &[Attribute]) -> Self {
        let mut out = Self {
            primary_key: Attr::none("primary_key"),
            autoincrement: Attr::none("autoincrement"),
            column: Attr::none("column"),
            sql_type: Attr::none("sql_type"),
            unique: Attr::none("unique"),
            index: Attr::none("index"),
            default: Attr::none("default"),
            references: Attr::none("references"),
            on_delete: Attr::none("on_delete"),
            on_update: Attr::none("on_update"),
            renamed_from: Attr::none("renamed_from"),
            skip: Attr::none("skip"),
            check: Attr::none("check"),
            failed: false,
        };
        for attr in attrs.iter().filter(|a| a.path().is_ident("model")) {
            // Whether the attribute that failed may have been the primary key
            // (an unknown or misspelt one, or `primary_key` itself).
            let key_like = std::cell::Cell::new(false);
            let result = attr.parse_nested_meta(|meta| {
                key_like.set(may_be_key(&meta.path));
                let path = &meta.path;
                let flag = |attr: &mut Attr<()>, name: &str| -> syn::Result<()> {
                    if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                        return Err(meta
                            .error(format!("`{name}` takes no value; write `#[model({name})]`")));
                    }
                    attr.set(cx, path, ());
                    Ok(())
                };
                if path.is_ident("primary_key") {
                    flag(&mut out.primary_key, "primary_key")?; // #[model(primary_key)]
                } else if path.is_ident("autoincrement") {
                    flag(&mut out.autoincrement, "autoincrement")?; // #[model(autoincrement)]
                } else if path.is_ident("unique") {
                    flag(&mut out.unique, "unique")?; // #[model(unique)]
                } else if path.is_ident("index") {
                    flag(&mut out.index, "index")?; // #[model(index)]
                } else if path.is_ident("skip") {
                    flag(&mut out.skip, "skip")?; // #[model(skip)]
                } else if path.is_ident("column") {
                    // #[model(column = "created")]
                    let lit = name_value(&meta, "column")?;
                    out.column.set(cx, path, lit);
                } else if path.is_ident("sql_type") {
                    // #[model(sql_type = "TEXT")]
                    let lit = name_value(&meta, "sql_type")?;
                    out.sql_type.set(cx, path, lit);
                } else if path.is_ident("default") {
                    // #[model(default = "'queued'")]
                    let lit = sql_value(&meta, "default", sql::check_default)?;
                    out.default.set(cx, path, lit);
                } else if path.is_ident("check") {
                    // #[model(check = "progress BETWEEN 0 AND 1")]
                    let lit = sql_value(&meta, "check", sql::check_expression)?;
                    out.check.set(cx, path, lit);
                } else if path.is_ident("references") {
                    // #[model(references = "jobs(id)")]
                    let reference = reference(&meta)?;
                    out.references.set(cx, path, reference);
                } else if path.is_ident("on_delete") {
                    // #[model(on_delete = "set null")]
                    let action = Action::parse(&string_value(&meta, "on_delete")?)?;
                    out.on_delete.set(cx, path, action);
                } else if path.is_ident("on_update") {
                    // #[model(on_update = "cascade")]
                    let action = Action::parse(&string_value(&meta, "on_update")?)?;
                    out.on_update.set(cx, path, action);
                } else if path.is_ident("renamed_from") {
                    // #[model(renamed_from = "old_name")]
                    let lit = name_value(&meta, "renamed_from")?;
                    out.renamed_from.set(cx, path, lit);
                } else {
                    return Err(unknown(&meta, FIELD_ATTRS));
                }
                Ok(())
            });
            if let Err(e) = result {
                out.failed |= key_like.get();
                cx.syn_error(e);
            }
        }
        out
    }
}

/// Whether a failed attribute named `path` may have meant the primary key.
fn may_be_key(path: &Path) -> bool {
    const OTHERS: [&str; 17] = [
        "table",
        "strict",
        "renamed_from",
        "index",
        "unique",
        "foreign_key",
        "check",
        "crate",
        "autoincrement",
        "column",
        "sql_type",
        "default",
        "references",
        "on_delete",
        "on_update",
        "skip",
        "name",
    ];
    !OTHERS.iter().any(|o| path.is_ident(o))
}

const STRUCT_ATTRS: &str = "`table`, `strict`, `renamed_from`, `primary_key(..)`, `index(..)`, `unique(..)`, `foreign_key(..)`, `check`, `crate`";
const FIELD_ATTRS: &str = "`primary_key`, `autoincrement`, `column`, `sql_type`, `unique`, `index`, `default`, `check`, `references`, `on_delete`, `on_update`, `renamed_from`, `skip`";

fn unknown(meta: &ParseNestedMeta<'_>, known: &str) -> syn::Error {
    let name = meta.path.to_token_stream().to_string().replace(' ', "");
    meta.error(format!(
        "unknown model attribute `{name}`; expected one of {known}"
    ))
}

fn expected(meta: &ParseNestedMeta<'_>, name: &str, what: &str) -> syn::Error {
    meta.error(format!(
        "`{name}` expects {what}, e.g. `{name} = {}`",
        example(name)
    ))
}

fn example(name: &str) -> &'static str {
    match name {
        "strict" => "false",
        "default" => "\"'queued'\"",
        "sql_type" => "\"TEXT\"",
        "references" => "\"jobs(id)\"",
        "on_delete" | "on_update" => "\"cascade\"",
        "check" => "\"progress >= 0\"",
        _ => "\"name\"",
    }
}

/// `name = "string"`, with a wrong value type named in the error.
fn string_value(meta: &ParseNestedMeta<'_>, name: &str) -> syn::Result<LitStr> {
    let value = meta.value().map_err(|_| expected(meta, name, "a string"))?;
    value.parse::<LitStr>().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!(
                "`{name}` expects a string, e.g. `{name} = {}`",
                example(name)
            ),
        )
    })
}

/// `name = "identifier"`: a non-empty SQL name.
fn name_value(meta: &ParseNestedMeta<'_>, name: &str) -> syn::Result<LitStr> {
    let lit = string_value(meta, name)?;
    if lit.value().trim().is_empty() {
        return Err(syn::Error::new(
            lit.span(),
            format!("`{name}` must not be empty"),
        ));
    }
    Ok(lit)
}

/// `name = "sql"`, checked by `check`.
fn sql_value(
    meta: &ParseNestedMeta<'_>,
    name: &str,
    check: fn(&str) -> Result<(), String>,
) -> syn::Result<LitStr> {
    let lit = string_value(meta, name)?;
    check(&lit.value())
        .map_err(|msg| syn::Error::new(lit.span(), format!("malformed `{name}`: {msg}")))?;
    Ok(lit)
}

fn reference(meta: &ParseNestedMeta<'_>) -> syn::Result<Reference> {
    let lit = string_value(meta, "references")?;
    let (table, columns) =
        sql::parse_references(&lit.value()).map_err(|msg| syn::Error::new(lit.span(), msg))?;
    Ok(Reference {
        table,
        columns,
        lit,
    })
}

/// `word(a, b, ...)` where each item is a field name; `extra` takes other
/// items (`name = "..."`) and says whether it did.
fn field_list(
    meta: &ParseNestedMeta<'_>,
    word: &str,
    mut extra: impl FnMut(&ParseNestedMeta<'_>) -> syn::Result<bool>,
) -> syn::Result<Vec<Ident>> {
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!(
            "`{word}` on the struct lists fields: `{word}(field_a, field_b)`"
        )));
    }
    let group: proc_macro2::Group = meta.input.fork().parse()?;
    if group.stream().is_empty() {
        meta.input.parse::<proc_macro2::Group>()?;
        return Err(syn::Error::new(
            group.span(),
            format!("`{word}(...)` needs at least one field"),
        ));
    }
    let mut fields = Vec::new();
    meta.parse_nested_meta(|inner| {
        if extra(&inner)? {
            return Ok(());
        }
        match inner.path.get_ident() {
            Some(ident) if inner.input.is_empty() || inner.input.peek(syn::Token![,]) => {
                fields.push(ident.clone());
                Ok(())
            }
            _ => Err(inner.error(format!("expected a field name in `{word}(...)`"))),
        }
    })?;
    if fields.is_empty() {
        return Err(syn::Error::new(
            group.span(),
            format!("`{word}(...)` needs at least one field"),
        ));
    }
    Ok(fields)
}

fn index_spec(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<IndexSpec> {
    let unique = meta.path.is_ident("unique");
    let word = if unique { "unique" } else { "index" };
    let mut name = Attr::none("name");
    // `name = "..."` is the option; a bare `name` is a field called `name`.
    let fields = field_list(meta, word, |inner| {
        if !inner.path.is_ident("name") || !inner.input.peek(syn::Token![=]) {
            return Ok(false);
        }
        name.set(cx, &inner.path, name_value(inner, "name")?);
        Ok(true)
    })?;
    let name = name.value.map(|(_, lit)| lit);
    Ok(IndexSpec {
        unique,
        fields,
        name,
    })
}

fn foreign_key_spec(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<ForeignKeySpec> {
    let mut references = Attr::none("references");
    let mut on_delete = Attr::none("on_delete");
    let mut on_update = Attr::none("on_update");
    // An option has a value (`references = "..."`); a bare word is a field,
    // even one called `references`, `on_delete` or `on_update`.
    let fields = field_list(meta, "foreign_key", |inner| {
        if !inner.input.peek(syn::Token![=]) {
            return Ok(false);
        }
        if inner.path.is_ident("references") {
            references.set(cx, &inner.path, reference(inner)?);
        } else if inner.path.is_ident("on_delete") {
            on_delete.set(
                cx,
                &inner.path,
                Action::parse(&string_value(inner, "on_delete")?)?,
            );
        } else if inner.path.is_ident("on_update") {
            on_update.set(
                cx,
                &inner.path,
                Action::parse(&string_value(inner, "on_update")?)?,
            );
        } else {
            return Ok(false);
        }
        Ok(true)
    })?;
    if !references.is_set() {
        return Err(
            meta.error("`foreign_key(...)` needs a target: `references = \"table(column)\"`")
        );
    }
    Ok(ForeignKeySpec {
        fields,
        references,
        on_delete,
        on_update,
    })
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::*;

    fn field_attrs(attrs: Vec<Attribute>) -> (FieldAttrs, Option<syn::Error>) {
        let cx = Ctxt::default();
        let parsed = FieldAttrs::parse(&cx, &attrs);
        (parsed, cx.finish())
    }

    #[test]
    fn parses_every_field_attribute() {
        let (a, err) = field_attrs(vec![
            parse_quote!(#[model(primary_key, autoincrement, column = "c", sql_type = "INTEGER")]),
            parse_quote!(#[model(unique, default = "0", check = "c > 0", renamed_from = "old")]),
            parse_quote!(#[model(references = "t(id)", on_delete = "SET_NULL", on_update = "cascade")]),
        ]);
        assert!(err.is_none(), "{err:?}");
        assert!(a.primary_key.is_set() && a.autoincrement.is_set() && a.unique.is_set());
        assert_eq!(a.column.get().map(LitStr::value).as_deref(), Some("c"));
        assert_eq!(a.default.get().map(LitStr::value).as_deref(), Some("0"));
        let r = a.references.get().cloned().map(|r| (r.table, r.columns));
        assert_eq!(r, Some(("t".to_owned(), vec!["id".to_owned()])));
        assert!(matches!(a.on_delete.get(), Some(Action::SetNull)));
        assert!(matches!(a.on_update.get(), Some(Action::Cascade)));
    }

    #[test]
    fn repeated_attribute_is_an_error_even_across_attributes() {
        let (_, err) = field_attrs(vec![
            parse_quote!(#[model(index)]),
            parse_quote!(#[model(index)]),
        ]);
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("duplicate model attribute `index`")
        );
    }

    #[test]
    fn wrong_value_types_say_what_was_expected() {
        let (_, err) = field_attrs(vec![parse_quote!(#[model(column = 5)])]);
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.starts_with("`column` expects a string"), "{msg}");
        let (_, err) = field_attrs(vec![parse_quote!(#[model(skip = true)])]);
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.starts_with("`skip` takes no value"), "{msg}");
    }

    #[test]
    fn parses_struct_attributes() {
        let cx = Ctxt::default();
        let attrs: Vec<Attribute> = vec![
            parse_quote!(#[model(table = "t", strict = false, renamed_from = "old", primary_key(a, b))]),
            parse_quote!(#[model(index(a, b, name = "ix_ab"), unique(b), check = "a < b")]),
            parse_quote!(#[model(foreign_key(a, b, references = "p(x, y)", on_delete = "cascade"))]),
        ];
        let s = StructAttrs::parse(&cx, &attrs);
        assert!(cx.finish().is_none());
        assert_eq!(s.strict.get(), Some(&false));
        assert_eq!(s.primary_key.get().map(Vec::len), Some(2));
        assert_eq!(s.indexes.len(), 2);
        assert_eq!(
            s.indexes[0].name.as_ref().map(LitStr::value).as_deref(),
            Some("ix_ab")
        );
        assert!(s.indexes[1].unique);
        assert_eq!(s.foreign_keys[0].fields.len(), 2);
        assert_eq!(s.checks.len(), 1);
    }

    #[test]
    fn foreign_key_needs_a_target() {
        let cx = Ctxt::default();
        StructAttrs::parse(
            &cx,
            &[parse_quote!(#[model(foreign_key(a, on_delete = "cascade"))])],
        );
        let msg = cx.finish().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("needs a target"), "{msg}");
    }
}
