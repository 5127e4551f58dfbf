//! A composite primary key and a composite foreign key to it.

use stillroom::{Action, Model, ModelSet};

#[derive(Model, Debug, PartialEq)]
#[model(primary_key(slug, season))]
struct Season {
    season: i64,
    slug: String,
    title: String,
}

#[derive(Model, Debug, PartialEq)]
#[model(table = "episodes")]
#[model(foreign_key(
    show,
    season,
    references = "season(slug, season)",
    on_delete = "cascade",
    on_update = "cascade"
))]
struct Episode {
    #[model(primary_key)]
    show: String,
    #[model(primary_key)]
    season: i64,
    #[model(primary_key)]
    number: i64,
    aired: bool,
}

#[test]
fn composite_key() -> stillroom::Result<()> {
    let seasons = Season::table();
    assert_eq!(seasons.name, "season");
    assert_eq!(
        seasons.primary_key.columns,
        ["slug", "season"],
        "key order is the attribute's"
    );
    assert!(
        seasons
            .create_table_sql()
            .contains(r#"PRIMARY KEY ("slug", "season")"#)
    );

    let episodes = Episode::table();
    assert_eq!(episodes.primary_key.columns, ["show", "season", "number"]);
    let fk = &episodes.foreign_keys[0];
    assert_eq!(fk.columns, ["show", "season"]);
    assert_eq!(fk.references_columns, ["slug", "season"]);
    assert_eq!(
        (fk.on_delete, fk.on_update),
        (Action::Cascade, Action::Cascade)
    );
    assert!(episodes.column("aired").expect("aired").checks[0].contains("IN (0, 1)"));

    let schema = ModelSet::new()
        .with::<Season>()
        .with::<Episode>()
        .build()
        .expect("a valid schema");
    let conn = rusqlite::Connection::open_in_memory()?;
    stillroom::configure(&conn)?;
    for sql in schema.create_statements() {
        conn.execute(&sql, [])?;
    }
    Season {
        season: 1,
        slug: "dark".into(),
        title: "One".into(),
    }
    .insert(&conn)?;
    let episode = Episode {
        show: "dark".into(),
        season: 1,
        number: 3,
        aired: true,
    };
    episode.insert(&conn)?;
    let key: (String, i64, i64) = ("dark".into(), 1, 3);
    assert_eq!(Episode::get(&conn, key)?, Some(episode));
    assert_eq!(
        Season::get(&conn, ("dark".to_owned(), 1))?.map(|s| s.title),
        Some("One".into())
    );
    assert!(Season::delete_by_key(&conn, ("dark".to_owned(), 1))?);
    assert_eq!(Episode::count(&conn)?, 0);
    Ok(())
}
