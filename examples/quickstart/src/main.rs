//! The smallest stillroom application: two models, a database file, CRUD.
//!
//! Run it with `cargo run -p quickstart`; the database is `quickstart.db` in
//! the working directory, or the path in `QUICKSTART_DB`. Run it twice: the
//! second start finds its tables and goes on counting.

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

fn main() -> ExitCode {
    match run() {
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
    create_missing_tables(&conn)?;

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

/// Creates the models' tables that the database lacks, in one transaction.
/// (The migration runner takes this job over once it lands: see
/// docs/ARCHITECTURE.md.)
fn create_missing_tables(conn: &rusqlite::Connection) -> stillroom::Result<()> {
    let schema = stillroom::registry()?;
    let tx = conn.unchecked_transaction()?;
    for table in schema.tables() {
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)",
            [&table.name],
            |r| r.get(0),
        )?;
        if !exists {
            for sql in table.create_statements() {
                tx.execute(&sql, [])?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

fn now(conn: &rusqlite::Connection) -> stillroom::Result<String> {
    Ok(
        conn.query_row("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", [], |r| {
            r.get(0)
        })?,
    )
}
