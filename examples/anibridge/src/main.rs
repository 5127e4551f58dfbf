//! anibridge: a small download-job tracker whose database is migrated at
//! startup. `anibridge` runs the application; `anibridge db <command>` is the
//! migration command line (`anibridge db --help`). The database is the file
//! named by `ANIBRIDGE_DB`, else `anibridge.db` in the working directory, for
//! both.

use std::process::ExitCode;

use anibridge::models::{ClientTask, EpisodeAvailability, Job};
use anibridge::{MIGRATIONS, database};
use stillroom::Model;

const USAGE: &str = "usage: anibridge [db <command>]

  anibridge             run the application (migrates its database first)
  anibridge db --help   the migration commands (revision, upgrade, history, ...)

The database is the file named by ANIBRIDGE_DB, else anibridge.db.";

fn main() -> ExitCode {
    // `anibridge db <command>`: stillroom's command line, then exit.
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
    let path = database();
    let conn = stillroom::open(&path)?;
    let report = stillroom::migrate(&conn)?;
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
        (None, false) => println!("migrated {path}: applied {}", report.ran.join(", ")),
        (None, true) => println!("database {path} is up to date, nothing to migrate"),
    }

    let interrupted = fail_interrupted_jobs(&conn)?;
    if interrupted > 0 {
        println!("marked {interrupted} job(s) left running by the previous process as failed");
    }
    let run = Job::count(&conn)? / 2 + 1;
    let episode = i64::try_from(run).unwrap_or(i64::MAX);

    // A download that completes.
    let mut done = new_job(&conn, &format!("job-{run}-a"), 1)?;
    for step in 1..=4 {
        done.progress = f64::from(step) / 4.0;
        done.downloaded_bytes = 250_000 * i64::from(step);
        done.status = if step == 4 {
            "completed"
        } else {
            "downloading"
        }
        .into();
        done.updated_at = now(&conn)?;
        done.update(&conn)?;
    }
    done.result_path = Some(format!("/downloads/frieren/S01E{episode:02}.mkv"));
    done.update(&conn)?;

    // A download still running when this process stops: the next start
    // marks it failed.
    let mut running = new_job(&conn, &format!("job-{run}-b"), 0)?;
    running.status = "downloading".into();
    running.update(&conn)?;

    for site in ["aniworld.to", "s.to"] {
        EpisodeAvailability {
            slug: "frieren".into(),
            season: 1,
            episode,
            language: "German Dub".into(),
            site: site.into(),
            available: true,
            height: Some(1080),
            codec: Some("h264".into()),
            provider: Some("VOE".into()),
            checked_at: now(&conn)?,
            extra: Some(serde_json::json!({ "run": run })),
        }
        .upsert(&conn)?;
    }
    ClientTask {
        hash: format!("{:040x}", run),
        title: format!("Frieren S01E{episode:02} German Dub 1080p"),
        slug: "frieren".into(),
        season: 1,
        episode,
        language: "German Dub".into(),
        job_id: Some(done.id.clone()),
        state: "completed".into(),
        created_at: now(&conn)?,
        updated_at: now(&conn)?,
    }
    .upsert(&conn)?;

    print_status(&conn)
}

/// Jobs a previous process left running cannot still be running: mark them
/// failed, as the service does on restart.
fn fail_interrupted_jobs(conn: &rusqlite::Connection) -> stillroom::Result<usize> {
    let stale = Job::select(
        conn,
        "status IN ('queued', 'downloading') ORDER BY created_at",
        [],
    )?;
    for mut job in stale.iter().cloned() {
        job.status = "failed".into();
        job.message = Some("interrupted: the previous process stopped while it ran".into());
        job.updated_at = now(conn)?;
        job.update(conn)?;
    }
    Ok(stale.len())
}

fn new_job(conn: &rusqlite::Connection, id: &str, priority: i64) -> stillroom::Result<Job> {
    let at = now(conn)?;
    let job = Job {
        id: id.into(),
        status: "queued".into(),
        progress: 0.0,
        downloaded_bytes: 0,
        priority,
        total_bytes: Some(1_000_000),
        message: None,
        result_path: None,
        created_at: at.clone(),
        updated_at: at,
    };
    job.insert(conn)?;
    Ok(job)
}

fn print_status(conn: &rusqlite::Connection) -> stillroom::Result<()> {
    let status = stillroom::Migrator::new(MIGRATIONS.history()?).status(conn)?;
    println!("revision: {}", status.current.as_deref().unwrap_or("base"));
    for state in ["completed", "downloading", "failed"] {
        println!(
            "  jobs {state:<12} {}",
            Job::count_where(conn, "status = ?1", [state])?
        );
    }
    println!(
        "  availability rows     {}",
        EpisodeAvailability::count(conn)?
    );
    println!("  client tasks          {}", ClientTask::count(conn)?);
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
        stillroom::check(anibridge::MIGRATIONS.dir(), stillroom::registry()?)
    }
}
