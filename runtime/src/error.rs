//! The crate's error type.

use std::path::PathBuf;

use crate::apply::Misfit;
use crate::autogenerate::diff::Refused;
use crate::schema::SchemaError;
use crate::verify::compare::Difference;

/// Everything that can go wrong in stillroom.
///
/// Each variant carries its context (table, statement, problems) and its
/// message says what to do where a remedy is known.
///
/// `Debug` prints the message, as `Display` does (as anyhow's errors do), so
/// that `fn main() -> stillroom::Result<()>` and a failing `#[test]` show
/// what happened and what to do rather than the value's structure.
///
/// Match a variant to act on it; its message says what happened and what to
/// do:
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// # #[derive(stillroom::Model)] struct Note { #[model(primary_key)] id: i64, body: String }
/// # let dir = std::env::temp_dir().join(format!("stillroom-doc-error-{}", std::process::id()));
/// # let schema = stillroom::ModelSet::new().with::<Note>().build()?;
/// # stillroom::generate(&dir, &schema, "initial", Default::default())?;
/// # let history = stillroom::History::read(&dir)?;
/// use stillroom::{Error, Migrator};
///
/// let conn = rusqlite::Connection::open_in_memory()?;
/// let migrator = Migrator::new(&history).schema(&schema);
/// migrator.migrate(&conn)?;
/// conn.execute_batch("ALTER TABLE note ADD COLUMN pinned INTEGER")?; // changed by hand
///
/// let err = migrator.migrate(&conn).unwrap_err();
/// match &err {
///     Error::SchemaMismatch { differences, .. } => assert_eq!(differences.len(), 1),
///     other => panic!("{other}"),
/// }
/// let message = err.to_string();
/// assert!(message.starts_with("the database schema does not match the models:"));
/// assert!(message.contains("the database has column `note.pinned`; the models do not"));
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok(())
/// # }
/// ```
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
    /// The database file cannot be opened, read or written as SQLite needs:
    /// not a database, damaged, read-only, a full disk.
    #[error("{}: {}", path.display(), database_message(source))]
    Database {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The database has a `stillroom_migrations` table that is not
    /// stillroom's ledger (another tool's, or damaged).
    #[error(
        "the database has a table `stillroom_migrations` that is not stillroom's ledger ({detail}); nothing was changed. If another tool made it, rename it; if it is stillroom's and was edited by hand, restore it from a backup"
    )]
    LedgerShape {
        /// What SQLite said reading it.
        detail: String,
    },
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
    /// A pending revision failed on a database that already has the schema
    /// of a revision past what its ledger records: the ledger lost rows.
    #[error("{failed}\nThe database already has the schema of revision `{schema}`, though its ledger records {}: rows of the ledger were lost (deleted by hand, or an older copy restored), so revisions that already ran were run again. `stamp {schema}` records the revisions up to it without running them (check first that the data migrations among them did run), and `upgrade` then applies the rest", ledger.as_deref().map_or("none".to_owned(), |l| format!("only up to `{l}`")))]
    AlreadyApplied {
        /// The last revision the ledger records.
        ledger: Option<String>,
        /// The revision whose schema the database has.
        schema: String,
        /// The failure of the revision that ran again.
        failed: Box<Error>,
    },
    /// The branches a merge put in one line (or a squash folded) do not run
    /// in their new order; nothing was written.
    #[error(
        "the merged history does not run, so nothing was written: {detail}\nThe branches conflict (both change the same table, say): keep one branch's revision, delete the other's, and generate it again on top (`db revision --autogenerate`)"
    )]
    BranchesConflict {
        /// The failure, naming the revision and statement.
        detail: String,
    },
    /// A downgrade would run down parts that lose or change data, and data
    /// loss was not allowed; nothing was done.
    #[error("this downgrade loses or changes data, so it was not run (nothing was changed):\n  - {}\nTo go ahead, allow it: `db downgrade --allow-data-loss` (`Migrator::allow_data_loss(true)`); keep a copy of the database first", losses.join("\n  - "))]
    DowngradeLosesData {
        /// Each loss, naming its revision.
        losses: Vec<String>,
    },
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
    #[error("{}", unknown_revision_message(revision, head.as_deref(), dir, *follows_head))]
    UnknownRevision {
        /// The database's revision, which the migrations lack.
        revision: String,
        /// This program's head.
        head: Option<String>,
        /// The migrations directory (where the file would be).
        dir: PathBuf,
        /// Whether the unknown revisions start right after this program's
        /// head (a file deleted, or not yet pulled, more likely than a newer
        /// build).
        follows_head: bool,
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
    #[error("{}", crate::apply::failed_message(closest, differences))]
    AdoptionFailed {
        /// The revision whose tables and columns are closest.
        closest: String,
        /// Every difference between the database and that revision.
        differences: Vec<Difference>,
    },
    /// A database made before stillroom has a revision's tables and columns,
    /// but converting it to that revision's schema would change or reject
    /// stored values (or drop what stillroom cannot recreate).
    #[error("{}", crate::apply::blocked_message(revision, misfits, unsupported))]
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
    /// Connecting to the PostgreSQL server failed (or its connection string
    /// does not parse).
    #[cfg(feature = "postgres")]
    #[error(
        "could not connect to PostgreSQL at {server}: {reason}; check that the server is running and that the connection string (host, port, user, database) is right"
    )]
    PostgresConnect {
        /// The server as the connection string names it (no password).
        server: String,
        /// Why, with the client's underlying cause.
        reason: String,
    },
    /// Converting an adopted PostgreSQL database to its revision's schema
    /// failed; nothing was changed.
    #[cfg(feature = "postgres")]
    #[error(
        "converting the database to the schema of revision `{revision}` failed, so nothing was changed: {message}\n  SQL: {sql}"
    )]
    PostgresConversion {
        /// The revision it was being adopted at.
        revision: String,
        /// The statement that failed.
        sql: String,
        /// PostgreSQL's message.
        message: String,
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
    /// Something the models or migrations ask for that this database
    /// cannot do.
    #[error("{message}")]
    Unsupported {
        /// What, and what to do instead.
        message: String,
    },
    /// The PostgreSQL client failed (connecting, a query of stillroom's).
    #[cfg(feature = "postgres")]
    #[error("{}", crate::dialect::postgres::describe(.0))]
    Postgres(#[from] postgres::Error),
    /// A statement of a migration failed on PostgreSQL.
    #[cfg(feature = "postgres")]
    #[error(transparent)]
    PostgresStatement(Box<crate::dialect::postgres::PgStatementError>),
    /// The migrations are written for another database than the one they
    /// were given.
    #[error("{} is written for {written_for}, and this is {running_on}: migration files are SQL of one database. To run on {running_on}, generate a history for it from the models (`db revision --autogenerate` against a {running_on} database) and copy the data over (see the guide's \"Moving to PostgreSQL\")", path.display())]
    WrongDialect {
        /// A file of the history.
        path: PathBuf,
        /// What it is written for.
        written_for: crate::Dialect,
        /// What it was given to run on.
        running_on: crate::Dialect,
    },
    /// A Rust step failed (returned an error or panicked); the upgrade was
    /// rolled back.
    #[error(transparent)]
    Step(Box<crate::apply::step::StepError>),
    /// What a Rust step read or wrote does not fit the table as it stands
    /// at the step's point of the history (a column the query does not
    /// return, a value that does not convert, a table or column that does
    /// not exist yet or any more).
    #[error("{message}")]
    StepData {
        /// What does not fit.
        message: String,
    },
    /// Pending revisions mark Rust steps this program does not register;
    /// nothing was run.
    #[error("{}", crate::apply::step::missing_message(missing, known))]
    MissingSteps {
        /// Each step, with its file, line and revision.
        missing: Vec<String>,
        /// The steps this program registers.
        known: Vec<String>,
    },
    /// Pending revisions of a PostgreSQL history mark Rust steps this
    /// program does not register with `#[stillroom::step(postgres)]`;
    /// nothing was run.
    #[cfg(feature = "postgres")]
    #[error("{}", crate::dialect::postgres::step::missing_message(missing, known))]
    MissingPostgresSteps {
        /// Each step, with its file, line and revision.
        missing: Vec<String>,
        /// The PostgreSQL steps this program registers.
        known: Vec<String>,
    },
    /// Two functions register the same Rust step name.
    #[error("two functions register the Rust step `{name}` ({}): rename one with `#[stillroom::step(name = \"...\")]`, and the file's `-- rust:` line with it if it is the one the file means", locations.join(", "))]
    DuplicateStep {
        /// The name.
        name: String,
        /// Where each function is (`file:line`).
        locations: Vec<String>,
    },
    /// Offline SQL (`--sql`) was asked for a range with a Rust step, which
    /// only a running program can run.
    #[error(
        "revision `{revision}` runs the Rust step `{step}`, which a SQL script cannot contain, so no script was written. Apply this revision with the program itself (`db upgrade`, or the application's start); offline SQL serves the ranges without it (`--sql --from {revision}` starts after it)"
    )]
    OfflineStep {
        /// The revision.
        revision: String,
        /// The step.
        step: String,
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

/// SQLite's message for a database that cannot be used, and what to do.
fn database_message(source: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    let advice = match source.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => {
            "the file is not a SQLite database (or it is damaged or encrypted); check the path"
        }
        Some(ErrorCode::DatabaseCorrupt) => {
            "the file is damaged; nothing was changed. Restore it from a backup (the sqlite3 shell's `.recover` can salvage rows from a copy)"
        }
        Some(ErrorCode::ReadOnly) => {
            "the database, or the directory it is in, is read-only; SQLite must write the file and create a journal beside it"
        }
        Some(ErrorCode::CannotOpen) => {
            "SQLite cannot open it: check that its directory exists and that this process may read and create files there"
        }
        Some(ErrorCode::DiskFull) => {
            "the disk is full, or the file reached its size limit; the migration was rolled back: free space and start again"
        }
        Some(ErrorCode::SystemIoFailure) => {
            "an I/O error (a failing disk, or a network file system); the migration was rolled back"
        }
        Some(ErrorCode::PermissionDenied) => "permission denied",
        _ => "",
    };
    if advice.is_empty() {
        source.to_string()
    } else {
        format!("{source}: {advice}")
    }
}

/// Whether `source` is about the database file itself (rather than a
/// statement), so that its message needs the file's path.
pub(crate) fn is_about_the_file(source: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode;
    matches!(
        source.sqlite_error_code(),
        Some(
            ErrorCode::NotADatabase
                | ErrorCode::DatabaseCorrupt
                | ErrorCode::ReadOnly
                | ErrorCode::CannotOpen
                | ErrorCode::DiskFull
                | ErrorCode::SystemIoFailure
                | ErrorCode::PermissionDenied
        )
    )
}

impl Error {
    /// This error, with the database file's `path` when it is about the
    /// file itself (SQLite's messages do not name it).
    #[doc(hidden)]
    pub fn at_path(self, path: &std::path::Path) -> Self {
        match self {
            Self::Sqlite(source) if is_about_the_file(&source) => Self::Database {
                path: path.to_owned(),
                source,
            },
            other => other,
        }
    }

    /// This error, with the path of the database behind `conn` when it is
    /// about the file itself (SQLite's messages do not name it).
    pub(crate) fn at(self, conn: &rusqlite::Connection) -> Self {
        let path = conn.path().filter(|p| !p.is_empty());
        match self {
            Self::Statement(mut e) if is_about_the_file(&e.source) && e.detail.is_none() => {
                if let Some(path) = path {
                    e.detail = Some(format!(
                        "the database {path}: {}",
                        database_message(&e.source)
                    ));
                }
                Self::Statement(e)
            }
            Self::Sqlite(source) if is_about_the_file(&source) => match conn.path() {
                Some(path) if !path.is_empty() => Self::Database {
                    path: path.into(),
                    source,
                },
                _ => Self::Sqlite(source),
            },
            other => other,
        }
    }
}

fn unknown_revision_message(
    revision: &str,
    head: Option<&str>,
    dir: &std::path::Path,
    follows_head: bool,
) -> String {
    let head = head.map_or("they are empty".to_owned(), |h| {
        format!("their head is `{h}`")
    });
    let file = dir.join(format!("{revision}.sql"));
    let restore = format!(
        "the file {} is missing here (deleted, not yet pulled, or not embedded): restore it from version control and rebuild the application",
        file.display()
    );
    let newer = "a newer version of the application migrated this database: run that version, or downgrade with it first (`db downgrade`) before starting this one";
    let (first, second) = if follows_head {
        (restore.as_str(), newer)
    } else {
        (newer, restore.as_str())
    };
    format!(
        "the database is at revision `{revision}`, which the migrations in {} do not include ({head}); nothing was changed. Either {first}; or {second}",
        dir.display()
    )
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// A statement of a migration that failed.
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// use std::path::Path;
/// use stillroom::{Error, History, Migration, Migrator, Verification};
///
/// let text = "\
/// -- stillroom migration
/// -- revision: 0001_seed
/// -- parent: none
///
/// -- migrate:up
/// CREATE TABLE tag (name TEXT PRIMARY KEY);
/// INSERT INTO tags VALUES ('rust');
/// ";
/// let seed = Migration::parse(text, Path::new("migrations/0001_seed.sql"))?;
/// let history = History { migrations: vec![seed] };
/// let conn = rusqlite::Connection::open_in_memory()?;
///
/// let migrator = Migrator::new(&history).verification(Verification::Off);
/// let err = migrator.migrate(&conn).unwrap_err();
/// let Error::Statement(failed) = &err else { panic!("{err}") };
/// assert_eq!((failed.revision.as_str(), failed.line), ("0001_seed", 7));
/// assert_eq!(
///     err.to_string(),
///     "revision `0001_seed` failed at migrations/0001_seed.sql:7: no such table: tags
///   SQL: INSERT INTO tags VALUES ('rust')"
/// );
/// # Ok(())
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[error("revision `{revision}` failed at {}:{line}: {source}{}\n  SQL: {sql}", path.display(), detail.as_deref().map(|d| format!("\n  {d}")).unwrap_or_default())]
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
    /// What stillroom found about the failure (the database file, the rows
    /// that collide), if anything.
    pub detail: Option<String>,
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
///
/// ```
/// # fn main() -> stillroom::Result<()> {
/// use stillroom::{Error, Model};
///
/// #[derive(Model)]
/// #[model(table = "jobs")]
/// struct Job { #[model(primary_key)] id: String, status: String }
///
/// let conn = rusqlite::Connection::open_in_memory()?;
/// # for sql in Job::table().create_statements() { conn.execute(&sql, [])?; }
/// let job = Job { id: "a1".into(), status: "queued".into() };
/// job.insert(&conn)?;
/// let err = job.insert(&conn).unwrap_err(); // the key is taken
/// let Error::Query(failed) = &err else { panic!("{err}") };
/// assert_eq!((failed.operation, failed.table.as_str()), ("insert", "jobs"));
/// assert_eq!(
///     err.to_string(),
///     r#"insert on table `jobs` failed: UNIQUE constraint failed: jobs.id
///   SQL: INSERT INTO "jobs" ("id", "status") VALUES (?1, ?2)"#
/// );
/// # Ok(())
/// # }
/// ```
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
///
/// ```
/// use stillroom::Model;
///
/// #[derive(Model)]
/// struct Tag { #[model(primary_key)] name: String }
///
/// fn tag_names(conn: &rusqlite::Connection) -> stillroom::Result<Vec<String>> {
///     Ok(Tag::all(conn)?.into_iter().map(|tag| tag.name).collect())
/// }
///
/// # fn main() -> stillroom::Result<()> {
/// let conn = rusqlite::Connection::open_in_memory()?;
/// # for sql in Tag::table().create_statements() { conn.execute(&sql, [])?; }
/// Tag { name: "rust".into() }.insert(&conn)?;
/// assert_eq!(tag_names(&conn)?, ["rust"]);
/// # Ok(())
/// # }
/// ```
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
