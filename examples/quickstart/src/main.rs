//! The smallest stillroom application: two models, migrations generated
//! from them, a database migrated at startup, CRUD.
//!
//! - `cargo run -p quickstart`: opens `quickstart.db` (or `QUICKSTART_DB`),
//!   migrates it, adds a job. Run it twice: the second start has nothing to
//!   migrate and goes on counting.
//! - `cargo run -p quickstart -- generate "message"`: after changing a model,
//!   writes the next migration into `examples/quickstart/migrations/`.

use std::process::ExitCode;

use stillroom::{AutoIncrement, Model};

/// A download job.
#[derive(Model, Debug)]
#[model(table = "jobs")]
struct Job {
    #[model(primary_key)]
    id: String,
    #[model(default = "'queued'")]
    status: String,
    progress: f64,
    #[model(index)]
    created_at: String,
    message: Option<String>,
}

/// A line of a job's log; deleted with its job.
#[derive(Model, Debug)]
#[model(table = "job_events")]
struct JobEvent {
    #[model(primary_key, autoincrement)]
    id: i64,
    #[model(references = "jobs(id)", on_delete = "cascade", index)]
    job_id: String,
    text: String,
}

/// The migrations in `migrations/`, embedded at compile time.
static MIGRATIONS: stillroom::Migrations = stillroom::embed_migrations!();

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None => run(),
        Some("generate") => generate(args.get(1).map_or("change", String::as_str)),
        Some(other) => {
            eprintln!("unknown command `{other}`; usage: quickstart [generate MESSAGE]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> stillroom::Result<()> {
    let path = std::env::var("QUICKSTART_DB").unwrap_or_else(|_| "quickstart.db".into());
    let conn = stillroom::open(&path)?;
    let report = stillroom::migrate(&conn)?;
    if !report.ran.is_empty() {
        println!(
            "migrated {path} to {}",
            report.current.as_deref().unwrap_or("base")
        );
    }

    let started = Job::count(&conn)?;
    let job = Job {
        id: format!("job-{}", started + 1),
        status: "running".into(),
        progress: 0.0,
        created_at: now(&conn)?,
        message: None,
    };
    job.insert(&conn)?;
    let mut event = JobEvent {
        id: 0,
        job_id: job.id.clone(),
        text: "started".into(),
    };
    event.insert_new(&conn)?;

    let mut job = Job::get(&conn, job.id.as_str())?.ok_or(stillroom::Error::Sqlite(
        rusqlite::Error::QueryReturnedNoRows,
    ))?;
    job.progress = 1.0;
    job.status = "completed".into();
    job.update(&conn)?;

    let done = Job::count_where(&conn, "status = ?1", ["completed"])?;
    println!(
        "{path}: {} jobs ({done} completed), {} events",
        Job::count(&conn)?,
        JobEvent::count(&conn)?
    );
    for job in Job::select(&conn, "1 ORDER BY created_at DESC, id DESC LIMIT 3", [])? {
        println!("  {} {} {:.0}%", job.id, job.status, job.progress * 100.0);
    }
    Ok(())
}

/// Writes the migration that takes the stored migrations to the models.
fn generate(message: &str) -> stillroom::Result<()> {
    let dir = MIGRATIONS.dir();
    let options = stillroom::GenerateOptions::default();
    match stillroom::generate(dir, stillroom::registry()?, message, options)? {
        stillroom::Generated::NothingToDo => println!("the migrations already match the models"),
        stillroom::Generated::Written { path, ops, .. } => {
            println!("wrote {}", path.display());
            for op in ops {
                println!("  {op}");
            }
        }
    }
    Ok(())
}

fn now(conn: &rusqlite::Connection) -> stillroom::Result<String> {
    Ok(
        conn.query_row("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", [], |r| {
            r.get(0)
        })?,
    )
}

#[cfg(test)]
mod tests {
    /// The CI gate: fails when a model changed and no migration was generated.
    #[test]
    fn migrations_match_the_models() -> stillroom::Result<()> {
        stillroom::check(super::MIGRATIONS.dir(), stillroom::registry()?)
    }
}
