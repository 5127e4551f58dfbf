//! The integration tests, in one binary so the bundled SQLite is linked once.
//!
//! `registry.rs` and `embedded.rs` are binaries of their own: they test the
//! global model registry and the default migration set, which see every model
//! and every `embed_migrations!` linked into their binary.

mod adopt;
mod common;
mod concurrency;
mod connection;
mod crud;
mod derive;
mod diff;
mod generate;
mod history;
mod inspect;
mod migrate;
mod migration_properties;
mod readme;
mod rebuild;
mod refusals;
mod render;
mod steps;
mod team;
mod types;
