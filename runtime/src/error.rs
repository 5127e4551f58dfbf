//! The crate's error type.

use crate::schema::SchemaError;

/// Everything that can go wrong in stillroom.
///
/// Each variant carries its context (table, statement, problems) and its
/// message says what to do where a remedy is known.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A statement stillroom ran for a model failed.
    #[error(transparent)]
    Query(Box<QueryError>),
    /// Any other SQLite error.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// The models do not form a valid schema.
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

impl Error {
    /// The underlying rusqlite error, if this error came from SQLite, to match
    /// on constraint violations and the like.
    ///
    /// ```
    /// # use stillroom::Error;
    /// fn is_constraint(e: &Error) -> bool {
    ///     e.sqlite_error().and_then(|e| e.sqlite_error_code())
    ///         == Some(rusqlite::ErrorCode::ConstraintViolation)
    /// }
    /// ```
    pub fn sqlite_error(&self) -> Option<&rusqlite::Error> {
        match self {
            Self::Query(query) => Some(&query.source),
            Self::Sqlite(source) => Some(source),
            _ => None,
        }
    }
}

/// A statement that failed, with what it was for.
#[derive(Debug, thiserror::Error)]
#[error("{operation} on table `{table}` failed: {source}\n  SQL: {sql}")]
pub struct QueryError {
    /// What was being done (`insert`, `get`, `update`, `introspect`, ...).
    pub operation: &'static str,
    /// The table it concerned.
    pub table: String,
    /// The statement that failed.
    pub sql: String,
    /// SQLite's (or a conversion's) error.
    #[source]
    pub source: rusqlite::Error,
}

impl Error {
    pub(crate) fn query(
        operation: &'static str,
        table: &str,
        sql: &str,
        source: rusqlite::Error,
    ) -> Self {
        Self::Query(Box::new(QueryError {
            operation,
            table: table.to_owned(),
            sql: sql.to_owned(),
            source,
        }))
    }
}

/// `Result` with stillroom's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
