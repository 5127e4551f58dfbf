//! stillroom with the pools services use, on a database file: migrate on
//! one pooled connection at startup, then CRUD from many threads or tasks.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use stillroom::Model;
use stillroom_pools::{CONNECTION_INIT, Job, JobEvent, MIGRATIONS};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A database path in a directory of its own, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> std::io::Result<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "stillroom-pools-{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }

    fn db(&self) -> PathBuf {
        self.0.join("app.db")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn job(n: usize) -> Job {
    Job {
        id: format!("job-{n}"),
        status: "queued".into(),
        progress: 0.0,
    }
}

/// The CI gate; `STILLROOM_BLESS=1` writes the first migration instead.
#[test]
fn migrations_match_the_models() -> stillroom::Result<()> {
    if std::env::var_os("STILLROOM_BLESS").is_some() {
        let options = stillroom::GenerateOptions::default();
        stillroom::generate(MIGRATIONS.dir(), stillroom::registry()?, "initial", options)?;
    }
    stillroom::check(MIGRATIONS.dir(), stillroom::registry()?)
}

#[test]
fn r2d2_migrate_at_startup_then_crud_from_threads() -> TestResult {
    let scratch = Scratch::new("r2d2")?;
    let manager = r2d2_sqlite::SqliteConnectionManager::file(scratch.db())
        .with_init(|conn| conn.execute_batch(CONNECTION_INIT));
    let pool = r2d2::Pool::builder().max_size(4).build(manager)?;
    // Startup: one pooled connection migrates before the service serves.
    let report = stillroom::migrate(&*pool.get()?)?;
    assert_eq!(report.ran.len(), MIGRATIONS.len());

    std::thread::scope(|scope| -> TestResult {
        let workers: Vec<_> = (0..4)
            .map(|w| {
                let pool = &pool;
                scope.spawn(move || -> TestResult {
                    let conn = pool.get()?;
                    for n in 0..25 {
                        job(w * 100 + n).insert(&conn)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker.join().map_err(|_| "a worker panicked")??;
        }
        Ok(())
    })?;
    assert_eq!(Job::count(&*pool.get()?)?, 100);
    // A second start (another pool on the same file) has nothing to do.
    let again = stillroom::migrate(&*pool.get()?)?;
    assert!(again.ran.is_empty());
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deadpool_migrate_with_interact_then_crud_from_tasks() -> TestResult {
    let scratch = Scratch::new("deadpool")?;
    let pool =
        deadpool_sqlite::Config::new(scratch.db()).create_pool(deadpool_sqlite::Runtime::Tokio1)?;
    // Startup: migrate on a pooled connection, on a blocking thread.
    let conn = pool.get().await?;
    let applied = conn
        .interact(|conn| {
            conn.execute_batch(CONNECTION_INIT)?;
            stillroom::migrate(conn).map(|report| report.ran.len())
        })
        .await
        .map_err(|e| e.to_string())??;
    assert_eq!(applied, MIGRATIONS.len());
    drop(conn);

    // Request handlers: each task takes a connection and runs its CRUD there.
    let mut handlers = tokio::task::JoinSet::new();
    for n in 0..20 {
        let pool = pool.clone();
        handlers.spawn(async move {
            let conn = pool.get().await.map_err(|e| e.to_string())?;
            conn.interact(move |conn| -> stillroom::Result<()> {
                conn.execute_batch(CONNECTION_INIT)?;
                job(n).insert(conn)?;
                let mut event = JobEvent {
                    id: 0,
                    job_id: format!("job-{n}"),
                    text: "queued".into(),
                };
                stillroom::AutoIncrement::insert_new(&mut event, conn)?;
                Ok(())
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())
        });
    }
    while let Some(done) = handlers.join_next().await {
        done??;
    }
    let conn = pool.get().await?;
    let counts = conn
        .interact(|conn| -> stillroom::Result<(u64, u64)> {
            Ok((Job::count(conn)?, JobEvent::count(conn)?))
        })
        .await
        .map_err(|e| e.to_string())??;
    assert_eq!(counts, (20, 20));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokio_rusqlite_migrate_with_call_then_crud() -> TestResult {
    let scratch = Scratch::new("tokio-rusqlite")?;
    let conn = tokio_rusqlite::Connection::open(scratch.db()).await?;
    let applied = conn
        .call(|conn| {
            stillroom::configure(conn)?;
            stillroom::migrate(conn).map(|report| report.ran.len())
        })
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(applied, MIGRATIONS.len());
    conn.call(|conn| job(1).insert(conn))
        .await
        .map_err(|e| e.to_string())?;
    let found = conn
        .call(|conn| Job::get(conn, "job-1"))
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(found, Some(job(1)));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawn_blocking_around_open_and_migrate() -> TestResult {
    let scratch = Scratch::new("spawn-blocking")?;
    let path = scratch.db();
    // Two instances of a service starting at once: one applies, the other
    // waits for the write lock and finds nothing to do.
    let starts: Vec<_> = (0..2)
        .map(|_| {
            let path = path.clone();
            tokio::task::spawn_blocking(move || -> stillroom::Result<usize> {
                let conn = stillroom::open(&path)?;
                Ok(stillroom::migrate(&conn)?.ran.len())
            })
        })
        .collect();
    let mut applied = Vec::new();
    for start in starts {
        applied.push(start.await??);
    }
    applied.sort_unstable();
    assert_eq!(applied, [0, MIGRATIONS.len()]);
    Ok(())
}
