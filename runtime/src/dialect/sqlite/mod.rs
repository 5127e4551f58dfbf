//! SQLite's side of the pipeline: what `ALTER TABLE` can do in place, its
//! DDL (rendering, the table rebuild), reading a live schema from its pragmas, its SQL text (lexing,
//! statement splitting, canonical expressions), the version a migration
//! requires, and opening a connection the way migrations need it.

pub(crate) mod alter;
pub(crate) mod connection;
pub(crate) mod introspect;
pub(crate) mod render;
pub(crate) mod runner;
pub(crate) mod sql_text;
pub(crate) mod version;
