//! Where autogenerate tries what it writes: a scratch database of the
//! history's dialect (`dialect/sqlite/scratch.rs`: in memory;
//! `dialect/postgres/generate.rs`: a schema of the server in a transaction
//! that is rolled back). The pipeline over it (replay, diff, render, try
//! up and down, compare, write) is written once, in `mod.rs`.

use crate::Result;
use crate::autogenerate::ops::Op;
use crate::dialect::Dialect;
use crate::history::replay::Direction;
use crate::history::{History, Migration};
use crate::schema::Schema;

/// A migration part rendered for a dialect.
pub(crate) struct Part {
    /// The statements.
    pub(crate) sql: String,
    /// Whether it runs with foreign keys off (SQLite's table rebuilds).
    pub(crate) foreign_keys_off: bool,
    /// The oldest database version that runs it, where the dialect says.
    pub(crate) requires: Option<(u32, u32, u32)>,
}

/// A scratch database of one dialect.
pub(crate) trait Scratch {
    /// The dialect of the histories it replays.
    const DIALECT: Dialect;
    /// A schema as the dialect's introspection reads it.
    type Live;
    /// Its tables, as schema values.
    fn schema(live: &Self::Live) -> &Schema;
    /// What in it cannot be compared, one description each.
    fn unsupported(live: &Self::Live) -> &[String];
    /// The models as this dialect declares them.
    fn form(&self, models: &Schema) -> Result<Schema>;
    /// Runs `history`'s up parts on an empty scratch database (which later
    /// calls work on) and reads what they made.
    fn replay(&mut self, history: &History) -> Result<Self::Live>;
    /// Runs one part of `m` there.
    fn run(&mut self, m: &Migration, direction: Direction) -> Result<()>;
    /// Reads the scratch database's schema now.
    fn introspect(&mut self) -> Result<Self::Live>;
    /// `ops` as SQL, for a database whose schema is `before`.
    fn render(&self, ops: &[Op], before: &Self::Live) -> Part;
}
