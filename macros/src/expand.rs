//! Writing the `Model` impl, the registry entry and the compile-time checks.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned as _;

use crate::ast::{Field, Model};
use crate::attr::Action;

pub(crate) fn expand(model: &Model<'_>) -> TokenStream {
    let krate = crate_path(model);
    let ident = &model.input.ident;
    let columns: Vec<(&Field<'_>, &str)> = model.columns().collect();
    let keys = model.key_fields();

    let key_type = key_type(model);
    let table = table_fn(model, &krate);
    let read_named = read_fields(model, &krate, |column, _| quote!(#column));
    let read_ordered = read_fields(model, &krate, |_, i| quote!(#i));
    let bind_columns = columns.iter().enumerate().map(|(i, (field, _))| {
        let (name, ty, position) = (field.ident, field.ty, i + 1);
        quote_spanned!(ty.span()=> <#ty as #krate::__private::Field>::bind(&self.#name, stmt, #position)?;)
    });
    let bind_key = keys.iter().enumerate().map(|(i, field)| {
        let (ty, position) = (field.ty, i + 1);
        let value = if keys.len() == 1 { quote!(key) } else { let n = syn::Index::from(i); quote!(&key.#n) };
        quote_spanned!(ty.span()=> <#ty as #krate::__private::Field>::bind(#value, stmt, #position)?;)
    });
    let bind_own_key = keys.iter().enumerate().map(|(i, field)| {
        let (name, ty, position) = (field.ident, field.ty, i + 1);
        quote_spanned!(ty.span()=> <#ty as #krate::__private::Field>::bind(&self.#name, stmt, #position)?;)
    });
    let key_asserts = keys.iter().map(|field| {
        let ty = field.ty;
        quote_spanned!(ty.span()=> const _: () = #krate::__private::assert_key_not_null::<#ty>();)
    });
    let auto_increment = auto_increment(model, &krate);
    let rust_name = ident.to_string();
    let table_name = &model.table;
    let print = table_print(&table);
    let column_types = columns.iter().map(|(field, _)| {
        let ty = field.ty;
        quote_spanned!(ty.span()=> <#ty as #krate::__private::Field>::PRINT)
    });

    quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_qualifications, clippy::all)]
        const _: () = {
            #[automatically_derived]
            impl #krate::Model for #ident {
                type Key = #key_type;

                #table

                fn from_row(row: &#krate::__private::rusqlite::Row<'_>) -> #krate::__private::rusqlite::Result<Self> {
                    ::core::result::Result::Ok(Self { #(#read_named)* })
                }

                fn __statements() -> &'static #krate::__private::Statements {
                    // A `OnceLock`, not a `LazyLock`: it starts as zeros, with
                    // no closure address for the loader to relocate, so the
                    // program's start writes no page of it.
                    static STATEMENTS: #krate::__private::OnceLock<#krate::__private::Statements> =
                        #krate::__private::OnceLock::new();
                    STATEMENTS.get_or_init(|| #krate::__private::Statements::new(<#ident as #krate::Model>::table()))
                }

                fn __from_row_ordered(row: &#krate::__private::rusqlite::Row<'_>) -> #krate::__private::rusqlite::Result<Self> {
                    ::core::result::Result::Ok(Self { #(#read_ordered)* })
                }

                fn __bind_columns(&self, stmt: &mut #krate::__private::rusqlite::Statement<'_>) -> #krate::__private::rusqlite::Result<()> {
                    #(#bind_columns)*
                    ::core::result::Result::Ok(())
                }

                fn __bind_key(key: &Self::Key, stmt: &mut #krate::__private::rusqlite::Statement<'_>) -> #krate::__private::rusqlite::Result<()> {
                    #(#bind_key)*
                    ::core::result::Result::Ok(())
                }

                fn __bind_own_key(&self, stmt: &mut #krate::__private::rusqlite::Statement<'_>) -> #krate::__private::rusqlite::Result<()> {
                    #(#bind_own_key)*
                    ::core::result::Result::Ok(())
                }
            }

            #auto_increment
            #(#key_asserts)*

            #krate::__private::inventory::submit! {
                #krate::__private::ModelEntry {
                    table: <#ident as #krate::Model>::table,
                    rust_type: ::core::concat!(::core::module_path!(), "::", #rust_name),
                    name: #table_name,
                    print: #print,
                    column_types: &[#(#column_types),*],
                }
            }
        };
    }
}

/// What the registry's fingerprint knows of a model without building its
/// table: a hash of the code that builds it (`fn table()`, written above),
/// which names everything but what the field types' `ColumnType` constants
/// say (their `Field::PRINT`s, constants listed beside it in the registry
/// entry, add that). The same code and the same types build the same table.
fn table_print(table: &TokenStream) -> proc_macro2::Literal {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(table.to_string().as_bytes());
    let mut bytes = [0; 16];
    bytes.copy_from_slice(&digest[..16]);
    proc_macro2::Literal::u128_suffixed(u128::from_le_bytes(bytes))
}

/// On errors: a `Model` impl that type-checks, so the user sees our errors
/// and not a cascade of "`Model` is not implemented" from their own code.
///
/// A generic input gets none: the error on its generics is the whole story.
pub(crate) fn fallback(input: &DeriveInput, model: Option<&Model<'_>>) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = &input.ident;
    let krate = model.map_or_else(|| quote!(::stillroom), crate_path);
    let rusqlite = quote!(#krate::__private::rusqlite);
    let key_type = model.map_or_else(|| quote!(()), key_type);
    quote! {
        const _: () = {
            impl #krate::Model for #ident {
                type Key = #key_type;
                fn table() -> &'static #krate::Table { ::core::unimplemented!() }
                fn from_row(_: &#rusqlite::Row<'_>) -> #rusqlite::Result<Self> { ::core::unimplemented!() }
                fn __statements() -> &'static #krate::__private::Statements { ::core::unimplemented!() }
                fn __from_row_ordered(_: &#rusqlite::Row<'_>) -> #rusqlite::Result<Self> { ::core::unimplemented!() }
                fn __bind_columns(&self, _: &mut #rusqlite::Statement<'_>) -> #rusqlite::Result<()> { ::core::unimplemented!() }
                fn __bind_key(_: &Self::Key, _: &mut #rusqlite::Statement<'_>) -> #rusqlite::Result<()> { ::core::unimplemented!() }
                fn __bind_own_key(&self, _: &mut #rusqlite::Statement<'_>) -> #rusqlite::Result<()> { ::core::unimplemented!() }
            }
        };
    }
}

/// The key field's type, or a tuple of the key fields' types.
fn key_type(model: &Model<'_>) -> TokenStream {
    let keys = model.key_fields();
    let types = keys.iter().map(|f| f.ty);
    if keys.len() == 1 {
        quote!(#(#types)*)
    } else {
        quote!((#(#types,)*))
    }
}

fn crate_path(model: &Model<'_>) -> TokenStream {
    match model.attrs.crate_path.get() {
        Some(path) => quote!(#path),
        None => quote!(::stillroom),
    }
}

/// `fn table()`: the table built once, from the field types' `ColumnType`
/// impls and the attributes.
fn table_fn(model: &Model<'_>, krate: &TokenStream) -> TokenStream {
    let name = &model.table;
    let strict = model.strict();
    let renamed_from = option_string(model.attrs.renamed_from.get().map(syn::LitStr::value));
    let columns = model
        .columns()
        .map(|(field, column)| column_value(field, column, krate));
    let key_columns = model
        .key_fields()
        .into_iter()
        .filter_map(|f| f.column.clone());
    let autoincrement = model.fields.iter().any(|f| f.attrs.autoincrement.is_set());
    let indexes = indexes(model, krate);
    let foreign_keys = foreign_keys(model, krate);
    let checks = model.attrs.checks.iter().map(syn::LitStr::value);
    quote! {
        fn table() -> &'static #krate::Table {
            // A `OnceLock` (see `__statements`): no relocation at load.
            static TABLE: #krate::__private::OnceLock<#krate::Table> = #krate::__private::OnceLock::new();
            TABLE.get_or_init(|| {
                let mut table = #krate::Table::new(#name);
                table.strict = #strict;
                table.renamed_from = #renamed_from;
                table.columns = ::std::vec![#(#columns),*];
                table.primary_key = #krate::PrimaryKey {
                    columns: ::std::vec![#(::std::string::String::from(#key_columns)),*],
                    autoincrement: #autoincrement,
                };
                table.indexes = ::std::vec![#(#indexes),*];
                table.indexes.sort();
                table.foreign_keys = ::std::vec![#(#foreign_keys),*];
                table.checks = ::std::vec![#(::std::string::String::from(#checks)),*];
                table
            })
        }
    }
}

fn column_value(field: &Field<'_>, column: &str, krate: &TokenStream) -> TokenStream {
    let ty = field.ty;
    let a = &field.attrs;
    let sql_type = a
        .sql_type
        .get()
        .map(|lit| quote!(column.sql_type = #krate::SqlType::parse(#lit);));
    let default = a.default.get().map(|lit| quote!(column.default = ::core::option::Option::Some(::std::string::String::from(#lit));));
    let check = a
        .check
        .get()
        .map(|lit| quote!(column.checks.push(::std::string::String::from(#lit));));
    let renamed = a.renamed_from.get().map(|lit| quote!(column.renamed_from = ::core::option::Option::Some(::std::string::String::from(#lit));));
    let base = quote_spanned!(ty.span()=> <#ty as #krate::__private::Field>::column(#column));
    quote!({
        #[allow(unused_mut)]
        let mut column = #base;
        #sql_type #default #check #renamed
        column
    })
}

fn indexes(model: &Model<'_>, krate: &TokenStream) -> Vec<TokenStream> {
    let table = &model.table;
    let index = |columns: Vec<String>, unique: bool, name: Option<String>| {
        let name = match name {
            Some(name) => quote!(::std::string::String::from(#name)),
            None => quote!(#krate::Index::default_name(#table, &[#(#columns),*], #unique)),
        };
        quote!(#krate::Index {
            name: #name,
            columns: ::std::vec![#(::std::string::String::from(#columns)),*],
            unique: #unique,
        })
    };
    let mut out = Vec::new();
    for (field, column) in model.columns() {
        if field.attrs.index.is_set() || field.attrs.unique.is_set() {
            out.push(index(
                vec![column.to_owned()],
                field.attrs.unique.is_set(),
                None,
            ));
        }
    }
    for spec in &model.attrs.indexes {
        let columns = spec
            .fields
            .iter()
            .filter_map(|i| model.column_field(i)?.column.clone())
            .collect();
        out.push(index(
            columns,
            spec.unique,
            spec.name.as_ref().map(syn::LitStr::value),
        ));
    }
    out
}

fn foreign_keys(model: &Model<'_>, krate: &TokenStream) -> Vec<TokenStream> {
    let fk = |columns: Vec<String>,
              table: &str,
              targets: &[String],
              on_delete: Option<&Action>,
              on_update: Option<&Action>| {
        let on_delete = on_delete.copied().unwrap_or(Action::NoAction).variant();
        let on_update = on_update.copied().unwrap_or(Action::NoAction).variant();
        quote!(#krate::ForeignKey {
            columns: ::std::vec![#(::std::string::String::from(#columns)),*],
            references_table: ::std::string::String::from(#table),
            references_columns: ::std::vec![#(::std::string::String::from(#targets)),*],
            on_delete: #krate::Action::#on_delete,
            on_update: #krate::Action::#on_update,
        })
    };
    let mut out = Vec::new();
    for (field, column) in model.columns() {
        if let Some(r) = field.attrs.references.get() {
            out.push(fk(
                vec![column.to_owned()],
                &r.table,
                &r.columns,
                field.attrs.on_delete.get(),
                field.attrs.on_update.get(),
            ));
        }
    }
    for spec in &model.attrs.foreign_keys {
        let Some(r) = spec.references.get() else {
            continue;
        };
        let columns = spec
            .fields
            .iter()
            .filter_map(|i| model.column_field(i)?.column.clone())
            .collect();
        out.push(fk(
            columns,
            &r.table,
            &r.columns,
            spec.on_delete.get(),
            spec.on_update.get(),
        ));
    }
    out
}

/// The struct literal's fields: each column read with `index(column, i)`,
/// each skipped field from `Default`.
fn read_fields(
    model: &Model<'_>,
    krate: &TokenStream,
    index: impl Fn(&str, usize) -> TokenStream,
) -> Vec<TokenStream> {
    let mut position = 0usize;
    model
        .fields
        .iter()
        .map(|field| {
            let (name, ty) = (field.ident, field.ty);
            match &field.column {
                Some(column) => {
                    let at = index(column, position);
                    position += 1;
                    quote_spanned!(ty.span()=> #name: <#ty as #krate::__private::Field>::read(row, #at)?,)
                }
                None => quote_spanned!(ty.span()=> #name: <#ty as #krate::__private::SkipDefault>::skipped(),),
            }
        })
        .collect()
}

fn auto_increment(model: &Model<'_>, krate: &TokenStream) -> Option<TokenStream> {
    let field = model
        .fields
        .iter()
        .find(|f| f.attrs.autoincrement.is_set())?;
    let (ident, name, ty) = (&model.input.ident, field.ident, field.ty);
    let set = quote_spanned!(ty.span()=> self.#name = <#ty as #krate::__private::AutoIncrementKey>::from_rowid(id););
    Some(quote! {
        #[automatically_derived]
        impl #krate::AutoIncrement for #ident {
            fn __set_key(&mut self, id: i64) { #set }
        }
    })
}

fn option_string(value: Option<String>) -> TokenStream {
    match value {
        Some(s) => quote!(::core::option::Option::Some(::std::string::String::from(#s))),
        None => quote!(::core::option::Option::None),
    }
}
