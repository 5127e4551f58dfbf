//! The crate's error type.

use std::path::PathBuf;

use crate::diff::Refused;
use crate::schema::SchemaError;

/// Everything that can go wrong in stillroom.
///
/// Each variant carries its context (table, statement, problems) and its
/// message says what to do where a remedy is known.
#[derive(Debug, thiserror::Error)]
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
    /// The next revision cannot be numbered: a revision's number is the
    /// largest stillroom counts to, or beyond.
    #[error("the revision numbering is exhausted: revision `{revision}` ({}) is numbered {number}, and stillroom numbers revisions up to {} only, so no next number sorts after it. If that number is a mistake, renumber that revision (its file name, its `-- revision:` and the next revision's `-- parent:`; a database that applied it then needs `stamp`); otherwise write the next migration file by hand, with a revision that sorts after it", path.display(), u64::MAX)]
    NumberingExhausted {
        /// The revision with the largest number.
        revision: String,
        /// Its file.
        path: PathBuf,
        /// Its number, as written.
        number: String,
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
    /// Another connection held the write lock for longer than the busy
    /// timeout.
    #[error(
        "another connection held the database's write lock for longer than the busy timeout (a long migration in another process, or a long write); nothing was done: try again, or raise the timeout with `Connection::busy_timeout`"
    )]
    Locked,
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
    #[error("the database schema does not match the models:\n  - {}\nIf a model changed, generate and ship a migration; if the database was changed by hand, undo that change", differences.join("\n  - "))]
    SchemaMismatch {
        /// Every difference, one sentence each.
        differences: Vec<String>,
    },
    /// A database made before stillroom matches no revision's schema.
    #[error("this database has tables but no migration ledger, and its schema is not the schema of any revision, so it was not adopted (nothing was changed). Closest: revision `{closest}`, which differs by:\n  - {}\nBring the database to that schema by hand and run again, or record a revision with `stamp` if you know it is right", differences.join("\n  - "))]
    AdoptionFailed {
        /// The revision whose schema is closest.
        closest: String,
        /// What would take that revision's schema to the database's.
        differences: Vec<String>,
    },
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
    #[error("the models differ from the schema the migrations in {} produce; generate a migration:\n  - {}", dir.display(), differences.join("\n  - "))]
    ModelsChanged {
        /// The migrations directory.
        dir: PathBuf,
        /// What differs, one operation each.
        differences: Vec<String>,
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
