//! `#[stillroom::step]`: registers a function as a Rust step, under its name
//! (or `name = "..."`), for the migration files' `-- rust: NAME` lines.
//!
//! The function is read as tokens (its signature's shape only; rustc checks
//! the types where the registration passes it as a `stillroom::StepFn`), so
//! the macro crate needs no full Rust parser.

use proc_macro2::{Delimiter, Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::parse::Parser;
use syn::{LitStr, Path};

const SIGNATURE: &str = "fn NAME(step: &mut stillroom::Step<'_>) -> stillroom::StepResult";

/// The attribute's expansion: the function as written, and its
/// registration.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let Args {
        name,
        krate,
        postgres,
    } = parse_args(args)?;
    let ident = signature(item.clone())?;
    let name = match name {
        Some(lit) => {
            check_name(&lit.value(), lit.span())?;
            lit
        }
        None => {
            let text = ident.to_string();
            let text = text.strip_prefix("r#").unwrap_or(&text).to_owned();
            check_name(&text, ident.span()).map_err(|_| {
                syn::Error::new(
                    ident.span(),
                    format!(
                        "the step's name is its function's, and `{text}` cannot be one (migration files name steps with ASCII letters, digits and `_`): give it one with `#[stillroom::step(name = \"...\")]`"
                    ),
                )
            })?;
            LitStr::new(&text, ident.span())
        }
    };
    let krate = krate.map_or_else(|| quote!(::stillroom), |p| p.to_token_stream());
    // Spanned at the function's name: a signature that does not coerce to
    // `StepFn` is reported there.
    // A step for a PostgreSQL history takes `&mut stillroom::postgres::Step`
    // (the runtime's `postgres` feature); a wrong shape is a type error at
    // the function's name either way.
    let (registered, wrap) = if postgres {
        (
            quote!(RegisteredPostgresStep),
            quote_spanned!(ident.span()=> postgres_step_fn),
        )
    } else {
        (
            quote!(RegisteredStep),
            quote_spanned!(ident.span()=> step_fn),
        )
    };
    let run = quote_spanned!(ident.span()=> #krate::__private::#wrap(#ident));
    Ok(quote! {
        #item
        #krate::__private::inventory::submit! {
            #krate::__private::#registered {
                name: #name,
                run: #run,
                location: ::core::concat!(::core::file!(), ":", ::core::line!()),
            }
        }
    })
}

/// What `#[stillroom::step(...)]` was given.
struct Args {
    name: Option<LitStr>,
    krate: Option<Path>,
    /// The step runs in PostgreSQL revisions.
    postgres: bool,
}

fn parse_args(args: TokenStream) -> syn::Result<Args> {
    let mut name = None;
    let mut krate = None;
    let mut postgres = false;
    syn::meta::parser(|meta| {
        if meta.path.is_ident("postgres") {
            if postgres {
                return Err(meta.error("`postgres` is given twice"));
            }
            if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                return Err(meta.error(
                    "`postgres` takes no value: `#[stillroom::step(postgres)]` registers a step for PostgreSQL revisions",
                ));
            }
            postgres = true;
        } else if meta.path.is_ident("name") {
            if name.is_some() {
                return Err(meta.error("`name` is given twice"));
            }
            name = Some(meta.value()?.parse::<LitStr>().map_err(|e| {
                syn::Error::new(e.span(), "`name` expects a string, e.g. `name = \"move_tags\"`")
            })?);
        } else if meta.path.is_ident("crate") {
            if krate.is_some() {
                return Err(meta.error("`crate` is given twice"));
            }
            krate = Some(meta.value()?.parse::<Path>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "`crate` expects a path, e.g. `crate = my_reexport::stillroom`",
                )
            })?);
        } else {
            return Err(meta.error(
                "unknown step attribute; `#[stillroom::step]` takes `name = \"...\"`, `crate = path` and `postgres` (a step for PostgreSQL revisions, taking `&mut stillroom::postgres::Step<'_>`)",
            ));
        }
        Ok(())
    })
    .parse2(args)?;
    Ok(Args {
        name,
        krate,
        postgres,
    })
}

/// The function's name, after checking the shape of its signature: a free
/// function, not async, not generic, with one argument and a return type.
fn signature(item: TokenStream) -> syn::Result<Ident> {
    let tokens: Vec<TokenTree> = item.into_iter().collect();
    let not_a_fn = || {
        syn::Error::new(
            Span::call_site(),
            format!("`#[stillroom::step]` goes on a function: `{SIGNATURE}`"),
        )
    };
    let at = tokens
        .iter()
        .position(|t| matches!(t, TokenTree::Ident(i) if i == "fn"))
        .ok_or_else(not_a_fn)?;
    for t in &tokens[..at] {
        if let TokenTree::Ident(i) = t
            && (i == "async" || i == "const" || i == "unsafe" || i == "extern")
        {
            let why = if i == "async" {
                "a step cannot be `async`: it runs inside the migration's transaction, on the connection `migrate` was given, before the application starts; do blocking work in it"
            } else {
                "a step is a plain function"
            };
            return Err(syn::Error::new(i.span(), format!("{why}: `{SIGNATURE}`")));
        }
    }
    let Some(TokenTree::Ident(ident)) = tokens.get(at + 1) else {
        return Err(not_a_fn());
    };
    let rest = &tokens[at + 2..];
    if let Some(TokenTree::Punct(p)) = rest.first()
        && p.as_char() == '<'
    {
        return Err(syn::Error::new(
            p.span(),
            format!("a step cannot be generic: `{SIGNATURE}`"),
        ));
    }
    let Some(TokenTree::Group(args)) = rest.first() else {
        return Err(not_a_fn());
    };
    if args.delimiter() != Delimiter::Parenthesis {
        return Err(not_a_fn());
    }
    let arguments = split_top_level(args.stream());
    if arguments.len() != 1 {
        return Err(syn::Error::new(
            args.span(),
            format!(
                "a step takes one argument, the step, and this function takes {}: `{SIGNATURE}`",
                arguments.len()
            ),
        ));
    }
    if arguments[0]
        .iter()
        .any(|t| matches!(t, TokenTree::Ident(i) if i == "self"))
    {
        return Err(syn::Error::new(
            args.span(),
            format!("a step is a free function, not a method: `{SIGNATURE}`"),
        ));
    }
    let arrow = rest.windows(2).any(|w| {
        matches!((&w[0], &w[1]), (TokenTree::Punct(a), TokenTree::Punct(b)) if a.as_char() == '-' && b.as_char() == '>')
    });
    if !arrow {
        return Err(syn::Error::new(
            ident.span(),
            format!(
                "a step returns `stillroom::StepResult` (an error rolls the upgrade back): `{SIGNATURE}`"
            ),
        ));
    }
    Ok(ident.clone())
}

/// The comma-separated parts of a parenthesised list, ignoring commas
/// inside `<...>` (generic arguments are not a group in tokens).
fn split_top_level(stream: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut parts = vec![Vec::new()];
    let mut angle = 0usize;
    for t in stream {
        if let TokenTree::Punct(p) = &t {
            match p.as_char() {
                '<' => angle += 1,
                '>' => angle = angle.saturating_sub(1),
                ',' if angle == 0 => {
                    parts.push(Vec::new());
                    continue;
                }
                _ => {}
            }
        }
        if let Some(last) = parts.last_mut() {
            last.push(t);
        }
    }
    parts.retain(|p| !p.is_empty());
    parts
}

/// Step names are what a migration file's `-- rust: NAME` line can hold:
/// ASCII identifiers.
fn check_name(name: &str, span: Span) -> syn::Result<()> {
    let mut chars = name.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(syn::Error::new(
            span,
            format!(
                "`{name}` cannot name a step: migration files name steps with ASCII letters, digits and `_`, not starting with a digit"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn error(args: TokenStream, item: TokenStream) -> String {
        expand(args, item).unwrap_err().to_string()
    }

    #[test]
    fn registers_the_function_under_its_name_or_the_given_one() {
        let out = expand(
            quote!(),
            quote!(
                fn move_tags(step: &mut stillroom::Step<'_>) -> stillroom::StepResult {
                    Ok(())
                }
            ),
        )
        .unwrap()
        .to_string();
        assert!(out.contains("name : \"move_tags\""), "{out}");
        assert!(out.contains("step_fn (move_tags)"), "{out}");
        let out = expand(
            quote!(name = "tags_v2", crate = my::stillroom),
            quote!(
                pub(crate) fn r#move(step: &mut Step<'_>) -> StepResult {
                    Ok(())
                }
            ),
        )
        .unwrap()
        .to_string();
        assert!(out.contains("name : \"tags_v2\""), "{out}");
        assert!(
            out.contains("my :: stillroom :: __private :: RegisteredStep"),
            "{out}"
        );
    }

    #[test]
    fn misuse_is_an_error_that_shows_the_signature() {
        let item = quote!(
            fn f(step: &mut Step<'_>) -> StepResult {
                Ok(())
            }
        );
        assert!(error(quote!(nme = "x"), item.clone()).contains("unknown step attribute"));
        assert!(error(quote!(name = "2x"), item.clone()).contains("cannot name a step"));
        assert!(error(quote!(name = 3), item).contains("`name` expects a string"));
        assert!(
            error(
                quote!(),
                quote!(
                    async fn f(step: &mut Step<'_>) -> StepResult {
                        Ok(())
                    }
                )
            )
            .contains("cannot be `async`")
        );
        assert!(
            error(
                quote!(),
                quote!(
                    fn f<T>(step: &mut Step<'_>) -> StepResult {
                        Ok(())
                    }
                )
            )
            .contains("generic")
        );
        assert!(
            error(
                quote!(),
                quote!(
                    fn f() -> StepResult {
                        Ok(())
                    }
                )
            )
            .contains("takes 0")
        );
        assert!(
            error(
                quote!(),
                quote!(
                    fn f(a: &mut Step<'_>, b: HashMap<u8, u8>) -> StepResult {
                        Ok(())
                    }
                )
            )
            .contains("takes 2")
        );
        assert!(
            error(
                quote!(),
                quote!(
                    fn f(step: &mut Step<'_>) {}
                )
            )
            .contains("returns")
        );
        assert!(
            error(
                quote!(),
                quote!(
                    struct S;
                )
            )
            .contains("goes on a function")
        );
        assert!(
            error(
                quote!(),
                quote!(
                    fn f(&self) -> StepResult {
                        Ok(())
                    }
                )
            )
            .contains("free function")
        );
        assert!(
            error(
                quote!(),
                quote!(
                    fn größe(step: &mut Step<'_>) -> StepResult {
                        Ok(())
                    }
                )
            )
            .contains("name = ")
        );
    }
}
