//! A Rust step over a million rows next to the same work in hand-written
//! rusqlite (one transaction, statements prepared once): the step's
//! helpers (`for_each`, `insert`, `update`) and the migration around them
//! should cost about nothing on top.
//!
//! Run: `cargo bench -p stillroom-tests --bench steps`. Prints the median of
//! several rounds, in milliseconds per million rows.

use std::path::Path;
use std::time::Instant;

use rusqlite::Connection;
use stillroom::{History, Migration, Migrator, Step, StepResult, Steps, Target, Verification};

const ROWS: i64 = 1_000_000;
const ROUNDS: usize = 5;

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const FIRST: &str = "-- stillroom migration
-- revision: 0001_jobs
-- parent: none
-- message: jobs

-- migrate:up
CREATE TABLE job (id INTEGER PRIMARY KEY, title TEXT NOT NULL) STRICT;
";

/// `job.slug`, computed in Rust from the title.
const SLUGS: &str = "-- stillroom migration
-- revision: 0002_slugs
-- parent: 0001_jobs
-- message: slugs

-- migrate:up
ALTER TABLE job ADD COLUMN slug TEXT;
-- rust: slugs
";

/// A new table with a row per job, computed in Rust.
const WORDS: &str = "-- stillroom migration
-- revision: 0002_slugs
-- parent: 0001_jobs
-- message: slugs

-- migrate:up
CREATE TABLE job_slug (job_id INTEGER NOT NULL PRIMARY KEY, slug TEXT NOT NULL) STRICT;
-- rust: slugs
";

fn slug(title: &str) -> String {
    title.to_ascii_lowercase().replace(' ', "-")
}

fn update_step(step: &mut Step<'_>) -> StepResult {
    let mut set = step.update("job", &["slug"], &["id"])?;
    step.for_each("SELECT id, title FROM job", [], |job| {
        let title: String = job.get("title")?;
        set.row((slug(&title), job.get::<i64>("id")?))?;
        Ok(())
    })
}

fn insert_step(step: &mut Step<'_>) -> StepResult {
    let mut add = step.insert("job_slug", &["job_id", "slug"])?;
    step.for_each("SELECT id, title FROM job", [], |job| {
        let title: String = job.get("title")?;
        add.row((job.get::<i64>("id")?, slug(&title)))?;
        Ok(())
    })
}

fn update_by_hand(conn: &Connection) -> Res<()> {
    conn.execute_batch("BEGIN IMMEDIATE; ALTER TABLE job ADD COLUMN slug TEXT;")?;
    {
        let mut read = conn.prepare("SELECT id, title FROM job")?;
        let mut write = conn.prepare("UPDATE job SET slug = ?1 WHERE id = ?2")?;
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let title: String = row.get(1)?;
            write.execute((slug(&title), id))?;
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(())
}

fn insert_by_hand(conn: &Connection) -> Res<()> {
    conn.execute_batch(
        "BEGIN IMMEDIATE; CREATE TABLE job_slug (job_id INTEGER NOT NULL PRIMARY KEY, slug TEXT NOT NULL) STRICT;",
    )?;
    {
        let mut read = conn.prepare("SELECT id, title FROM job")?;
        let mut write = conn.prepare("INSERT INTO job_slug (job_id, slug) VALUES (?1, ?2)")?;
        let mut rows = read.query([])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            let title: String = row.get(1)?;
            write.execute((id, slug(&title)))?;
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(())
}

/// A database at `0001_jobs` with a million jobs.
fn filled(first: &History) -> Res<Connection> {
    let conn = Connection::open_in_memory()?;
    Migrator::new(first)
        .verification(Verification::Off)
        .upgrade(&conn, &Target::Head)?;
    conn.execute_batch("BEGIN")?;
    {
        let mut add = conn.prepare("INSERT INTO job (id, title) VALUES (?1, ?2)")?;
        for i in 0..ROWS {
            add.execute((i, format!("Episode {i} of The Show")))?;
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(conn)
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() -> Res<()> {
    let first = Migration::parse(FIRST, Path::new("0001_jobs.sql"))?;
    let only_first = History {
        migrations: vec![first.clone()],
    };
    println!("{ROWS} rows, median of {ROUNDS} rounds, ms");
    println!("{:<34} {:>10} {:>13}", "work", "stillroom", "hand-written");
    for (label, text, step, by_hand) in [
        (
            "recompute a column (update)",
            SLUGS,
            update_step as fn(&mut Step<'_>) -> StepResult,
            update_by_hand as fn(&Connection) -> Res<()>,
        ),
        (
            "fill a new table (insert)",
            WORDS,
            insert_step,
            insert_by_hand,
        ),
    ] {
        let history = History {
            migrations: vec![
                first.clone(),
                Migration::parse(text, Path::new("0002_slugs.sql"))?,
            ],
        };
        let steps = Steps::new().add("slugs", step);
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            let conn = filled(&only_first)?;
            let start = Instant::now();
            Migrator::new(&history)
                .steps(&steps)
                .verification(Verification::Off)
                .migrate(&conn)?;
            ours.push(start.elapsed().as_secs_f64() * 1e3);

            let conn = filled(&only_first)?;
            let start = Instant::now();
            by_hand(&conn)?;
            theirs.push(start.elapsed().as_secs_f64() * 1e3);
        }
        println!(
            "{label:<34} {:>10.0} {:>13.0}",
            median(ours),
            median(theirs)
        );
    }
    Ok(())
}
