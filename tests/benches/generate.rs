//! The cost of generating a revision for 300 models over a long history,
//! split into its parts: reading the files, replaying them on an in-memory
//! database (SQLite's own work), and the rest (introspect, diff, render,
//! write), which must stay small and linear.
//!
//! Then the same for 30, 300 and 1,000 models over a short history (one
//! revision that creates them, one that adds a column to each tenth), where
//! what `generate` does after the replay (comparing, rendering, trying the
//! new revision's up and down parts on the replayed copy) weighs most.
//!
//! Run: `cargo bench -p stillroom-tests --bench generate`.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use stillroom::{
    Column, DiffOptions, GenerateOptions, Generated, History, Index, Migration, Schema, SqlType,
    Table, diff, generate, introspect, render, replay,
};

const TABLES: usize = 300;
const ROUNDS: usize = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    long_histories()?;
    by_models()
}

/// `generate` for 30, 300 and 1,000 models: the replay (reading the files
/// included), and what follows it.
fn by_models() -> Result<(), Box<dyn std::error::Error>> {
    const MODEL_ROUNDS: usize = 15;
    println!(
        "\nmodels, a two-revision history; median (min–max) of {MODEL_ROUNDS} rounds, milliseconds; \
         after the replay = the whole generate's median − the replay's"
    );
    println!(
        "{:>7} {:>22} {:>22} {:>22} {:>22} {:>8}",
        "models", "SQLite alone", "replay", "after the replay", "whole generate", "after/replay"
    );
    for models in [30, 300, 1_000] {
        let dir = std::env::temp_dir().join(format!(
            "stillroom-bench-models-{}-{models}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let next = write_short_history(&dir, models)?;
        let copy = dir.with_extension("gen");
        let (mut replays, mut wholes) = (Vec::new(), Vec::new());
        let mut alone = Vec::new();
        let all: String = History::read(&dir)?
            .migrations
            .iter()
            .map(|m| m.up.as_str())
            .collect();
        for round in 0..=MODEL_ROUNDS {
            // The floor: SQLite alone running the up parts in one batch.
            let conn = rusqlite::Connection::open_in_memory()?;
            let t = Instant::now();
            conn.execute_batch(&format!("BEGIN;\n{all}\nCOMMIT;"))?;
            let alone_time = t.elapsed();
            drop(conn);
            let t = Instant::now();
            let replayed = replay(&History::read(&dir)?)?;
            let replay_time = t.elapsed();
            drop(replayed);
            let _ = std::fs::remove_dir_all(&copy);
            std::fs::create_dir_all(&copy)?;
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                if let Some(name) = path.file_name() {
                    std::fs::copy(&path, copy.join(name))?;
                }
            }
            let t = Instant::now();
            let generated = generate(&copy, &next, "one more", GenerateOptions::default())?;
            let whole = t.elapsed();
            assert!(matches!(generated, Generated::Written { .. }));
            if round > 0 {
                // The first round warms the caches.
                alone.push(alone_time);
                replays.push(replay_time);
                wholes.push(whole);
            }
        }
        // Rounds of the replay alone and of the whole `generate` vary
        // independently: what follows the replay is the difference of the
        // medians.
        let (replay_s, whole_s) = (spread(replays), spread(wholes));
        let after = whole_s.0 - replay_s.0;
        println!(
            "{models:>7} {:>22} {:>22} {:>22} {:>22} {:>8.2}",
            spread(alone).1,
            replay_s.1,
            format!("{after:.2}"),
            whole_s.1,
            after / replay_s.0
        );
        std::fs::remove_dir_all(&dir)?;
        std::fs::remove_dir_all(&copy)?;
    }
    Ok(())
}

/// The median in milliseconds, and "median (min–max)".
fn spread(mut times: Vec<Duration>) -> (f64, String) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median = ms(times[times.len() / 2]);
    (
        median,
        format!(
            "{median:.2} ({:.2}–{:.2})",
            ms(times[0]),
            ms(times[times.len() - 1])
        ),
    )
}

/// Two revisions over `models` tables: the first creates them, the second
/// adds a column to each tenth. Returns the next schema: one more column on
/// the first table.
fn write_short_history(dir: &Path, models: usize) -> Result<Schema, Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let mut tables: Vec<Table> = (0..models).map(table).collect();
    let mut up = String::new();
    for t in &tables {
        for sql in t.create_statements() {
            let _ = writeln!(up, "{sql};");
        }
    }
    write(dir, 1, None, up)?;
    let mut up = String::new();
    for t in tables.iter_mut().step_by(10) {
        let mut column = Column::new("extra", SqlType::Text);
        column.nullable = true;
        let _ = writeln!(
            up,
            "ALTER TABLE {} ADD COLUMN extra TEXT;",
            stillroom::quote_ident(&t.name)
        );
        t.columns.push(column);
    }
    write(dir, 2, Some(1), up)?;
    let mut column = Column::new("one_more", SqlType::Integer);
    column.nullable = true;
    tables[0].columns.push(column);
    Ok(Schema::new(tables)?)
}

/// 300 models over 300 and 1,000 revisions, stage by stage.
fn long_histories() -> Result<(), Box<dyn std::error::Error>> {
    println!("{TABLES} models; median of {ROUNDS} rounds, milliseconds");
    println!(
        "{:>9} {:>8} {:>8} {:>8} {:>10} {:>8} {:>8} {:>10} {:>10}",
        "revisions",
        "read",
        "sqlite",
        "replay",
        "introspect",
        "diff",
        "render",
        "generate",
        "check@head"
    );
    for revisions in [300, 1_000] {
        let dir = std::env::temp_dir().join(format!(
            "stillroom-bench-{}-{revisions}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let (at_head, next) = write_history(&dir, revisions)?;
        let mut rows: Vec<[Duration; 8]> = Vec::new();
        for _ in 0..ROUNDS {
            rows.push(measure(&dir, &at_head, &next)?);
        }
        let median = |i: usize| {
            let mut v: Vec<Duration> = rows.iter().map(|r| r[i]).collect();
            v.sort();
            v[ROUNDS / 2].as_secs_f64() * 1e3
        };
        println!(
            "{revisions:>9} {:>8.1} {:>8.1} {:>8.1} {:>10.1} {:>8.1} {:>8.1} {:>10.1} {:>10.1}",
            median(0),
            median(7),
            median(1),
            median(2),
            median(3),
            median(4),
            median(5),
            median(6)
        );
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(())
}

/// One round: each stage on its own, then a whole `generate` (into a copy of
/// the directory, removed after) and a whole `check` at head.
fn measure(
    dir: &Path,
    at_head: &Schema,
    next: &Schema,
) -> Result<[Duration; 8], Box<dyn std::error::Error>> {
    let t = Instant::now();
    let history = History::read(dir)?;
    let read = t.elapsed();
    let t = Instant::now();
    let replayed = replay(&history)?;
    let replay_time = t.elapsed();
    let t = Instant::now();
    let live = introspect(&replayed.conn)?;
    let introspect_time = t.elapsed();
    let t = Instant::now();
    let d = diff(&live.schema, next, DiffOptions::default())?;
    let diff_time = t.elapsed();
    let t = Instant::now();
    let rendered = render(&d.ops, &live);
    std::hint::black_box(rendered);
    let render_time = t.elapsed();

    let copy = dir.with_extension("gen");
    let _ = std::fs::remove_dir_all(&copy);
    std::fs::create_dir_all(&copy)?;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            std::fs::copy(&path, copy.join(name))?;
        }
    }
    let t = Instant::now();
    let generated = generate(&copy, next, "one more", GenerateOptions::default())?;
    let generate_time = t.elapsed();
    assert!(matches!(generated, Generated::Written { .. }));
    std::fs::remove_dir_all(&copy)?;

    let t = Instant::now();
    stillroom::check(dir, at_head)?;
    let check_time = t.elapsed();
    // The floor: SQLite alone running every up part in one batch.
    let all: String = history.migrations.iter().map(|m| m.up.as_str()).collect();
    let conn = rusqlite::Connection::open_in_memory()?;
    let t = Instant::now();
    conn.execute_batch(&format!("BEGIN;\n{all}\nCOMMIT;"))?;
    let sqlite_time = t.elapsed();
    Ok([
        read,
        replay_time,
        introspect_time,
        diff_time,
        render_time,
        generate_time,
        check_time,
        sqlite_time,
    ])
}

/// A history of `revisions` files over 300 tables: the first creates them,
/// each later one adds a column (and every tenth an index) to one table.
/// Returns the schema at head and a next schema with one more column.
fn write_history(
    dir: &Path,
    revisions: usize,
) -> Result<(Schema, Schema), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    let mut tables: Vec<Table> = (0..TABLES).map(table).collect();
    let mut up = String::new();
    for t in &tables {
        for sql in t.create_statements() {
            let _ = writeln!(up, "{sql};");
        }
    }
    write(dir, 1, None, up)?;
    for r in 2..=revisions {
        let t = &mut tables[r % TABLES];
        let name = format!("extra_{r}");
        let mut column = Column::new(&name, SqlType::Text);
        column.nullable = true;
        let mut up = format!(
            "ALTER TABLE {} ADD COLUMN {} TEXT;\n",
            stillroom::quote_ident(&t.name),
            stillroom::quote_ident(&name)
        );
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
        t.columns.push(column);
        write(dir, r, Some(r - 1), up)?;
    }
    let at_head = Schema::new(tables.clone())?;
    let mut column = Column::new("one_more", SqlType::Integer);
    column.nullable = true;
    tables[0].columns.push(column);
    Ok((at_head, Schema::new(tables)?))
}

fn table(i: usize) -> Table {
    let mut t = Table::new(format!("table_{i:04}"));
    t.columns.push(Column::new("id", SqlType::Integer));
    t.columns.push(Column::new("name", SqlType::Text));
    let mut note = Column::new("note", SqlType::Text);
    note.nullable = true;
    t.columns.push(note);
    t.primary_key.columns.push("id".into());
    t.indexes.push(Index {
        name: format!("ix_table_{i:04}_name"),
        columns: vec!["name".into()],
        unique: false,
    });
    t
}

fn write(dir: &Path, n: usize, parent: Option<usize>, up: String) -> std::io::Result<()> {
    let revision = format!("{n:04}_r");
    let migration = Migration {
        revision: revision.clone(),
        parent: parent.map(|p| format!("{p:04}_r")),
        message: "r".into(),
        dialect: Default::default(),
        requires: Some("3.37.0".into()),
        foreign_keys_off: false,
        data_loss: Vec::new(),
        down_data_loss: Vec::new(),
        replaces: Vec::new(),
        up,
        down: None,
        path: dir.join(format!("{revision}.sql")),
        lines: (0, 0),
        checksum: String::new(),
        text: Default::default(),
    };
    std::fs::write(&migration.path, migration.to_text())
}
