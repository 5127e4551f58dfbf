//! The PostgreSQL suite: its tests are in `tests/`, its bench in `benches/`.
//! The PostgreSQL guide's examples compile here, as doc tests, against the
//! runtime with its `postgres` feature.

#[doc = include_str!("../../../docs/POSTGRES.md")]
pub struct PostgresGuide;
