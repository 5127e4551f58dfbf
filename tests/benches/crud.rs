//! CRUD through `#[derive(Model)]` next to the same work in hand-written
//! rusqlite (bound values): the derive should cost about nothing on top.
//!
//! Inserts are measured against the fastest hand-written loop, one prepared
//! statement held across all rows, and also (for the one-call-per-row
//! `insert`) against `prepare_cached` per row, the hand-written equivalent
//! of a call per row. Reads and updates, one call per row in both, are
//! measured against `prepare_cached` per call.
//!
//! Run: `cargo bench -p stillroom-tests --bench crud`. Each round runs every
//! case's two sides one after the other, alternating which goes first, so
//! that the machine's drift falls on both; it prints the median and the
//! spread (min–max) over the rounds, and the median and spread of the
//! per-round ratio.

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

/// Rows inserted into an empty table by each insert case.
const INSERT_ROWS: usize = 200_000;
/// Rows in the table, and operations, of the read and update cases.
const ROWS: usize = 20_000;
const ROUNDS: usize = 11;

const INSERT_SQL: &str =
    "INSERT INTO jobs (id, status, progress, downloaded, message) VALUES (?1, ?2, ?3, ?4, ?5)";

type Res = Result<(), Box<dyn std::error::Error>>;
type Bench = fn(&Connection, &[Job]) -> Res;

struct Case {
    name: &'static str,
    ours: Bench,
    theirs: Bench,
    /// The table holds `ROWS` rows before the case runs (else it is empty).
    prefill: bool,
    rows: usize,
}

fn main() -> Res {
    let jobs: Vec<Job> = (0..INSERT_ROWS)
        .map(|i| Job {
            id: format!("job-{i:08}"),
            status: "queued".into(),
            progress: 0.0,
            downloaded: i as i64,
            message: (i % 2 == 0).then(|| "hello".into()),
        })
        .collect();
    let insert = |name, ours, theirs| Case {
        name,
        ours,
        theirs,
        prefill: false,
        rows: INSERT_ROWS,
    };
    let read = |name, ours, theirs| Case {
        name,
        ours,
        theirs,
        prefill: true,
        rows: ROWS,
    };
    let cases = [
        insert("insert_all", insert_all, insert_by_hand),
        insert("inserter", insert_inserter, insert_by_hand),
        insert("insert, one call a row", insert_each, insert_by_hand),
        insert(
            "insert, one call a row (vs prepare_cached a row)",
            insert_each,
            insert_by_hand_cached,
        ),
        read("get by key", get_stillroom, get_by_hand),
        read("update by key", update_stillroom, update_by_hand),
        read(
            "select 1,000 rows (per row)",
            select_stillroom,
            select_by_hand,
        ),
    ];

    let mut times = vec![(Vec::new(), Vec::new()); cases.len()];
    for round in 0..ROUNDS {
        for (case, (ours, theirs)) in cases.iter().zip(&mut times) {
            let rows = &jobs[..case.rows];
            if round % 2 == 0 {
                ours.push(measure(rows, case.ours, case.prefill)?);
                theirs.push(measure(rows, case.theirs, case.prefill)?);
            } else {
                theirs.push(measure(rows, case.theirs, case.prefill)?);
                ours.push(measure(rows, case.ours, case.prefill)?);
            }
        }
    }

    println!("{ROUNDS} rounds, each side of a case alternately first; median (min–max)");
    println!();
    println!(
        "{INSERT_ROWS} rows inserted into an empty table, in one transaction, ms; hand-written: one prepared statement held across rows, unless said"
    );
    print_header();
    for (case, (ours, theirs)) in cases.iter().zip(&times) {
        if !case.prefill {
            print_row(case.name, ours, theirs, |ns| ns / 1e6);
        }
    }
    println!();
    println!("{ROWS} rows, ns per operation; hand-written: prepare_cached per call");
    print_header();
    for (case, (ours, theirs)) in cases.iter().zip(&times) {
        if case.prefill {
            let per_op = case.rows as f64;
            print_row(case.name, ours, theirs, |ns| ns / per_op);
        }
    }
    Ok(())
}

/// One run of `bench` on a fresh in-memory database (filled first, for the
/// read and update cases), in one transaction; its time in nanoseconds.
fn measure(jobs: &[Job], bench: Bench, prefill: bool) -> Result<f64, Box<dyn std::error::Error>> {
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
    let elapsed = start.elapsed().as_nanos() as f64;
    tx.commit()?;
    Ok(elapsed)
}

fn print_header() {
    println!(
        "{:<50} {:>22} {:>22} {:>20}",
        "case", "stillroom", "hand-written", "ratio"
    );
}

fn print_row(name: &str, ours: &[f64], theirs: &[f64], unit: impl Fn(f64) -> f64) {
    let ratios: Vec<f64> = ours.iter().zip(theirs).map(|(a, b)| a / b).collect();
    let spread = |xs: &[f64], unit: &dyn Fn(f64) -> f64, digits: usize| {
        let (median, min, max) = stats(xs);
        format!(
            "{:.digits$} ({:.digits$}–{:.digits$})",
            unit(median),
            unit(min),
            unit(max)
        )
    };
    println!(
        "{name:<50} {:>22} {:>22} {:>20}",
        spread(ours, &unit, 0),
        spread(theirs, &unit, 0),
        spread(&ratios, &|r| r, 2),
    );
}

/// Median, min and max.
fn stats(xs: &[f64]) -> (f64, f64, f64) {
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    (
        sorted[sorted.len() / 2],
        sorted[0],
        sorted[sorted.len() - 1],
    )
}

fn insert_all(conn: &Connection, jobs: &[Job]) -> Res {
    Job::insert_all(conn, jobs)?;
    Ok(())
}

fn insert_inserter(conn: &Connection, jobs: &[Job]) -> Res {
    let mut inserter = Job::inserter(conn)?;
    for j in jobs {
        inserter.insert(j)?;
    }
    Ok(())
}

fn insert_each(conn: &Connection, jobs: &[Job]) -> Res {
    jobs.iter().try_for_each(|j| j.insert(conn))?;
    Ok(())
}

fn insert_by_hand(conn: &Connection, jobs: &[Job]) -> Res {
    let mut stmt = conn.prepare(INSERT_SQL)?;
    for j in jobs {
        stmt.execute(rusqlite::params![
            j.id,
            j.status,
            j.progress,
            j.downloaded,
            j.message
        ])?;
    }
    Ok(())
}

fn insert_by_hand_cached(conn: &Connection, jobs: &[Job]) -> Res {
    for j in jobs {
        conn.prepare_cached(INSERT_SQL)?.execute(rusqlite::params![
            j.id,
            j.status,
            j.progress,
            j.downloaded,
            j.message
        ])?;
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
