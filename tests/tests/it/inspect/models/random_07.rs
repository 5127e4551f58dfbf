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
#[model(table = "2fa")]
#[model(unique(pr_nom, name = "idx_2fa_1"))]
#[model(unique(row, name = "idx_2fa_2"))]
#[model(check = r#""row" IS NOT NULL OR "prénom" IS NULL"#)]
pub struct T2fa {
    #[model(primary_key)]
    pub row: Vec<u8>,
    #[model(default = r"'back\slash'")]
    pub _private: stillroom::rusqlite::types::Value,
    #[model(index, default = "NULL")]
    pub r#async: Option<String>,
    #[model(column = "prénom", default = "0", check = r#"length("prénom") > 0"#)]
    pub pr_nom: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "HTTPLog")]
#[model(check = r#""stmt" IS NOT NULL OR "a_b" IS NULL"#)]
pub struct HttpLog {
    #[model(primary_key, default = "(1 + 2)")]
    pub stmt: i64,
    #[model(index, default = "''")]
    pub a_b: stillroom::rusqlite::types::Value,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(primary_key(r#async, order_date, r#where))]
#[model(index(order_date, name = "idx_order_0"))]
#[model(index(r#async, name = "idx_order_1"))]
pub struct Order {
    pub r#async: i64,
    #[model(unique)]
    pub r#where: String,
    pub count: Option<stillroom::rusqlite::types::Value>,
    #[model(default = "NULL")]
    pub order_date: String,
    #[model(column = "crate", default = "''")]
    pub crate_: stillroom::rusqlite::types::Value,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(strict = false)]
#[model(index(r#where, row, r#fn))]
pub struct UserRoles {
    #[model(primary_key, sql_type = "INT")]
    pub row: i64,
    // declared DATE (NUMERIC affinity): `String` reads the ISO 8601 text ORMs store; a value that
    // looks like a number (a Unix time) is stored as a number, which it cannot read
    #[model(sql_type = "DATE")]
    pub value: String,
    #[model(default = "1.5", check = r#""fn" >= 0"#)]
    pub r#fn: f64,
    #[model(column = "a b", check = r#""a b" <> 'a"b'"#)]
    pub a_b: Option<bool>,
    // declared NUMERIC (NUMERIC affinity): values are stored as INTEGER or REAL, which `f64` reads;
    // integers beyond 2^53 only approximately (`Value` keeps them exact)
    #[model(sql_type = "NUMERIC", default = "(lower('A'))")]
    pub r#where: Option<f64>,
}
