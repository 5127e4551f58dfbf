//! Migration sets embedded in the binary, and the checksum that keeps the
//! ledger honest.

use std::path::Path;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use crate::history::{History, Migration};
use crate::{Error, Result};

/// A migration file embedded by [`embed_migrations!`](crate::embed_migrations).
#[doc(hidden)]
#[derive(Debug)]
pub struct EmbeddedFile {
    /// The file name (`0001_initial.sql`).
    pub name: &'static str,
    /// The file's text.
    pub text: &'static str,
    /// Its [`checksum`], computed at compile time.
    pub checksum: &'static str,
}

/// The set registered by `embed_migrations!` as the application's default.
#[doc(hidden)]
#[derive(Debug)]
pub struct DefaultMigrations {
    /// The files.
    pub files: &'static [EmbeddedFile],
    /// The directory they were read from at compile time.
    pub dir: &'static str,
    /// Their [`ledger::digest`](crate::apply::ledger::digest), computed at compile time.
    pub digest: &'static str,
}

inventory::collect!(DefaultMigrations);

/// The migration files of a directory, embedded in the binary at compile
/// time by [`embed_migrations!`](crate::embed_migrations).
///
/// Their history is parsed and checked on first use.
///
/// ```
/// static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();
///
/// # fn main() -> stillroom::Result<()> {
/// let history = MIGRATIONS.history()?;
/// let migrator = stillroom::Migrator::new(history);
/// // The files of `migrations/` beside this crate's `Cargo.toml`: none here.
/// assert!(MIGRATIONS.dir().ends_with("migrations"));
/// assert_eq!(history.migrations.len(), MIGRATIONS.len());
/// assert!(MIGRATIONS.is_empty());
/// # let _ = migrator;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Migrations {
    files: &'static [EmbeddedFile],
    dir: &'static str,
    history: OnceLock<History>,
    /// The digest `embed_migrations!` computed, if it made the set.
    embedded_digest: Option<&'static str>,
    digest: OnceLock<String>,
}

impl Migrations {
    #[doc(hidden)]
    pub const fn __new(files: &'static [EmbeddedFile], dir: &'static str) -> Self {
        Self {
            files,
            dir,
            history: OnceLock::new(),
            embedded_digest: None,
            digest: OnceLock::new(),
        }
    }

    /// The set `embed_migrations!` makes, with the files' digest it computed.
    #[doc(hidden)]
    pub const fn __embedded(
        files: &'static [EmbeddedFile],
        dir: &'static str,
        digest: &'static str,
    ) -> Self {
        Self {
            files,
            dir,
            history: OnceLock::new(),
            embedded_digest: Some(digest),
            digest: OnceLock::new(),
        }
    }

    /// The digest a no-op start compares (see [`Migrations::digest`]).
    #[doc(hidden)]
    pub fn __digest(&self) -> &str {
        self.digest()
    }

    /// The directory the files were embedded from.
    pub fn dir(&self) -> &Path {
        Path::new(self.dir)
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The files as a checked history (parsed once).
    ///
    /// In debug builds, when the directory the files came from still exists
    /// and holds other `.sql` files than the binary embeds, this is an error:
    /// the binary is stale (rebuild it; see [`embed_migrations!`](crate::embed_migrations)
    /// for the build script that makes Cargo do so).
    pub fn history(&self) -> Result<&History> {
        if let Some(history) = self.history.get() {
            return Ok(history);
        }
        if cfg!(debug_assertions) {
            self.check_not_stale()?;
        }
        let history = parse_files(self.files, self.dir)?;
        Ok(self.history.get_or_init(|| history))
    }

    /// The [`ledger::digest`](crate::apply::ledger::digest) of the files in name
    /// order, without parsing them: a file's revision is its name without
    /// `.sql` (parsing refuses any other), and its checksum was computed at
    /// compile time. Equal to the parsed history's digest whenever the files,
    /// in name order, are the history's order (the usual case; otherwise the
    /// digests differ and the caller takes the full path).
    ///
    /// `embed_migrations!` computes it at compile time: reading a thousand
    /// names and checksums scattered among the files' texts would map most
    /// of them into memory.
    pub(crate) fn digest(&self) -> &str {
        if let Some(digest) = self.embedded_digest {
            return digest;
        }
        self.digest.get_or_init(|| {
            crate::apply::ledger::digest(
                self.files
                    .iter()
                    .map(|f| (f.name.strip_suffix(".sql").unwrap_or(f.name), f.checksum)),
            )
        })
    }

    /// The last file's revision: the head, when [`Migrations::digest`]
    /// matched a ledger.
    pub(crate) fn last_revision(&self) -> Option<&'static str> {
        self.files
            .last()
            .map(|f| f.name.strip_suffix(".sql").unwrap_or(f.name))
    }

    /// The files parsed, in file-name order, not checked as a history: what
    /// the command line shows of a history with two heads.
    #[cfg(feature = "cli")]
    pub(crate) fn unordered(&self) -> Result<Vec<Migration>> {
        let dir = Path::new(self.dir);
        self.files
            .iter()
            .map(|file| {
                let mut m = Migration::parse_static(file.text, &dir.join(file.name))?;
                m.checksum = file.checksum.to_owned();
                Ok(m)
            })
            .collect()
    }

    /// The application's default set: the one `embed_migrations!` embedded.
    ///
    /// ```rust,standalone_crate
    /// static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();
    ///
    /// let default = stillroom::Migrations::default_set()?;
    /// assert_eq!(default.dir(), MIGRATIONS.dir());
    /// # Ok::<(), stillroom::Error>(())
    /// ```
    pub fn default_set() -> Result<&'static Self> {
        static DEFAULT: OnceLock<std::result::Result<Migrations, String>> = OnceLock::new();
        let found = DEFAULT.get_or_init(|| {
            let mut sets: Vec<&DefaultMigrations> = inventory::iter::<DefaultMigrations>.into_iter().collect();
            sets.sort_by_key(|s| s.dir);
            sets.dedup_by_key(|s| s.dir);
            match sets.as_slice() {
                [one] => Ok(Migrations::__embedded(one.files, one.dir, one.digest)),
                [] => Err("no migrations are embedded in this program: add `static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();` to the application, or pass a set to `Migrator::new`".to_owned()),
                many => Err(format!(
                    "more than one migration set is embedded ({}); say which one with `Migrator::new(&SET)`",
                    many.iter().map(|s| s.dir).collect::<Vec<_>>().join(", ")
                )),
            }
        });
        found
            .as_ref()
            .map_err(|message| Error::NoDefaultMigrations {
                message: message.clone(),
            })
    }
}

impl Migrations {
    /// Fails when the directory on disk lists other migration files than the
    /// binary embeds.
    pub(crate) fn check_not_stale(&self) -> Result<()> {
        let Ok(entries) = std::fs::read_dir(self.dir) else {
            return Ok(());
        };
        let mut on_disk: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = self.files.iter().map(|f| f.name).collect();
        if on_disk
            .iter()
            .map(String::as_str)
            .eq(embedded.iter().copied())
        {
            return Ok(());
        }
        let added: Vec<&str> = on_disk
            .iter()
            .map(String::as_str)
            .filter(|n| !embedded.contains(n))
            .collect();
        let removed: Vec<&str> = embedded
            .iter()
            .copied()
            .filter(|n| !on_disk.iter().any(|d| d == n))
            .collect();
        Err(Error::StaleMigrations {
            dir: self.dir().to_owned(),
            added: join(&added),
            removed: join(&removed),
        })
    }
}

fn join(names: &[&str]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

fn parse_files(files: &[EmbeddedFile], dir: &str) -> Result<History> {
    let dir = Path::new(dir);
    let mut migrations = Vec::with_capacity(files.len());
    for file in files {
        let path = dir.join(file.name);
        let mut migration = Migration::parse_static(file.text, &path)?;
        migration.checksum = file.checksum.to_owned();
        migrations.push(migration);
    }
    History::order(migrations, dir)
}

/// The checksum the ledger records for a migration file: SHA-256, in
/// lower-case hex, of its text with line endings unified to `\n`, trailing
/// blanks removed from every line and trailing blank lines from the end.
/// So a change of editor or platform never counts as an edit, and any other
/// change does.
///
/// ```
/// let a = stillroom::checksum("CREATE TABLE t (x);\n");
/// assert_eq!(a, stillroom::checksum("CREATE TABLE t (x);  \r\n\r\n"));
/// assert_ne!(a, stillroom::checksum("CREATE TABLE t (y);\n"));
/// assert_eq!(a.len(), 64);
/// ```
pub fn checksum(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = unified.split('\n').map(str::trim_end).collect();
    let normalised = lines.join("\n");
    let digest = Sha256::digest(normalised.trim_end().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The no-op start compares the embedded files' digest, taken without
    /// parsing them, with the one recorded from a parsed history: the two
    /// must agree.
    #[test]
    fn the_files_digest_is_the_parsed_historys() -> Result<()> {
        let text = |revision: &str, parent: &str| -> &'static str {
            Box::leak(
                format!("-- stillroom migration\n-- revision: {revision}\n-- parent: {parent}\n\n-- migrate:up\nCREATE TABLE t{revision} (x);\n")
                    .into_boxed_str(),
            )
        };
        let (a, b) = (text("0001_a", "none"), text("0002_b", "0001_a"));
        let files: &'static [EmbeddedFile] = Box::leak(Box::new([
            EmbeddedFile {
                name: "0001_a.sql",
                text: a,
                checksum: Box::leak(checksum(a).into_boxed_str()),
            },
            EmbeddedFile {
                name: "0002_b.sql",
                text: b,
                checksum: Box::leak(checksum(b).into_boxed_str()),
            },
        ]));
        let set = Migrations::__new(files, "migrations");
        let history = set.history()?;
        let parsed = crate::apply::ledger::digest(
            history
                .migrations
                .iter()
                .map(|m| (m.revision.as_str(), m.checksum.as_str())),
        );
        assert_eq!(set.digest(), parsed);
        assert_eq!(set.last_revision(), Some("0002_b"));
        let one = crate::apply::ledger::digest(std::iter::once(("0001_a", files[0].checksum)));
        assert_ne!(one, parsed);
        Ok(())
    }
}
