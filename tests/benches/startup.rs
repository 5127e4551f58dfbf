//! The no-op startup: `migrate` on an up-to-date database, on a cold
//! connection each time, next to hand-written rusqlite doing the bare
//! minimum (open, let SQLite parse the schema, read the ledger). Then fresh
//! applies of 100, 1,000 and 3,000 revisions. (`stillroom::migrate` on an
//! embedded set takes the same no-op path without parsing the files; the
//! whole process is compared in `tests/startup`.)
//!
//! Run: `cargo bench -p stillroom-tests --bench startup`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use stillroom::__private::EmbeddedFile;
use stillroom::{Column, Index, Migration, Migrations, Migrator, Schema, SqlType, Table};

const TABLES: usize = 300;
const RUNS: usize = 30;

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
        "no-op startup, {TABLES} tables, 1,000 applied revisions, cold connection; median of {RUNS}, microseconds"
    );
    let baseline = median(|| {
        let conn = Connection::open(&db)?;
        let mut stmt =
            conn.prepare("SELECT revision, checksum FROM stillroom_migrations ORDER BY position")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        std::hint::black_box(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        Ok(())
    })?;
    let open_only = median(|| {
        let conn = Connection::open(&db)?;
        std::hint::black_box(
            conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                r.get::<_, i64>(0)
            })?,
        );
        Ok(())
    })?;
    let set = Migrations::__new(files, "migrations");
    let history = set.history()?;
    let parsed = median(|| {
        let conn = Connection::open(&db)?;
        let report = Migrator::new(history).schema(&schema).migrate(&conn)?;
        assert!(report.ran.is_empty() && !report.compared);
        Ok(())
    })?;
    let full_check = median(|| {
        let conn = Connection::open(&db)?;
        Migrator::new(history).schema(&schema).check_schema(&conn)?;
        Ok(())
    })?;
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{:<58} {:>8.0}",
        "open + first query (SQLite parses the schema)",
        us(open_only)
    );
    println!(
        "{:<58} {:>8.0}",
        "hand-written: open + read the ledger",
        us(baseline)
    );
    println!(
        "{:<58} {:>8.0}",
        "Migrator::migrate, no-op (the startup summary matches)",
        us(parsed)
    );
    println!(
        "{:<58} {:>8.2}",
        "  ratio to open + first query",
        parsed.as_secs_f64() / open_only.as_secs_f64()
    );
    println!(
        "{:<58} {:>8.0}",
        "full verification (introspect + compare), for scale",
        us(full_check)
    );

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
