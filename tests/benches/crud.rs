//! CRUD through `#[derive(Model)]` next to the same work in hand-written
//! rusqlite (cached statements, bound values): the derive should cost about
//! nothing on top.
//!
//! Run: `cargo bench -p stillroom-tests --bench crud`. Prints the median of
//! several rounds, in nanoseconds per operation.

use std::hint::black_box;
use std::time::Instant;

use rusqlite::Connection;
use stillroom::Model;

#[derive(Model, Clone)]
#[model(table = "jobs")]
struct Job {
    #[model(primary_key)]
    id: String,
    status: String,
    progress: f64,
    downloaded: i64,
    message: Option<String>,
}

const ROWS: usize = 20_000;
const ROUNDS: usize = 7;

type Res = Result<(), Box<dyn std::error::Error>>;
type Bench = fn(&Connection, &[Job]) -> Res;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let jobs: Vec<Job> = (0..ROWS)
        .map(|i| Job {
            id: format!("job-{i:08}"),
            status: "queued".into(),
            progress: 0.0,
            downloaded: i as i64,
            message: (i % 2 == 0).then(|| "hello".into()),
        })
        .collect();
    let cases: [(&str, Bench, Bench); 4] = [
        ("insert", insert_stillroom, insert_by_hand),
        ("get by key", get_stillroom, get_by_hand),
        ("update by key", update_stillroom, update_by_hand),
        ("select 1,000 rows", select_stillroom, select_by_hand),
    ];
    println!("{ROWS} rows, median of {ROUNDS} rounds, ns per operation");
    println!(
        "{:<20} {:>12} {:>12}",
        "operation", "stillroom", "hand-written"
    );
    for (name, ours, theirs) in cases {
        let prefill = name != "insert";
        let a = median(&jobs, ours, prefill)?;
        let b = median(&jobs, theirs, prefill)?;
        println!("{name:<20} {a:>12.0} {b:>12.0}");
    }
    Ok(())
}

/// Each round gets a fresh in-memory database (filled first, except for the
/// insert case); the figure is the round's time over its operations.
fn median(jobs: &[Job], bench: Bench, prefill: bool) -> Result<f64, Box<dyn std::error::Error>> {
    let mut times = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let conn = Connection::open_in_memory()?;
        conn.set_prepared_statement_cache_capacity(64);
        for sql in Job::table().create_statements() {
            conn.execute(&sql, [])?;
        }
        if prefill {
            insert_by_hand(&conn, jobs)?;
        }
        let tx = conn.unchecked_transaction()?;
        let start = Instant::now();
        bench(&conn, jobs)?;
        times.push(start.elapsed().as_nanos() as f64 / jobs.len() as f64);
        tx.commit()?;
    }
    times.sort_by(f64::total_cmp);
    Ok(times[ROUNDS / 2])
}

fn insert_stillroom(conn: &Connection, jobs: &[Job]) -> Res {
    jobs.iter().try_for_each(|j| j.insert(conn))?;
    Ok(())
}

fn insert_by_hand(conn: &Connection, jobs: &[Job]) -> Res {
    for j in jobs {
        conn.prepare_cached(
            "INSERT INTO jobs (id, status, progress, downloaded, message) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(rusqlite::params![j.id, j.status, j.progress, j.downloaded, j.message])?;
    }
    Ok(())
}

fn get_stillroom(conn: &Connection, jobs: &[Job]) -> Res {
    for j in jobs {
        black_box(Job::get(conn, j.id.as_str())?);
    }
    Ok(())
}

fn get_by_hand(conn: &Connection, jobs: &[Job]) -> Res {
    for j in jobs {
        let mut stmt = conn.prepare_cached(
            "SELECT id, status, progress, downloaded, message FROM jobs WHERE id = ?1",
        )?;
        let found = stmt
            .query_row([&j.id], |r| {
                Ok(Job {
                    id: r.get(0)?,
                    status: r.get(1)?,
                    progress: r.get(2)?,
                    downloaded: r.get(3)?,
                    message: r.get(4)?,
                })
            })
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        black_box(found);
    }
    Ok(())
}

fn update_stillroom(conn: &Connection, jobs: &[Job]) -> Res {
    for j in jobs {
        let mut j = j.clone();
        j.progress = 0.5;
        black_box(j.update(conn)?);
    }
    Ok(())
}

fn update_by_hand(conn: &Connection, jobs: &[Job]) -> Res {
    for j in jobs {
        let mut j = j.clone();
        j.progress = 0.5;
        let n = conn
            .prepare_cached("UPDATE jobs SET status = ?2, progress = ?3, downloaded = ?4, message = ?5 WHERE id = ?1")?
            .execute(rusqlite::params![j.id, j.status, j.progress, j.downloaded, j.message])?;
        black_box(n);
    }
    Ok(())
}

/// One "operation" here is one selected row.
fn select_stillroom(conn: &Connection, jobs: &[Job]) -> Res {
    for chunk in jobs.chunks(1_000) {
        let rows = Job::select(conn, "id >= ?1 ORDER BY id LIMIT 1000", [&chunk[0].id])?;
        black_box(rows);
    }
    Ok(())
}

fn select_by_hand(conn: &Connection, jobs: &[Job]) -> Res {
    for chunk in jobs.chunks(1_000) {
        let mut stmt = conn.prepare_cached(
            "SELECT id, status, progress, downloaded, message FROM jobs WHERE id >= ?1 ORDER BY id LIMIT 1000",
        )?;
        let rows = stmt
            .query_map([&chunk[0].id], |r| {
                Ok(Job {
                    id: r.get(0)?,
                    status: r.get(1)?,
                    progress: r.get(2)?,
                    downloaded: r.get(3)?,
                    message: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        black_box(rows);
    }
    Ok(())
}
