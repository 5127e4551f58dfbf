// Models of the tables of an existing SQLite database, written by `stillroom::inspect`.
//
// Review them: the names of structs and fields, the Rust type chosen for each column,
// and every note. A note starting with "differs:" marks what a model cannot declare
// exactly; there the database differs from these models.
//
// Then add them to the application and generate the first revision from them
// (`db revision --autogenerate -m "initial"`): `migrate` adopts this database at that
// revision, its schema being the revision's. Where a note says the database differs,
// adoption converts the database to the models' declaration, after checking that every
// stored value fits it (`db adopt --sql` shows the conversion first).

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(strict = false)]
#[model(check = "published IN (0, 1)")]
pub struct Posts {
    #[model(primary_key)]
    pub id: i64,
    #[model(index, references = "users(id)", on_delete = "cascade")]
    pub user_id: i64,
    #[model(sql_type = "VARCHAR(200)")]
    pub title: String,
    #[model(sql_type = "FLOAT")]
    pub score: Option<f64>,
    // declared BOOLEAN (NUMERIC affinity): no column CHECK `IN (0, 1)`, so `i64`, which reads the 0
    // and 1 ORMs store (`bool` would add that CHECK)
    #[model(sql_type = "BOOLEAN")]
    pub published: i64,
    // declared DATETIME (NUMERIC affinity): `String` reads the ISO 8601 text ORMs store; a value
    // that looks like a number (a Unix time) is stored as a number, which it cannot read
    #[model(sql_type = "DATETIME")]
    pub published_at: Option<String>,
}

// differs: a model cannot declare an unnamed UNIQUE constraint; the one on (`email`) is the unique
// index `uq_users_email` here (the same rule)
#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(strict = false)]
pub struct Users {
    #[model(primary_key)]
    pub id: i64,
    #[model(sql_type = "VARCHAR(40)")]
    pub name: String,
    #[model(sql_type = "VARCHAR(120)", unique)]
    pub email: Option<String>,
    // declared BOOLEAN (NUMERIC affinity): no column CHECK `IN (0, 1)`, so `i64`, which reads the 0
    // and 1 ORMs store (`bool` would add that CHECK)
    #[model(sql_type = "BOOLEAN")]
    pub is_admin: i64,
    // declared DATETIME (NUMERIC affinity): `String` reads the ISO 8601 text ORMs store; a value
    // that looks like a number (a Unix time) is stored as a number, which it cannot read
    #[model(sql_type = "DATETIME", default = "CURRENT_TIMESTAMP")]
    pub created_at: String,
}
