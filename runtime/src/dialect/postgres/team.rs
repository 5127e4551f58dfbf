//! A team's history on PostgreSQL: [`merge`] and [`squash`] as on SQLite,
//! each trying the history it would write on the server, in a scratch
//! schema inside a transaction that is rolled back.

use std::path::Path;

use postgres::Client;

use super::generate::{replay_in, scratch};
use super::introspect::Live;
use super::lexer::split;
use super::render::render;
use super::types::form_schema;
use crate::autogenerate::diff::{DiffOptions, diff_in};
use crate::dialect::Dialect;
use crate::history::History;
use crate::history::team::{self, MergeOptions, Merged, Replayer, Squashed};
use crate::schema::Schema;
use crate::{Error, Result};

/// Puts a PostgreSQL history with two heads into one line: what
/// [`stillroom::merge`](crate::merge) does, the merged history replayed on
/// the server behind `client` (in a scratch schema, rolled back) before
/// anything is written.
///
/// ```no_run
/// # fn main() -> stillroom::Result<()> {
/// let mut client = stillroom::postgres::connect("postgres://dev@localhost/app_dev")?;
/// let models = stillroom::registry()?;
/// let options = stillroom::MergeOptions { schema: Some(models), ..Default::default() };
/// let merged = stillroom::postgres::merge(&mut client, "migrations".as_ref(), options)?;
/// for moved in &merged.moved {
///     println!("{} -> {}", moved.from, moved.to);
/// }
/// # Ok(())
/// # }
/// ```
pub fn merge(client: &mut Client, dir: &Path, options: MergeOptions<'_>) -> Result<Merged> {
    team::merge_with(&mut OnServer { client }, dir, options)
}

/// Folds the revisions from `from` (default: the first) to `to` of a
/// PostgreSQL history into one: what [`stillroom::squash`](crate::squash)
/// does, both histories replayed on the server behind `client` (rolled
/// back) and compared before anything is written.
///
/// ```no_run
/// # fn main() -> stillroom::Result<()> {
/// let mut client = stillroom::postgres::connect("postgres://dev@localhost/app_dev")?;
/// let squashed = stillroom::postgres::squash(&mut client, "migrations".as_ref(), "0040", None)?;
/// println!("{} replaces {}", squashed.path.display(), squashed.replaces.join(", "));
/// # Ok(())
/// # }
/// ```
pub fn squash(client: &mut Client, dir: &Path, to: &str, from: Option<&str>) -> Result<Squashed> {
    team::squash_with(&mut OnServer { client }, dir, to, from)
}

/// Replays in a scratch schema of the server, rolled back each time.
struct OnServer<'c> {
    client: &'c mut Client,
}

impl OnServer<'_> {
    fn replayed(&mut self, history: &History) -> Result<Live> {
        let mut tx = scratch(self.client)?;
        let live = replay_in(&mut tx, history)?;
        tx.rollback()?;
        Ok(live)
    }
}

impl Replayer for OnServer<'_> {
    const DIALECT: Dialect = Dialect::Postgres;

    fn schema(&mut self, history: &History) -> Result<Schema> {
        Ok(self.replayed(history)?.schema)
    }

    fn create_and_drop(&mut self, history: &History) -> Result<(String, String, Vec<String>)> {
        let target = self.replayed(history)?;
        if !target.unsupported.is_empty() {
            // Created from the schema values, the squash would lose them.
            return Err(Error::Unsupported {
                message: format!(
                    "a squash from the first revision creates the schema from what stillroom compares, and the history also makes {}: squash from a later revision (`--from`), whose parts are kept as they are, or move these into a revision after the squashed range (nothing was written)",
                    target.unsupported.join(", ")
                ),
            });
        }
        let create = diff_in(
            Dialect::Postgres,
            &Schema::default(),
            &target.schema,
            DiffOptions::ALLOW_LOSS,
        )?;
        let up = render(&create.ops, &Live::default());
        let drop = diff_in(
            Dialect::Postgres,
            &target.schema,
            &Schema::default(),
            DiffOptions::ALLOW_LOSS,
        )?;
        Ok((up, render(&drop.ops, &target), drop.data_loss))
    }

    fn form(&self, models: &Schema) -> Result<Schema> {
        form_schema(models)
    }

    fn statements<'a>(&self, sql: &'a str) -> Vec<&'a str> {
        split(sql).into_iter().map(|s| s.sql).collect()
    }
}
