//! The derive macro of [stillroom](https://docs.rs/stillroom): `#[derive(Model)]`.
//!
//! Use it through the `stillroom` crate, which re-exports it and documents
//! every attribute.

mod ast;
mod attr;
mod ctxt;
mod embed;
mod expand;
mod sql;
mod step;
mod valid;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;

/// Derives `stillroom::Model`: see the `stillroom` crate for the attributes.
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    derive(input.into()).into()
}

/// Embeds the migration files of a directory (default: `migrations/` beside
/// the calling crate's `Cargo.toml`) and registers them as the application's
/// default set: see `stillroom::embed_migrations!`.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as embed::Input);
    embed::expand(input)
        .unwrap_or_else(|e| e.to_compile_error())
        .into()
}

/// Registers a function as a Rust step of the migrations, under its name
/// (or `name = "..."`): see `stillroom::step`.
#[proc_macro_attribute]
pub fn step(args: TokenStream, item: TokenStream) -> TokenStream {
    let item: TokenStream2 = item.into();
    match step::expand(args.into(), item.clone()) {
        Ok(out) => out.into(),
        // The function stays, so the error is the only one.
        Err(e) => {
            let mut out = e.to_compile_error();
            out.extend(item);
            out.into()
        }
    }
}

/// The derive on `proc_macro2` tokens, callable from unit tests.
fn derive(input: TokenStream2) -> TokenStream2 {
    let input: syn::DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let cx = ctxt::Ctxt::default();
    let model = ast::Model::from_syn(&cx, &input);
    if let Some(model) = &model {
        valid::check(&cx, model);
    }
    match (cx.finish(), &model) {
        (None, Some(model)) => expand::expand(model),
        (errors, model) => {
            let mut out = errors.map(|e| e.to_compile_error()).unwrap_or_default();
            out.extend(expand::fallback(&input, model.as_ref()));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::derive;

    fn errors(input: proc_macro2::TokenStream) -> Vec<String> {
        let out = derive(input).to_string();
        out.match_indices("compile_error")
            .map(|(i, _)| {
                let rest = &out[i..];
                let start = rest.find('"').map_or(0, |s| s + 1);
                let end = rest[start..].find("\" }").map_or(rest.len(), |e| start + e);
                rest[start..end].to_owned()
            })
            .collect()
    }

    /// The registry entry's `print`: what a no-op start trusts instead of
    /// building the table, so any change to what the table holds must move it.
    #[test]
    fn the_table_print_follows_the_model() {
        let print = |input: proc_macro2::TokenStream| -> String {
            let out = derive(input).to_string();
            let at = out
                .find("print :")
                .unwrap_or_else(|| panic!("no print in {out}"));
            out[at..].split(',').next().unwrap_or_default().to_owned()
        };
        let base = print(quote! {
            struct Job { #[model(primary_key)] id: String, #[model(default = "'queued'")] status: String }
        });
        assert_eq!(
            base,
            print(quote! {
                struct Job { #[model(primary_key)] id: String, #[model(default = "'queued'")] status: String }
            })
        );
        let changed = [
            quote! { struct Job { #[model(primary_key)] id: String, #[model(default = "'done'")] status: String } },
            quote! { struct Job { #[model(primary_key)] id: String, #[model(default = "'queued'", index)] status: String } },
            quote! { struct Job { #[model(primary_key)] id: String, #[model(default = "'queued'")] state: String } },
            quote! { struct Job { #[model(primary_key)] id: String, #[model(default = "'queued'")] status: Option<String> } },
            quote! { #[model(table = "jobs")] struct Job { #[model(primary_key)] id: String, #[model(default = "'queued'")] status: String } },
        ];
        for input in changed {
            assert_ne!(print(input.clone()), base, "{input}");
        }
    }

    #[test]
    fn valid_model_expands_without_errors() {
        let out = derive(quote! {
            #[model(table = "jobs")]
            struct Job {
                #[model(primary_key)]
                id: String,
                #[model(default = "'queued'", index)]
                status: String,
            }
        })
        .to_string();
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("impl :: stillroom :: Model for Job"), "{out}");
        assert!(out.contains("inventory :: submit"), "{out}");
    }

    #[test]
    fn collects_every_error() {
        let errs = errors(quote! {
            struct Job {
                #[model(primry_key)]
                id: String,
                #[model(default = "lower(x)")]
                status: String,
                count: u64,
            }
        });
        // The misspelt attribute may have been the key, so "no primary key"
        // is not reported on top of it.
        assert_eq!(errs.len(), 3, "{errs:#?}");
        assert!(
            errs[0].starts_with("unknown model attribute `primry_key`"),
            "{errs:#?}"
        );
        assert!(
            errs.iter().any(|e| e.contains("is not an SQL literal")),
            "{errs:#?}"
        );
        assert!(
            !errs
                .iter()
                .any(|e| e.contains("a model needs a primary key")),
            "{errs:#?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.contains("`u64` cannot be a column type")),
            "{errs:#?}"
        );
    }

    #[test]
    fn a_missing_key_is_reported_next_to_other_errors() {
        let errs = errors(quote! {
            struct Job {
                id: String,
                #[model(default = "lower(x)")]
                status: String,
            }
        });
        assert_eq!(errs.len(), 2, "{errs:#?}");
        assert!(
            errs.iter()
                .any(|e| e.contains("a model needs a primary key")),
            "{errs:#?}"
        );
    }

    #[test]
    fn errors_still_emit_a_stub_impl() {
        let out = derive(quote! { struct Job { id: String } }).to_string();
        assert!(out.contains("compile_error"));
        assert!(out.contains("impl :: stillroom :: Model for Job"), "{out}");
    }

    #[test]
    fn crate_path_is_used() {
        let out = derive(quote! {
            #[model(crate = ::my::sr)]
            struct T { #[model(primary_key)] id: i64 }
        })
        .to_string();
        assert!(out.contains(":: my :: sr :: Model"), "{out}");
        assert!(!out.contains(":: stillroom ::"), "{out}");
    }

    #[test]
    fn struct_level_lists_are_checked() {
        let errs = errors(quote! {
            #[model(primary_key(a, a), index(b, nope), unique(name = "uq"))]
            struct T { a: i64, #[model(skip)] b: i64 }
        });
        assert!(
            errs.iter().any(|e| e.contains("field `a` is listed twice")),
            "{errs:#?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.contains("names `b`: a skipped field")),
            "{errs:#?}"
        );
        assert!(
            errs.iter()
                .any(|e| e.contains("names `nope`: no such field")),
            "{errs:#?}"
        );
        assert!(
            errs.iter().any(|e| e.contains("needs at least one field")),
            "{errs:#?}"
        );
    }
}
