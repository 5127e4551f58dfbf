//! Column types from the `chrono`, `time`, `uuid` and `serde_json` features,
//! plain and in `Option`, round-tripped through SQLite.
//!
//! Needs `chrono`, `time`, `uuid` and `serde_json` as (dev-)dependencies of
//! stillroom-tests, so that trybuild's project can name their types.

use stillroom::{Model, SqlType};

#[derive(Model, Debug, PartialEq)]
struct Event {
    #[model(primary_key)]
    id: uuid::Uuid,
    day: chrono::NaiveDate,
    clock: chrono::NaiveTime,
    naive: chrono::NaiveDateTime,
    utc: chrono::DateTime<chrono::Utc>,
    local: Option<chrono::DateTime<chrono::Local>>,
    offset: chrono::DateTime<chrono::FixedOffset>,
    t_date: time::Date,
    t_time: time::Time,
    t_primitive: time::PrimitiveDateTime,
    t_offset: time::OffsetDateTime,
    t_utc: Option<time::UtcDateTime>,
    payload: serde_json::Value,
    extra: Option<serde_json::Value>,
    parent: Option<uuid::Uuid>,
}

#[test]
fn feature_types() -> stillroom::Result<()> {
    let t = Event::table();
    let sql_type = |name: &str| {
        t.column(name)
            .unwrap_or_else(|| panic!("no column {name}"))
            .sql_type
            .clone()
    };
    assert_eq!(sql_type("id"), SqlType::Blob);
    assert_eq!(sql_type("parent"), SqlType::Blob);
    for text in [
        "day",
        "clock",
        "naive",
        "utc",
        "local",
        "offset",
        "t_date",
        "t_time",
        "t_primitive",
        "t_offset",
        "t_utc",
        "payload",
        "extra",
    ] {
        assert_eq!(sql_type(text), SqlType::Text, "{text}");
    }
    assert!(t.column("local").expect("local").nullable);
    assert!(!t.column("payload").expect("payload").nullable);

    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("a date");
    let clock = chrono::NaiveTime::from_hms_opt(10, 30, 0).expect("a time");
    let naive = day.and_time(clock);
    let offset = chrono::FixedOffset::east_opt(3600).expect("an offset");
    let t_date = time::Date::from_calendar_date(2026, time::Month::November, 24).expect("a date");
    let t_time = time::Time::from_hms(10, 30, 0).expect("a time");
    let t_primitive = time::PrimitiveDateTime::new(t_date, t_time);
    let event = Event {
        id: uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0),
        day,
        clock,
        naive,
        utc: naive.and_utc(),
        local: None,
        offset: naive
            .and_local_timezone(offset)
            .single()
            .expect("one instant"),
        t_date,
        t_time,
        t_primitive,
        t_offset: t_primitive.assume_utc(),
        t_utc: Some(time::UtcDateTime::new(t_date, t_time)),
        payload: serde_json::json!({ "attempts": 3, "tags": ["a", "b"] }),
        extra: None,
        parent: Some(uuid::Uuid::nil()),
    };

    let conn = rusqlite::Connection::open_in_memory()?;
    for sql in t.create_statements() {
        conn.execute(&sql, [])?;
    }
    event.insert(&conn)?;
    assert_eq!(Event::get(&conn, event.id)?, Some(event));
    Ok(())
}
