//! The example application on PostgreSQL: its PostgreSQL history matches
//! its models (the CI gate for `migrations_postgres/`), and two starts
//! migrate, work and find what the first left, as on SQLite.
//!
//! A test binary of its own: the registry holds anibridge's models only.

use anibridge::app::{Db, work};
use anibridge::models::{ClientTask, EpisodeAvailability, Job};
use stillroom::postgres::{Migrator, Rows as _, connect};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn conninfo() -> String {
    std::env::var("STILLROOM_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!("set STILLROOM_TEST_POSTGRES: this suite runs against a real server")
    })
}

/// A connection whose current schema is a new one, dropped with it.
struct Scratch {
    schema: String,
}

impl Scratch {
    fn new(label: &str) -> Result<Self, Box<dyn std::error::Error>> {
        let schema = format!("anibridge_{label}_{}", std::process::id());
        connect(&conninfo())?.batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))?;
        Ok(Self { schema })
    }

    fn client(&self) -> Result<stillroom::postgres::Client, Box<dyn std::error::Error>> {
        let mut client = connect(&conninfo())?;
        client.batch_execute(&format!("SET search_path TO {}", self.schema))?;
        Ok(client)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(mut client) = connect(&conninfo()) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema));
        }
    }
}

#[test]
fn the_postgresql_migrations_match_the_models() -> TestResult {
    let s = Scratch::new("check")?;
    stillroom::postgres::check(
        &mut s.client()?,
        anibridge::POSTGRES_MIGRATIONS.dir(),
        stillroom::registry()?,
    )?;
    Ok(())
}

#[test]
fn two_starts_migrate_work_and_mark_the_interrupted_job() -> TestResult {
    let s = Scratch::new("starts")?;
    let history = anibridge::POSTGRES_MIGRATIONS.history()?;
    for start in 1..=2 {
        let mut client = s.client()?;
        let report = Migrator::new(history).migrate(&mut client)?;
        assert_eq!(
            report.ran.len(),
            if start == 1 {
                history.migrations.len()
            } else {
                0
            }
        );
        work(&mut Db::Postgres(client))?;
    }
    let mut client = s.client()?;
    assert_eq!(client.count::<Job>()?, 4);
    assert_eq!(client.count_where::<Job>("status = $1", &[&"failed"])?, 1);
    assert_eq!(client.count::<EpisodeAvailability>()?, 4);
    let tasks: Vec<ClientTask> = client.all()?;
    assert_eq!(tasks.len(), 2);
    let done: Option<Job> = client.get(tasks[0].job_id.clone().unwrap_or_default())?;
    assert_eq!(done.map(|j| j.status).as_deref(), Some("completed"));
    let availability: Vec<EpisodeAvailability> = client.select("site = $1", &[&"s.to"])?;
    assert_eq!(availability.len(), 2);
    assert!(
        availability
            .iter()
            .all(|a| a.available && a.extra.is_some())
    );
    Ok(())
}
