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
    #[error("{operation} on table `{table}` failed: {source}\n  SQL: {sql}")]
    Query {
        /// What was being done (`insert`, `get`, `update`, ...).
        operation: &'static str,
        /// The model's table.
        table: String,
        /// The statement that failed.
        sql: String,
        /// SQLite's (or a conversion's) error.
        #[source]
        source: rusqlite::Error,
    },
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
            Self::Query { source, .. } | Self::Sqlite(source) => Some(source),
            Self::Schema(_) => None,
        }
    }
}

/// `Result` with stillroom's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
