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
pub struct T2fa {
    #[model(primary_key, column = "1st", check = r#""1st" >= 0"#)]
    pub c_1st: Vec<u8>,
    #[model(default = "CURRENT_TIMESTAMP")]
    pub table: stillroom::rusqlite::types::Value,
    #[model(column = "UPPER", check = r#""UPPER" >= 0"#)]
    pub upper: Option<String>,
    #[model(column = "prénom")]
    pub pr_nom: i64,
    pub r#async: f64,
    #[model(column = "self")]
    pub self_: String,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "HTTPLog")]
pub struct HttpLog {
    #[model(
        primary_key,
        column = "Order Date",
        default = "(lower('A'))",
        check = r#""Order Date" NOT LIKE '%\%'"#
    )]
    pub order_date: String,
    #[model(default = "0x1F", check = r#""count" <> 'a"b'"#)]
    pub count: Option<i64>,
    pub _private: f64,
    #[model(
        references = "ORDERS_archive(UPPER)",
        on_delete = "set default",
        on_update = "set default"
    )]
    pub ref_upper: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "ORDERS_archive")]
pub struct OrdersArchive {
    #[model(primary_key, autoincrement, column = "UPPER", default = "(1 + 2)")]
    pub upper: i64,
    #[model(column = r"back\slash", sql_type = "INT", default = "CURRENT_TIMESTAMP")]
    pub back_slash: Option<i64>,
    #[model(sql_type = "INT")]
    pub stmt: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[allow(clippy::duplicated_attributes, reason = "a field may be named in two lists")]
#[model(unique(pr_nom, row, name = "idx_match_0"))]
#[model(unique(row, name = "idx_match_1"))]
pub struct Match {
    #[model(primary_key, unique, check = r#""row" <> 'a"b'"#)]
    pub row: String,
    #[model(column = "prénom", check = r#""prénom" NOT LIKE '%\%'"#)]
    pub pr_nom: String,
}
