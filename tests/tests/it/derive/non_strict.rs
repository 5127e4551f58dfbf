//! A plain (non-STRICT) table accepts any declared type.

use stillroom::{Model, SqlType};

#[derive(Model, Debug, PartialEq)]
#[model(table = "legacy_users", strict = false)]
struct LegacyUser {
    #[model(primary_key, sql_type = "VARCHAR(40)")]
    login: String,
    #[model(sql_type = "datetime")]
    seen_at: String,
    #[model(sql_type = "INT")]
    visits: i32,
}

#[test]
fn non_strict() -> stillroom::Result<()> {
    let t = LegacyUser::table();
    assert!(!t.strict);
    assert_eq!(
        t.column("login").expect("login").sql_type,
        SqlType::Declared("VARCHAR(40)".into())
    );
    assert_eq!(
        t.column("seen_at").expect("seen_at").sql_type,
        SqlType::Declared("DATETIME".into())
    );
    assert_eq!(
        t.create_table_sql(),
        "CREATE TABLE \"legacy_users\" (\n    \"login\" VARCHAR(40) NOT NULL PRIMARY KEY,\n    \"seen_at\" DATETIME NOT NULL,\n    \"visits\" INT NOT NULL\n)"
    );

    let conn = rusqlite::Connection::open_in_memory()?;
    conn.execute(&t.create_table_sql(), [])?;
    let user = LegacyUser {
        login: "ada".into(),
        seen_at: "2026-11-24".into(),
        visits: 2,
    };
    user.insert(&conn)?;
    assert_eq!(LegacyUser::all(&conn)?, [user]);
    Ok(())
}
