//! The application's work, on either database: a download that completes,
//! one left running (the next start marks it failed), availability and
//! client-task rows, and a status line per state. The SQL that differs (the
//! current time, parameters) is in [`Db`]'s methods; the rest is the
//! models' own CRUD.

use stillroom::Model;

use crate::models::{ClientTask, EpisodeAvailability, Job};

/// The database the application runs on.
pub enum Db {
    /// A SQLite file (`ANIBRIDGE_DB`).
    Sqlite(rusqlite::Connection),
    /// A PostgreSQL server (`ANIBRIDGE_DATABASE_URL`; feature `postgres`).
    #[cfg(feature = "postgres")]
    Postgres(stillroom::postgres::Client),
}

#[cfg(feature = "postgres")]
use stillroom::postgres::Rows as _;

impl Db {
    fn insert<M: Model>(&mut self, row: &M) -> stillroom::Result<()> {
        match self {
            Self::Sqlite(conn) => row.insert(conn),
            #[cfg(feature = "postgres")]
            Self::Postgres(client) => client.insert(row),
        }
    }

    fn update<M: Model>(&mut self, row: &M) -> stillroom::Result<bool> {
        match self {
            Self::Sqlite(conn) => row.update(conn),
            #[cfg(feature = "postgres")]
            Self::Postgres(client) => client.update(row),
        }
    }

    fn upsert<M: Model>(&mut self, row: &M) -> stillroom::Result<()> {
        match self {
            Self::Sqlite(conn) => row.upsert(conn),
            #[cfg(feature = "postgres")]
            Self::Postgres(client) => client.upsert(row),
        }
    }

    /// The rows matching `condition`, which has no parameters.
    fn select<M: Model>(&mut self, condition: &str) -> stillroom::Result<Vec<M>> {
        match self {
            Self::Sqlite(conn) => M::select(conn, condition, []),
            #[cfg(feature = "postgres")]
            Self::Postgres(client) => client.select(condition, &[]),
        }
    }

    fn count<M: Model>(&mut self) -> stillroom::Result<u64> {
        match self {
            Self::Sqlite(conn) => M::count(conn),
            #[cfg(feature = "postgres")]
            Self::Postgres(client) => client.count::<M>(),
        }
    }

    fn jobs_in(&mut self, status: &str) -> stillroom::Result<u64> {
        match self {
            Self::Sqlite(conn) => Job::count_where(conn, "status = ?1", [status]),
            #[cfg(feature = "postgres")]
            Self::Postgres(client) => client.count_where::<Job>("status = $1", &[&status]),
        }
    }

    /// The time now, in UTC, as the rows store it.
    fn now(&mut self) -> stillroom::Result<String> {
        match self {
            Self::Sqlite(conn) => Ok(conn.query_row(
                "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                [],
                |r| r.get(0),
            )?),
            #[cfg(feature = "postgres")]
            Self::Postgres(client) => Ok(client
                .query_one(
                    "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')",
                    &[],
                )?
                .get(0)),
        }
    }
}

/// One start's work, after migrating; prints what it did.
pub fn work(db: &mut Db) -> stillroom::Result<()> {
    let interrupted = fail_interrupted_jobs(db)?;
    if interrupted > 0 {
        println!("marked {interrupted} job(s) left running by the previous process as failed");
    }
    let run = db.count::<Job>()? / 2 + 1;
    let episode = i64::try_from(run).unwrap_or(i64::MAX);

    // A download that completes.
    let mut done = new_job(db, &format!("job-{run}-a"), 1)?;
    for step in 1..=4 {
        done.progress = f64::from(step) / 4.0;
        done.downloaded_bytes = 250_000 * i64::from(step);
        done.status = if step == 4 {
            "completed"
        } else {
            "downloading"
        }
        .into();
        done.updated_at = db.now()?;
        db.update(&done)?;
    }
    done.result_path = Some(format!("/downloads/frieren/S01E{episode:02}.mkv"));
    db.update(&done)?;

    // A download still running when this process stops: the next start
    // marks it failed.
    let mut running = new_job(db, &format!("job-{run}-b"), 0)?;
    running.status = "downloading".into();
    db.update(&running)?;

    for site in ["aniworld.to", "s.to"] {
        let availability = EpisodeAvailability {
            slug: "frieren".into(),
            season: 1,
            episode,
            language: "German Dub".into(),
            site: site.into(),
            available: true,
            height: Some(1080),
            codec: Some("h264".into()),
            provider: Some("VOE".into()),
            checked_at: db.now()?,
            extra: Some(serde_json::json!({ "run": run })),
        };
        db.upsert(&availability)?;
    }
    let task = ClientTask {
        hash: format!("{:040x}", run),
        title: format!("Frieren S01E{episode:02} German Dub 1080p"),
        slug: "frieren".into(),
        season: 1,
        episode,
        language: "German Dub".into(),
        job_id: Some(done.id.clone()),
        state: "completed".into(),
        created_at: db.now()?,
        updated_at: db.now()?,
    };
    db.upsert(&task)?;
    print_status(db)
}

/// Jobs a previous process left running cannot still be running: mark them
/// failed, as the service does on restart.
fn fail_interrupted_jobs(db: &mut Db) -> stillroom::Result<usize> {
    let stale: Vec<Job> = db.select("status IN ('queued', 'downloading') ORDER BY created_at")?;
    for mut job in stale.iter().cloned() {
        job.status = "failed".into();
        job.message = Some("interrupted: the previous process stopped while it ran".into());
        job.updated_at = db.now()?;
        db.update(&job)?;
    }
    Ok(stale.len())
}

fn new_job(db: &mut Db, id: &str, priority: i64) -> stillroom::Result<Job> {
    let at = db.now()?;
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
    db.insert(&job)?;
    Ok(job)
}

fn print_status(db: &mut Db) -> stillroom::Result<()> {
    for state in ["completed", "downloading", "failed"] {
        println!("  jobs {state:<12} {}", db.jobs_in(state)?);
    }
    println!(
        "  availability rows     {}",
        db.count::<EpisodeAvailability>()?
    );
    println!("  client tasks          {}", db.count::<ClientTask>()?);
    Ok(())
}
