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
pub struct Jobs {
    #[model(primary_key, default = "1.5")]
    pub r#fn: f64,
    #[model(column = "UPPER", check = r#""UPPER" NOT LIKE '%\%'"#)]
    pub upper: f64,
    #[model(sql_type = "INT")]
    pub name: i64,
    #[model(column = "a b")]
    pub a_b: stillroom::rusqlite::types::Value,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(index(_private, order_date, name = r#"My Index "0" of user_roles"#))]
#[model(check = r#""fn" IS NOT NULL OR "name" IS NULL"#)]
pub struct UserRoles {
    #[model(primary_key, sql_type = "INT")]
    pub r#fn: i64,
    #[model(default = "42")]
    pub r#where: Option<i64>,
    #[model(column = "Order Date")]
    pub order_date: f64,
    #[model(column = "a b")]
    pub a_b: Option<bool>,
    #[model(default = "x''")]
    pub _private: Option<Vec<u8>>,
    pub name: i64,
}
