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
#[model(table = "userRoles")]
#[model(strict = false)]
pub struct UserRoles {
    #[model(primary_key, default = "42")]
    pub table: i64,
    pub value: Option<stillroom::rusqlite::types::Value>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = r#"x"y"#)]
#[model(strict = false)]
pub struct XY {
    // declared DATETIME (NUMERIC affinity): `String` reads the ISO 8601 text ORMs store; a value
    // that looks like a number (a Unix time) is stored as a number, which it cannot read
    #[model(primary_key, sql_type = "DATETIME", default = "CURRENT_TIMESTAMP")]
    pub r#async: String,
    #[model(sql_type = "FLOAT")]
    pub row: f64,
    pub r#where: stillroom::rusqlite::types::Value,
    #[model(sql_type = "UNSIGNED BIG INT", check = r#""gen" NOT LIKE '%\%'"#)]
    pub r#gen: i64,
    // declared NUMERIC (NUMERIC affinity): values are stored as INTEGER or REAL, which `f64` reads;
    // integers beyond 2^53 only approximately (`Value` keeps them exact)
    #[model(sql_type = "NUMERIC")]
    pub a_b: f64,
    #[model(
        column = r#"x"q"#,
        sql_type = "TINYINT(1)",
        index,
        default = "NULL",
        check = r#""x""q" <> 'a"b'"#
    )]
    pub x_q: i64,
}
