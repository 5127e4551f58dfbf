//! anibridge's models and migrations, shared by its binary, its tests and
//! the documentation's worked example.

pub mod models;

/// The migrations in `migrations/`, embedded at compile time.
pub static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();

/// The database file: `ANIBRIDGE_DB`, else `anibridge.db` in the working
/// directory.
pub fn database() -> String {
    std::env::var("ANIBRIDGE_DB")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "anibridge.db".to_owned())
}
