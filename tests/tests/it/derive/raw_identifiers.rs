//! Raw identifiers and SQL keywords as names: the `r#` is not part of the
//! column or table name, and every name is quoted in SQL.

use stillroom::Model;

#[derive(Model, Debug, PartialEq)]
#[model(index(r#where))]
struct r#Match {
    #[model(primary_key)]
    r#type: String,
    r#where: i64,
    #[model(column = "group")]
    r#in: Option<String>,
}

#[derive(Model, Debug, PartialEq)]
#[model(table = "order", primary_key(r#select, r#from))]
struct Order {
    r#select: String,
    r#from: String,
}

#[test]
fn raw_identifiers() -> stillroom::Result<()> {
    let t = r#Match::table();
    assert_eq!(t.name, "match");
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["type", "where", "group"]);
    assert_eq!(t.primary_key.columns, ["type"]);
    assert_eq!(t.indexes[0].name, "ix_match_where");
    assert_eq!(
        t.create_table_sql(),
        "CREATE TABLE \"match\" (\n    \"type\" TEXT NOT NULL PRIMARY KEY,\n    \"where\" INTEGER NOT NULL,\n    \"group\" TEXT\n) STRICT"
    );
    assert_eq!(Order::table().primary_key.columns, ["select", "from"]);

    let conn = rusqlite::Connection::open_in_memory()?;
    for sql in r#Match::table()
        .create_statements()
        .into_iter()
        .chain(Order::table().create_statements())
    {
        conn.execute(&sql, [])?;
    }
    let m = r#Match {
        r#type: "final".into(),
        r#where: 3,
        r#in: None,
    };
    m.insert(&conn)?;
    assert_eq!(r#Match::get(&conn, "final")?, Some(m));
    Order {
        r#select: "a".into(),
        r#from: "b".into(),
    }
    .upsert(&conn)?;
    assert_eq!(Order::count(&conn)?, 1);
    Ok(())
}
