//! `embed_migrations!`: the migration files of a directory, embedded in the
//! binary at compile time.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use sha2::{Digest, Sha256};
use syn::LitStr;
use syn::parse::{Parse, ParseStream};

/// `embed_migrations!()` or `embed_migrations!("path/to/dir")`.
pub(crate) struct Input {
    dir: Option<LitStr>,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let dir = if input.is_empty() {
            None
        } else {
            Some(input.parse()?)
        };
        if !input.is_empty() {
            return Err(input.error("`embed_migrations!` takes at most one argument: the directory, e.g. `embed_migrations!(\"migrations\")`"));
        }
        Ok(Self { dir })
    }
}

pub(crate) fn expand(input: Input) -> syn::Result<TokenStream> {
    let span = input
        .dir
        .as_ref()
        .map_or_else(Span::call_site, LitStr::span);
    let manifest = std::env::var("CARGO_MANIFEST_DIR").map_err(|_| {
        syn::Error::new(
            span,
            "`embed_migrations!` needs cargo (CARGO_MANIFEST_DIR is not set)",
        )
    })?;
    let relative = input
        .dir
        .as_ref()
        .map_or_else(|| "migrations".to_owned(), LitStr::value);
    let dir = Path::new(&manifest).join(&relative);
    let files = read_files(&dir).map_err(|e| syn::Error::new(span, e))?;
    let entries = files.iter().map(|(path, text)| {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let full = path.to_string_lossy().into_owned();
        let sum = checksum(text);
        // include_str! makes cargo rebuild this crate when the file changes.
        quote!(::stillroom::__private::EmbeddedFile { name: #name, text: ::core::include_str!(#full), checksum: #sum })
    });
    let dir_text = dir.to_string_lossy().into_owned();
    Ok(quote!({
        static FILES: &[::stillroom::__private::EmbeddedFile] = &[#(#entries),*];
        ::stillroom::__private::inventory::submit! {
            ::stillroom::__private::DefaultMigrations { files: FILES, dir: #dir_text }
        }
        ::stillroom::Migrations::__new(FILES, #dir_text)
    }))
}

/// The `.sql` files of `dir`, sorted by name; none if it does not exist.
fn read_files(dir: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(format!(
                "cannot read the migrations directory {}: {e}",
                dir.display()
            ));
        }
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "sql") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            out.push((path, text));
        }
    }
    out.sort();
    Ok(out)
}

/// SHA-256 of the text with line endings and trailing blanks normalised.
/// Must agree with `stillroom::checksum` (a test in `tests/` checks it).
fn checksum(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = unified.split('\n').map(str::trim_end).collect();
    let normalised = lines.join("\n");
    let digest = Sha256::digest(normalised.trim_end().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
