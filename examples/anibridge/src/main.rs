//! anibridge: a small download-job tracker whose database is migrated at
//! startup. `anibridge` runs the application; `anibridge db <command>` is the
//! migration command line (`anibridge db --help`). The database is the file
//! named by `ANIBRIDGE_DB`, else `anibridge.db` in the working directory, for
//! both; built with the feature `postgres`, it is the PostgreSQL server at
//! `ANIBRIDGE_DATABASE_URL` when that is set (with the migrations in
//! `migrations_postgres/`).

use std::process::ExitCode;

use anibridge::app::{self, Db};
use anibridge::{MIGRATIONS, database};

const USAGE: &str = "usage: anibridge [db <command>]

  anibridge             run the application (migrates its database first)
  anibridge db --help   the migration commands (revision, upgrade, history, ...)

The database is the file named by ANIBRIDGE_DB, else anibridge.db; built
with the feature `postgres`, the server at ANIBRIDGE_DATABASE_URL when set.";

fn main() -> ExitCode {
    // `anibridge db <command>`: stillroom's command line, then exit.
    #[cfg(feature = "postgres")]
    if let Some(url) = anibridge::database_url() {
        stillroom::cli::Cli::new(&anibridge::POSTGRES_MIGRATIONS)
            .default_database(url)
            .version(env!("CARGO_PKG_VERSION"))
            .dispatch();
    }
    stillroom::cli::Cli::new(&MIGRATIONS)
        .default_database(database())
        .version(env!("CARGO_PKG_VERSION"))
        .dispatch();
    match std::env::args().nth(1).as_deref() {
        None => {}
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some("-V" | "--version") => {
            println!("anibridge {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("unknown argument `{other}`\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> stillroom::Result<()> {
    #[cfg(feature = "postgres")]
    if let Some(url) = anibridge::database_url() {
        return run_on_postgres(&url);
    }
    let path = database();
    let conn = stillroom::open(&path)?;
    // `stillroom::migrate(&conn)` with one set of migrations; this program
    // embeds two with its `postgres` feature, so it names the SQLite one.
    let history = MIGRATIONS.history()?;
    let report = stillroom::Migrator::new(history).migrate(&conn)?;
    print_report(
        &report,
        &format!("migrated {path}"),
        &format!("database {path}"),
    );
    let status = stillroom::Migrator::new(history).status(&conn)?;
    println!("revision: {}", status.current.as_deref().unwrap_or("base"));
    app::work(&mut Db::Sqlite(conn))
}

/// The same application on a PostgreSQL server, with the migrations written
/// for it.
#[cfg(feature = "postgres")]
fn run_on_postgres(url: &str) -> stillroom::Result<()> {
    use stillroom::postgres::{Migrator, connect};
    let mut client = connect(url)?;
    let history = anibridge::POSTGRES_MIGRATIONS.history()?;
    let report = Migrator::new(history).migrate(&mut client)?;
    print_report(
        &report,
        "migrated the PostgreSQL database",
        "the PostgreSQL database",
    );
    println!("revision: {}", report.current.as_deref().unwrap_or("base"));
    app::work(&mut Db::Postgres(client))
}

/// What the start did: `migrated` names the database in "migrated ...:
/// applied ...", `database` in "... is up to date".
fn print_report(report: &stillroom::Report, migrated: &str, database: &str) {
    match (&report.adopted, report.ran.is_empty()) {
        (Some(adoption), _) => println!(
            "adopted the existing database at {} ({} conversion{}); applied {:?}",
            adoption.revision,
            adoption.differences.len(),
            if adoption.differences.len() == 1 {
                ""
            } else {
                "s"
            },
            report.ran
        ),
        (None, false) => println!("{migrated}: applied {}", report.ran.join(", ")),
        (None, true) => println!("database {database} is up to date, nothing to migrate"),
    }
}

#[cfg(test)]
mod tests {
    /// The CI gate: fails when a model changed and no migration was generated.
    #[test]
    fn migrations_match_the_models() -> stillroom::Result<()> {
        stillroom::check(anibridge::MIGRATIONS.dir(), stillroom::registry()?)
    }
}
