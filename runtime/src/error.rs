//! The crate's error type.

use std::path::PathBuf;

use crate::compare::Difference;
use crate::diff::Refused;
use crate::migrate::Misfit;
use crate::schema::SchemaError;

/// Everything that can go wrong in stillroom.
///
/// Each variant carries its context (table, statement, problems) and its
/// message says what to do where a remedy is known.
///
/// `Debug` prints the message, as `Display` does (as anyhow's errors do), so
/// that `fn main() -> stillroom::Result<()>` and a failing `#[test]` show
/// what happened and what to do rather than the value's structure.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A statement stillroom ran for a model failed.
    #[error(transparent)]
    Query(Box<QueryError>),
    /// Any other SQLite error.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// The models do not form a valid schema.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A migration file is malformed.
    #[error("{}:{line}: {message}", path.display())]
    MigrationFile {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// The migration files do not form one line of revisions.
    #[error("invalid migration history in {}: {message}", dir.display())]
    InvalidHistory {
        /// The migrations directory.
        dir: PathBuf,
        /// What is wrong (naming the files) and how to fix it.
        message: String,
    },
    /// A statement of a migration failed.
    #[error(transparent)]
    Statement(Box<StatementError>),
    /// A migration must be run downwards but has no `down` part.
    #[error("revision `{revision}` ({}) has no `-- migrate:down` part, so it cannot be undone; write one", path.display())]
    NoDownPart {
        /// The revision.
        revision: String,
        /// Its file.
        path: PathBuf,
    },
    /// After a migration that ran with foreign keys off, some rows reference
    /// rows that do not exist; the migration was rolled back.
    #[error("the migration would leave broken foreign keys, so it was rolled back:\n  - {}", violations.join("\n  - "))]
    ForeignKeyViolations {
        /// One sentence per violation.
        violations: Vec<String>,
    },
    /// A migration needs a newer SQLite than the one in use.
    #[error("revision `{revision}` needs SQLite {required}, but this program runs SQLite {found}")]
    SqliteTooOld {
        /// The revision.
        revision: String,
        /// The version it requires.
        required: String,
        /// The version in use.
        found: String,
    },
    /// Another connection held the write lock for longer than this call
    /// waits ([`Migrator::lock_timeout`](crate::Migrator::lock_timeout)).
    #[error(
        "another connection held the database's write lock for {} s, longer than this start waits ({} s; `Migrator::lock_timeout`), so nothing was done. If another process is migrating (a long table rebuild), let it finish and start again, or wait longer; otherwise find what holds the database open in a transaction",
        waited.as_secs(),
        limit.as_secs()
    )]
    Locked {
        /// How long this call waited.
        waited: std::time::Duration,
        /// How long it was allowed to wait.
        limit: std::time::Duration,
    },
    /// A migration call was made inside an open transaction.
    #[error(
        "migrations need a connection outside any transaction (they take the write lock and may turn foreign keys off); commit or roll back first"
    )]
    InTransaction,
    /// The database records a revision the migrations do not have.
    #[error("the database is at revision `{revision}`, which this program's migrations do not include (their head is {}): it was migrated by a newer version of the application. Run that version, or downgrade with it first; this program did not touch the database", head.as_deref().map_or("empty".to_owned(), |h| format!("`{h}`")))]
    UnknownRevision {
        /// The unknown revision.
        revision: String,
        /// This program's head.
        head: Option<String>,
    },
    /// The ledger's revisions are not the migrations' first revisions.
    #[error("{message}")]
    LedgerMismatch {
        /// What disagrees and what to do.
        message: String,
    },
    /// An applied migration's file changed since it ran.
    #[error("migration `{revision}` ({}) was edited after it was applied: its checksum was {recorded} and is now {current}. Restore the file as it was; or, if the edit was reviewed and changes nothing that ran (a comment, a fix for new databases only), accept it with `Migrator::accept_edited` (CLI: `accept-edited {revision}`)", path.display())]
    ChecksumMismatch {
        /// The revision.
        revision: String,
        /// Its file.
        path: PathBuf,
        /// The checksum in the ledger.
        recorded: String,
        /// The checksum of the file now.
        current: String,
    },
    /// The live schema differs from the models.
    #[error("{}", crate::verify::mismatch_message(differences, *models))]
    SchemaMismatch {
        /// Every difference the verification does not tolerate.
        differences: Vec<Difference>,
        /// How many tables the models declare (none: they were not linked).
        models: usize,
    },
    /// The database has revisions still to apply, so it cannot match the
    /// models yet.
    #[error("the database is at {}, {} revision{} behind the migrations (pending: {}): run `upgrade` (or start the application), which applies them", current.as_deref().map_or("base (no revision applied)".to_owned(), |c| format!("revision `{c}`")), pending.len(), if pending.len() == 1 { "" } else { "s" }, pending.join(", "))]
    Behind {
        /// The database's revision (`None`: base).
        current: Option<String>,
        /// The revisions not yet applied.
        pending: Vec<String>,
    },
    /// A database made before stillroom matches no revision's tables and
    /// columns.
    #[error("{}", crate::migrate::failed_message(closest, differences))]
    AdoptionFailed {
        /// The revision whose tables and columns are closest.
        closest: String,
        /// Every difference between the database and that revision.
        differences: Vec<Difference>,
    },
    /// A database made before stillroom has a revision's tables and columns,
    /// but converting it to that revision's schema would change or reject
    /// stored values (or drop what stillroom cannot recreate).
    #[error("{}", crate::migrate::blocked_message(revision, misfits, unsupported))]
    AdoptionBlocked {
        /// The revision it would be adopted at.
        revision: String,
        /// The values that do not fit.
        misfits: Vec<Misfit>,
        /// What a rebuild of a converted table would drop.
        unsupported: Vec<String>,
    },
    /// Converting an adopted database failed; nothing was changed.
    #[error(
        "converting the database to the schema of revision `{revision}` failed, so nothing was changed: {source}\n  SQL: {sql}"
    )]
    Conversion {
        /// The revision it was being adopted at.
        revision: String,
        /// The statement that failed.
        sql: String,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A database made before stillroom, with adoption on start turned off.
    #[error(
        "this database has tables but no stillroom ledger: it was made before stillroom, and this application adopts such a database only on an explicit command (nothing was changed). Review the adoption with `db adopt --sql`, then run `db adopt`"
    )]
    NotAdopted,
    /// Adoption was asked of a database that has a ledger already.
    #[error(
        "this database already has a stillroom ledger, so there is nothing to adopt: `upgrade` applies what is pending"
    )]
    AlreadyAdopted,
    /// Adoption was asked of a database with no tables, or with no
    /// migrations to adopt it at.
    #[error(
        "there is nothing to adopt: adoption needs a database with tables and at least one migration; `upgrade` creates an empty database's tables"
    )]
    NothingToAdopt,
    /// A revision or target that does not fit.
    #[error("{message}")]
    BadTarget {
        /// What is wrong.
        message: String,
    },
    /// The program embeds other migration files than its source directory
    /// now holds (checked in debug builds): it was not rebuilt.
    #[error(
        "this build embeds other migration files than {} holds now (new there: {added}; gone from there: {removed}): rebuild it. A build script with `println!(\"cargo:rerun-if-changed=migrations\");` makes Cargo rebuild when a file is added",
        dir.display()
    )]
    StaleMigrations {
        /// The migrations directory.
        dir: PathBuf,
        /// Files in the directory the build does not embed.
        added: String,
        /// Files the build embeds that the directory no longer has.
        removed: String,
    },
    /// No default migration set, or more than one.
    #[error("{message}")]
    NoDefaultMigrations {
        /// What was found and what to do.
        message: String,
    },
    /// Generating a migration would lose data; nothing was written.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// The models changed but no migration was generated for the change.
    #[error("the models differ from the schema the migrations in {} produce; a migration must do this:\n  - {}\nGenerate it with the application's `db revision --autogenerate -m \"describe the change\"` (or `stillroom::generate`), review it, and commit it with the model change", dir.display(), differences.join("\n  - "))]
    ModelsChanged {
        /// The migrations directory.
        dir: PathBuf,
        /// What differs, one operation each.
        differences: Vec<String>,
    },
    /// `check` or `generate` ran in a program that registers no models,
    /// while the migrations create tables.
    #[error("no models are registered in this program, so every table the migrations in {} create would look dropped. The crate that defines the models is not linked here: an integration test (`tests/*.rs`) of a binary crate cannot see the binary's models. Put the check in a unit test beside the models (`#[cfg(test)] mod tests` in `src/`), or move the models into a library crate that the test uses (see `stillroom::registered_models`)", dir.display())]
    NoModels {
        /// The migrations directory.
        dir: PathBuf,
    },
    /// A generated migration did not do what it had to when tried on a copy
    /// of the schema; nothing was written.
    #[error("the generated migration was tried on a copy of the schema and {problem}; nothing was written. This is a stillroom bug unless a hand-written view or trigger needs updating:\n  - {}", details.join("\n  - "))]
    GeneratedMigration {
        /// What went wrong.
        problem: String,
        /// The remaining differences or the failing statement.
        details: Vec<String>,
    },
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// A statement of a migration that failed.
#[derive(Debug, thiserror::Error)]
#[error("revision `{revision}` failed at {}:{line}: {source}\n  SQL: {sql}", path.display())]
pub struct StatementError {
    /// The revision.
    pub revision: String,
    /// Its file.
    pub path: PathBuf,
    /// The 1-based line where the statement starts.
    pub line: usize,
    /// The statement.
    pub sql: String,
    /// SQLite's error.
    #[source]
    pub source: rusqlite::Error,
}

impl Error {
    /// The underlying rusqlite error, if this error came from SQLite, to match
    /// on constraint violations and the like.
    ///
    /// ```
    /// # use stillroom::Error;
    /// fn is_constraint(e: &Error) -> bool {
    ///     e.sqlite_error().and_then(|e| e.sqlite_error_code())
    ///         == Some(rusqlite::ErrorCode::ConstraintViolation)
    /// }
    /// ```
    pub fn sqlite_error(&self) -> Option<&rusqlite::Error> {
        match self {
            Self::Query(query) => Some(&query.source),
            Self::Statement(statement) => Some(&statement.source),
            Self::Sqlite(source) => Some(source),
            _ => None,
        }
    }
}

/// A statement that failed, with what it was for.
#[derive(Debug, thiserror::Error)]
#[error("{operation} on table `{table}` failed: {source}\n  SQL: {sql}")]
pub struct QueryError {
    /// What was being done (`insert`, `get`, `update`, `introspect`, ...).
    pub operation: &'static str,
    /// The table it concerned.
    pub table: String,
    /// The statement that failed.
    pub sql: String,
    /// SQLite's (or a conversion's) error.
    #[source]
    pub source: rusqlite::Error,
}

impl Error {
    pub(crate) fn query(
        operation: &'static str,
        table: &str,
        sql: &str,
        source: rusqlite::Error,
    ) -> Self {
        Self::Query(Box::new(QueryError {
            operation,
            table: table.to_owned(),
            sql: sql.to_owned(),
            source,
        }))
    }
}

/// `Result` with stillroom's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn debug_is_the_message() {
        let e = Error::BadTarget {
            message: "no revision `0009`".into(),
        };
        assert_eq!(format!("{e:?}"), e.to_string());
        assert_eq!(format!("{e:?}"), "no revision `0009`");
    }
}
