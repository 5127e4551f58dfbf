//! Schema and migrations for SQLite, declared in Rust.
//!
//! `#[derive(Model)]` on a struct declares a table; every model lands in one
//! global registry ([`registry`]). From changes to the models, stillroom
//! writes reviewable `.sql` migration files ([`generate`]); the application
//! embeds them ([`embed_migrations!`]) and applies what is pending when it
//! starts ([`migrate`]), atomically and under SQLite's write lock, then
//! checks that the live database matches the models. A database made before
//! stillroom is adopted; one made by hand or another tool can be described by
//! models written for it ([`inspect`]).
//!
//! # The workflow
//!
//! **1. Declare the models.** Each field is a column; its Rust type gives the
//! SQL type ([`ColumnType`]), `Option<T>` a nullable one. The derive also
//! gives typed CRUD ([`Model`]).
//!
//! ```
//! use stillroom::Model;
//!
//! #[derive(Model, Debug, PartialEq)]
//! #[model(table = "jobs")]
//! struct Job {
//!     #[model(primary_key)]
//!     id: String,
//!     #[model(default = "'queued'", index)]
//!     status: String,
//!     progress: f64,
//!     message: Option<String>,
//! }
//! # let _ = Job::table();
//! ```
//!
//! **2. Generate a migration** from your application's binary, which links
//! the models: `cargo run -- db revision --autogenerate -m "add jobs"`
//! ([`cli::Cli::dispatch`] puts the `db` commands in it). It writes
//! `migrations/0001_add_jobs.sql`, having tried its up and down parts on a
//! copy of the schema; a drop or any other loss of data is refused unless
//! allowed, and a column that disappears while another appears is refused
//! as an ambiguous rename ([`Refused`]).
//!
//! **3. Review it** in the pull request like any code: plain SQL, a small
//! header (revision, parent, what it loses), an up part and a down part. A
//! test keeps the migrations honest in CI ([`check`]):
//!
//! ```no_run
//! static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();
//!
//! #[test]
//! fn migrations_match_the_models() -> stillroom::Result<()> {
//!     stillroom::check(MIGRATIONS.dir(), stillroom::registry()?)
//! }
//! ```
//!
//! **4. Migrate at startup.** [`migrate`] takes the write lock, applies every
//! pending revision in one transaction (table rebuilds with foreign keys off
//! and checked before commit), and verifies the schema; on an up-to-date
//! database it costs about one read of the ledger. Several processes
//! starting at once: one applies, the others wait and find nothing to do.
//!
//! ```
//! # fn main() -> stillroom::Result<()> {
//! # #[derive(stillroom::Model)] #[model(table = "jobs")] struct Job { #[model(primary_key)] id: String, status: String }
//! # let dir = std::env::temp_dir().join(format!("stillroom-crate-doc-{}", std::process::id()));
//! # let schema = stillroom::ModelSet::new().with::<Job>().build()?;
//! # stillroom::generate(&dir, &schema, "add jobs", Default::default())?;
//! # let history = stillroom::History::read(&dir)?;
//! let conn = stillroom::open(dir.join("app.db"))?; // WAL, foreign keys, busy timeout
//! // `stillroom::migrate(&conn)?` with the embedded set and the registry;
//! // here, an explicit history and model set:
//! let report = stillroom::Migrator::new(&history).schema(&schema).migrate(&conn)?;
//! assert_eq!(report.ran, ["0001_add_jobs"]);
//! # drop(conn); std::fs::remove_dir_all(&dir).ok();
//! # Ok(())
//! # }
//! ```
//!
//! **5. Inspect and repair** with the same commands: `db history`,
//! `db current`, `db verify`, `db downgrade -1`, `db upgrade --sql` (the
//! script, for a DBA), `db stamp`, `db adopt` ([`Migrator`]).
//!
//! # Guides
//!
//! The user guides are part of these docs: [`guide::database`] (models,
//! types, CRUD, startup, errors), [`guide::migrations`] (the workflow,
//! adoption, teams, deploying) and [`guide::example_new_model`] (a worked
//! example). For pools and async applications (r2d2, deadpool, tokio),
//! see the section on them in [`guide::database`].
//!
//! # Features
//!
//! | feature | default | what |
//! |---|---|---|
//! | `cli` | yes | [`cli`]: the `db` command line an application runs from its own binary |
//! | `bundled` | yes | SQLite compiled in (rusqlite's `bundled`); without it, the system's libsqlite3 |
//! | `chrono`, `time`, `uuid`, `serde_json` | no | fields of those crates' types ([`ColumnType`]) |
//!
//! stillroom works with rusqlite 0.40 to 0.43 (so it sits beside r2d2_sqlite,
//! deadpool-sqlite and tokio-rusqlite) and re-exports the one in use as
//! [`rusqlite`].

#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

// The derive names `::stillroom::...`; this lets the crate's own tests use it.
extern crate self as stillroom;

#[cfg(feature = "cli")]
pub mod cli;

/// The user guides, from the repository's `docs/` (on docs.rs and in
/// `cargo doc`). Their examples are tested where they are kept (the
/// repository's doc tests), not a second time here.
#[cfg(all(doc, not(doctest)))]
pub mod guide {
    #[doc = include_str!("../guide/DATABASE.md")]
    pub mod database {}
    #[doc = include_str!("../guide/MIGRATIONS.md")]
    pub mod migrations {}
    #[doc = include_str!("../guide/EXAMPLE_NEW_MODEL.md")]
    pub mod example_new_model {}
}
// The pipeline's stages, in order, then what differs between databases.
mod apply; // a live database: lock, run, record (the ledger), Rust steps, adopt
mod autogenerate; // two schemas -> operations -> a tried, written migration
mod dialect; // SQLite's and PostgreSQL's own: DDL, introspection, lexing, connections
mod error;
mod history; // migration files: read, ordered, embedded, replayed, merged
mod inspect; // a live database -> model source (the way in for existing databases)
mod model; // Rust models -> schema values; CRUD
mod schema; // the values every stage shares: no SQL text, no connection
mod verify; // a live database against the models

pub use apply::ledger::Applied;
pub use apply::step::{Record, Step, StepError, StepFn, StepMarker, StepResult, Steps, Writer};
pub use apply::{
    Adoption, Event, LOCK_TIMEOUT, Migrator, Misfit, Progress, Report, Status, Target, migrate,
};
pub use autogenerate::diff::{Diff, DiffOptions, Refused, diff};
pub use autogenerate::ops::{Op, Rebuild};
pub use autogenerate::{
    GenerateOptions, Generated, check, empty_revision, generate, step_revision,
};
pub use dialect::Dialect;
#[cfg(feature = "postgres")]
pub use dialect::postgres;
pub use dialect::sqlite::connection::{BUSY_TIMEOUT, STATEMENT_CACHE_CAPACITY, configure, open};
pub use dialect::sqlite::introspect::{LiveSchema, SchemaObject, introspect};
pub use dialect::sqlite::render::{Rendered, render};
pub use error::{Error, QueryError, Result, StatementError};
pub use history::embedded::{Migrations, checksum};
pub use history::replay::{Direction, Replayed, replay};
pub use history::team::{Lines, MergeOptions, Merged, Moved, Squashed, lines, merge, squash};
pub use history::{History, Migration};
pub use inspect::{inspect, models_source};
pub use model::column_type::{ColumnType, ValueCheck};
pub use model::registry::{ModelInfo, ModelSet, registered_models, registry};
pub use model::{AutoIncrement, Inserter, Model};
/// The rusqlite stillroom is built on, re-exported so that an application
/// names one version of it (`use stillroom::rusqlite::Connection;`).
pub use rusqlite;
pub use schema::{
    Action, Column, ForeignKey, Index, Kind, PrimaryKey, Problem, Schema, SchemaError, SqlType,
    Table, quote_ident, quote_literal,
};
/// Derives [`Model`](trait@Model) for a struct with named fields: one table,
/// one column per field, typed CRUD, and an entry in the global
/// [`registry`].
///
/// Each field's type maps to SQLite through [`ColumnType`]; an `Option<T>`
/// field is nullable, every other field is `NOT NULL`.
///
/// # Struct attributes
///
/// | attribute | meaning |
/// |---|---|
/// | `table = "jobs"` | the table's name (default: the struct's name in snake_case) |
/// | `strict = false` | a plain table instead of a `STRICT` one (the default is STRICT) |
/// | `renamed_from = "old_name"` | the table used to be called `old_name`: the migration generator renames it, keeping its rows |
/// | `primary_key(a, b)` | a composite primary key, in this order |
/// | `index(a, b)`, `unique(a, b)` | a multi-column index or unique index; `name = "..."` overrides the default name |
/// | `foreign_key(a, b, references = "t(x, y)", on_delete = "cascade", on_update = "...")` | a composite foreign key |
/// | `check = "start <= finish"` | a table CHECK constraint |
/// | `crate = path` | where the `stillroom` crate is, when it is re-exported |
///
/// # Field attributes
///
/// | attribute | meaning |
/// |---|---|
/// | `primary_key` | the field is the key (several fields: a composite key in field order) |
/// | `autoincrement` | with `primary_key` on an `i64`: SQLite picks new keys and never reuses one ([`AutoIncrement`]) |
/// | `column = "name"` | the column's name (default: the field's name) |
/// | `sql_type = "TEXT"` | the declared type, instead of the one [`ColumnType`] gives |
/// | `unique` | a unique index on the column, named `uq_<table>_<column>` |
/// | `index` | an index on the column, named `ix_<table>_<column>` |
/// | `default = "'queued'"` | the column's DEFAULT: an SQL literal (`0`, `'text'`, `NULL`, `CURRENT_TIMESTAMP`) or an expression in parentheses |
/// | `check = "progress >= 0"` | a CHECK constraint on the column |
/// | `references = "jobs(id)"` | a foreign key, with optional `on_delete` / `on_update` = `"cascade"`, `"set null"`, `"set default"`, `"restrict"`, `"no action"` |
/// | `renamed_from = "old_name"` | the column used to be called `old_name`: the migration generator renames it, keeping its values |
/// | `skip` | not stored; read back as `Default::default()` |
///
/// Every misuse is a compile error pointing at the offending token, and all
/// of a struct's mistakes are reported in one compile.
///
/// ```
/// use stillroom::Model;
///
/// #[derive(Model)]
/// #[model(table = "episode_availability", primary_key(slug, season, episode))]
/// #[model(index(slug, season))]
/// struct EpisodeAvailability {
///     slug: String,
///     season: i64,
///     episode: i64,
///     available: bool,
///     #[model(index)]
///     checked_at: String,
///     codec: Option<String>,
/// }
///
/// #[derive(Model)]
/// #[model(table = "client_tasks")]
/// struct ClientTask {
///     #[model(primary_key)]
///     hash: String,
///     #[model(references = "jobs(id)", on_delete = "set null")]
///     job_id: Option<String>,
///     #[model(default = "'pending'", renamed_from = "status")]
///     state: String,
///     #[model(skip)]
///     cached_label: String,
/// }
///
/// let t = EpisodeAvailability::table();
/// assert_eq!(t.primary_key.columns, ["slug", "season", "episode"]);
/// assert_eq!(t.indexes[0].name, "ix_episode_availability_checked_at");
/// assert_eq!(ClientTask::table().columns.len(), 3);
/// ```
pub use stillroom_macros::Model;
pub use verify::compare::{Against, Difference, compare};
pub use verify::{Verification, differences};

/// Embeds the migration files of a directory in the binary and registers
/// them as the application's default set, used by [`migrate`].
///
/// The directory defaults to `migrations/` beside the calling crate's
/// `Cargo.toml`; another may be given relative to it:
/// `embed_migrations!("db/migrations")`. A missing directory is an empty set.
///
/// Cargo rebuilds the crate when an embedded file changes. It cannot know
/// that a file was *added*: add a build script so a new migration is never
/// left out of the binary (the stale-binary trap):
///
/// ```text
/// // build.rs
/// fn main() {
///     println!("cargo:rerun-if-changed=migrations");
/// }
/// ```
///
/// ```
/// static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();
///
/// // Here (this crate has no migrations directory) the set is empty.
/// assert!(MIGRATIONS.is_empty());
/// ```
pub use stillroom_macros::embed_migrations;

/// Registers a function as a Rust step: a data migration written in Rust,
/// run where a revision's file has the line `-- rust: NAME`, inside the
/// same transaction as the revision's SQL.
///
/// The step's name is the function's, or `name = "..."`; `crate = path`
/// names stillroom where it is re-exported. The function takes the
/// [`Step`] and returns a [`StepResult`]; an error (or a panic) rolls the
/// whole upgrade back. `db revision --rust NAME` writes the marker and
/// prints this skeleton:
///
/// ```
/// use stillroom::{Step, StepResult};
///
/// /// Each job's comma-separated `tags` into rows of `tag`.
/// #[stillroom::step]
/// fn move_tags(step: &mut Step<'_>) -> StepResult {
///     let mut tags = step.insert("tag", &["job_id", "label"])?;
///     step.for_each("SELECT id, tags FROM job WHERE tags <> ''", [], |job| {
///         let id: i64 = job.get("id")?;
///         for label in job.get::<String>("tags")?.split(',') {
///             tags.row((id, label.trim()))?;
///         }
///         Ok(())
///     })
/// }
/// # fn main() {}
/// ```
///
/// A step reads and writes the tables as they are at its revision, not
/// through the application's models (which describe the latest schema):
/// see [`Step`]. The step also runs when the history is replayed in memory
/// (`generate`, `check`, `merge`, `squash`), on the schema without rows
/// ([`Step::replaying`]).
///
/// `#[stillroom::step(postgres)]` registers a step for a PostgreSQL history
/// instead (feature `postgres`): the function takes
/// `&mut stillroom::postgres::Step<'_>`, which runs statements on the
/// migration's transaction with the `postgres` crate's parameters. A
/// PostgreSQL replay passes over steps.
pub use stillroom_macros::step;

/// What the fuzz targets in `fuzz/` call besides the public API. Not a
/// public API.
#[doc(hidden)]
#[path = "fuzzing.rs"]
pub mod __fuzz;

/// What the derive's generated code uses. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::apply::step::{RegisteredStep, step_fn};
    #[cfg(feature = "postgres")]
    pub use crate::dialect::postgres::step::{
        RegisteredStep as RegisteredPostgresStep, step_fn as postgres_step_fn,
    };
    pub use crate::history::embedded::{DefaultMigrations, EmbeddedFile};
    pub use crate::model::Statements;
    pub use crate::model::registry::ModelEntry;
    pub use inventory;
    pub use rusqlite;
    pub use std::sync::{LazyLock, OnceLock};

    use crate::{Column, ColumnType};

    /// Everything the derive does with a field's type, behind one trait
    /// implemented for every `ColumnType`, so an unsupported type gives one
    /// error (naming `ColumnType`), not one per use.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be stored in a stillroom model column",
        label = "`{Self}` does not implement `stillroom::ColumnType`",
        note = "implement `stillroom::ColumnType` (with rusqlite's `ToSql` and `FromSql`) for it, enable the stillroom feature for its crate (`chrono`, `time`, `uuid`, `serde_json`), or mark the field `#[model(skip)]`",
        note = "`u64`, `usize`, `u128` and `i128` cannot be stored losslessly in SQLite's 64-bit signed INTEGER: use `i64`"
    )]
    pub trait Field: Sized {
        /// The column a field of this type gives, before its attributes apply.
        fn column(name: &str) -> Column;
        /// A hash of what `column` takes from the type (its `ColumnType`
        /// constants), computed at compile time, for the registry's
        /// fingerprint.
        const PRINT: u128;
        /// Binds a field's value.
        fn bind(&self, stmt: &mut rusqlite::Statement<'_>, index: usize) -> rusqlite::Result<()>;
        /// Reads a field's value from a row.
        fn read<I: rusqlite::RowIndex>(row: &rusqlite::Row<'_>, index: I)
        -> rusqlite::Result<Self>;
        /// Whether the type can hold NULL.
        const NULLABLE: bool;
    }

    impl<T: ColumnType> Field for T {
        const PRINT: u128 = {
            let sql_type = T::SQL_TYPE;
            let print = crate::verify::type_print(&sql_type, T::NULLABLE, T::KIND, T::CHECK);
            // A constant `SqlType` holds no text to free; `forget` lets the
            // compiler see that no destructor runs here.
            std::mem::forget(sql_type);
            print
        };

        fn column(name: &str) -> Column {
            let mut column = Column::new(name, T::SQL_TYPE);
            column.nullable = T::NULLABLE;
            column.kind = T::KIND;
            column
                .checks
                .extend(T::CHECK.map(|check| check.render(name)));
            column
        }

        fn bind(&self, stmt: &mut rusqlite::Statement<'_>, index: usize) -> rusqlite::Result<()> {
            stmt.raw_bind_parameter(index, self)
        }

        fn read<I: rusqlite::RowIndex>(
            row: &rusqlite::Row<'_>,
            index: I,
        ) -> rusqlite::Result<Self> {
            row.get(index)
        }

        const NULLABLE: bool = <T as ColumnType>::NULLABLE;
    }

    /// Fails compilation when a key field's type can hold NULL.
    pub const fn assert_key_not_null<T: Field>() {
        assert!(
            !T::NULLABLE,
            "a primary key field cannot be an `Option`: keys must not be NULL"
        );
    }

    /// The type of an `autoincrement` key field.
    #[diagnostic::on_unimplemented(
        message = "an `autoincrement` key field must be an `i64`, not `{Self}`",
        label = "use `i64` here",
        note = "SQLite chooses AUTOINCREMENT keys as 64-bit signed integers"
    )]
    pub trait AutoIncrementKey {
        /// The key from the rowid SQLite chose.
        fn from_rowid(id: i64) -> Self;
    }

    impl AutoIncrementKey for i64 {
        fn from_rowid(id: i64) -> Self {
            id
        }
    }

    /// The type of a `skip` field, filled from `Default` when a row is read.
    #[diagnostic::on_unimplemented(
        message = "a `#[model(skip)]` field must implement `Default`, and `{Self}` does not",
        label = "rows are read with this field set to `Default::default()`",
        note = "implement or derive `Default` for `{Self}`, or store the field as a column"
    )]
    pub trait SkipDefault {
        /// The value a skipped field gets.
        fn skipped() -> Self;
    }

    impl<T: Default> SkipDefault for T {
        fn skipped() -> Self {
            T::default()
        }
    }
}
