//! Fields named like the options of struct-level lists (`name`,
//! `references`, `on_delete`, `on_update`) can be listed in them: an option
//! has a value (`name = "..."`), a field does not.

use stillroom::{Action, Model};

#[derive(Model)]
#[model(table = "owners", primary_key(name, references))]
struct Owner {
    name: String,
    references: i64,
}

#[derive(Model)]
#[model(table = "pets")]
#[model(index(name, on_delete), unique(name, on_update, name = "uq_pet_names"))]
#[model(foreign_key(
    name,
    references,
    references = "owners(name, references)",
    on_delete = "cascade"
))]
struct Pet {
    #[model(primary_key)]
    id: i64,
    name: String,
    references: i64,
    on_delete: String,
    on_update: String,
}

#[test]
fn option_named_fields() -> stillroom::Result<()> {
    let owners = Owner::table();
    assert_eq!(owners.primary_key.columns, ["name", "references"]);
    let pets = Pet::table();
    let index = pets
        .index("ix_pets_name_on_delete")
        .map(|i| i.columns.clone());
    assert_eq!(index, Some(vec!["name".to_owned(), "on_delete".to_owned()]));
    let unique = pets
        .index("uq_pet_names")
        .map(|i| (i.columns.clone(), i.unique));
    assert_eq!(
        unique,
        Some((vec!["name".to_owned(), "on_update".to_owned()], true))
    );
    let fk = &pets.foreign_keys[0];
    assert_eq!(fk.columns, ["name", "references"]);
    assert_eq!(fk.references_table, "owners");
    assert_eq!(fk.references_columns, ["name", "references"]);
    assert_eq!(fk.on_delete, Action::Cascade);
    let conn = stillroom::rusqlite::Connection::open_in_memory()?;
    for sql in stillroom::ModelSet::new()
        .with::<Owner>()
        .with::<Pet>()
        .build()?
        .create_statements()
    {
        conn.execute(&sql, [])?;
    }
    Owner {
        name: "ann".into(),
        references: 1,
    }
    .insert(&conn)?;
    Pet {
        id: 1,
        name: "ann".into(),
        references: 1,
        on_delete: "x".into(),
        on_update: "y".into(),
    }
    .insert(&conn)?;
    assert_eq!(Pet::count(&conn)?, 1);
    Ok(())
}
