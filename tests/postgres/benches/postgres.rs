//! stillroom on PostgreSQL next to hand-written `postgres`-crate code: the
//! no-op start (an up-to-date database) and a fresh apply of 100 and 1,000
//! revisions.
//!
//! Run against a server (each run works in schemas of its own, dropped at
//! the end):
//!
//! ```text
//! cd tests/postgres
//! STILLROOM_TEST_POSTGRES="host=127.0.0.1 user=postgres dbname=test" cargo bench
//! ```
//!
//! Prints medians and spreads (min–max) in milliseconds.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use stillroom::postgres::{Client, Migrator, connect};
use stillroom::{
    Column, Dialect, GenerateOptions, History, Index, Kind, Migration, Schema, SqlType, Table,
};

const TABLES: usize = 100;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let url = std::env::var("STILLROOM_TEST_POSTGRES").map_err(|_| {
        "set STILLROOM_TEST_POSTGRES to a server's connection string, e.g. \
         \"host=127.0.0.1 user=postgres dbname=test\""
    })?;
    let tag = std::process::id();
    let dir = std::env::temp_dir().join(format!("stillroom-pg-bench-{tag}"));
    let _ = std::fs::remove_dir_all(&dir);
    let mut admin = connect(&url)?;
    let result = run(&url, &dir, tag, &mut admin);
    for schema in ["noop", "fresh", "alone"] {
        let _ = admin.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS bench_{schema}_{tag} CASCADE"
        ));
    }
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run(url: &str, dir: &Path, tag: u32, admin: &mut Client) -> Res<()> {
    let in_schema = |name: &str| -> Res<Client> {
        let mut client = connect(url)?;
        client.batch_execute(&format!("SET search_path TO {name}"))?;
        Ok(client)
    };
    let noop = format!("bench_noop_{tag}");
    admin.batch_execute(&format!("CREATE SCHEMA {noop}"))?;
    let (history, schema) = write_history(dir, 1_000, &mut in_schema(&noop)?)?;
    Migrator::new(&history)
        .schema(&schema)
        .migrate(&mut in_schema(&noop)?)?;

    println!(
        "no-op start: {TABLES} tables, 1,000 applied revisions; median (min–max) of 30, milliseconds"
    );
    let connect_only = rounds(30, || {
        let mut client = in_schema(&noop)?;
        client.query_one("SELECT 1", &[])?;
        Ok(())
    })?;
    let by_hand = rounds(30, || {
        let mut client = in_schema(&noop)?;
        let rows = client.query(
            "SELECT revision, checksum FROM stillroom_migrations ORDER BY position",
            &[],
        )?;
        assert_eq!(rows.len(), 1_000);
        Ok(())
    })?;
    let ours = rounds(30, || {
        let mut client = in_schema(&noop)?;
        let report = Migrator::new(&history)
            .schema(&schema)
            .migrate(&mut client)?;
        assert!(report.ran.is_empty() && !report.compared);
        Ok(())
    })?;
    let mut open = in_schema(&noop)?;
    let by_hand_open = rounds(30, || {
        let rows = open.query(
            "SELECT revision, checksum FROM stillroom_migrations ORDER BY position",
            &[],
        )?;
        assert_eq!(rows.len(), 1_000);
        Ok(())
    })?;
    let ours_open = rounds(30, || {
        let report = Migrator::new(&history).schema(&schema).migrate(&mut open)?;
        assert!(report.ran.is_empty());
        Ok(())
    })?;
    let full = rounds(10, || {
        Migrator::new(&history)
            .schema(&schema)
            .check_schema(&mut open)?;
        Ok(())
    })?;
    for (what, s) in [
        ("connect + SELECT 1", &connect_only),
        ("hand-written: connect + read the ledger", &by_hand),
        ("stillroom: connect + migrate", &ours),
        (
            "hand-written: read the ledger (open connection)",
            &by_hand_open,
        ),
        ("stillroom: migrate (open connection)", &ours_open),
        ("full verification (catalog + compare), for scale", &full),
    ] {
        println!("{what:<52} {s}");
    }

    println!(
        "\nfresh apply, all revisions in one transaction; median (min–max) of 5, milliseconds"
    );
    println!(
        "{:>9}  {:<26} {:<26} {:<26}",
        "revisions", "stillroom (verified)", "stillroom (no verify)", "hand-written"
    );
    let fresh = format!("bench_fresh_{tag}");
    let alone = format!("bench_alone_{tag}");
    for n in [100, 1_000] {
        let sub = dir.join(format!("fresh-{n}"));
        admin.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {fresh} CASCADE; CREATE SCHEMA {fresh}"
        ))?;
        let (history, schema) = write_history(&sub, n, &mut in_schema(&fresh)?)?;
        let mut applied = |verification: stillroom::Verification| {
            rounds(5, || {
                admin.batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {fresh} CASCADE; CREATE SCHEMA {fresh}"
                ))?;
                let mut client = in_schema(&fresh)?;
                let t = Instant::now();
                let report = Migrator::new(&history)
                    .schema(&schema)
                    .verification(verification)
                    .migrate(&mut client)?;
                assert_eq!(report.ran.len(), n);
                Ok(t.elapsed())
            })
        };
        let verified = applied(stillroom::Verification::default())?;
        let unverified = applied(stillroom::Verification::Off)?;
        let all: String = history.migrations.iter().map(|m| m.up.as_str()).collect();
        let hand = rounds(5, || {
            admin.batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {alone} CASCADE; CREATE SCHEMA {alone}"
            ))?;
            let mut client = in_schema(&alone)?;
            let t = Instant::now();
            let mut tx = client.transaction()?;
            tx.batch_execute(&all)?;
            tx.commit()?;
            Ok(t.elapsed())
        })?;
        println!(
            "{n:>9}  {:<26} {:<26} {:<26}",
            verified.to_string(),
            unverified.to_string(),
            hand.to_string()
        );
    }
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

/// Something measured `n` times after one warm-up: either the closure's
/// own figure (a `Duration` it returns) or its whole run.
trait Measured {
    fn figure(self, whole: Duration) -> Duration;
}

impl Measured for () {
    fn figure(self, whole: Duration) -> Duration {
        whole
    }
}

impl Measured for Duration {
    fn figure(self, _: Duration) -> Duration {
        self
    }
}

fn rounds<T: Measured>(n: usize, mut f: impl FnMut() -> Res<T>) -> Res<Stats> {
    f()?;
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let out = f()?;
        times.push(out.figure(t.elapsed()));
    }
    times.sort();
    Ok(Stats {
        median: times[n / 2],
        min: times[0],
        max: times[n - 1],
    })
}

fn column(name: &str, sql: SqlType, kind: Kind, nullable: bool) -> Column {
    let mut c = Column::new(name, sql);
    c.kind = Some(kind);
    c.nullable = nullable;
    c
}

/// A history of `revisions` files over [`TABLES`] tables, in `dir`: the
/// first (generated) creates them, each later one adds a column to one
/// table, and every tenth an index. Returns it with the models at head.
fn write_history(dir: &Path, revisions: usize, client: &mut Client) -> Res<(History, Schema)> {
    std::fs::create_dir_all(dir)?;
    let mut tables: Vec<Table> = (0..TABLES)
        .map(|i| {
            let mut t = Table::new(format!("table_{i:03}"));
            t.columns
                .push(column("id", SqlType::Integer, Kind::BigInt, false));
            t.columns
                .push(column("name", SqlType::Text, Kind::Text, false));
            t.columns
                .push(column("note", SqlType::Text, Kind::Text, true));
            t.primary_key.columns.push("id".into());
            t.indexes.push(Index {
                name: format!("ix_table_{i:03}_name"),
                columns: vec!["name".into()],
                unique: false,
            });
            t
        })
        .collect();
    stillroom::postgres::generate(
        client,
        dir,
        &Schema::new(tables.clone())?,
        "tables",
        GenerateOptions::default(),
    )?;
    let first = History::read(dir)?.migrations[0].revision.clone();
    let mut parent = first;
    for r in 2..=revisions {
        let t = &mut tables[r % TABLES];
        let name = format!("extra_{r}");
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
            let _ = writeln!(
                up,
                "CREATE INDEX {} ON {} ({});",
                stillroom::quote_ident(&index.name),
                stillroom::quote_ident(&t.name),
                stillroom::quote_ident(&name)
            );
            t.indexes.push(index);
            t.indexes.sort();
        }
        t.columns
            .push(column(&name, SqlType::Text, Kind::Text, true));
        let revision = format!("{r:04}_r");
        let migration = Migration {
            revision: revision.clone(),
            parent: Some(parent),
            message: "r".into(),
            dialect: Dialect::Postgres,
            requires: None,
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
        std::fs::write(&migration.path, migration.to_text())?;
        parent = revision;
    }
    Ok((History::read(dir)?, Schema::new(tables)?))
}
