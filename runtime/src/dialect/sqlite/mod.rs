//! SQLite's side of the pipeline: what `ALTER TABLE` can do in place, its
//! DDL (rendering, the table rebuild), reading a live schema from its
//! pragmas, its SQL text (lexing, statement splitting, canonical
//! expressions), the version a migration requires, opening a connection
//! the way migrations need it, and the runner's [`Backend`](crate::dialect::backend::Backend):
//! the write lock, the ledger's SQL, running a part, adoption's plan and
//! conversion, the offline script.

pub(crate) mod adopt;
pub(crate) mod alter;
pub(crate) mod backend;
pub(crate) mod connection;
pub(crate) mod ddl;
pub(crate) mod fit;
pub(crate) mod introspect;
pub(crate) mod ledger;
pub(crate) mod offline;
pub(crate) mod render;
pub(crate) mod runner;
pub(crate) mod scratch;
pub(crate) mod sql_text;
pub(crate) mod version;
