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
        let name = file_name(path);
        let full = path.to_string_lossy().into_owned();
        let sum = checksum(text);
        // include_str! makes cargo rebuild this crate when the file changes.
        quote!(::stillroom::__private::EmbeddedFile { name: #name, text: ::core::include_str!(#full), checksum: #sum })
    });
    let dir_text = dir.to_string_lossy().into_owned();
    let digest = digest(&files);
    Ok(quote!({
        static FILES: &[::stillroom::__private::EmbeddedFile] = &[#(#entries),*];
        ::stillroom::__private::inventory::submit! {
            ::stillroom::__private::DefaultMigrations { files: FILES, dir: #dir_text, digest: #digest }
        }
        ::stillroom::Migrations::__embedded(FILES, #dir_text, #digest)
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

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The digest a no-op start compares with the database's startup summary:
/// each file's revision (its name without `.sql`) and checksum, in name
/// order. Must agree with `Migrations::digest` in the runtime, which
/// computes it for sets made without this macro (a test in `tests/` checks
/// that the two agree).
fn digest(files: &[(PathBuf, String)]) -> String {
    let mut hasher = Fingerprinter::default();
    hasher.word(files.len() as u64);
    for (path, text) in files {
        let name = file_name(path);
        hasher.write(name.strip_suffix(".sql").unwrap_or(&name).as_bytes());
        hasher.word(0xff | 1 << 63);
        hasher.write(checksum(text).as_bytes());
        hasher.word(0xff | 1 << 63);
    }
    format!("{:032x}", hasher.finish128())
}

/// The runtime's `verify::Fingerprinter`, as far as `digest` uses it.
struct Fingerprinter {
    a: u64,
    b: u64,
}

impl Default for Fingerprinter {
    fn default() -> Self {
        Self {
            a: 0x243f_6a88_85a3_08d3,
            b: 0x1319_8a2e_0370_7344,
        }
    }
}

const MULTIPLE_A: u64 = 0x9e37_79b9_7f4a_7c15;
const MULTIPLE_B: u64 = 0xd6e8_feb8_6659_fd93;

fn folded_multiply(x: u64, by: u64) -> u64 {
    let product = u128::from(x) * u128::from(by);
    (product as u64) ^ ((product >> 64) as u64)
}

impl Fingerprinter {
    fn word(&mut self, word: u64) {
        self.a = folded_multiply(self.a ^ word, MULTIPLE_A);
        self.b = folded_multiply(self.b ^ word.rotate_left(32), MULTIPLE_B).rotate_left(23);
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.word(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            word[7] = rest.len() as u8;
            self.word(u64::from_le_bytes(word));
        }
    }

    fn finish128(&self) -> u128 {
        let a = folded_multiply(self.a ^ self.b.rotate_left(17), MULTIPLE_B);
        let b = folded_multiply(self.b ^ self.a.rotate_left(41), MULTIPLE_A);
        (u128::from(a) << 64) | u128::from(b)
    }
}
