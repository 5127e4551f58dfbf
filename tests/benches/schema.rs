//! Reading a database's schema must cost the same per table whatever the
//! number of tables: `introspect` alone, and the full verification a start
//! runs after a schema change (introspect + compare with the models), at
//! 30 to 3,000 tables, next to SQLite's own cost of opening the file and
//! parsing its schema.
//!
//! Run: `cargo bench -p stillroom-tests --bench schema`. Prints, for 30,
//! 200, 300 and 3,000 tables, the median and the spread (min–max) of the
//! rounds in milliseconds: opening the file (SQLite parses its schema),
//! `introspect` and the full verification on that new connection, the full
//! verification on a connection that has the schema parsed already (as the
//! migrating one has at a start), and the cost per table beyond SQLite's own
//! open, in microseconds.

use std::hint::black_box;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use stillroom::{Column, ForeignKey, Index, Schema, SqlType, Table};

const ROUNDS: usize = 15;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("stillroom-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    println!(
        "tables of 4 columns, an index and a foreign key; median (min–max) of {ROUNDS} rounds, \
         milliseconds; µs per table beyond SQLite's open"
    );
    println!(
        "{:>7}  {:<24} {:<24} {:<24} {:<24} {:>9} {:>9}",
        "tables",
        "open + parse (SQLite)",
        "open + introspect",
        "open + verification",
        "verification (open conn)",
        "µs/table",
        "(verify)"
    );
    for n in [30, 200, 300, 3_000] {
        let schema = schema(n)?;
        let path = dir.join(format!("{n}.db"));
        {
            let conn = Connection::open(&path)?;
            let mut sql = String::from("BEGIN;\n");
            for t in schema.tables() {
                for s in t.create_statements() {
                    sql.push_str(&s);
                    sql.push_str(";\n");
                }
            }
            sql.push_str("COMMIT;");
            conn.execute_batch(&sql)?;
        }
        let open = rounds(|| {
            let conn = Connection::open(&path)?;
            black_box(
                conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
                    r.get::<_, i64>(0)
                })?,
            );
            Ok(())
        })?;
        // Each round opens the file first, as a start does; the open's own
        // cost is measured above and subtracted in the per-table figures.
        let introspected = rounds(|| {
            let conn = Connection::open(&path)?;
            let live = stillroom::introspect(&conn)?;
            assert_eq!(live.schema.tables().len(), n);
            Ok(())
        })?;
        let verified = rounds(|| {
            let conn = Connection::open(&path)?;
            assert!(stillroom::differences(&conn, &schema)?.is_empty());
            Ok(())
        })?;
        // As at a start: the connection that migrated has the schema
        // parsed already.
        let conn = Connection::open(&path)?;
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })?;
        let verified_open = rounds(|| {
            assert!(stillroom::differences(&conn, &schema)?.is_empty());
            Ok(())
        })?;
        let per_table = |s: &Stats| (s.median - open.median).as_secs_f64() * 1e6 / n as f64;
        println!(
            "{n:>7}  {:<24} {:<24} {:<24} {:<24} {:>9.1} {:>9.1}",
            open.to_string(),
            introspected.to_string(),
            verified.to_string(),
            verified_open.to_string(),
            per_table(&introspected),
            per_table(&verified),
        );
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        write!(
            f,
            "{:.2} ({:.2}–{:.2})",
            ms(self.median),
            ms(self.min),
            ms(self.max)
        )
    }
}

fn rounds(
    mut f: impl FnMut() -> Result<(), Box<dyn std::error::Error>>,
) -> Result<Stats, Box<dyn std::error::Error>> {
    f()?; // warm the page cache
    let mut times = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok(Stats {
        median: times[ROUNDS / 2],
        min: times[0],
        max: times[ROUNDS - 1],
    })
}

/// `n` tables; each after the first refers to the one before it.
fn schema(n: usize) -> Result<Schema, Box<dyn std::error::Error>> {
    let tables = (0..n).map(|i| {
        let mut t = Table::new(format!("table_{i:05}"));
        t.strict = true;
        t.columns.push(Column::new("id", SqlType::Integer));
        t.columns.push(Column::new("name", SqlType::Text));
        let mut note = Column::new("note", SqlType::Text);
        note.nullable = true;
        t.columns.push(note);
        let mut parent = Column::new("parent_id", SqlType::Integer);
        parent.nullable = true;
        t.columns.push(parent);
        t.primary_key.columns.push("id".into());
        t.indexes.push(Index {
            name: format!("ix_table_{i:05}_name"),
            columns: vec!["name".into()],
            unique: false,
        });
        if i > 0 {
            t.foreign_keys.push(ForeignKey {
                columns: vec!["parent_id".into()],
                references_table: format!("table_{:05}", i - 1),
                references_columns: vec!["id".into()],
                on_delete: Default::default(),
                on_update: Default::default(),
            });
        }
        t
    });
    Ok(Schema::new(tables.collect::<Vec<_>>())?)
}
