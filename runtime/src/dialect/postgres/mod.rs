//! PostgreSQL: the same models, migration files and guarantees on a
//! PostgreSQL server, for an application that outgrows one SQLite file.
//!
//! Behind the feature `postgres`, on the sync [`postgres`](https://docs.rs/postgres)
//! client, so the calls keep the SQLite side's shape: [`migrate`] at
//! startup, [`generate`] and [`check`] while developing, a [`Migrator`] for
//! the rest. A history is written for one database (`-- dialect: postgres`
//! in each file's header): generate one for PostgreSQL from the models.
//!
//! What PostgreSQL does differently, and what stillroom does with it:
//!
//! - **Types.** Each column's type comes from its Rust type: `bool` is
//!   `BOOLEAN`, `i64` `BIGINT`, `f64` `DOUBLE PRECISION`, `Vec<u8>` `BYTEA`,
//!   chrono's and time's dates and times `DATE`, `TIME`, `TIMESTAMP` and
//!   `TIMESTAMPTZ`, `uuid::Uuid` `UUID`, `serde_json::Value` `JSONB`
//!   ([`Kind`](crate::Kind)). An `autoincrement` key is an identity column.
//! - **Changes in place.** What SQLite rebuilds, PostgreSQL alters: a type
//!   (`USING` a cast), a default, NOT NULL (NULLs filled with the default
//!   first), keys, foreign keys and checks, each by its constraint's name.
//! - **One transaction, one lock.** Every pending revision runs in one
//!   transaction (PostgreSQL's DDL is transactional) after
//!   `pg_advisory_xact_lock`, so processes starting together serialise and
//!   a failure leaves the database as it was.
//! - **Checks keep their spelling.** PostgreSQL stores a CHECK rewritten;
//!   stillroom comments each one it creates with the model's text, so a
//!   comparison sees the model's expression.
//!
//! ```no_run
//! static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!("migrations");
//!
//! fn main() -> stillroom::Result<()> {
//!     let mut client = stillroom::postgres::connect("postgres://app@localhost/app")?;
//!     stillroom::postgres::migrate(&mut client)?;
//!     Ok(())
//! }
//! ```

mod adopt;
mod apply;
mod backend;
mod copy;
mod generate;
mod introspect;
mod ledger;
pub(crate) mod lexer;
mod render;
mod rows;
pub(crate) mod step;
mod team;
mod types;

pub use self::apply::{Migrator, migrate};
pub use self::copy::{Copied, copy_from_sqlite};
pub use self::generate::{check, differences, generate, inspect};
pub use self::rows::Rows;
pub use self::step::{Step, StepFn};
pub use self::team::{merge, squash};
/// The `postgres` client's connection, as these functions take it (the
/// same crate and version your application uses through stillroom).
pub use postgres::Client;

/// Connects to `url` (`postgres://user:password@host:port/database`, or
/// the key=value form), without TLS.
///
/// ```no_run
/// let mut client = stillroom::postgres::connect("host=127.0.0.1 user=postgres dbname=app")?;
/// # Ok::<(), stillroom::Error>(())
/// ```
pub fn connect(url: &str) -> crate::Result<postgres::Client> {
    let config: postgres::Config = url.parse().map_err(|e| crate::Error::PostgresConnect {
        server: "(a connection string that does not parse)".into(),
        reason: causes(&e),
    })?;
    config
        .connect(postgres::NoTls)
        .map_err(|e| crate::Error::PostgresConnect {
            server: server(&config),
            reason: causes(&e),
        })
}

/// `user@host:port/database`, as `config` names them (never the password).
fn server(config: &postgres::Config) -> String {
    use postgres::config::Host;
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    format!(
        "{}@{}:{}/{}",
        config.get_user().unwrap_or("(default user)"),
        if hosts.is_empty() {
            "localhost".to_owned()
        } else {
            hosts.join(",")
        },
        if ports.is_empty() {
            "5432".to_owned()
        } else {
            ports.join(",")
        },
        config.get_dbname().unwrap_or("(default database)")
    )
}

/// An error and the errors that caused it, outermost first.
fn causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

/// The client's error in words: PostgreSQL's message, with its detail and
/// hint when it gives them.
pub(crate) fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut out = format!("PostgreSQL: {}", db.message());
            if let Some(detail) = db.detail() {
                out.push_str(&format!(" ({detail})"));
            }
            if let Some(hint) = db.hint() {
                out.push_str(&format!("; hint: {hint}"));
            }
            out
        }
        None => format!("PostgreSQL: {e}"),
    }
}

/// A statement of a migration that PostgreSQL refused: where it is, and
/// PostgreSQL's words.
#[derive(Debug, thiserror::Error)]
#[error("revision `{revision}` failed at {}:{line}: {message}\n  SQL: {sql}", path.display())]
pub struct PgStatementError {
    /// The revision.
    pub revision: String,
    /// Its file.
    pub path: std::path::PathBuf,
    /// The 1-based line where the statement starts.
    pub line: usize,
    /// The statement.
    pub sql: String,
    /// PostgreSQL's message (with its detail and hint).
    pub message: String,
    /// PostgreSQL's SQLSTATE code (`23505` for a unique violation).
    pub code: Option<String>,
}
