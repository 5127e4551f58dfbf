//! The no-op startup: `migrate` on an up-to-date database, on a cold
//! connection each time, next to hand-written rusqlite doing the bare
//! minimum (open, let SQLite parse the schema, read the ledger). Then fresh
//! applies of 100, 1,000 and 3,000 revisions. (`stillroom::migrate` on an
//! embedded set takes the same no-op path without parsing the files; the
//! whole process is compared in `tests/startup`.)
//!
//! Run: `cargo bench -p stillroom-tests --bench startup` (`-- noop`: the
//! no-op startup only).

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use stillroom::__private::EmbeddedFile;
use stillroom::{Column, Index, Migration, Migrations, Migrator, Schema, SqlType, Table};

const TABLES: usize = 300;
const RUNS: usize = 60;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("stillroom-startup-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (files, schema) = build_history(1_000);
    let db = dir.join("app.db");
    {
        let conn = stillroom::open(&db)?;
        let set = Migrations::__new(files, "migrations");
        Migrator::new(set.history()?)
            .schema(&schema)
            .migrate(&conn)?;
    }
    println!(
        "no-op startup, {TABLES} tables, 1,000 applied revisions, cold connection; {RUNS} rounds, each runs the three in turn; microseconds: median (min-max)"
    );
    let open_only = || -> Result<(), Box<dyn std::error::Error>> {
        let conn = Connection::open(&db)?;
        std::hint::black_box(
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                r.get::<_, i64>(0)
            })?,
        );
        Ok(())
    };
    let baseline = || -> Result<(), Box<dyn std::error::Error>> {
        let conn = Connection::open(&db)?;
        let mut stmt =
            conn.prepare("SELECT revision, checksum FROM stillroom_migrations ORDER BY position")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        std::hint::black_box(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        Ok(())
    };
    let set = Migrations::__new(files, "migrations");
    let history = set.history()?;
    let noop = || -> Result<(), Box<dyn std::error::Error>> {
        let conn = Connection::open(&db)?;
        let report = Migrator::new(history).schema(&schema).migrate(&conn)?;
        assert!(report.ran.is_empty() && !report.compared);
        Ok(())
    };
    // In turn, round by round, so a drift in the machine's speed moves all
    // three; the first round warms the page cache and is not counted.
    let mut rounds: Vec<[Duration; 3]> = Vec::with_capacity(RUNS);
    for round in 0..=RUNS {
        let times = [timed(open_only)?, timed(baseline)?, timed(noop)?];
        if round > 0 {
            rounds.push(times);
        }
    }
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let column = |i: usize| -> Vec<f64> { rounds.iter().map(|r| us(r[i])).collect() };
    let ratio = |i: usize| -> Vec<f64> {
        rounds
            .iter()
            .map(|r| r[i].as_secs_f64() / r[0].as_secs_f64())
            .collect()
    };
    row(
        "open + first query (SQLite parses the schema)",
        column(0),
        0,
    );
    row("hand-written: open + read the ledger", column(1), 0);
    row("  ratio to open + first query, round by round", ratio(1), 2);
    row(
        "Migrator::migrate, no-op (the startup summary matches)",
        column(2),
        0,
    );
    row("  ratio to open + first query, round by round", ratio(2), 2);
    let full_check = median(|| {
        let conn = Connection::open(&db)?;
        Migrator::new(history).schema(&schema).check_schema(&conn)?;
        Ok(())
    })?;
    println!(
        "{:<58} {:>8.0}",
        "full verification (introspect + compare), for scale",
        us(full_check)
    );
    if std::env::args().any(|a| a == "noop") {
        std::fs::remove_dir_all(&dir)?;
        return Ok(());
    }

    println!(
        "\nfresh apply (one transaction), milliseconds: stillroom, and SQLite alone running the same up parts in one batch"
    );
    for n in [100, 1_000, 3_000] {
        let (files, schema) = build_history(n);
        let set = Migrations::__new(files, "migrations");
        let history = set.history()?;
        let mut times = Vec::new();
        for round in 0..3 {
            let path = dir.join(format!("fresh-{n}-{round}.db"));
            let conn = stillroom::open(&path)?;
            let t = Instant::now();
            let report = Migrator::new(history).schema(&schema).migrate(&conn)?;
            times.push(t.elapsed());
            assert_eq!(report.ran.len(), n);
        }
        times.sort();
        let all: String = history.migrations.iter().map(|m| m.up.as_str()).collect();
        let conn = Connection::open(dir.join(format!("alone-{n}.db")))?;
        let t = Instant::now();
        conn.execute_batch(&format!("BEGIN;\n{all}\nCOMMIT;"))?;
        let alone = t.elapsed();
        println!(
            "{n:>6} revisions {:>10.1} {:>10.1}",
            times[1].as_secs_f64() * 1e3,
            alone.as_secs_f64() * 1e3
        );
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// One run's wall time.
fn timed(
    f: impl FnOnce() -> Result<(), Box<dyn std::error::Error>>,
) -> Result<Duration, Box<dyn std::error::Error>> {
    let t = Instant::now();
    f()?;
    Ok(t.elapsed())
}

/// `what`: median (min-max) of `values`, with `digits` decimals.
fn row(what: &str, mut values: Vec<f64>, digits: usize) {
    values.sort_by(f64::total_cmp);
    let (min, median, max) = (
        values[0],
        values[values.len() / 2],
        values[values.len() - 1],
    );
    println!("{what:<58} {median:>8.digits$} ({min:.digits$}-{max:.digits$})");
}

fn median(
    mut f: impl FnMut() -> Result<(), Box<dyn std::error::Error>>,
) -> Result<Duration, Box<dyn std::error::Error>> {
    f()?; // warm the OS page cache; every run still opens a new connection
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok(times[RUNS / 2])
}

/// `revisions` migration files over 300 tables (the first creates them, each
/// later one adds a column, every tenth an index), leaked as an embedded
/// set, and the schema they produce.
fn build_history(revisions: usize) -> (&'static [EmbeddedFile], Schema) {
    let mut tables: Vec<Table> = (0..TABLES).map(table).collect();
    let mut files = Vec::with_capacity(revisions);
    let mut up = String::new();
    for t in &tables {
        for sql in t.create_statements() {
            let _ = writeln!(up, "{sql};");
        }
    }
    files.push(file(1, up));
    for r in 2..=revisions {
        let t = &mut tables[r % TABLES];
        let name = format!("extra_{r}");
        let mut up = format!("ALTER TABLE \"{}\" ADD COLUMN \"{name}\" TEXT;\n", t.name);
        if r % 10 == 0 {
            let index = Index {
                name: format!("ix_{}_{name}", t.name),
                columns: vec![name.clone()],
                unique: false,
            };
            let _ = writeln!(up, "{};", index.create_sql(&t.name));
            t.indexes.push(index);
            t.indexes.sort();
        }
        let mut column = Column::new(name, SqlType::Text);
        column.nullable = true;
        t.columns.push(column);
        files.push(file(r, up));
    }
    let schema = match Schema::new(tables) {
        Ok(schema) => schema,
        Err(e) => panic!("benchmark schema is invalid: {e}"),
    };
    (Box::leak(files.into_boxed_slice()), schema)
}

fn file(n: usize, up: String) -> EmbeddedFile {
    let revision = format!("{n:04}_r");
    let migration = Migration {
        revision: revision.clone(),
        parent: (n > 1).then(|| format!("{:04}_r", n - 1)),
        message: "r".into(),
        dialect: Default::default(),
        requires: Some("3.37.0".into()),
        foreign_keys_off: false,
        data_loss: Vec::new(),
        down_data_loss: Vec::new(),
        replaces: Vec::new(),
        up,
        down: None,
        path: Path::new(&format!("{revision}.sql")).to_owned(),
        lines: (0, 0),
        checksum: String::new(),
        text: Default::default(),
    };
    let text: &'static str = Box::leak(migration.to_text().into_boxed_str());
    let name: &'static str = Box::leak(format!("{revision}.sql").into_boxed_str());
    let checksum: &'static str = Box::leak(stillroom::checksum(text).into_boxed_str());
    EmbeddedFile {
        name,
        text,
        checksum,
    }
}

fn table(i: usize) -> Table {
    let mut t = Table::new(format!("table_{i:03}"));
    t.columns.push(Column::new("id", SqlType::Integer));
    t.columns.push(Column::new("name", SqlType::Text));
    t.primary_key.columns.push("id".into());
    t.indexes.push(Index {
        name: format!("ix_table_{i:03}_name"),
        columns: vec!["name".into()],
        unique: false,
    });
    t
}
