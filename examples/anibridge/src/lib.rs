//! anibridge's models and migrations, shared by its binary, its tests and
//! the documentation's worked example.

pub mod app;
pub mod models;

/// The migrations in `migrations/`, embedded at compile time.
pub static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();

/// The migrations in `migrations_postgres/`: the same models' history,
/// written for PostgreSQL.
#[cfg(feature = "postgres")]
pub static POSTGRES_MIGRATIONS: stillroom::Migrations =
    stillroom::embed_migrations!("migrations_postgres");

/// The PostgreSQL server to run on: `ANIBRIDGE_DATABASE_URL`, when set
/// (`postgres://user@host/database`).
pub fn database_url() -> Option<String> {
    std::env::var("ANIBRIDGE_DATABASE_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// The database file: `ANIBRIDGE_DB`, else `anibridge.db` in the working
/// directory.
pub fn database() -> String {
    std::env::var("ANIBRIDGE_DB")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "anibridge.db".to_owned())
}
