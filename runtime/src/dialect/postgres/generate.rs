//! Autogenerate on PostgreSQL: the stored history is replayed in a scratch
//! schema of the server, inside a transaction that is rolled back (so
//! nothing is left behind, even if the process dies), compared with the
//! models, and the new migration tried up and down there before it is
//! written.

use std::path::Path;

use postgres::{Client, GenericClient, Transaction};

use super::backend::run_part;
use super::introspect::{Live, introspect};
use super::render::render;
use super::types::form_schema;
use crate::Result;
use crate::autogenerate::ops::Op;
use crate::autogenerate::scratch::{Part, Scratch};
use crate::autogenerate::{GenerateOptions, Generated, check_with, generate_with};
use crate::dialect::Dialect;
use crate::history::replay::Direction;
use crate::history::{History, Migration};
use crate::schema::Schema;
use crate::verify::compare::{Difference, compare_in};

/// Generates the migration that takes the schema the PostgreSQL migrations
/// in `dir` produce to `schema`, and writes it as the next revision: what
/// [`stillroom::generate`](crate::generate) does for SQLite. The history is
/// replayed on the server behind `client`, in a scratch schema that is
/// rolled back, so any database the user may create schemas in serves (a
/// development database; nothing in it is touched).
///
/// ```no_run
/// # fn main() -> stillroom::Result<()> {
/// let mut client = stillroom::postgres::connect("postgres://dev@localhost/app_dev")?;
/// let models = stillroom::registry()?;
/// stillroom::postgres::generate(&mut client, "migrations".as_ref(), models, "add notes", Default::default())?;
/// # Ok(())
/// # }
/// ```
pub fn generate(
    client: &mut Client,
    dir: &Path,
    schema: &Schema,
    message: &str,
    options: GenerateOptions,
) -> Result<Generated> {
    let mut tx = scratch(client)?;
    let generated = generate_with(&mut OnServer { tx: &mut tx }, dir, schema, message, options)?;
    tx.rollback()?;
    Ok(generated)
}

/// The CI gate on PostgreSQL: fails when the migrations in `dir` do not
/// produce `schema`, listing every difference (the history is replayed in
/// a scratch schema of the server behind `client`, rolled back).
pub fn check(client: &mut Client, dir: impl AsRef<Path>, schema: &Schema) -> Result<()> {
    let mut tx = scratch(client)?;
    let checked = check_with(&mut OnServer { tx: &mut tx }, dir.as_ref(), schema);
    tx.rollback()?;
    checked
}

/// Every difference between the database behind `client` (its current
/// schema) and `schema`, said from the database's side.
pub fn differences(client: &mut Client, schema: &Schema) -> Result<Vec<Difference>> {
    let mut tx = client.transaction()?;
    let live = introspect(&mut tx)?;
    tx.commit()?;
    Ok(compare_in(
        Dialect::Postgres,
        &live.schema,
        &form_schema(schema)?,
    ))
}

/// Reads the tables of the current schema of the database behind `client`
/// and writes Rust source for them, one `#[derive(stillroom::Model)]`
/// struct each: what [`stillroom::inspect`](crate::inspect) does for
/// SQLite, with each column's Rust type the one whose PostgreSQL type it
/// has (`BIGINT` is `i64`, `TIMESTAMPTZ` `chrono::DateTime<chrono::Utc>`,
/// `UUID` `uuid::Uuid`, `JSONB` `serde_json::Value`, ...). Where no Rust
/// type gives the column's type (`VARCHAR(40)`, `NUMERIC(10, 2)`), the
/// nearest one is chosen with a note saying what adoption does with it.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut client = stillroom::postgres::connect("postgres://app@localhost/app")?;
/// std::fs::write("src/models.rs", stillroom::postgres::inspect(&mut client)?)?;
/// # Ok(())
/// # }
/// ```
pub fn inspect(client: &mut Client) -> Result<String> {
    let mut tx = client.transaction()?;
    let live = introspect(&mut tx)?;
    tx.rollback()?;
    let live = crate::LiveSchema {
        schema: live.schema,
        unsupported: live.unsupported,
        ..crate::LiveSchema::default()
    };
    Ok(crate::inspect::models_source_in(Dialect::Postgres, &live))
}

/// A transaction whose search path is a new, empty schema: rolling it back
/// removes the schema and everything in it.
pub(crate) fn scratch(client: &mut Client) -> Result<Transaction<'_>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "stillroom_scratch_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let mut tx = client.transaction()?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA \"{name}\"; SET LOCAL search_path TO \"{name}\""
    ))?;
    Ok(tx)
}

/// Runs every up part of `history` (in the scratch schema) and reads what
/// they made.
pub(crate) fn replay_in(tx: &mut impl GenericClient, history: &History) -> Result<Live> {
    for m in &history.migrations {
        if !m.rust_steps(Direction::Up).is_empty() {
            tracing::warn!(revision = %m.revision, "the replay skips Rust steps on PostgreSQL");
        }
        run_part(tx, m, Direction::Up)?;
    }
    introspect(tx)
}

/// The scratch schema's transaction: autogenerate's scratch database on
/// PostgreSQL.
struct OnServer<'t, 'c> {
    tx: &'t mut Transaction<'c>,
}

impl Scratch for OnServer<'_, '_> {
    const DIALECT: Dialect = Dialect::Postgres;
    type Live = Live;

    fn schema(live: &Live) -> &Schema {
        &live.schema
    }

    fn unsupported(live: &Live) -> &[String] {
        &live.unsupported
    }

    fn form(&self, models: &Schema) -> Result<Schema> {
        form_schema(models)
    }

    fn replay(&mut self, history: &History) -> Result<Live> {
        replay_in(self.tx, history)
    }

    /// Inside a savepoint, so a part that fails leaves the transaction
    /// usable for the error's report.
    fn run(&mut self, m: &Migration, direction: Direction) -> Result<()> {
        let mut savepoint = self.tx.transaction()?;
        run_part(&mut savepoint, m, direction)?;
        savepoint.commit()?;
        Ok(())
    }

    fn introspect(&mut self) -> Result<Live> {
        introspect(self.tx)
    }

    fn render(&self, ops: &[Op], before: &Live) -> Part {
        Part {
            sql: render(ops, before),
            foreign_keys_off: false,
            requires: None,
        }
    }
}
