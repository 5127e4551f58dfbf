//! A service's data layer on stillroom, used from the connection pools Rust
//! services already have: the tests run it with r2d2_sqlite, deadpool-sqlite
//! and tokio-rusqlite, each at its current version, beside the rusqlite they
//! need (stillroom accepts rusqlite 0.40 to 0.43; it re-exports the one in
//! use as `stillroom::rusqlite`).
//!
//! The pattern, whatever the pool: take one connection at startup and run
//! `stillroom::migrate` on it before serving (several processes starting at
//! once serialise on SQLite's write lock, one applies, the others wait); then
//! use pooled connections for CRUD. In async code every call that touches
//! SQLite runs on a blocking thread: deadpool's `interact`, tokio-rusqlite's
//! `call`, or `tokio::task::spawn_blocking`.

use stillroom::Model;

/// A download job.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "jobs")]
pub struct Job {
    #[model(primary_key)]
    pub id: String,
    #[model(default = "'queued'", index)]
    pub status: String,
    pub progress: f64,
}

/// A line of a job's log; deleted with its job.
#[derive(Model, Debug, Clone, PartialEq)]
#[model(table = "job_events")]
pub struct JobEvent {
    #[model(primary_key, autoincrement)]
    pub id: i64,
    #[model(references = "jobs(id)", on_delete = "cascade", index)]
    pub job_id: String,
    pub text: String,
}

/// The migrations in `migrations/`.
pub static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();

/// What a pooled connection is set up with, for pools that take an init
/// hook: foreign keys enforced, and a busy timeout (the pools open their
/// connections themselves, so `stillroom::open` does not).
pub const CONNECTION_INIT: &str = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";
