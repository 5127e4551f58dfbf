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
#[model(check = r#""x""q" IS NOT NULL OR "table" IS NULL"#)]
pub struct T2fa {
    #[model(
        primary_key,
        column = r#"x"q"#,
        default = r"'back\slash'",
        check = r#""x""q" NOT LIKE '%\%'"#
    )]
    pub x_q: stillroom::rusqlite::types::Value,
    #[model(column = "UPPER", check = r#""UPPER" >= 0"#)]
    pub upper: String,
    #[model(default = "0x1F")]
    pub count: Option<i64>,
    #[model(column = "CamelCase")]
    pub camel_case: i64,
    #[model(default = "(lower('A'))")]
    pub table: Option<String>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[allow(clippy::duplicated_attributes, reason = "a field may be named in two lists")]
#[model(table = "ORDERS_archive")]
#[model(strict = false)]
#[model(unique(order_date, camel_case, r#name, name = "idx_ORDERS_archive_0"))]
#[model(index(order_date, camel_case, upper, name = "idx_ORDERS_archive_1"))]
#[model(index(r#name, camel_case, name = "idx_ORDERS_archive_2"))]
pub struct OrdersArchive {
    #[model(primary_key, column = "Order Date", sql_type = "TINYINT(1)", default = "'x'")]
    pub order_date: i64,
    #[model(column = "CamelCase", default = "1e3")]
    pub camel_case: Option<f64>,
    // declared STRING (NUMERIC affinity): text that looks like a number is stored as a number, so
    // only `Value` reads every value
    #[model(column = "UPPER", sql_type = "STRING")]
    pub upper: stillroom::rusqlite::types::Value,
    #[model(column = "1st", check = r#""1st" NOT LIKE '%\%'"#)]
    pub c_1st: Option<Vec<u8>>,
    // declared DECIMAL(10,2) (NUMERIC affinity): values are stored as INTEGER or REAL, which `f64`
    // reads; integers beyond 2^53 only approximately (`Value` keeps them exact)
    #[model(sql_type = "DECIMAL(10,2)")]
    pub r#name: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "userRoles")]
#[model(primary_key(r#type, value))]
#[model(index(a_b, crate_, name = "idx_userRoles_0"))]
pub struct UserRoles {
    #[model(column = "crate", sql_type = "INT")]
    pub crate_: i64,
    pub a_b: Option<stillroom::rusqlite::types::Value>,
    #[model(index)]
    pub r#type: stillroom::rusqlite::types::Value,
    #[model(check = r#""value" <> 'a"b'"#)]
    pub value: Vec<u8>,
    #[model(column = r"back\slash", default = "CURRENT_TIMESTAMP")]
    pub back_slash: stillroom::rusqlite::types::Value,
}
