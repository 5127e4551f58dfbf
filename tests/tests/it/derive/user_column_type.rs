//! A type of the user's own as a column: `ColumnType` plus rusqlite's
//! `ToSql` and `FromSql`, with a CHECK listing its values.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use stillroom::{ColumnType, Model, SqlType, ValueCheck};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Status {
    Queued,
    Done,
}

impl ToSql for Status {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Status::Queued => "queued",
            Status::Done => "done",
        }
        .into())
    }
}

impl FromSql for Status {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value.as_str()? {
            "queued" => Ok(Status::Queued),
            "done" => Ok(Status::Done),
            other => Err(FromSqlError::Other(
                format!("unknown status {other:?}").into(),
            )),
        }
    }
}

impl ColumnType for Status {
    const SQL_TYPE: SqlType = SqlType::Text;
    const CHECK: Option<ValueCheck> = Some(ValueCheck::OneOf(&["queued", "done"]));
}

#[derive(Model, Debug, PartialEq)]
struct Job {
    #[model(primary_key)]
    id: i64,
    #[model(default = "'queued'")]
    status: Status,
    previous: Option<Status>,
}

#[test]
fn user_column_type() -> stillroom::Result<()> {
    let t = Job::table();
    let status = t.column("status").expect("status");
    assert_eq!(status.sql_type, SqlType::Text);
    assert!(!status.nullable);
    assert_eq!(status.checks, [r#""status" IN ('queued', 'done')"#]);
    let previous = t.column("previous").expect("previous");
    assert!(previous.nullable);
    assert_eq!(previous.checks, [r#""previous" IN ('queued', 'done')"#]);

    let conn = rusqlite::Connection::open_in_memory()?;
    for sql in t.create_statements() {
        conn.execute(&sql, [])?;
    }
    let job = Job {
        id: 1,
        status: Status::Done,
        previous: Some(Status::Queued),
    };
    job.insert(&conn)?;
    assert_eq!(Job::get(&conn, 1)?, Some(job));
    let bad = conn.execute("INSERT INTO job (id, status) VALUES (2, 'lost')", []);
    assert!(
        bad.is_err(),
        "the CHECK rejects a value the enum does not have"
    );
    Ok(())
}
