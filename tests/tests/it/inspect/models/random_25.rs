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
#[model(table = "HTTPLog")]
#[model(primary_key(name, order_date))]
pub struct HttpLog {
    #[model(column = "Order Date", default = "(1 + 2)")]
    pub order_date_2: bool,
    pub order_date: String,
    #[model(column = "prénom", sql_type = "INT", default = "'x'")]
    pub pr_nom: i64,
    pub name: stillroom::rusqlite::types::Value,
    #[model(column = "ref_prénom", references = "order(prénom)", on_update = "cascade")]
    pub ref_pr_nom: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "my table")]
#[model(strict = false)]
pub struct MyTable {
    #[model(
        primary_key,
        sql_type = "INT",
        default = "(lower('A'))",
        check = r#"length("order_date") > 0"#
    )]
    pub order_date: i64,
    // declared NUMERIC (NUMERIC affinity): values are stored as INTEGER or REAL, which `f64` reads;
    // integers beyond 2^53 only approximately (`Value` keeps them exact)
    #[model(column = "a b", sql_type = "NUMERIC", default = "'it''s'")]
    pub a_b: f64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(unique(pr_nom, name = "idx_order_1"))]
pub struct Order {
    #[model(
        primary_key,
        autoincrement,
        column = "prénom",
        index,
        check = r#""prénom" NOT LIKE '%\%'"#
    )]
    pub pr_nom: i64,
    #[model(column = "first-name")]
    pub first_name: bool,
    #[model(sql_type = "INT")]
    pub row: Option<bool>,
    #[model(column = "UPPER", default = "-0.25")]
    pub upper: f64,
}
