//! stillroom: schema and migrations for SQLite, declared in Rust.
//!
//! `#[derive(Model)]` on a struct declares a table and records it in one
//! global registry ([`registry`]); the same derive gives the struct typed CRUD
//! ([`Model`]). The migration pipeline built on the registry (generate,
//! store, apply, verify) is described in `docs/ARCHITECTURE.md`.
//!
//! ```
//! use stillroom::Model;
//!
//! #[derive(Model, Debug)]
//! #[model(table = "jobs")]
//! struct Job {
//!     #[model(primary_key)]
//!     id: String,
//!     #[model(default = "'queued'")]
//!     status: String,
//!     progress: f64,
//!     #[model(index)]
//!     created_at: String,
//!     message: Option<String>,
//! }
//!
//! # fn main() -> stillroom::Result<()> {
//! let conn = rusqlite::Connection::open_in_memory()?;
//! stillroom::configure(&conn)?;
//! for sql in Job::table().create_statements() {
//!     conn.execute(&sql, [])?;
//! }
//! Job { id: "j1".into(), status: "queued".into(), progress: 0.0,
//!       created_at: "2026-11-24T10:00:00Z".into(), message: None }.insert(&conn)?;
//! assert_eq!(Job::count(&conn)?, 1);
//! # Ok(())
//! # }
//! ```
//!
//! # Features
//!
//! `chrono`, `time`, `uuid` and `serde_json` let model fields hold those
//! crates' types (see [`ColumnType`]).

#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]

// The derive names `::stillroom::...`; this lets the crate's own tests use it.
extern crate self as stillroom;

mod connection;
mod error;
mod model;
mod registry;
mod schema;
mod types;

pub use connection::{BUSY_TIMEOUT, STATEMENT_CACHE_CAPACITY, configure, open};
pub use error::{Error, Result};
pub use model::{AutoIncrement, Model};
pub use registry::{ModelInfo, ModelSet, registered_models, registry};
pub use schema::{
    Action, Column, ForeignKey, Index, PrimaryKey, Problem, Schema, SchemaError, SqlType, Table,
    quote_ident, quote_literal,
};
pub use stillroom_macros::Model;
pub use types::{ColumnType, ValueCheck};

/// What the derive's generated code uses. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::model::Statements;
    pub use crate::registry::ModelEntry;
    pub use inventory;
    pub use rusqlite;
    pub use std::sync::LazyLock;

    use crate::{Column, ColumnType};

    /// The column a field of type `T` gives, before its attributes apply.
    pub fn column<T: ColumnType>(name: &str) -> Column {
        let mut column = Column::new(name, T::SQL_TYPE);
        column.nullable = T::NULLABLE;
        column.checks.extend(T::CHECK.map(|check| check.render(name)));
        column
    }

    /// Binds a field's value (routed through `ColumnType` so an unsupported
    /// field type gives one error that names the trait).
    pub fn bind<T: ColumnType>(
        stmt: &mut rusqlite::Statement<'_>,
        index: usize,
        value: &T,
    ) -> rusqlite::Result<()> {
        stmt.raw_bind_parameter(index, value)
    }

    /// Reads a field's value from a row.
    pub fn read<T: ColumnType, I: rusqlite::RowIndex>(
        row: &rusqlite::Row<'_>,
        index: I,
    ) -> rusqlite::Result<T> {
        row.get(index)
    }

    /// Fails compilation when a key field's type can hold NULL.
    pub const fn assert_key_not_null<T: ColumnType>() {
        assert!(
            !T::NULLABLE,
            "a primary key field cannot be an `Option`: keys must not be NULL"
        );
    }
}
