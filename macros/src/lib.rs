//! The derive macro of [stillroom](https://docs.rs/stillroom): `#[derive(Model)]`.
//!
//! Use it through the `stillroom` crate, which re-exports it and documents
//! every attribute.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod sql;
mod valid;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;

/// Derives `stillroom::Model`: see the `stillroom` crate for the attributes.
#[proc_macro_derive(Model, attributes(model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    derive(input.into()).into()
}

/// The derive on `proc_macro2` tokens, callable from unit tests.
fn derive(input: TokenStream2) -> TokenStream2 {
    let input: syn::DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let cx = ctxt::Ctxt::default();
    let expanded = ast::Model::from_syn(&cx, &input).and_then(|model| {
        valid::check(&cx, &model);
        (!cx.has_errors()).then(|| expand::expand(&model))
    });
    match (cx.finish(), expanded) {
        (None, Some(tokens)) => tokens,
        (errors, _) => {
            let mut out = errors.map(|e| e.to_compile_error()).unwrap_or_default();
            out.extend(expand::fallback(&input));
            out
        }
    }
}
